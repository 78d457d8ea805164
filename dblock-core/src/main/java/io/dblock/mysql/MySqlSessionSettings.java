package io.dblock.mysql;

import io.dblock.spi.LockTimeouts;
import io.dblock.spi.SessionLimits;
import io.dblock.spi.Wait;
import io.dblock.spi.WaitGuard;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The session settings dblock sets and reads: {@code lock_wait_timeout} (LOCK TABLES, metadata locks) and {@code
 * innodb_lock_wait_timeout} (row locks) for a lock-timeout scope, {@code wait_timeout} for the keepalive.
 */
final class MySqlSessionSettings implements LockTimeouts, SessionLimits {

    /** Both servers' maximum {@code lock_wait_timeout}: one year. */
    private static final long LOCK_WAIT_MAX = 31_536_000;

    /** InnoDB's maximum {@code innodb_lock_wait_timeout}. */
    private static final long INNODB_WAIT_MAX = 1_073_741_824;

    private final boolean mariaDb;

    MySqlSessionSettings(boolean mariaDb) {
        this.mariaDb = mariaDb;
    }

    /**
     * Sets the label in {@code @dblock_holder} and lowers {@code wait_timeout} to the bound (never raises it), keeping
     * the old value in {@code @dblock_wait_timeout}: {@code SET @dblock_holder = ?, @dblock_wait_timeout =
     * @@SESSION.wait_timeout, SESSION wait_timeout = LEAST(@@SESSION.wait_timeout, ?)}, one round trip, and one to
     * restore. With a zero bound only the label is set.
     *
     * @return {@code ["bound"]} if {@code wait_timeout} was changed, else an empty list
     */
    @Override
    public List<String> prepareHolder(Connection connection, Duration bound, String label) throws SQLException {
        if (bound.isZero()) {
            Sql.execute(connection, "SET @dblock_holder = ?", List.of(label), WaitGuard.NONE);
            return List.of();
        }
        long seconds = Math.max(3, bound.toSeconds());
        Sql.execute(
                connection,
                "SET @dblock_holder = ?, @dblock_wait_timeout = @@SESSION.wait_timeout,"
                        + " SESSION wait_timeout = LEAST(@@SESSION.wait_timeout, ?)",
                List.of(label, seconds),
                WaitGuard.NONE);
        return List.of("bound");
    }

    /** {@code SET @dblock_holder = NULL[, SESSION wait_timeout = @dblock_wait_timeout]}. */
    @Override
    public void restoreHolder(Connection connection, List<String> previous) throws SQLException {
        Sql.execute(
                connection,
                previous.isEmpty()
                        ? "SET @dblock_holder = NULL"
                        : "SET @dblock_holder = NULL, SESSION wait_timeout = @dblock_wait_timeout",
                WaitGuard.NONE);
    }

    /** Saves and sets both timeouts, in whole seconds rounded up. */
    @Override
    public List<String> setLockTimeouts(Connection connection, Wait wait) throws SQLException {
        long lockWait = wait.isForever() ? LOCK_WAIT_MAX : seconds(wait);
        long innodbWait = wait.isForever() ? INNODB_WAIT_MAX : lockWait; // InnoDB allows up to 1073741824 s
        Object[] previous = Sql.row(
                connection,
                "SELECT @@SESSION.lock_wait_timeout, @@SESSION.innodb_lock_wait_timeout",
                List.of(),
                WaitGuard.NONE);
        set(connection, lockWait, innodbWait);
        return List.of(previous[0].toString(), previous[1].toString());
    }

    /** A finite wait in whole seconds, rounded up; refused over {@value #LOCK_WAIT_MAX}. */
    private long seconds(Wait wait) {
        long minimum = mariaDb ? 0 : 1; // MySQL accepts neither at 0
        long seconds = Math.max(
                minimum,
                BigDecimal.valueOf(wait.limitOrNull().toNanos(), 9)
                        .setScale(0, RoundingMode.CEILING)
                        .longValueExact());
        if (seconds > LOCK_WAIT_MAX) { // dblock checks this before calling; refused here before any statement too
            throw new IllegalArgumentException("lock_wait_timeout is at most 31536000 s (one year); a wait of "
                    + wait.limitOrNull() + " cannot be set");
        }
        return seconds;
    }

    @Override
    public void restoreLockTimeouts(Connection connection, List<String> previous) throws SQLException {
        long lockWait = Long.parseLong(previous.get(0));
        long innodbWait = Long.parseLong(previous.get(1)); // parsed: only numbers go into the statement
        set(connection, lockWait, innodbWait);
    }

    private static void set(Connection connection, long lockWait, long innodbWait) throws SQLException {
        Sql.execute(
                connection,
                "SET SESSION lock_wait_timeout = " + lockWait + ", innodb_lock_wait_timeout = " + innodbWait,
                WaitGuard.NONE);
    }

    /** The session's {@code wait_timeout}, in seconds. */
    @Override
    public Optional<Duration> idleLimit(Connection connection) throws SQLException {
        long seconds = ((Number) Sql.row(connection, "SELECT @@SESSION.wait_timeout", List.of(), WaitGuard.NONE)[0])
                .longValue();
        return seconds > 0 ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
    }
}
