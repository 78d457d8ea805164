package io.dblock.cli.demo;

import io.dblock.LockTimeoutException;
import io.dblock.TableLock;
import io.dblock.TableLockMode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Future;

/**
 * Scene one, a table lock, which lasts until the transaction that took it ends: alice locks {@code orders} for writing
 * and keeps her transaction open; bob wants to read it, gives up after 200 ms; carol waits for as long as it takes and
 * reads it once alice commits.
 */
final class TableScene {

    /** The demo's table; a schema of its own so that a run against an external server touches nothing else. */
    static final String TABLE = "dblock_demo.orders";

    private static final Duration BOB_PATIENCE = Duration.ofMillis(200);

    private final Cast cast;

    TableScene(Cast cast) {
        this.cast = cast;
    }

    void play() throws Exception {
        cast.timeline().note("Table lock on orders (held until the transaction ends)");
        Connection aliceTransaction = cast.alice().run(this::aliceLocksForWriting);
        try {
            cast.bob().run(this::bobReadsIfQuick);
            Future<Long> carolReads = cast.carol().start(this::carolReadsWhenFree);
            int carolPid = cast.probe().awaitWaiting(cast.carol());
            cast.alice().run(() -> aliceCommits(aliceTransaction, carolPid));
            cast.carol().finish(carolReads);
        } finally {
            // Rolls back, releasing the table, if the scene broke off before alice committed; else does nothing.
            aliceTransaction.close();
        }
    }

    /** The explicit form: the lock joins a transaction the caller manages, and ends with it. */
    private Connection aliceLocksForWriting() throws SQLException {
        Connection connection = cast.alice().connect();
        try {
            connection.setAutoCommit(false);
            TableLock exclusive = cast.alice().locks().tables(TABLE).mode(TableLockMode.ACCESS_EXCLUSIVE);
            exclusive.timeout(Worker.STEP_LIMIT).acquire(connection);
        } catch (RuntimeException | SQLException e) {
            connection.close();
            throw e;
        }
        cast.log(cast.alice(), "locks orders in ACCESS EXCLUSIVE mode and keeps the transaction open");
        return connection;
    }

    private Void bobReadsIfQuick() throws SQLException {
        Worker bob = cast.bob();
        cast.log(bob, "waits up to " + BOB_PATIENCE.toMillis() + " ms for SHARE on orders...");
        try {
            bob.locks()
                    .tables(TABLE)
                    .mode(TableLockMode.SHARE)
                    .timeout(BOB_PATIENCE)
                    .inTransaction(TableScene::countOrders);
        } catch (LockTimeoutException e) {
            long waited = e.waited().orElse(BOB_PATIENCE).toMillis();
            cast.log(bob, "gave up: timed out after " + waited + " ms (LockTimeoutException)");
            cast.summary().add("timed out", bob, "after " + waited + " ms waiting for SHARE on orders");
            return null;
        }
        throw new IllegalStateException("bob read orders although alice held it exclusively");
    }

    /** The managed form: dblock opens the transaction, locks, runs the work and commits. */
    private Long carolReadsWhenFree() throws SQLException {
        Worker carol = cast.carol();
        cast.log(carol, "waits without limit for SHARE on orders...");
        long start = System.nanoTime();
        return carol.locks()
                .tables(TABLE)
                .mode(TableLockMode.SHARE)
                .waitForever()
                .inTransaction(connection -> {
                    long waited = Cast.millisSince(start);
                    long orders = countOrders(connection);
                    cast.log(
                            carol,
                            "got SHARE on orders after " + waited + " ms and finds " + orders
                                    + (orders == 1 ? " order" : " orders"));
                    cast.summary().add("waited", carol, waited + " ms for SHARE on orders, then read the table");
                    return orders;
                });
    }

    private Void aliceCommits(Connection transaction, int carolPid) throws SQLException {
        try (Statement statement = transaction.createStatement()) {
            statement.executeUpdate("INSERT INTO " + TABLE + " (item) VALUES ('coffee beans')");
        }
        // Logged before the commit: once it commits, carol may print her line at any moment.
        cast.log(cast.alice(), "sees carol (pid " + carolPid + ") waiting in pg_locks; inserts an order, commits");
        transaction.commit();
        transaction.close();
        return null;
    }

    private static long countOrders(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + TABLE)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
