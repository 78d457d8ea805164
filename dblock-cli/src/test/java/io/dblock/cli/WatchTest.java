package io.dblock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.LockFailedException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class WatchTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final AtomicInteger taken = new AtomicInteger();
    private final Supplier<List<String>> snapshot = () -> List.of("snapshot " + taken.incrementAndGet());

    private Watch watch(Watch.Mode mode) {
        return new Watch(new PrintWriter(out), new PrintWriter(err), mode, "dblock locks", Duration.ofMillis(1));
    }

    @Test
    void onATerminalEachSnapshotClearsTheScreenUnderAHeader() throws Exception {
        watch(Watch.Mode.CLEAR).run(snapshot, 2);

        assertThat(out.toString())
                .matches(
                        "(?s)\\Q\033[H\033[2J\\Edblock locks, every 1 ms \\(Ctrl-C to stop\\)  \\d\\d:\\d\\d:\\d\\d\\R\\R"
                                + "snapshot 1\\R"
                                + "\\Q\033[H\033[2J\\E.*\\R\\Rsnapshot 2\\R");
    }

    @Test
    void elsewhereEachSnapshotStartsWithASeparatorLine() throws Exception {
        watch(Watch.Mode.SEPARATOR).run(snapshot, 3);

        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(6).doesNotContain("\033");
        assertThat(lines.get(0)).matches("--- \\d\\d:\\d\\d:\\d\\d  dblock locks, every 1 ms ---");
        assertThat(lines.subList(1, 6))
                .containsExactly("snapshot 1", lines.get(2), "snapshot 2", lines.get(4), "snapshot 3");
        assertThat(lines.get(4)).startsWith("--- ");
    }

    @Test
    void jsonSnapshotsAreJustOneLineEach() throws Exception {
        watch(Watch.Mode.LINES).run(snapshot, 2);

        assertThat(out.toString().lines()).containsExactly("snapshot 1", "snapshot 2");
    }

    @Test
    void aFailedRefreshIsReportedAndTheNextOneTried() throws Exception {
        Supplier<List<String>> flaky = () -> {
            if (taken.incrementAndGet() == 1) {
                throw new LockFailedException("connection refused", null, "PostgreSQL", null, null);
            }
            return List.of("snapshot " + taken.get());
        };

        watch(Watch.Mode.SEPARATOR).run(flaky, 2);

        assertThat(out.toString())
                .contains("Refresh failed, trying again in 1 ms: connection refused")
                .contains("snapshot 2");
    }

    @Test
    void inJsonAFailedRefreshGoesToStandardErrorSoStandardOutputStaysJson() throws Exception {
        Supplier<List<String>> flaky = () -> {
            if (taken.incrementAndGet() == 1) {
                throw new LockFailedException("connection refused", null, "PostgreSQL", null, null);
            }
            return List.of("{}");
        };

        watch(Watch.Mode.LINES).run(flaky, 2);

        assertThat(out.toString().lines()).containsExactly("{}");
        assertThat(err.toString()).contains("connection refused");
    }
}
