package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.inspect.LockFilter;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The rows of {@link BadInputContract}: hostile and malformed input for every public entry point of dblock-core, with
 * what each engine must answer.
 *
 * <p>Rows marked {@code problem(...)} record behaviour that was observed and kept as the expectation although it is
 * confusing or inconsistent between engines, so that any change to it is seen.
 */
final class BadInputRows {

    private BadInputRows() {}

    static final Duration HUGE = Duration.ofDays(100_000);
    static final Duration MAX = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
    static final Duration NEGATIVE = Duration.ofMillis(-1);
    static final String TEN_THOUSAND = "k".repeat(10_000);

    /** One call and what it must do on PostgreSQL and on MySQL/MariaDB. */
    record Row(String call, Expect onPostgres, Expect onMysql, Action action) {
        @Override
        public String toString() {
            return call + " → "
                    + (onPostgres.equals(onMysql)
                            ? onPostgres
                            : "PostgreSQL: " + onPostgres + "; MySQL family: " + onMysql);
        }
    }

    @FunctionalInterface
    interface Action {
        void run(BadInputContract t) throws Exception;
    }

    /**
     * The expected outcome: works (type null) or throws {@code type} with {@code fragment} in the message; {@code
     * beforeSql} when no statement may run first.
     */
    record Expect(Class<? extends Throwable> type, String fragment, boolean beforeSql, String problem) {
        static Expect working() {
            return new Expect(null, null, false, null);
        }

        static Expect refused(Class<? extends Throwable> type, String fragment) {
            return new Expect(type, fragment, true, null);
        }

        static Expect fails(Class<? extends Throwable> type, String fragment) {
            return new Expect(type, fragment, false, null);
        }

        Expect problem(String note) {
            return new Expect(type, fragment, beforeSql, note);
        }

        boolean succeeds() {
            return type == null;
        }

        @Override
        public String toString() {
            String outcome = succeeds()
                    ? "works"
                    : type.getSimpleName() + " '" + fragment + "'" + (beforeSql ? " before any SQL" : "");
            return outcome + (problem == null ? "" : " [PROBLEM: " + problem + "]");
        }
    }

    static Row row(String call, Expect everywhere, Action action) {
        return new Row(call, everywhere, everywhere, action);
    }

    static Row row(String call, Expect onPostgres, Expect onMysql, Action action) {
        return new Row(call, onPostgres, onMysql, action);
    }

    static Expect works() {
        return Expect.working();
    }

    static Expect npe(String fragment) {
        return Expect.refused(NullPointerException.class, fragment);
    }

    static Expect iae(String fragment) {
        return Expect.refused(IllegalArgumentException.class, fragment);
    }

    /** A wait longer than the engine can set: refused before any statement, never shortened. */
    static Expect tooLongOnPostgres() {
        return iae("is longer than PostgreSQL can wait: at most 2147483647 ms");
    }

    /** As {@link #tooLongOnPostgres()}: MySQL and MariaDB wait at most one year ({@code lock_wait_timeout}'s maximum). */
    static Expect tooLongOnMysql() {
        return iae("can wait: at most 31536000 s (365.0 days)");
    }

    static Stream<Row> rows() {
        return Stream.of(
                        builder(),
                        names(),
                        keys(),
                        waits(),
                        callbacks(),
                        transactions(),
                        tables(),
                        tableLocks(),
                        inspector(),
                        lockTimeouts())
                .flatMap(s -> s);
    }

    private static Stream<Row> builder() {
        return Stream.of(
                row("DbLocks.create(null)", npe("dataSource must not be null"), t -> DbLocks.create(null)),
                row("DbLocks.builder(null)", npe("dataSource must not be null"), t -> DbLocks.builder(null)),
                row("builder.defaultTimeout(null)", npe("default timeout must not be null"), t -> DbLocks.builder(
                                t.counting.dataSource())
                        .defaultTimeout(null)),
                row("builder.defaultTimeout(-1 ms)", iae("must not be negative"), t -> DbLocks.builder(
                                t.counting.dataSource())
                        .defaultTimeout(NEGATIVE)),
                row(
                        "builder.defaultTimeout(100000 days), then acquire()",
                        tooLongOnPostgres(),
                        tooLongOnMysql(),
                        t -> DbLocks.builder(t.counting.dataSource())
                                .defaultTimeout(HUGE)
                                .build()
                                .advisory("bad-input-huge-default")
                                .acquire()
                                .close()),
                row(
                        "builder.defaultTimeout(Duration max), then acquire()",
                        tooLongOnPostgres(),
                        tooLongOnMysql(),
                        t -> DbLocks.builder(t.counting.dataSource())
                                .defaultTimeout(MAX)
                                .build()
                                .advisory("bad-input-max-default")
                                .acquire()
                                .close()),
                row(
                        "builder.silentClientBound(null)",
                        npe("silent-client bound must not be null"),
                        t -> DbLocks.builder(t.counting.dataSource()).silentClientBound(null)),
                row("builder.silentClientBound(1 s)", iae("between 15 s and 1 day"), t -> DbLocks.builder(
                                t.counting.dataSource())
                        .silentClientBound(Duration.ofSeconds(1))),
                row("builder.silentClientBound(2 days)", iae("between 15 s and 1 day"), t -> DbLocks.builder(
                                t.counting.dataSource())
                        .silentClientBound(Duration.ofDays(2))),
                row("builder.keepaliveAt(-0.1)", iae("between 0 (off) and 0.9"), t -> DbLocks.builder(
                                t.counting.dataSource())
                        .keepaliveAt(-0.1)),
                row("builder.keepaliveAt(0.95)", iae("between 0 (off) and 0.9"), t -> DbLocks.builder(
                                t.counting.dataSource())
                        .keepaliveAt(0.95)),
                row("builder.keepaliveAt(NaN)", iae("between 0 (off) and 0.9"), t -> DbLocks.builder(
                                t.counting.dataSource())
                        .keepaliveAt(Double.NaN)),
                row("builder.watchdog(null)", npe("watchdog interval must not be null"), t -> DbLocks.builder(
                                t.counting.dataSource())
                        .watchdog(null)),
                row("builder.watchdog(-1 ms)", iae("at least 10 ms"), t -> DbLocks.builder(t.counting.dataSource())
                        .watchdog(NEGATIVE)),
                row("builder.watchdog(9 ms)", iae("at least 10 ms"), t -> DbLocks.builder(t.counting.dataSource())
                        .watchdog(Duration.ofMillis(9))),
                row("builder.watchdog(Duration max)", iae("at most 365 days"), t -> DbLocks.builder(
                                t.counting.dataSource())
                        .watchdog(MAX)),
                row("builder.watchdog(100000 days)", iae("at most 365 days"), t -> DbLocks.builder(
                                t.counting.dataSource())
                        .watchdog(HUGE)),
                row("builder.watchdog(365 days): a lock works", works(), t -> {
                    DbLocks slow = DbLocks.builder(t.counting.dataSource())
                            .watchdog(Duration.ofDays(365))
                            .build();
                    assertThat(slow.watchdogInterval()).isEqualTo(Duration.ofDays(365));
                    slow.advisory("bad-input-slow-watchdog").acquire().close();
                }),
                row("builder.listener(null)", npe("listener must not be null"), t -> DbLocks.builder(
                                t.counting.dataSource())
                        .listener(null)),
                row("builder.engine(null)", npe("engine must not be null"), t -> DbLocks.builder(
                                t.counting.dataSource())
                        .engine(null)));
    }

    /** String names: refused when null or empty, otherwise just names, however odd. */
    private static Stream<Row> names() {
        return Stream.of(
                row("advisory((String) null)", npe("lock name must not be null"), t -> t.locks.advisory((String) null)),
                row("advisory(\"\")", iae("lock name must not be empty"), t -> t.locks.advisory("")),
                row("LockKey.of((String) null)", npe("lock name must not be null"), t -> LockKey.of((String) null)),
                row("LockKey.of(\"\")", iae("lock name must not be empty"), t -> LockKey.of("")),
                row(
                        "name of three spaces",
                        works(),
                        t -> t.locksAloneAndLeavesOthersFree(
                                LockKey.of("   "), LockKey.of(" "), LockKey.of("  "), LockKey.of("\t"))),
                row(
                        "name of tab and newline",
                        works(),
                        t -> t.locksAloneAndLeavesOthersFree(LockKey.of("\t\n"), LockKey.of("\n\t"), LockKey.of(" "))),
                row(
                        "name of 10,000 characters",
                        works(),
                        t -> t.locksAloneAndLeavesOthersFree(
                                LockKey.of(TEN_THOUSAND),
                                LockKey.of(TEN_THOUSAND.substring(1) + "x"),
                                LockKey.of("k".repeat(64)))),
                row(
                        "name of 5,000 two-byte characters",
                        works(),
                        t -> t.locksAloneAndLeavesOthersFree(
                                LockKey.of("é".repeat(5_000)), LockKey.of("é".repeat(4_999)))),
                row(
                        "name with quotes",
                        works(),
                        t -> t.locksAloneAndLeavesOthersFree(
                                LockKey.of("it's \"quoted\" ''"), LockKey.of("it''s \"\"quoted\"\""))),
                row(
                        "name with backticks",
                        works(),
                        t -> t.locksAloneAndLeavesOthersFree(LockKey.of("`tick` ``"), LockKey.of("tick"))),
                row(
                        "name that closes the statement and unlocks everything",
                        works(),
                        t -> t.locksAloneAndLeavesOthersFree(
                                LockKey.of("x'); SELECT RELEASE_ALL_LOCKS(); SELECT pg_advisory_unlock_all(); --"),
                                LockKey.of("x"))),
                row(
                        "name with -- comment",
                        works(),
                        t -> t.locksAloneAndLeavesOthersFree(LockKey.of("-- comment"), LockKey.of("--"))),
                row(
                        "name with /* comment */",
                        works(),
                        t -> t.locksAloneAndLeavesOthersFree(
                                LockKey.of("/* x */ RELEASE_LOCK('" + BadInputContract.BYSTANDER + "') /*"),
                                LockKey.of(BadInputContract.BYSTANDER + "/"))),
                row(
                        "name with backslashes and %, _",
                        works(),
                        t -> t.locksAloneAndLeavesOthersFree(
                                LockKey.of("a\\'b%_c"), LockKey.of("a'b%_c"), LockKey.of("a\\b%_c"))),
                row(
                        "unicode name (composed é vs decomposed, case)",
                        works(),
                        t -> t.locksAloneAndLeavesOthersFree(
                                LockKey.of("é-Job-日本語"),
                                LockKey.of("e\u0301-Job-日本語"),
                                LockKey.of("É-Job-日本語"),
                                LockKey.of("é-job-日本語"))),
                row(
                        "emoji name",
                        works(),
                        t -> t.locksAloneAndLeavesOthersFree(
                                LockKey.of("🔒🗝️ lock"), LockKey.of("🔓🗝️ lock"), LockKey.of("? lock"))),
                row(
                        "name starting with # vs the numeric key",
                        works(),
                        t -> t.locksAloneAndLeavesOthersFree(LockKey.of("#5"), LockKey.of(5L), LockKey.of("##5"))),
                row(
                        "name #1,2 vs the int pair key",
                        works(),
                        t -> t.locksAloneAndLeavesOthersFree(
                                LockKey.of("#1,2"), LockKey.of(1, 2), LockKey.of("##1,2"))),
                row(
                        "name with NUL",
                        iae("must not contain NUL (U+0000), found at index 5"),
                        t -> t.locks.advisory("bad-x\0y")),
                row("LockKey.of(name with NUL)", iae("must not contain NUL"), t -> LockKey.of("\0")),
                row(
                        "name with a lone high surrogate",
                        iae("unpaired surrogate (U+D800) at index 5"),
                        t -> t.locks.advisory("bad-x\uD800")),
                row(
                        "name with a lone low surrogate first",
                        iae("unpaired surrogate (U+DC00) at index 0"),
                        t -> t.locks.advisory("\uDC00x")),
                row(
                        "name with surrogates in the wrong order",
                        iae("unpaired surrogate (U+DC00) at index 1"),
                        t -> t.locks.advisory("x\uDC00\uD800")));
    }

    /** Numeric keys and key lists. */
    private static Stream<Row> keys() {
        return Stream.of(
                row("extreme long keys", works(), t -> {
                    t.locksAloneAndLeavesOthersFree(
                            LockKey.of(Long.MIN_VALUE), LockKey.of(Long.MAX_VALUE), LockKey.of(0L));
                    t.locksAloneAndLeavesOthersFree(LockKey.of(-1L), LockKey.of(-1, -1), LockKey.of("#-1"));
                    try (LockHandle h = t.locks.advisory(Long.MIN_VALUE).acquire();
                            LockHandle pair =
                                    t.locks.advisory(Integer.MIN_VALUE, -1).acquire()) {
                        assertThat(t.otherNode.advisory(Long.MIN_VALUE).tryAcquire())
                                .isEmpty();
                        assertThat(t.otherNode.advisory(Integer.MIN_VALUE, -1).tryAcquire())
                                .isEmpty();
                    }
                }),
                row(
                        "extreme int pair keys",
                        works(),
                        t -> t.locksAloneAndLeavesOthersFree(
                                LockKey.of(Integer.MIN_VALUE, Integer.MAX_VALUE),
                                LockKey.of(Integer.MAX_VALUE, Integer.MIN_VALUE),
                                LockKey.of(0, 0),
                                LockKey.of(0L))),
                row(
                        "advisory((LockKey[]) null)",
                        npe("keys must not be null"),
                        t -> t.locks.advisory((LockKey[]) null)),
                row(
                        "advisory((LockKey) null)",
                        npe("a lock key must not be null"),
                        t -> t.locks.advisory((LockKey) null)),
                row(
                        "advisory(key, null)",
                        npe("a lock key must not be null"),
                        t -> t.locks.advisory(LockKey.of(1L), null)),
                row("advisory() with no keys", iae("at least one key"), t -> t.locks.advisory(new LockKey[0])),
                row(
                        "advisory((Collection) null)",
                        npe("keys must not be null"),
                        t -> t.locks.advisory((java.util.Collection<LockKey>) null)),
                row(
                        "advisory(list with a null)",
                        npe("a lock key must not be null"),
                        t -> t.locks.advisory(Arrays.asList(LockKey.of(1L), null))),
                row("advisory(List.of())", iae("at least one key"), t -> t.locks.advisory(List.of())),
                row("the same key three times", works(), t -> {
                    try (LockHandle h = t.locks
                            .advisory(LockKey.of("dup"), LockKey.of("dup"), LockKey.of("dup"))
                            .acquire()) {
                        assertThat(h.keys()).containsExactly(LockKey.of("dup"));
                    }
                    assertThat(t.otherNode.advisory("dup").isLocked()).isFalse();
                }));
    }

    /** Wait limits on advisory locks. */
    private static Stream<Row> waits() {
        return Stream.of(
                row("timeout(null)", npe("wait duration must not be null"), t -> t.locks
                        .advisory("w")
                        .timeout(null)),
                row("timeout(-1 ms)", iae("negative: PT-0.001S (lock advisory \"bad-neg\")"), t -> t.locks
                        .advisory("bad-neg")
                        .timeout(NEGATIVE)),
                row("timeout(100000 days).acquire()", tooLongOnPostgres(), tooLongOnMysql(), t -> t.locks
                        .advisory("bad-huge")
                        .timeout(HUGE)
                        .acquire()
                        .close()),
                row(
                        "timeout(Duration max).acquire()",
                        tooLongOnPostgres(),
                        tooLongOnMysql(),
                        t -> t.locks.advisory("bad-max").timeout(MAX).acquire().close()),
                row("tryAcquire(null)", npe("wait duration must not be null"), t -> t.locks
                        .advisory("w")
                        .tryAcquire(null)),
                row("tryAcquire(-5 s)", iae("must not be negative"), t -> t.locks
                        .advisory("w")
                        .tryAcquire(Duration.ofSeconds(-5))),
                row("tryAcquire(100000 days)", tooLongOnPostgres(), tooLongOnMysql(), t -> t.locks
                        .advisory("bad-huge-try")
                        .tryAcquire(HUGE)
                        .orElseThrow()
                        .close()),
                row("tryAcquire(Duration max)", tooLongOnPostgres(), tooLongOnMysql(), t -> t.locks
                        .advisory("bad-max-try")
                        .tryAcquire(MAX)),
                row("tryAcquire(1 ns) of a busy key", works(), t -> {
                    try (LockHandle theirs = t.otherNode.advisory("bad-busy").acquire()) {
                        assertThat(t.locks.advisory("bad-busy").tryAcquire(Duration.ofNanos(1)))
                                .isEmpty();
                    }
                }),
                row(
                        "shared()",
                        works(),
                        Expect.refused(UnsupportedLockException.class, "no shared named locks"),
                        t -> t.locks.advisory("bad-shared").shared().acquire().close()),
                row("prioritised(null)", npe("priority must not be null"), t -> t.locks
                        .advisory("w")
                        .prioritised(null)),
                row("Priority after(null)", npe("grace period must not be null"), t -> Priority.terminateBlockers()
                        .after(null)),
                row("Priority after(-1 ms)", iae("grace period must not be negative"), t -> Priority.cancelBlockers()
                        .after(NEGATIVE)),
                row("Priority checkEvery(null)", npe("interval must not be null"), t -> Priority.cancelBlockers()
                        .checkEvery(null)),
                row("Priority checkEvery(9 ms)", iae("at least 10 ms"), t -> Priority.cancelBlockers()
                        .checkEvery(Duration.ofMillis(9))),
                row("Priority onlyIf(null)", npe("condition must not be null"), t -> Priority.cancelBlockers()
                        .onlyIf(null)),
                row(
                        "Priority.idleFor(-1 ms)",
                        iae("idle duration must not be negative"),
                        t -> Priority.idleFor(NEGATIVE)));
    }

    /** Callbacks and handles. */
    private static Stream<Row> callbacks() {
        return Stream.of(
                row("withLock(null)", npe("work must not be null"), t -> t.locks
                        .advisory("w")
                        .withLock(null)),
                row("runWithLock(null)", npe("work must not be null"), t -> t.locks
                        .advisory("w")
                        .runWithLock(null)),
                row("tryWithLock(1 s, null)", npe("work must not be null"), t -> t.locks
                        .advisory("w")
                        .tryWithLock(Duration.ofSeconds(1), null)),
                row("tryWithLock(null, work)", npe("wait duration must not be null"), t -> t.locks
                        .advisory("w")
                        .tryWithLock(null, () -> "never")),
                row("tryRunWithLock(-1 ms, work)", iae("must not be negative"), t -> t.locks
                        .advisory("w")
                        .tryRunWithLock(NEGATIVE, () -> {})),
                row("handle.onLost(null)", Expect.fails(NullPointerException.class, "callback must not be null"), t -> {
                    try (LockHandle h = t.locks.advisory("bad-onlost").acquire()) {
                        h.onLost(null);
                    }
                }));
    }

    private static final Expect NO_XACT =
            Expect.refused(UnsupportedLockException.class, "no transaction-scoped advisory locks");

    /** Transaction-scoped advisory locks and the connections they are given. */
    private static Stream<Row> transactions() {
        return Stream.of(
                row("acquireForTransaction(null)", npe("connection must not be null"), t -> t.locks
                        .advisory("x")
                        .acquireForTransaction(null)),
                row(
                        "acquireForTransaction(closed connection)",
                        Expect.refused(LockUsageException.class, "the connection is closed"),
                        NO_XACT,
                        t -> t.locks.advisory("x").acquireForTransaction(t.closed())),
                row(
                        "acquireForTransaction(auto-commit connection)",
                        Expect.refused(LockUsageException.class, "auto-commit mode"),
                        NO_XACT,
                        t -> t.locks.advisory("x").acquireForTransaction(t.autoCommit())),
                row("tryAcquireForTransaction(connection, -1 ms)", iae("must not be negative"), t -> t.locks
                        .advisory("x")
                        .tryAcquireForTransaction(t.transaction(), NEGATIVE)),
                row("tryAcquireForTransaction(connection, null)", npe("wait duration must not be null"), t -> t.locks
                        .advisory("x")
                        .tryAcquireForTransaction(t.transaction(), null)),
                row(
                        "acquireForTransaction(connection whose transaction failed)",
                        Expect.fails(LockUsageException.class, "transaction has already failed"),
                        NO_XACT,
                        t -> {
                            java.sql.Connection c = t.transaction();
                            try {
                                t.executeUncounted(c, "SELECT * FROM no_such_table_for_bad_input");
                            } catch (java.sql.SQLException expected) {
                                // the transaction is failed now (PostgreSQL)
                            }
                            t.locks.advisory("x").acquireForTransaction(c);
                        }),
                row("acquireForTransaction with an injection-shaped name", works(), NO_XACT, t -> {
                    java.sql.Connection c = t.transaction();
                    String name = "x'); ROLLBACK; DROP TABLE " + BadInputContract.CANARY + "; --";
                    t.locks.advisory(name).acquireForTransaction(c);
                    assertThat(t.otherNode.advisory(name).tryAcquire()).isEmpty();
                    c.rollback();
                    assertThat(t.otherNode.advisory(name).isLocked()).isFalse();
                }));
    }

    /** Table names: refused when malformed, quoted when merely odd. */
    private static Stream<Row> tables() {
        Expect missing = Expect.fails(LockUsageException.class, "does not exist");
        return Stream.of(
                row("tables((String[]) null)", npe("tables must not be null"), t -> t.locks.tables((String[]) null)),
                row("tables((String) null)", npe("table name must not be null"), t -> t.locks.tables((String) null)),
                row("tables(\"\")", iae("table name must not be empty"), t -> t.locks.tables("")),
                row(
                        "tables(three spaces).acquire",
                        missing,
                        iae("ends with a space, which MySQL and MariaDB table names cannot"),
                        t -> t.locks.tables("   ").acquire(t.transaction())),
                row(
                        "tables(10,000 characters)",
                        iae("at most 63 bytes"),
                        iae("longer than MySQL's 64-character limit"),
                        t -> t.locks.tables(TEN_THOUSAND)),
                row("tables(\"a.b.c\")", iae("more than one dot"), t -> t.locks.tables("a.b.c")),
                row("tables(\".t\")", iae("schema name must not be empty"), t -> t.locks.tables(".t")),
                row("tables(\"s.\")", iae("table name must not be empty"), t -> t.locks.tables("s.")),
                row("tables(name with NUL)", iae("NUL character"), t -> t.locks.tables("t\0x")),
                row("TableName.of(null, \"t\")", npe("schema name must not be null"), t -> TableName.of(null, "t")),
                row("TableName.of(\"s\", \"\")", iae("table name must not be empty"), t -> TableName.of("s", "")),
                row(
                        "tables((TableName[]) null)",
                        npe("tables must not be null"),
                        t -> t.locks.tables((TableName[]) null)),
                row("tables((TableName) null)", npe("table must not be null"), t -> t.locks.tables((TableName) null)),
                row("canary; DROP TABLE canary", missing, t -> t.locks
                        .tables(BadInputContract.CANARY + "; DROP TABLE " + BadInputContract.CANARY + "; --")
                        .acquire(t.transaction())),
                row("canary\"; DROP TABLE canary (PostgreSQL quote)", missing, t -> t.locks
                        .tables(BadInputContract.CANARY + "\"; DROP TABLE " + BadInputContract.CANARY + "; --")
                        .acquire(t.transaction())),
                row("canary`; DROP TABLE canary (MySQL quote)", missing, t -> t.locks
                        .tables(BadInputContract.CANARY + "`; DROP TABLE " + BadInputContract.CANARY + "; --")
                        .acquire(t.transaction())),
                row("/* comment */canary", missing, t -> t.locks
                        .tables("/* x */" + BadInputContract.CANARY)
                        .acquire(t.transaction())),
                row("CANARY in upper case", missing, t -> t.locks
                        .tables(BadInputContract.CANARY.toUpperCase(java.util.Locale.ROOT))
                        .acquire(t.transaction())),
                row(
                        "tables(emoji name)",
                        missing,
                        iae("has the character U+1F512, which MySQL and MariaDB identifiers cannot hold"),
                        t -> t.locks.tables("t🔒").acquire(t.transaction())),
                row("TableName.of(\"my.schema\", \"odd.name\")", missing, t -> t.locks
                        .tables(TableName.of("my.schema", "odd.name"))
                        .acquire(t.transaction())),
                row("table named with quotes", works(), t -> t.tableLocks(BadInputContract.ODD_TABLES.get(0))),
                row(
                        "table named with backticks, ; and --",
                        works(),
                        t -> t.tableLocks(BadInputContract.ODD_TABLES.get(1))),
                row("table with a unicode name", works(), t -> t.tableLocks(BadInputContract.ODD_TABLES.get(2))));
    }

    /** The TableLock's own options and the connections it is given. */
    private static Stream<Row> tableLocks() {
        String canary = BadInputContract.CANARY;
        return Stream.of(
                row(
                        "tables().acquire: no tables",
                        Expect.refused(LockUsageException.class, "no tables to lock"),
                        t -> t.locks.tables().acquire(t.transaction())),
                row("mode(null)", npe("mode must not be null"), t -> t.locks
                        .tables(canary)
                        .mode(null)),
                row("mode(ROW_SHARE).acquire", works(), iae("has no MySQL/MariaDB equivalent"), t -> t.locks
                        .tables(canary)
                        .mode(TableLockMode.ROW_SHARE)
                        .acquire(t.transaction())),
                row("table(null, SHARE)", npe("table must not be null"), t -> t.locks
                        .tables()
                        .table(null, TableLockMode.SHARE)),
                row("table(canary, null)", npe("mode must not be null"), t -> t.locks
                        .tables()
                        .table(TableName.of(canary), null)),
                row("read((String[]) null)", npe("tables must not be null"), t -> t.locks
                        .tables()
                        .read((String[]) null)),
                row("read((String) null)", npe("table name must not be null"), t -> t.locks
                        .tables()
                        .read((String) null)),
                row("write(\"\")", iae("table name must not be empty"), t -> t.locks
                        .tables()
                        .write("")),
                row("read and write of one table", works(), t -> {
                    String result = t.locks.tables().read(canary).write(canary).inTransaction(c -> "locked");
                    assertThat(result).isEqualTo("locked");
                }),
                row("TableLock timeout(null)", npe("wait duration must not be null"), t -> t.locks
                        .tables(canary)
                        .timeout(null)),
                row("TableLock timeout(-1 ms)", iae("must not be negative"), t -> t.locks
                        .tables(canary)
                        .timeout(NEGATIVE)),
                row("TableLock timeout(100000 days)", tooLongOnPostgres(), tooLongOnMysql(), t -> t.locks
                        .tables(canary)
                        .timeout(HUGE)
                        .acquire(t.transaction())),
                row("TableLock timeout(Duration max)", tooLongOnPostgres(), tooLongOnMysql(), t -> t.locks
                        .tables(canary)
                        .timeout(MAX)
                        .acquire(t.transaction())),
                row("TableLock acquire(null)", npe("connection must not be null"), t -> t.locks
                        .tables(canary)
                        .acquire(null)),
                row(
                        "TableLock acquire(closed connection)",
                        Expect.refused(LockUsageException.class, "the connection is closed"),
                        t -> t.locks.tables(canary).acquire(t.closed())),
                row(
                        "TableLock acquire(auto-commit connection)",
                        Expect.refused(LockUsageException.class, "auto-commit mode"),
                        t -> t.locks.tables(canary).acquire(t.autoCommit())),
                row(
                        "TableLock acquire(transaction that already wrote)",
                        works(),
                        Expect.fails(LockUsageException.class, "silently commit"),
                        t -> {
                            java.sql.Connection c = t.transaction();
                            t.executeUncounted(c, "UPDATE " + canary + " SET v = 1");
                            t.locks.tables(canary).acquire(c);
                        }),
                row("TableLock tryAcquire(connection, null)", npe("wait duration must not be null"), t -> t.locks
                        .tables(canary)
                        .tryAcquire(t.transaction(), null)),
                row("TableLock tryAcquire(connection, -1 ms)", iae("must not be negative"), t -> t.locks
                        .tables(canary)
                        .tryAcquire(t.transaction(), NEGATIVE)),
                row("TableLock release(null)", npe("connection must not be null"), t -> t.locks
                        .tables(canary)
                        .release(null)),
                row(
                        "TableLock release(closed connection)",
                        Expect.refused(LockUsageException.class, "the connection is closed"),
                        t -> t.locks.tables(canary).release(t.closed())),
                row("inTransaction(null)", npe("work must not be null"), t -> t.locks
                        .tables(canary)
                        .inTransaction(null)),
                row("tryInTransaction(null, work)", npe("wait duration must not be null"), t -> t.locks
                        .tables(canary)
                        .tryInTransaction(null, c -> "never")),
                row("tryInTransaction(-1 ms, work)", iae("must not be negative"), t -> t.locks
                        .tables(canary)
                        .tryInTransaction(NEGATIVE, c -> "never")),
                row("TableLock prioritised(null)", npe("priority must not be null"), t -> t.locks
                        .tables(canary)
                        .prioritised(null)));
    }

    /** The inspector: odd ids signal nobody, its own session is refused. */
    private static Stream<Row> inspector() {
        return Stream.of(
                row("inspector().locks(null)", npe("filter must not be null"), t -> t.locks
                        .inspector()
                        .locks(null)),
                row("LockFilter table(null)", npe("table must not be null"), t -> LockFilter.all()
                        .table(null)),
                row("LockFilter table(\"a.b.c\")", iae("more than one dot"), t -> LockFilter.all()
                        .table("a.b.c")),
                row("LockFilter key(null)", npe("key must not be null"), t -> LockFilter.all()
                        .key(null)),
                row("cancel and terminate ids that are no session", works(), t -> {
                    for (long id : new long[] {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE + 1L}) {
                        assertThat(t.locks.inspector().cancel(id))
                                .as("cancel(" + id + ")")
                                .isFalse();
                        assertThat(t.locks.inspector().terminate(id))
                                .as("terminate(" + id + ")")
                                .isFalse();
                    }
                }),
                row(
                        "terminate(the inspector's own session)",
                        Expect.fails(LockUsageException.class, "it is the session the inspector itself runs on"),
                        t -> {
                            try (LockHandle h = t.locks.advisory("bad-own").acquire()) {
                                try {
                                    t.locks.inspector().terminate(h.connectionId());
                                } finally {
                                    assertThat(h.isHeld()).isTrue();
                                    assertThat(t.otherNode.advisory("bad-own").holderConnectionIds())
                                            .containsExactly(h.connectionId());
                                }
                            }
                        }),
                row(
                        "namesHeldWithPrefix(null)",
                        npe("prefix must not be null"),
                        t -> t.locks.namesHeldWithPrefix(null)),
                row(
                        "namesHeldWithPrefix(\"%\") while another name is held",
                        Expect.refused(UnsupportedLockException.class, "cannot be listed by name prefix"),
                        works(),
                        t -> assertThat(t.locks.namesHeldWithPrefix("%")).isEmpty()),
                row(
                        "namesHeldWithPrefix(\"' OR 1=1 --\")",
                        Expect.refused(UnsupportedLockException.class, "cannot be listed by name prefix"),
                        works(),
                        t -> assertThat(t.locks.namesHeldWithPrefix("' OR 1=1 --"))
                                .isEmpty()));
    }

    /** Scoped lock timeouts. */
    private static Stream<Row> lockTimeouts() {
        return Stream.of(
                row(
                        "lockTimeout(null, 1 s)",
                        npe("connection must not be null"),
                        t -> t.locks.lockTimeout(null, Duration.ofSeconds(1))),
                row(
                        "lockTimeout(connection, null)",
                        npe("wait duration must not be null"),
                        t -> t.locks.lockTimeout(t.autoCommit(), null)),
                row(
                        "lockTimeout(connection, -1 ms)",
                        iae("must not be negative"),
                        t -> t.locks.lockTimeout(t.autoCommit(), NEGATIVE)),
                row(
                        "lockTimeout(connection, 100000 days)",
                        tooLongOnPostgres(),
                        tooLongOnMysql(),
                        t -> t.locks.lockTimeout(t.autoCommit(), HUGE)),
                row(
                        "lockTimeout(connection, one year) on MySQL/MariaDB is set exactly",
                        tooLongOnPostgres(),
                        works(),
                        t -> {
                            java.sql.Connection c = t.autoCommit();
                            try (LockTimeoutScope scope = t.locks.lockTimeout(c, Duration.ofDays(365))) {
                                assertThat(t.queryInt(c, "SELECT @@SESSION.lock_wait_timeout"))
                                        .isEqualTo(31_536_000);
                            }
                        }),
                row(
                        "lockTimeout(connection, Duration max)",
                        tooLongOnPostgres(),
                        tooLongOnMysql(),
                        t -> t.locks.lockTimeout(t.autoCommit(), MAX)),
                row(
                        "lockTimeout(closed connection, 1 s)",
                        Expect.refused(LockUsageException.class, "the connection is closed"),
                        t -> t.locks.lockTimeout(t.closed(), Duration.ofSeconds(1))),
                row(
                        "withLockTimeout(connection, 1 s, null)",
                        npe("work must not be null"),
                        t -> t.locks.withLockTimeout(t.autoCommit(), Duration.ofSeconds(1), null)),
                row("lockTimeout(connection, ZERO) works and restores", works(), t -> {
                    java.sql.Connection c = t.autoCommit();
                    t.locks.lockTimeout(c, Duration.ZERO).close();
                }));
    }
}
