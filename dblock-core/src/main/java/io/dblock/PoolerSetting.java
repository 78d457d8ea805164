package io.dblock;

import io.dblock.spi.LockEngine;
import io.dblock.spi.PoolerDetection;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * What stands between one {@code DbLocks} and its server ({@link DbLocks.Builder#pooler}): as configured, or for {@link
 * Pooler#AUTO} what the engine's {@link PoolerDetection} finds on the first connection dblock uses (one query, once),
 * logged then. Behind a transaction pooler every connection dblock runs its own statements on is adapted for the
 * duration ({@link #adapt}: pgjdbc's server-side prepared statements off).
 *
 * <p>Thread-safe.
 */
final class PoolerSetting {

    private static final System.Logger LOG = SessionLocks.LOG;
    private static final Runnable NOTHING = () -> {};

    private final LockEngine engine;
    private final Optional<PoolerDetection> detection;
    private volatile Pooler resolved;

    PoolerSetting(LockEngine engine, Pooler configured) {
        this.engine = engine;
        this.detection = engine.facet(PoolerDetection.class);
        this.resolved = configured;
    }

    /** The setting in effect: as configured, or for {@link Pooler#AUTO} what detection found; AUTO until then. */
    Pooler current() {
        return resolved;
    }

    /** The setting in effect, detected on {@code connection} first if it is still {@link Pooler#AUTO}. */
    Pooler resolve(Connection connection) throws SQLException {
        Pooler now = resolved;
        if (now != Pooler.AUTO) {
            return now;
        }
        synchronized (this) {
            if (resolved == Pooler.AUTO) {
                boolean behind = detection.isPresent()
                        && NetworkBound.run(connection, () -> detection.get().behindPooler(connection));
                boolean inTransactionPossible = inTransactionPossible();
                resolved = !behind ? Pooler.NONE : inTransactionPossible ? Pooler.TRANSACTION : Pooler.SESSION;
                LOG.log(
                        !behind ? Level.DEBUG : inTransactionPossible ? Level.INFO : Level.WARNING,
                        detected(behind, inTransactionPossible));
            }
            return resolved;
        }
    }

    /** Whether the engine can hold session locks as transaction-scoped ones ({@link Pooler#TRANSACTION}). */
    boolean inTransactionPossible() {
        return engine.facet(io.dblock.spi.TransactionLocks.class).isPresent();
    }

    /**
     * Behind a transaction pooler, adapts {@code connection} for dblock's statements ({@link
     * PoolerDetection#adaptToPooler}); resolves the setting first if need be.
     *
     * @return what puts the connection back as it was: run it before the connection goes back to its pool
     */
    Runnable adapt(Connection connection) throws SQLException {
        if (resolve(connection) != Pooler.TRANSACTION || detection.isEmpty()) {
            return NOTHING;
        }
        return detection.get().adaptToPooler(connection);
    }

    private String detected(boolean behind, boolean inTransactionPossible) {
        if (!behind) {
            return "dblock: direct connections to " + engine.name() + " (no pooler found)";
        }
        return inTransactionPossible
                ? "dblock: the connections to " + engine.name() + " go through a pooler or proxy (the driver's session"
                        + " key differs from the server's): session locks are held as transaction-scoped locks in a"
                        + " transaction left open on their connection (Pooler.TRANSACTION); declare"
                        + " DbLocks.Builder.pooler(Pooler.SESSION) behind a session-mode pooler for plain session locks"
                : "dblock: the connections to " + engine.name() + " go through a proxy (the handshake's thread id"
                        + " differs from CONNECTION_ID()): named locks are session-level, so they are only safe if the"
                        + " proxy keeps one server connection per client connection while a lock is held (ProxySQL"
                        + " turns multiplexing off after GET_LOCK; see the README for MaxScale)";
    }
}
