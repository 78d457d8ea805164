package io.dblock.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.descriptor.AbstractTestDescriptor;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestIdentifier;
import org.opentest4j.TestAbortedException;

class SkipReportTest {

    @Test
    void listsEachSkippedTestUnderItsReason() {
        SkipReport report = new SkipReport();
        report.executionSkipped(test("onMySql"), "DBLOCK_TEST_MYSQL_URL is not set");
        report.executionSkipped(test("onMySqlToo"), "DBLOCK_TEST_MYSQL_URL is not set");
        report.executionFinished(
                test("onVirtualThreads"),
                TestExecutionResult.aborted(
                        new TestAbortedException("Assumption failed: virtual threads need JDK 21+\nmore")));
        report.executionFinished(test("passes"), TestExecutionResult.successful());

        assertThat(report.report())
                .isEqualTo("\n[dblock-testing] 3 tests skipped, by reason:\n"
                        + "  2 x DBLOCK_TEST_MYSQL_URL is not set\n"
                        + "      SkipReportTest.onMySql\n"
                        + "      SkipReportTest.onMySqlToo\n"
                        + "  1 x virtual threads need JDK 21+\n"
                        + "      SkipReportTest.onVirtualThreads\n");
    }

    @Test
    void namesTheBindingAContractWasSkippedIn() {
        UniqueId id = UniqueId.forEngine("junit-jupiter")
                .append("class", "io.dblock.MariaDb114Test")
                .append("nested-class", "VirtualThreads")
                .append("method", "aThousandVirtualThreads()");
        SkipReport report = new SkipReport();
        report.executionSkipped(TestIdentifier.from(descriptor(id, "aThousandVirtualThreads")), "needs JDK 21+");

        assertThat(report.report()).contains("      MariaDb114Test$VirtualThreads.aThousandVirtualThreads\n");
    }

    @Test
    void saysNothingWhenNothingWasSkipped() {
        SkipReport report = new SkipReport();
        report.executionFinished(test("passes"), TestExecutionResult.successful());

        assertThat(report.report()).isEmpty();
    }

    private static TestIdentifier test(String method) {
        return TestIdentifier.from(
                descriptor(UniqueId.forEngine("junit-jupiter").append("method", method), method));
    }

    private static TestDescriptor descriptor(UniqueId id, String method) {
        return new AbstractTestDescriptor(id, method, MethodSource.from(SkipReportTest.class.getName(), method)) {
            @Override
            public Type getType() {
                return Type.TEST;
            }
        };
    }
}
