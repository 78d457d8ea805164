package io.dblock.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dblock.DbLocks;
import io.dblock.LockException;
import io.dblock.LockKey;
import io.dblock.inspect.LockFilter;
import io.dblock.inspect.LockInspector;
import io.dblock.testing.Await;
import io.dblock.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code locks}, {@code waits}, {@code cancel} and {@code terminate} as users run them: the shaded jar in a JVM of its
 * own, against a real server on which the test sets up real contention with {@link Contender}s. One subclass per
 * engine.
 *
 * <p>Advisory keys are numbers here, which both engines show the same way; how names show is engine-specific (only the
 * number on PostgreSQL), see {@link #locksFindsANamedKeyByItsName()}.
 */
abstract class InspectionCommandsContract {

    /** How long the server may take to show a wait or the end of a session. */
    static final Duration SERVER_LIMIT = Duration.ofSeconds(10);

    static final String TABLE = "cli_orders";

    /** The status cell of a waiting request: {@code waiting}, perhaps with how long ({@code waiting 1m 05s}). */
    static final String WAITING = "waiting( \\S+)*?";

    @TempDir
    Path workDir;

    TestDatabase db;
    DataSource dataSource;
    LockInspector inspector;
    DblockJar jar;
    boolean postgres;

    private final InspectedEngine engine;
    private final List<Contender> contenders = new ArrayList<>();
    private boolean serverProcessStarted;

    InspectionCommandsContract(InspectedEngine engine) {
        this.engine = engine;
    }

    @BeforeEach
    void setUp(DataSource dataSource, TestDatabase db) throws SQLException {
        this.db = db;
        this.dataSource = dataSource;
        this.inspector = DbLocks.create(dataSource).inspector();
        this.jar = new DblockJar(workDir);
        this.postgres = db.engine().equals("PostgreSQL");
        execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id int)");
    }

    /** Closes the contenders in the order they came: holders first, so every wait ends with a grant. */
    @AfterEach
    void closeContenders() throws InterruptedException {
        for (Contender contender : contenders) {
            contender.close();
        }
    }

    Contender contender(String name) {
        Contender contender = new Contender(name, dataSource);
        contenders.add(contender);
        return contender;
    }

    /** Runs {@code dblock command --url ... --user ... args...} with the password in {@code DBLOCK_PASSWORD}. */
    CliRun dblock(String command, String... args) throws Exception {
        return dblockWithInput("", command, args);
    }

    CliRun dblockWithInput(String stdin, String command, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(command, "--url", db.jdbcUrl(), "--user", db.user()));
        all.addAll(List.of(args));
        return jar.run(Map.of(ConnectionOptions.PASSWORD_ENV, db.password()), stdin, all);
    }

    /** Waits until the server shows a session waiting for {@code key}; returns that session's id. */
    long awaitWaiting(LockKey key) {
        LockFilter waiting = LockFilter.all().key(key).granted(false);
        Await.until(SERVER_LIMIT, "a session waiting for " + key, () -> !inspector
                .locks(waiting)
                .isEmpty());
        return inspector.locks(waiting).get(0).connectionId();
    }

    boolean holds(long connectionId, LockKey key) {
        return inspector
                        .locks(LockFilter.all()
                                .key(key)
                                .connection(connectionId)
                                .granted(true))
                        .size()
                == 1;
    }

    void execute(String... statements) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /** The first column of every row, as longs. */
    List<Long> queryLongs(String sql) {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                java.sql.ResultSet rows = statement.executeQuery(sql)) {
            List<Long> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getLong(1));
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The word the waiting statement contains: {@code pg_advisory_lock} or {@code GET_LOCK}. */
    String advisoryWaitFunction() {
        return postgres ? "pg_advisory_lock" : "GET_LOCK";
    }

    /** A line of the locks table: the connection, then the given cells, each followed by at least two spaces. */
    static String row(long connectionId, String... cells) {
        StringBuilder pattern = new StringBuilder("^").append(connectionId);
        for (String cell : cells) {
            pattern.append(" {2,}").append(cell);
        }
        return pattern.append("( .*)?$").toString();
    }

    static int indexOfMatch(List<String> lines, String regex) {
        Pattern pattern = Pattern.compile(regex);
        for (int i = 0; i < lines.size(); i++) {
            if (pattern.matcher(lines.get(i)).matches()) {
                return i;
            }
        }
        throw new AssertionError("no line matches " + regex + " in\n" + String.join("\n", lines));
    }

    @Test
    void locksShowsTheHolderAndTheWaiter() throws Exception {
        LockKey key = LockKey.of(7001L);
        long holder = contender("alice").hold(key);
        contender("carol").request(key);
        long waiter = awaitWaiting(key);

        CliRun run = dblock("locks", "--width", "0");

        assertThat(run.exitCode()).as(run.describe()).isZero();
        List<String> lines = run.lines();
        assertThat(lines.get(0)).matches("CONN +KIND +TARGET +MODE +STATUS +USER +APPLICATION +STATE +QUERY");
        int held = indexOfMatch(lines, row(holder, "advisory", "7001", "EXCLUSIVE", "granted", db.user()));
        int waiting = indexOfMatch(
                lines, row(waiter, "advisory", "7001", "EXCLUSIVE", WAITING, db.user(), "\\S.*", "active"));
        assertThat(lines.get(waiting)).contains(advisoryWaitFunction());
        assertThat(held).as("holders first").isLessThan(waiting);
        assertThat(lines).last().isEqualTo("2 locks: 1 granted, 1 waiting.");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void locksShowsADblockHoldersLabelInsteadOfItsHousekeeping() throws Exception {
        LockKey key = LockKey.of(7010L);
        long holder = contender("alice").hold(key);
        Await.until(
                SERVER_LIMIT,
                "the holder's keepalive labelled its session",
                () -> inspector.locks(LockFilter.all().connection(holder)).stream()
                        .anyMatch(lock -> lock.session().isDblockHolder()));
        String label = "dblock " + ProcessHandle.current().pid() + "@[a-z0-9-]+";

        CliRun run = dblock("locks", "--width", "0", "--connection", Long.toString(holder));
        CliRun json = dblock("locks", "--format", "json", "--connection", Long.toString(holder));

        assertThat(run.exitCode()).as(run.describe()).isZero();
        System.out.println(db.engine() + ": " + String.join("\n", run.lines()));
        int held = indexOfMatch(run.lines(), row(holder, "advisory", "7010", "EXCLUSIVE", "granted", db.user()));
        assertThat(run.lines().get(held))
                .matches(".* idle +" + label + ": holds session locks, idle$")
                .doesNotContain("typinput")
                .doesNotContain("tcp_keepalives");
        assertThat(json.exitCode()).as(json.describe()).isZero();
        assertThat(json.out()).containsPattern("\"dblockLabel\":\"" + label + "\"");
    }

    @Test
    void locksFiltersByStatusConnectionKeyAndTable() throws Exception {
        LockKey contended = LockKey.of(7101L);
        LockKey quiet = LockKey.of(7102L);
        Contender alice = contender("alice");
        long holder = alice.hold(contended);
        alice.hold(quiet);
        contender("carol").request(contended);
        long waiter = awaitWaiting(contended);

        assertThat(dblock("locks", "--waiting").lines())
                .hasSize(3)
                .anyMatch(line -> line.matches(row(waiter, "advisory", "7101", "EXCLUSIVE", WAITING)))
                .last()
                .isEqualTo("1 lock: 0 granted, 1 waiting.");
        assertThat(dblock("locks", "--granted").out()).contains("2 locks: 2 granted, 0 waiting.");
        assertThat(dblock("locks", "--connection", Long.toString(holder)).lines())
                .filteredOn(line -> line.startsWith(holder + " "))
                .hasSize(2);
        assertThat(dblock("locks", "--key", "7102").lines())
                .hasSize(3)
                .anyMatch(line -> line.matches(row(holder, "advisory", "7102", "EXCLUSIVE", "granted")));
        CliRun none = dblock("locks", "--key", "7103", "--granted");
        assertThat(none.exitCode()).isZero();
        assertThat(none.out()).isEqualTo("No locks match key 7103 and granted." + System.lineSeparator());
        assertThat(dblock("locks", "--table", TABLE).out()).startsWith("No locks match table " + TABLE + ".");
    }

    @Test
    void locksFindsANamedKeyByItsName() throws Exception {
        LockKey key = LockKey.of("cli:named \"key\"");
        long holder = contender("alice").hold(key);

        CliRun run = dblock("locks", "--key", "cli:named \"key\"", "--width", "0");

        assertThat(run.exitCode()).as(run.describe()).isZero();
        // PostgreSQL keeps only the 64-bit hash of a name, and this JVM is not the jar's; MariaDB keeps the name
        String shown = postgres ? Long.toString(LockKey.hash("cli:named \"key\"")) : Pattern.quote(key.toString());
        assertThat(run.lines()).hasSize(3).anyMatch(line -> line.matches(row(holder, "advisory", shown, "EXCLUSIVE")));
    }

    @Test
    void locksShowsTableLocksWithTheirModes() throws Exception {
        contender("alice").holdTableForWriting(TABLE);
        contender("carol").requestTableForReading(TABLE);
        Await.until(SERVER_LIMIT, "a session waiting for " + TABLE, () -> !inspector
                .locks(LockFilter.all().table(TABLE).granted(false))
                .isEmpty());

        CliRun run = dblock("locks", "--table", TABLE, "--width", "0");

        assertThat(run.exitCode()).as(run.describe()).isZero();
        String table = Pattern.quote((postgres ? "public." : "dblock.") + TABLE);
        assertThat(run.lines())
                .anyMatch(line -> line.matches("\\d+ +table +" + table + " +"
                        + (postgres ? "ACCESS_EXCLUSIVE" : "WRITE") + " +granted +.* idle( in transaction)?( .*)?"))
                .anyMatch(line -> line.matches("\\d+ +table +" + table + " +\\S+ +waiting.*"));
    }

    @Test
    void locksAsJsonIsOneDocumentWithEveryLock() throws Exception {
        LockKey key = LockKey.of(7201L);
        long holder = contender("alice").hold(key);
        contender("carol").request(key);
        long waiter = awaitWaiting(key);

        CliRun run = dblock("locks", "--format", "json");

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.lines()).hasSize(1);
        assertThat(run.out())
                .startsWith("{\"engine\":\"" + db.engine() + "\",\"serverVersion\":\"")
                .contains("\"pooler\":\"NONE\"")
                .contains("{\"connectionId\":" + holder + ",\"kind\":\"ADVISORY\",\"target\":\"advisory 7201\","
                        + "\"table\":null,\"key\":{\"kind\":\"LONG\",\"value\":7201,\"valueString\":\"7201\"},\"mode\":\"EXCLUSIVE\","
                        + "\"granted\":true,")
                .contains("{\"connectionId\":" + waiter + ",\"kind\":\"ADVISORY\"")
                .containsPattern("\"granted\":false,\"waitingSince\":\"[^\"]+\",\"waitedMillis\":\\d+,\"session\":"
                        + "\\{\"connectionId\":" + waiter + ",\"user\":\"" + db.user() + "\"")
                .contains("\"state\":\"ACTIVE\"");
    }

    /** alice holds A; bob holds B and waits for A; carol waits for B: alice, bob under her, carol under him. */
    @Test
    void waitsShowsAThreeLevelChainAsOneTree() throws Exception {
        LockKey a = LockKey.of(7301L);
        LockKey b = LockKey.of(7302L);
        long alice = contender("alice").hold(a);
        Contender bobsClient = contender("bob");
        long bob = bobsClient.hold(b);
        bobsClient.request(a);
        awaitWaiting(a);
        contender("carol").request(b);
        long carol = awaitWaiting(b);
        Await.until(SERVER_LIMIT, "the chain in the wait tree", () -> inspector.waitTree().stream()
                .anyMatch(root -> root.depth() == 3));

        CliRun run = dblock("waits", "--width", "0");

        assertThat(run.exitCode()).as(run.describe()).isZero();
        String waited = "waits( \\d\\S* (s|ms))?";
        assertThat(run.lines())
                .satisfiesExactly(
                        header -> assertThat(header).matches("SESSION +STATE +WAIT +USER +APPLICATION +QUERY"),
                        root -> assertThat(root).matches(alice + " +\\S.* +holds, blocks 2 +" + db.user() + " .*"),
                        middle -> assertThat(middle)
                                .matches("`-- " + bob + " +active +" + waited + " for advisory 7301 EXCLUSIVE +"
                                        + db.user() + " .*" + advisoryWaitFunction() + ".*"),
                        leaf -> assertThat(leaf)
                                .matches("    `-- " + carol + " +active +" + waited + " for advisory 7302 EXCLUSIVE +"
                                        + db.user() + " .*" + advisoryWaitFunction() + ".*"),
                        count -> assertThat(count).isEqualTo("2 waiting, behind 1 blocking session."));
        List<String> lines = run.lines();
        int stateColumn = lines.get(0).indexOf("STATE");
        assertThat(lines.subList(1, 4)).allSatisfy(line -> assertThat(line.charAt(stateColumn - 1))
                .isEqualTo(' ')
                .satisfies(space -> assertThat(line.charAt(stateColumn)).isNotEqualTo(' ')));

        CliRun json = dblock("waits", "--format", "json");
        assertThat(json.exitCode()).as(json.describe()).isZero();
        assertThat(json.out())
                .containsPattern("\"waitTree\":\\[\\{\"session\":\\{\"connectionId\":" + alice + ",.*?"
                        + "\"waitingFor\":null,\"waitedMillis\":null,\"blockedCount\":2,\"blockedBy\":\\[\\],\"repeated\":false,"
                        + "\"blocks\":\\[\\{\"session\":\\{\"connectionId\":" + bob
                        + ",.*?\"blockedCount\":1,\"blockedBy\":"
                        + "\\[" + alice + "\\],\"repeated\":false,\"blocks\":\\[\\{\"session\":\\{\"connectionId\":"
                        + carol
                        + ",.*?\"blockedCount\":0,\"blockedBy\":\\[" + bob + "\\],\"repeated\":false,"
                        + "\"blocks\":\\[\\]\\}\\]\\}\\]\\}\\]\\}");
    }

    /**
     * s1 and s2 hold a shared lock, x1 waits for it exclusively and s3 (shared) waits behind x1: x1 shows under both
     * holders, each blocking 2, and ending only one of them would not free it.
     */
    @Test
    void waitsShowsAWaiterUnderEachOfItsBlockers() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(postgres, "shared advisory locks are PostgreSQL's");
        LockKey key = LockKey.of(7351L);
        long s1 = contender("s1").holdShared(key);
        long s2 = contender("s2").holdShared(key);
        contender("x1").request(key);
        long x1 = awaitWaiting(key);
        contender("s3").requestShared(key);
        Await.until(
                SERVER_LIMIT,
                "s3 waits behind x1",
                () -> inspector.locks(LockFilter.all().key(key).granted(false)).size() == 2);
        long s3 = inspector.locks(LockFilter.all().key(key).granted(false)).stream()
                .filter(l -> l.connectionId() != x1)
                .findFirst()
                .orElseThrow()
                .connectionId();
        long low = Math.min(s1, s2);
        long high = Math.max(s1, s2);

        CliRun run = dblock("waits", "--width", "0");

        assertThat(run.exitCode()).as(run.describe()).isZero();
        String waited = "waits( \\d\\S* (s|ms))?";
        String rest = "  +" + db.user() + " .*";
        assertThat(run.lines())
                .as(run.describe())
                .satisfiesExactly(
                        header -> assertThat(header).matches("SESSION +STATE +WAIT +USER +APPLICATION +QUERY"),
                        root -> assertThat(root).matches(low + " +idle +holds, blocks 2" + rest),
                        under -> assertThat(under)
                                .matches("`-- " + x1 + " +active +" + waited
                                        + " for advisory 7351 EXCLUSIVE, blocked by " + low + ", " + high + rest),
                        behind -> assertThat(behind)
                                .matches("    `-- " + s3 + " +active +" + waited + " for advisory 7351 SHARED" + rest),
                        root -> assertThat(root).matches(high + " +idle +holds, blocks 2" + rest),
                        again -> assertThat(again)
                                .matches("`-- " + x1 + " +active +" + waited
                                        + " for advisory 7351 EXCLUSIVE, blocked by " + low + ", " + high
                                        + "; blocks 1, shown above" + rest),
                        count -> assertThat(count).isEqualTo("2 waiting, behind 2 blocking sessions."));
        System.out.println("dblock waits, shared holders:\n" + run.out());

        CliRun json = dblock("waits", "--format", "json");
        assertThat(json.exitCode()).as(json.describe()).isZero();
        assertThat(json.out())
                .containsPattern(
                        "\\{\"session\":\\{\"connectionId\":" + low + ",.*?\"blockedCount\":2,\"blockedBy\":\\[\\],"
                                + "\"repeated\":false,\"blocks\":\\[\\{\"session\":\\{\"connectionId\":" + x1 + ",.*?"
                                + "\"blockedCount\":1,\"blockedBy\":\\[" + low + "," + high + "\\],\"repeated\":false,"
                                + "\"blocks\":\\[\\{\"session\":\\{\"connectionId\":" + s3 + ",")
                .containsPattern(
                        "\\{\"session\":\\{\"connectionId\":" + high + ",.*?\"blockedCount\":2,\"blockedBy\":\\[\\],"
                                + "\"repeated\":false,\"blocks\":\\[\\{\"session\":\\{\"connectionId\":" + x1 + ",.*?"
                                + "\"blockedCount\":1,\"blockedBy\":\\[" + low + "," + high + "\\],\"repeated\":true,"
                                + "\"blocks\":\\[\\]\\}\\]\\}\\]\\}$");
    }

    /** A 64-bit key above 2^53, which JavaScript and jq would round, is also given exactly as a string. */
    @Test
    void locksAsJsonGivesLongKeysExactlyAsStrings() throws Exception {
        contender("alice").hold(LockKey.of(Long.MAX_VALUE));

        CliRun run = dblock("locks", "--format", "json");

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.out())
                .contains("\"key\":{\"kind\":\"LONG\",\"value\":9223372036854775807,"
                        + "\"valueString\":\"9223372036854775807\"}");
    }

    /** Server processes that are not client sessions are refused with exit code 3, and live on. */
    @Test
    void cancelAndTerminateRefuseServerProcesses() throws Exception {
        long process = serverProcess();
        for (String command : List.of("terminate", "cancel")) {
            CliRun run = command.equals("terminate")
                    ? dblock("terminate", "--yes", Long.toString(process))
                    : dblock("cancel", Long.toString(process));

            assertThat(run.exitCode()).as(run.describe()).isEqualTo(3);
            assertThat(run.err())
                    .startsWith("dblock " + command + " failed: refusing to " + command)
                    .contains("not a client session");
            assertThat(run.out()).isEmpty();
        }
        assertThat(serverProcessAlive(process)).as("the process lives on").isTrue();
    }

    /** A server process that is not a client session: the autovacuum launcher, the event scheduler. */
    private long serverProcess() throws SQLException {
        if (!engine.startServerProcess().isEmpty()) {
            execute(engine.startServerProcess().toArray(String[]::new));
            serverProcessStarted = true;
        }
        Await.until(SERVER_LIMIT, "a server process that is not a client session", () -> !queryLongs(
                        engine.serverProcesses())
                .isEmpty());
        return queryLongs(engine.serverProcesses()).get(0);
    }

    private boolean serverProcessAlive(long id) {
        return queryLongs(engine.serverProcesses()).contains(id);
    }

    @AfterEach
    void stopServerProcess() throws SQLException {
        if (serverProcessStarted) {
            execute(engine.stopServerProcess().toArray(String[]::new));
        }
    }

    @Test
    void waitsWithNobodyWaitingSaysSo() throws Exception {
        contender("alice").hold(LockKey.of(7401L));

        CliRun run = dblock("waits");

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.lines()).containsExactly("Nobody is waiting for a lock.");
    }

    @Test
    void cancelEndsTheWaitersWaitAndLeavesItsSession() throws Exception {
        LockKey key = LockKey.of(7501L);
        long holder = contender("alice").hold(key);
        Future<Long> waiting = contender("carol").request(key);
        long waiter = awaitWaiting(key);

        CliRun run = dblock("cancel", Long.toString(waiter));

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.out())
                .isEqualTo("Cancelled the running statement of session " + waiter + "; the session stays connected."
                        + System.lineSeparator());
        assertThatThrownBy(() -> Contender.get(waiting)).isInstanceOf(LockException.class);
        assertThat(holds(holder, key)).isTrue();
    }

    @Test
    void terminateWithYesEndsTheHolderAndFreesItsLock() throws Exception {
        LockKey key = LockKey.of(7601L);
        long holder = contender("alice").hold(key);
        Future<Long> next = contender("carol").request(key);
        long waiter = awaitWaiting(key);

        CliRun run = dblock("terminate", "--yes", Long.toString(holder));

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.out()).startsWith("Terminated session " + holder + ": ");
        assertThat(Contender.get(next)).as("the waiter gets the lock").isEqualTo(waiter);
        assertThat(holds(holder, key)).isFalse();
    }

    @Test
    void terminateAsksFirstAndAnswerNoLeavesTheSessionAlone() throws Exception {
        LockKey key = LockKey.of(7701L);
        long holder = contender("alice").hold(key);
        contender("carol").request(key);
        Await.until(SERVER_LIMIT, "carol blocked by alice in the wait tree", () -> inspector.waitTree().stream()
                .anyMatch(root -> root.session().connectionId() == holder && root.blockedCount() == 1));

        CliRun run = dblockWithInput("n\n", "terminate", Long.toString(holder));

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.out()).isEqualTo("Left session " + holder + " alone." + System.lineSeparator());
        assertThat(run.err())
                .startsWith("Session " + holder + " (user " + db.user())
                .contains(System.lineSeparator() + "  holds advisory 7701 EXCLUSIVE" + System.lineSeparator())
                .contains(System.lineSeparator() + "  and blocks 1 session." + System.lineSeparator())
                .contains("Terminate session " + holder + "? Its transaction is rolled back and all its locks are"
                        + " released. [y/N] ");
        assertThat(holds(holder, key)).isTrue();

        CliRun noAnswer = dblockWithInput("", "terminate", Long.toString(holder));
        assertThat(noAnswer.exitCode()).as(noAnswer.describe()).isEqualTo(2);
        assertThat(noAnswer.err()).contains("No answer on standard input: nothing done.");
        assertThat(holds(holder, key)).isTrue();
    }

    @Test
    void terminateAnsweredYesEndsTheSession() throws Exception {
        LockKey key = LockKey.of(7801L);
        long holder = contender("alice").hold(key);

        CliRun run = dblockWithInput("yes\n", "terminate", Long.toString(holder));

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.out()).startsWith("Terminated session " + holder + ": ");
        Await.until(SERVER_LIMIT, "the lock to go with its session", () -> !holds(holder, key));
    }

    @Test
    void anUnknownSessionExitsOne() throws Exception {
        for (CliRun run : List.of(dblock("cancel", "2000000000"), dblock("terminate", "2000000000", "--yes"))) {
            assertThat(run.exitCode()).as(run.describe()).isEqualTo(1);
            assertThat(run.err())
                    .isEqualTo("No session 2000000000 on the server (it may have ended already)."
                            + System.lineSeparator());
        }
    }

    @Test
    void aPasswordFromTheEnvironmentIsUsedAndNeverPrinted() throws Exception {
        String password = "Pw-" + Long.toHexString(System.nanoTime()) + "-secret";
        createUser("dblock_cli_viewer", password, true);
        Map<String, String> env = new HashMap<>();
        env.put(ConnectionOptions.PASSWORD_ENV, password);
        env.put("CLI_TEST_PASSWORD", password);
        List<String> asViewer = List.of("locks", "--url", db.jdbcUrl(), "--user", "dblock_cli_viewer");

        List<CliRun> runs = new ArrayList<>();
        runs.add(jar.run(env, "", asViewer));
        List<String> named = new ArrayList<>(asViewer);
        named.addAll(List.of("--password-env", "CLI_TEST_PASSWORD"));
        runs.add(jar.run(Map.of("CLI_TEST_PASSWORD", password), "", named));
        for (CliRun run : runs) {
            assertThat(run.exitCode()).as(run.describe()).isZero();
        }
        if (checksPasswords()) {
            CliRun wrong = jar.run(Map.of(ConnectionOptions.PASSWORD_ENV, password + "-wrong"), "", asViewer);
            assertThat(wrong.exitCode()).as(wrong.describe()).isEqualTo(5);
            assertThat(wrong.err())
                    .startsWith("dblock locks failed: could not connect: the server refused the password from"
                            + " $DBLOCK_PASSWORD for user dblock_cli_viewer");
            runs.add(wrong);
        }
        for (CliRun run : runs) {
            assertThat(run.out() + run.err()).doesNotContain(password);
        }
    }

    @Test
    void signallingAnotherUsersSessionWithoutThePrivilegeExitsThree() throws Exception {
        String password = "weak-" + Long.toHexString(System.nanoTime());
        createUser("dblock_cli_weak", password, false);
        LockKey key = LockKey.of(7901L);
        long holder = contender("alice").hold(key);
        Map<String, String> env = Map.of(ConnectionOptions.PASSWORD_ENV, password);

        for (String command : List.of("terminate", "cancel")) {
            List<String> args = new ArrayList<>(
                    List.of(command, Long.toString(holder), "--url", db.jdbcUrl(), "--user", "dblock_cli_weak"));
            if (command.equals("terminate")) {
                args.add("--yes");
            }
            CliRun run = jar.run(env, "", args);

            assertThat(run.exitCode()).as(run.describe()).isEqualTo(3);
            assertThat(run.err())
                    .startsWith("dblock " + command + " failed: ")
                    .contains(postgres ? "pg_signal_backend" : "CONNECTION ADMIN");
        }
        assertThat(holds(holder, key)).isTrue();
    }

    @Test
    void watchRefreshesUntilStopped() throws Exception {
        contender("alice").hold(LockKey.of(8001L));
        List<String> args = List.of("locks", "--url", db.jdbcUrl(), "--user", db.user(), "--watch", "0.2");
        DblockJar.Running watching = jar.start(Map.of(ConnectionOptions.PASSWORD_ENV, db.password()), "", args);
        awaitOutput(watching, "three refreshes", out -> separators(out) >= 3);

        List<String> lines = watching.out().lines().toList();
        assertThat(lines.get(0)).matches("--- \\d\\d:\\d\\d:\\d\\d  dblock locks, every 200 ms ---");
        assertThat(lines.get(1)).startsWith("CONN ");
        assertThat(lines).filteredOn(line -> line.contains(" 8001 ")).hasSizeGreaterThanOrEqualTo(3);
        assertThat(watching.out()).doesNotContain("\033");
    }

    @Test
    void watchInJsonPrintsOneDocumentPerRefresh() throws Exception {
        List<String> args =
                List.of("waits", "--url", db.jdbcUrl(), "--user", db.user(), "--watch", "0.2", "--format", "json");
        DblockJar.Running watching = jar.start(Map.of(ConnectionOptions.PASSWORD_ENV, db.password()), "", args);
        awaitOutput(watching, "two refreshes", out -> out.lines().count() >= 2);

        assertThat(watching.out().lines())
                .allSatisfy(line -> assertThat(line).startsWith("{\"engine\":").endsWith("\"waitTree\":[]}"));
    }

    /** Waits until the running jar's output satisfies {@code condition}, then stops it; a failure shows both streams. */
    private static void awaitOutput(DblockJar.Running watching, String what, Predicate<String> condition)
            throws InterruptedException {
        try {
            Await.until(Duration.ofSeconds(30), what, () -> condition.test(watching.out()));
        } catch (AssertionError e) {
            throw new AssertionError(
                    e.getMessage() + "\n--- stdout ---\n" + watching.out() + "--- stderr ---\n" + watching.err(), e);
        } finally {
            watching.stop();
        }
    }

    private static long separators(String out) {
        return out.lines().filter(line -> line.startsWith("--- ")).count();
    }

    /** Whether the server checks passwords (the embedded PostgreSQL trusts local connections). */
    boolean checksPasswords() {
        return engine.checksPasswords();
    }

    /**
     * Creates (or resets) a user with the given password and no privilege over other users' sessions.
     *
     * @param canInspect whether it may read the server's lock tables (MariaDB: SELECT on performance_schema)
     */
    void createUser(String user, String password, boolean canInspect) throws SQLException {
        execute(engine.createUser(user, password, canInspect));
    }
}
