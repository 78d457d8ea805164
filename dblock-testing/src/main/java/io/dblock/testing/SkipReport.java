package io.dblock.testing;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Lists every skipped test with the reason it was skipped, at the end of a test run: tests disabled by a condition
 * (an engine that cannot run here, such as {@code Engine.MYSQL_EXTERNAL} without {@value TestDatabase#MYSQL_URL_ENV})
 * and tests aborted by an assumption (a JDK without virtual threads, a tool that is missing). Build tools count skipped
 * tests but do not say why; this says why, grouped by reason, on standard output and in {@code
 * target/skipped-tests.txt} when the run's working directory has a {@code target} directory (Maven's layout).
 *
 * <p>Registered with the JUnit Platform launcher through {@code META-INF/services}, so it runs wherever the kit is on
 * the test class path. Prints nothing when nothing was skipped. Thread-safe (tests may run in parallel).
 */
public final class SkipReport implements TestExecutionListener {

    private final Map<String, List<String>> byReason = new LinkedHashMap<>();

    /** Creates the listener; the JUnit Platform launcher does this. */
    public SkipReport() {}

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        add(test, reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            add(test, result.getThrowable().map(SkipReport::firstLine).orElse("aborted, no reason given"));
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        String report = report();
        if (report.isEmpty()) {
            return;
        }
        PrintStream out = System.out;
        out.print(report);
        out.flush();
        Path target = Path.of("target");
        if (Files.isDirectory(target)) {
            try {
                Files.writeString(target.resolve("skipped-tests.txt"), report, StandardCharsets.UTF_8);
            } catch (IOException e) {
                out.println("(could not write target/skipped-tests.txt: " + e + ")");
            }
        }
    }

    /** The report: a heading, then per reason how many tests and which; empty if none was skipped. */
    synchronized String report() {
        if (byReason.isEmpty()) {
            return "";
        }
        int total = byReason.values().stream().mapToInt(List::size).sum();
        StringBuilder report = new StringBuilder("\n[dblock-testing] ")
                .append(total)
                .append(total == 1 ? " test" : " tests")
                .append(" skipped, by reason:\n");
        byReason.forEach((reason, tests) -> {
            report.append("  ")
                    .append(tests.size())
                    .append(" x ")
                    .append(reason)
                    .append('\n');
            for (String test : tests) {
                report.append("      ").append(test).append('\n');
            }
        });
        return report.toString();
    }

    private synchronized void add(TestIdentifier test, String reason) {
        String why = reason == null || reason.isBlank() ? "no reason given" : reason.strip();
        byReason.computeIfAbsent(why, r -> new ArrayList<>()).add(name(test));
    }

    /**
     * {@code Binding$Nested.method} from the test's unique id, so that a contract bound to several engines names the
     * binding it was skipped in; else the class and method of its source.
     */
    private static String name(TestIdentifier test) {
        StringBuilder name = new StringBuilder();
        String method = null;
        for (UniqueId.Segment segment : test.getUniqueIdObject().getSegments()) {
            switch (segment.getType()) {
                case "class" ->
                    name.append(segment.getValue().substring(segment.getValue().lastIndexOf('.') + 1));
                case "nested-class" -> name.append('$').append(segment.getValue());
                case "method", "test-template", "test-factory" -> method = segment.getValue();
                default -> {}
            }
        }
        if (name.length() > 0) {
            return method == null ? name.toString() : name + "." + method.replaceFirst("\\(.*", "");
        }
        return test.getSource()
                .filter(MethodSource.class::isInstance)
                .map(source -> {
                    MethodSource found = (MethodSource) source;
                    String type = found.getClassName();
                    return type.substring(type.lastIndexOf('.') + 1) + "." + found.getMethodName();
                })
                .orElse(test.getDisplayName());
    }

    /** An assumption's message without JUnit's "Assumption failed: " prefix, on one line. */
    private static String firstLine(Throwable aborted) {
        String message = aborted.getMessage() == null ? aborted.toString() : aborted.getMessage();
        message = message.replace("Assumption failed: ", "")
                .replace("assumption was not met due to: ", "")
                .strip();
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end).strip();
    }
}
