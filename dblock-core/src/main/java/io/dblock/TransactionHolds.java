package io.dblock;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Behind a transaction pooler ({@link Pooler#TRANSACTION}) a pin's session locks are transaction-scoped locks in one
 * open transaction, and such a lock cannot be unlocked alone: it goes when its transaction, or the savepoint it was
 * taken after, is rolled back. So each acquisition made while the pin already holds something is taken after a
 * savepoint of its own, and the holds form a stack of layers:
 *
 * <ul>
 *   <li>the first acquisition is the bottom layer, with no savepoint: the pin's last release rolls the whole transaction
 *       back ({@link SessionPins});
 *   <li>a release that ends the top layer rolls back to its savepoint and releases it (two statements), which frees its
 *       keys on the server at once, and then any layer below that was already released, in turn;
 *   <li>a release out of that order (a lock released while a later one is still held) frees nothing yet: its keys stay
 *       held on the server, excluding everyone, until every later layer is released too.
 * </ul>
 *
 * A rollback to a savepoint also puts back the session settings the keepalive made after it, so the caller has the
 * keepalive make them again.
 *
 * <p>Touched only with the pin's {@link Pin#busy} held.
 */
final class TransactionHolds {

    /** One key in one mode, as held on the server. */
    private record Held(LockKey key, AdvisoryLockMode mode) {}

    /** The keys one acquisition took, after {@code savepoint} (null for the bottom layer), and those still held. */
    private static final class Layer {
        final Savepoint savepoint;
        final Set<Held> held = new HashSet<>();

        Layer(Savepoint savepoint) {
            this.savepoint = savepoint;
        }
    }

    private final ArrayDeque<Layer> layers = new ArrayDeque<>();

    /**
     * Before an acquisition: a savepoint if the transaction holds something already (one statement), else null.
     *
     * @throws SQLException if the savepoint cannot be set
     */
    Savepoint before(Connection connection) throws SQLException {
        return layers.isEmpty() ? null : connection.setSavepoint();
    }

    /** After an acquisition that granted {@code keys}: they form a new top layer. */
    void granted(Savepoint savepoint, List<LockKey> keys, AdvisoryLockMode mode) {
        Layer layer = new Layer(savepoint);
        keys.forEach(key -> layer.held.add(new Held(key, mode)));
        layers.push(layer);
    }

    /** After an acquisition that granted nothing (or failed): its savepoint, if any, is released. */
    void notGranted(Connection connection, Savepoint savepoint) throws SQLException {
        if (savepoint != null) {
            connection.releaseSavepoint(savepoint);
        }
    }

    /**
     * Ends the server holds of {@code keys}: frees every top layer that holds nothing more by rolling back to its
     * savepoint. The bottom layer stays for the pin's last release, which ends the transaction.
     *
     * @return whether anything was rolled back (the keepalive's settings must then be made again)
     * @throws SQLException if a rollback failed; the keys then stay held until the transaction ends
     */
    boolean release(Connection connection, List<LockKey> keys, AdvisoryLockMode mode) throws SQLException {
        for (LockKey key : keys) {
            Held held = new Held(key, mode);
            for (Layer layer : layers) {
                if (layer.held.remove(held)) {
                    break;
                }
            }
        }
        if (layers.stream().allMatch(layer -> layer.held.isEmpty())) {
            layers.clear(); // the pin's last release: rolling the transaction back frees them all
            return false;
        }
        boolean rolledBack = false;
        while (layers.size() > 1 && layers.peek().held.isEmpty()) {
            Savepoint savepoint = layers.pop().savepoint;
            connection.rollback(savepoint);
            connection.releaseSavepoint(savepoint);
            rolledBack = true;
        }
        return rolledBack;
    }

    /**
     * Behind a transaction pooler: the keys as transaction-scoped locks in the pin's open transaction (in a savepoint, so
     * a timeout leaves the transaction and its other locks as they were; after one more if the pin holds others, so
     * that they can be released alone: {@link TransactionHolds}), and the server's id of the session that transaction
     * keeps.
     */
    static java.util.OptionalLong acquire(
            io.dblock.spi.LockEngine engine,
            Pin pin,
            java.util.List<LockKey> keys,
            SessionAcquisition.Request request,
            io.dblock.spi.Wait slice,
            io.dblock.spi.WaitGuard guard)
            throws SQLException {
        io.dblock.spi.TransactionLocks locks =
                Facets.require(engine, io.dblock.spi.TransactionLocks.class, request.description());
        Savepoint savepoint = pin.transactionHolds.before(pin.connection);
        boolean granted;
        try {
            granted = locks.acquireTransaction(pin.connection, keys, request.mode(), slice, guard);
        } catch (SQLException | RuntimeException e) {
            try {
                pin.transactionHolds.notGranted(pin.connection, savepoint);
            } catch (SQLException release) {
                e.addSuppressed(release);
            }
            throw e;
        }
        if (!granted) {
            pin.transactionHolds.notGranted(pin.connection, savepoint);
            return java.util.OptionalLong.empty();
        }
        pin.transactionHolds.granted(savepoint, keys, request.mode());
        return java.util.OptionalLong.of(
                pin.connectionId >= 0 ? pin.connectionId : engine.connectionId(pin.connection));
    }
}
