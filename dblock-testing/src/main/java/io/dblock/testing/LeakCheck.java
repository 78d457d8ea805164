package io.dblock.testing;

import io.dblock.testing.AdvisoryLockQueries.LockRow;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Fails a test that leaves locks behind, after cleaning them up so the next test starts from a clean server: advisory
 * locks on PostgreSQL, user-level locks ({@link UserLockLeakCheck}) on MySQL and MariaDB, none on other engines.
 */
final class LeakCheck {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    private static final long POLL_MILLIS = 20;

    private LeakCheck() {}

    /**
     * Runs the check that fits the database's engine.
     *
     * @throws AssertionError listing each leaked lock
     */
    static void verify(TestDatabase database, Duration timeout) throws SQLException, InterruptedException {
        if (isMysqlFamily(database)) {
            UserLockLeakCheck.verify(database, timeout);
        } else if (database.engine().equals("PostgreSQL")) {
            verifyAdvisoryLocks(database, timeout);
        }
        // Another engine's locks (Engine.EXTERNAL) are unknown to the kit: nothing to check.
    }

    static boolean isMysqlFamily(TestDatabase database) {
        String engine = database.engine();
        return engine.equals("MariaDB") || engine.equals("MySQL");
    }

    /**
     * Waits up to {@code timeout} for other sessions' advisory locks to disappear (a closed connection's backend may
     * take a moment to exit); if some remain, terminates their sessions and throws.
     *
     * @throws AssertionError listing each leaked lock
     */
    private static void verifyAdvisoryLocks(TestDatabase database, Duration timeout)
            throws SQLException, InterruptedException {
        try (Connection connection = database.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("SET application_name = 'dblock-testing leak check'");
            List<LockRow> leaked = awaitGone(timeout, () -> AdvisoryLockQueries.locks(connection));
            if (leaked.isEmpty()) {
                return;
            }
            // A pid of 0 is a prepared transaction: there is no session to terminate, only a report to make.
            List<Integer> pids = leaked.stream()
                    .map(row -> row.lock().pid())
                    .filter(pid -> pid != 0)
                    .distinct()
                    .toList();
            AdvisoryLockQueries.terminate(connection, pids);
            throw new AssertionError(message(leaked, timeout, pids));
        }
    }

    /** The locks a query lists. */
    interface Locks<T> {
        List<T> list() throws SQLException;
    }

    /**
     * Polls {@code locks} until it lists none or {@code timeout} has passed: a closed connection's session may take a
     * moment to end on the server.
     *
     * @return the locks still listed, empty if they went
     */
    static <T> List<T> awaitGone(Duration timeout, Locks<T> locks) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<T> leaked = locks.list();
        while (!leaked.isEmpty() && System.nanoTime() - deadline < 0) {
            Thread.sleep(POLL_MILLIS);
            leaked = locks.list();
        }
        return leaked;
    }

    /**
     * One line per leaked lock: the lock as the code wrote it (dblock's name or key, else the key from {@code pg_locks}),
     * its mode and session, then who took it: through dblock in this JVM (thread and call site), else the session's
     * last statement, which is the statement that took the lock only if the session ran nothing after it.
     */
    static String message(List<LockRow> leaked, Duration timeout, List<Integer> terminated) {
        List<DbLockHolds.Hold> holds = DbLockHolds.list();
        StringBuilder message = new StringBuilder()
                .append(leaked.size())
                .append(" advisory lock(s) still held ")
                .append(timeout.toMillis())
                .append(" ms after the test; terminated sessions ")
                .append(terminated)
                .append(':');
        for (LockRow row : leaked) {
            HeldAdvisoryLock lock = row.lock();
            Optional<DbLockHolds.Hold> hold = DbLockHolds.ofAdvisoryLock(holds, lock);
            message.append("\n  advisory ")
                    .append(hold.map(DbLockHolds.Hold::lock).orElseGet(() -> keyAsWritten(lock)))
                    .append(' ')
                    .append("ShareLock".equals(lock.mode()) ? "SHARED" : "EXCLUSIVE")
                    .append(lock.granted() ? " held" : " awaited")
                    .append(" by session ")
                    .append(lock.pid())
                    .append(" (application_name '")
                    .append(Objects.toString(row.applicationName(), ""))
                    .append("'; pg_locks classid=")
                    .append(lock.classid())
                    .append(" objid=")
                    .append(lock.objid())
                    .append(" objsubid=")
                    .append(lock.objsubid())
                    .append("): ");
            if (hold.isPresent()) {
                message.append(hold.get().takenBy());
            } else {
                message.append("not taken through dblock in this JVM; the session's last statement was '")
                        .append(Objects.toString(row.query(), ""))
                        .append('\'');
            }
        }
        return message.toString();
    }

    /** The key as SQL takes it: {@code 42} for {@code pg_advisory_lock(bigint)}, {@code (1,2)} for the int pair. */
    private static String keyAsWritten(HeldAdvisoryLock lock) {
        return lock.objsubid() == 2
                ? "(" + (int) lock.classid() + "," + (int) lock.objid() + ")"
                : Long.toString(lock.key());
    }
}
