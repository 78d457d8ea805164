package io.dblock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.LockKey;
import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The inspection commands of the jar against the embedded MariaDB 11.4, plus what only MySQL-family servers do. */
@DatabaseTest(engine = Engine.MARIADB_11_4)
class MariaDb114InspectionIT extends InspectionCommandsContract {

    MariaDb114InspectionIT() {
        super(InspectedEngine.MARIADB);
    }

    @Test
    void aUserWhoCannotReadPerformanceSchemaIsRefusedNamingThePrivilege() throws Exception {
        String password = "blind-" + Long.toHexString(System.nanoTime());
        createUser("dblock_cli_blind", password, false);

        CliRun run = jar.run(
                Map.of(ConnectionOptions.PASSWORD_ENV, password),
                "",
                List.of("locks", "--url", db.jdbcUrl(), "--user", "dblock_cli_blind"));

        // a missing privilege (exit code 3), not a server that cannot show its locks (4): performance_schema is on
        assertThat(run.exitCode()).as(run.describe()).isEqualTo(3);
        assertThat(run.err()).startsWith("dblock locks failed: ").contains("SELECT privilege on performance_schema");
    }

    /** Only here: the embedded PostgreSQL trusts local connections and asks for no password. */
    @Test
    void aMissingPasswordSaysWhereOneCanComeFrom() throws Exception {
        createUser("dblock_cli_forgetful", "Pw-" + Long.toHexString(System.nanoTime()), true);

        CliRun run = jar.run(Map.of(), "", List.of("locks", "--url", db.jdbcUrl(), "--user", "dblock_cli_forgetful"));

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(5);
        assertThat(run.err())
                .startsWith("dblock locks failed: could not connect: the server wants a password and none was given")
                .contains("Set $DBLOCK_PASSWORD, name another variable with --password-env NAME, or use"
                        + " --password-prompt at a console")
                .contains("caused by: io.dblock.LockFailedException: could not connect to detect the database engine");
    }

    /** In-process, with a scripted console: the jar's console cannot be driven from a test. */
    @Test
    void thePasswordIsAskedForOnTheConsoleWhenTheServerWantsOne() throws Exception {
        String password = "typed-" + Long.toHexString(System.nanoTime());
        createUser("dblock_cli_typist", password, true);

        ScriptedTerminal asked = ScriptedTerminal.plain().password(password);
        CliRun prompted = CliRun.inProcess(
                asked, "waits", "--url", db.jdbcUrl(), "--user", "dblock_cli_typist", "--password-prompt");
        ScriptedTerminal askedAfterRefusal = ScriptedTerminal.plain().password(password);
        CliRun retried =
                CliRun.inProcess(askedAfterRefusal, "waits", "--url", db.jdbcUrl(), "--user", "dblock_cli_typist");
        ScriptedTerminal noConsole = ScriptedTerminal.plain();
        CliRun refused = CliRun.inProcess(noConsole, "waits", "--url", db.jdbcUrl(), "--user", "dblock_cli_typist");

        assertThat(prompted.exitCode()).as(prompted.describe()).isZero();
        assertThat(asked.passwordPrompts()).containsExactly("Password for dblock_cli_typist: ");
        assertThat(retried.exitCode()).as(retried.describe()).isZero();
        assertThat(askedAfterRefusal.passwordPrompts()).containsExactly("Password for dblock_cli_typist: ");
        assertThat(refused.exitCode()).as(refused.describe()).isEqualTo(5);
        assertThat(refused.err()).contains("Access denied for user 'dblock_cli_typist'");
        for (CliRun run : List.of(prompted, retried, refused)) {
            assertThat(run.out() + run.err()).doesNotContain(password);
        }
    }

    @Test
    void aMysqlUrlGoesThroughMariaDbConnectorJ() throws Exception {
        long holder = contender("alice").hold(LockKey.of(8101L));
        String url = db.jdbcUrl().replace("jdbc:mariadb:", "jdbc:mysql:");

        CliRun run = jar.run(
                Map.of(ConnectionOptions.PASSWORD_ENV, db.password()),
                "",
                List.of("locks", "--url", url, "--user", db.user(), "--width", "0"));

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.lines()).anyMatch(line -> line.matches(row(holder, "advisory", "8101", "EXCLUSIVE", "granted")));
    }

    @Test
    void namesAndQueriesAreEscapedInJson() throws Exception {
        // MariaDB keeps user-lock names in utf8mb3: characters outside the BMP come back as '?'
        LockKey key = LockKey.of("quote\" backslash\\ tab\t é 日本");
        contender("alice").hold(key);

        // no --key: a non-ASCII argument would depend on the platform's encoding of command lines
        CliRun run = dblock("locks", "--format", "json");

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.out())
                .contains(
                        "\"key\":{\"kind\":\"NAME\",\"name\":\"quote\\\" backslash\\\\ tab\\t \\u00e9 \\u65e5\\u672c\"}")
                .matches("\\p{ASCII}*");
    }
}
