package io.dblock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The top-level command: help, version and usage errors, without any database. */
class DblockCommandTest {

    @Test
    void helpExitsZeroAndListsTheSubcommandsAndExitCodes() {
        CliRun run = CliRun.inProcess("--help");

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.out())
                .startsWith("Usage: dblock")
                .containsPattern("(?m)^  locks  ")
                .containsPattern("(?m)^  waits  ")
                .containsPattern("(?m)^  cancel  ")
                .containsPattern("(?m)^  terminate  ")
                .containsPattern("(?m)^  demo  ")
                .contains("Exit codes:", "  1   No such session", "  4   Unsupported");
    }

    @Test
    void versionIsTheProjectVersion() {
        CliRun run = CliRun.inProcess("--version");

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.lines().get(0)).matches("dblock \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }

    @Test
    void demoHasItsOwnHelp() {
        CliRun run = CliRun.inProcess("help", "demo");

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.out()).startsWith("Usage: dblock demo").contains("--url=<jdbc-url>");
    }

    @Test
    void anUnknownSubcommandIsAUsageErrorWithASuggestion() {
        CliRun run = CliRun.inProcess("lock");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .startsWith("Unmatched argument at index 0: 'lock'")
                .contains("locks");
    }

    @Test
    void noSubcommandIsAUsageError() {
        CliRun run = CliRun.inProcess();

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("Missing subcommand").contains("Usage: dblock");
    }
}
