package io.dblock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Usage errors of the inspection commands, found before any connection is tried: every URL here points at a port
 * nobody listens on, so reaching the server would show as exit code 5 instead of 2.
 */
class InspectionUsageTest {

    private static final String NOWHERE = "jdbc:postgresql://127.0.0.1:1/nothing?connectTimeout=1";

    @ParameterizedTest
    @ValueSource(strings = {"locks", "waits"})
    void missingUrlIsAUsageError(String command) {
        CliRun run = CliRun.inProcess(command);

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.err())
                .startsWith("Missing required option: '--url=<jdbc-url>'")
                .contains("Try 'dblock " + command + " --help' for more information.");
    }

    @Test
    void cancelNeedsAConnectionIdAndAUrl() {
        CliRun run = CliRun.inProcess("cancel", "--url", NOWHERE);

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.err()).startsWith("Missing required parameter: '<connection-id>'");
        assertThat(CliRun.inProcess("terminate", "12", "--yes").exitCode()).isEqualTo(2);
        assertThat(CliRun.inProcess("cancel", "twelve", "--url", NOWHERE).exitCode())
                .isEqualTo(2);
    }

    @Test
    void aPasswordOnTheCommandLineIsRefusedWithoutBeingEchoed() {
        CliRun run = CliRun.inProcess("locks", "--url", NOWHERE, "--password", "s3cr3t-value");

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.err()).startsWith("--password is not accepted").contains("DBLOCK_PASSWORD");
        assertThat(run.out() + run.err()).doesNotContain("s3cr3t-value");
        assertThat(CliRun.inProcess("waits", "--url", NOWHERE, "--password=s3cr3t-value")
                        .err())
                .startsWith("--password is not accepted")
                .doesNotContain("s3cr3t-value");
    }

    @Test
    void anUnsetPasswordVariableIsAUsageError() {
        CliRun run = CliRun.inProcess("locks", "--url", NOWHERE, "--password-env", "NO_SUCH_VARIABLE");

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.err()).startsWith("--password-env names $NO_SUCH_VARIABLE, which is not set");
    }

    @Test
    void aPasswordPromptNeedsAConsole() {
        CliRun run = CliRun.inProcess("locks", "--url", NOWHERE, "--password-prompt");

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.err()).startsWith("--password-prompt needs a console");
        assertThat(CliRun.inProcess("locks", "--url", NOWHERE, "--password-prompt", "--password-env", "X")
                        .err())
                .startsWith("--password-prompt and --password-env exclude each other");
    }

    @Test
    void onlyPostgresMariaDbAndMysqlUrlsAreAccepted() {
        CliRun run = CliRun.inProcess("waits", "--url", "jdbc:oracle:thin:@db:1521/app");

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.err()).startsWith("--url must start with jdbc:postgresql:, jdbc:mariadb: or jdbc:mysql:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "0.05", "86401", "soon"})
    void watchMustBeAPositiveNumberOfSeconds(String seconds) {
        CliRun run = CliRun.inProcess("locks", "--url", NOWHERE, "--watch", seconds);

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.err())
                .containsAnyOf("--watch must be from 0.1 to 86400 seconds", "Invalid value for option '--watch'");
    }

    @Test
    void filtersThatCannotMatchAnythingAreUsageErrors() {
        assertThat(CliRun.inProcess("locks", "--url", NOWHERE, "--waiting", "--granted")
                        .err())
                .startsWith("--waiting and --granted exclude each other");
        assertThat(CliRun.inProcess("locks", "--url", NOWHERE, "--table", "a.b.c")
                        .err())
                .startsWith("--table: table name 'a.b.c' has more than one dot");
        CliRun badKey = CliRun.inProcess("locks", "--url", NOWHERE, "--key", "99999999999999999999");
        assertThat(badKey.exitCode()).isEqualTo(2);
        assertThat(badKey.err()).contains("does not fit a 64-bit key");
        assertThat(CliRun.inProcess("locks", "--url", NOWHERE, "--format", "xml")
                        .exitCode())
                .isEqualTo(2);
    }

    @Test
    void anUnreachableServerIsExitCodeFiveWithAOneLineReason() {
        CliRun run = CliRun.inProcess("locks", "--url", NOWHERE, "--user", "nobody");

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(5);
        assertThat(run.err()).startsWith("dblock locks failed: could not connect to detect the database engine");
        assertThat(run.out()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"locks", "waits", "cancel", "terminate"})
    void everyInspectionCommandHasHelpWithItsExitCodes(String command) {
        CliRun run = CliRun.inProcess(command, "--help");

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.out())
                .startsWith("Usage: dblock " + command)
                .contains("--url=<jdbc-url>", "--password-env=<variable>", "--password-prompt", "DBLOCK_PASSWORD")
                .contains("Exit codes:", "  0   ", "  2   Usage error", "  3   Refused", "  5   Connection failure")
                .doesNotContain("--password=");
    }

    @Test
    void cancelAndTerminateDocumentNoSuchSessionAndTerminateItsQuestion() {
        assertThat(CliRun.inProcess("cancel", "--help").out()).contains("  1   No such session");
        assertThat(CliRun.inProcess("terminate", "--help").out())
                .contains("  1   No such session", "-y, --yes", "Terminate without asking.");
        assertThat(CliRun.inProcess("locks", "--help").out()).contains("  4   Unsupported", "--format=table|json");
    }
}
