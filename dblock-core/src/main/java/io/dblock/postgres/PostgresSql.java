package io.dblock.postgres;

import io.dblock.AdvisoryLockMode;
import io.dblock.LockKey;
import io.dblock.TableName;
import io.dblock.spi.Identifiers;
import io.dblock.spi.Wait;
import java.util.List;

/** SQL fragments for PostgreSQL locks; every piece of user text is bound or quoted here. */
final class PostgresSql {

    /** The savepoint that keeps a caller's transaction usable when a lock wait fails. */
    static final String SAVEPOINT = "dblock_lock";

    private static final String DEADLINE_GUC = "dblock.deadline";
    private static final String SAVED_TIMEOUT_GUC = "dblock.saved_lock_timeout";

    private PostgresSql() {}

    /** {@code pg_[try_]advisory_[xact_]lock[_shared](?)} with its parameters for {@code key}. */
    static String lockCall(LockKey key, AdvisoryLockMode mode, boolean transaction, boolean tryOnly) {
        String fn = "pg_" + (tryOnly ? "try_" : "") + "advisory_" + (transaction ? "xact_" : "") + "lock"
                + (mode == AdvisoryLockMode.SHARED ? "_shared" : "");
        return fn + keyArgs(key);
    }

    static String unlockCall(LockKey key, AdvisoryLockMode mode) {
        return "pg_advisory_unlock" + (mode == AdvisoryLockMode.SHARED ? "_shared" : "") + keyArgs(key);
    }

    private static String keyArgs(LockKey key) {
        return key.kind() == LockKey.Kind.INT_PAIR ? "(?::int4, ?::int4)" : "(?::int8)";
    }

    /** The bound values for {@link #lockCall}'s placeholders. */
    static Object[] keyParams(LockKey key) {
        return key.kind() == LockKey.Kind.INT_PAIR
                ? new Object[] {key.classKey(), key.objectKey()}
                : new Object[] {key.longValue()};
    }

    /** {@code pg_locks.mode} for an advisory lock of {@code mode}. */
    static String pgLocksMode(AdvisoryLockMode mode) {
        return mode == AdvisoryLockMode.SHARED ? "ShareLock" : "ExclusiveLock";
    }

    /**
     * Appends the statements that run {@code lockStatements} under {@code wait}: a local {@code lock_timeout} for the
     * whole wait and, when there are several statements and a finite wait, a server-side deadline from which each
     * statement's remaining {@code lock_timeout} is computed, so the total wait never exceeds the limit.
     */
    static void addTimedLocks(Batch batch, Wait wait, List<String> lockStatements, List<Object[]> params) {
        checkLimit(wait);
        boolean deadline = !wait.isForever() && lockStatements.size() > 1;
        if (deadline) {
            batch.add(
                    "SELECT set_config('" + DEADLINE_GUC + "', (clock_timestamp() + ?::int8 * interval '1 ms')::text,"
                            + " true)",
                    wait.millisRoundedUp());
        } else {
            batch.add("SELECT set_config('lock_timeout', ?, true)", timeoutValue(wait));
        }
        for (int i = 0; i < lockStatements.size(); i++) {
            if (deadline) {
                batch.add(
                        "SELECT set_config('lock_timeout', greatest(1, ceil(1000 * extract(epoch FROM current_setting('"
                                + DEADLINE_GUC + "')::timestamptz - clock_timestamp())))::int8 || 'ms', true)");
            }
            batch.add(lockStatements.get(i), params.get(i));
        }
    }

    /** lock_timeout is an int of milliseconds; a longer wait would be refused by the server, so say so first. */
    static void checkLimit(Wait wait) {
        if (!wait.isForever() && wait.millisRoundedUp() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("PostgreSQL's lock_timeout is at most 2147483647 ms (about 24.8 days),"
                    + " so a wait of " + wait.limitOrNull() + " cannot be set; use waitForever() instead");
        }
    }

    /** Saves the caller's {@code lock_timeout} in a transaction-local setting, to be put back by {@link #restoreTimeout}. */
    static void saveTimeout(Batch batch) {
        batch.add("SELECT set_config('" + SAVED_TIMEOUT_GUC + "', current_setting('lock_timeout'), true)");
    }

    static void restoreTimeout(Batch batch) {
        batch.add("SELECT set_config('lock_timeout', current_setting('" + SAVED_TIMEOUT_GUC + "'), true)");
    }

    /** The {@code lock_timeout} value for a wait: {@code "0"} (no limit) or {@code "<n>ms"}. */
    static String timeoutValue(Wait wait) {
        if (wait.isForever()) {
            return "0";
        }
        return wait.millisRoundedUp() + "ms";
    }

    /** {@code "schema"."table"} with embedded double quotes doubled. */
    static String quote(TableName table) {
        return Identifiers.quote(table, '"');
    }
}
