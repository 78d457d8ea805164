package io.dblock.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dblock.DbLocks;
import io.dblock.LockFailedException;
import io.dblock.LockHandle;
import io.dblock.LockKey;
import io.dblock.LockUsageException;
import io.dblock.spi.Inspection;
import io.dblock.spi.SessionControl;
import io.dblock.spi.TableLocks;
import io.dblock.support.Holder;
import io.dblock.support.Needs;
import io.dblock.support.Probe;
import io.dblock.support.Server;
import io.dblock.testing.Await;
import io.dblock.testing.TestDatabase;
import io.dblock.testing.TestThreads;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The inspector on every engine: fields of held and waiting locks, the wait graph, cancel and terminate. */
@Needs({Inspection.class, SessionControl.class, TableLocks.class})
public abstract class InspectorContract {

    @AutoClose
    final TestThreads threads = new TestThreads();

    DataSource dataSource;
    TestDatabase db;
    DbLocks locks;
    LockInspector inspector;
    Probe probe;
    Server server;
    boolean postgres;
    /** Things to release after the test, in reverse order. */
    final List<Runnable> cleanUp = new ArrayList<>();
    /** Waiters to join after everything is released. */
    final List<TestThreads.TestThread<?>> waiters = new ArrayList<>();
    /** Threads the test started, joined after everything is released. */
    final List<Thread> ownThreads = new ArrayList<>();

    @BeforeEach
    void setUp(DataSource dataSource, TestDatabase db) {
        this.dataSource = dataSource;
        this.db = db;
        locks = DbLocks.create(dataSource);
        inspector = locks.inspector();
        probe = Probe.of(db);
        server = new Server(dataSource);
        postgres = db.engine().equals("PostgreSQL");
        server.execute("CREATE TABLE IF NOT EXISTS inspected (v int)");
    }

    @AfterEach
    void tearDown() {
        for (int i = cleanUp.size() - 1; i >= 0; i--) {
            cleanUp.get(i).run();
        }
        waiters.forEach(w -> w.join(Duration.ofSeconds(30)));
        for (Thread thread : ownThreads) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            assertThat(thread.isAlive()).as(thread.getName() + " ended").isFalse();
        }
    }

    /** Holds {@code key} on a thread of its own (its own DbLocks: another node) until the test ends. */
    LockHandle holdOnOwnThread(LockKey key) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<LockHandle> held = new CompletableFuture<>();
        TestThreads.TestThread<Void> done = threads.start("holds " + key, () -> {
            try (LockHandle h = DbLocks.create(dataSource).advisory(key).acquire()) {
                held.complete(h);
                release.await(60, TimeUnit.SECONDS);
            } catch (Throwable t) {
                held.completeExceptionally(t);
            }
        });
        cleanUp.add(() -> {
            release.countDown();
            done.join(Duration.ofSeconds(30));
        });
        return held.get(10, TimeUnit.SECONDS);
    }

    /** Starts a waiter for {@code key} (30 s limit) on its own thread; returns what it ends with. */
    TestThreads.TestThread<Object> waitFor(LockKey key) {
        TestThreads.TestThread<Object> outcome = threads.start("waits for " + key, () -> {
            try {
                Optional<LockHandle> h =
                        DbLocks.create(dataSource).advisory(key).tryAcquire(Duration.ofSeconds(30));
                h.ifPresent(LockHandle::close);
                return h.isPresent() ? "acquired" : "timed out";
            } catch (RuntimeException e) {
                return e;
            }
        });
        waiters.add(outcome);
        return outcome;
    }

    @Test
    void heldAndWaitingAdvisoryLocksShowEveryField() throws Exception {
        Instant before = Instant.now();
        LockHandle holder = holdOnOwnThread(LockKey.of("inspect:1"));
        TestThreads.TestThread<Object> waiter = waitFor(LockKey.of("inspect:1"));
        Await.until(Duration.ofSeconds(10), "the waiter waits", () -> probe.waitingForNamedLock() == 1);

        List<LockInfo> found = inspector.locks(LockFilter.all().key(LockKey.of("inspect:1")));
        assertThat(found).hasSize(2);
        LockInfo held = found.get(0);
        LockInfo waiting = found.get(1);
        assertThat(held.kind()).isEqualTo(LockInfo.Kind.ADVISORY);
        assertThat(held.key()).contains(LockKey.of("inspect:1")); // the name, known because this JVM locked it
        assertThat(held.table()).isEmpty();
        assertThat(held.mode()).isEqualTo("EXCLUSIVE");
        assertThat(held.granted()).isTrue();
        assertThat(held.waitingSince()).isEmpty();
        assertThat(held.waited()).isEmpty();
        assertThat(held.connectionId()).isEqualTo(holder.connectionId());
        assertThat(held.session().user()).contains(db.user());
        assertThat(held.session().state()).isEqualTo(SessionState.IDLE);
        assertThat(held.target()).isEqualTo("advisory \"inspect:1\"");

        assertThat(waiting.granted()).isFalse();
        assertThat(waiting.connectionId()).isNotEqualTo(holder.connectionId());
        assertThat(waiting.session().state()).isEqualTo(SessionState.ACTIVE);
        assertThat(waiting.session().query()).hasValueSatisfying(q -> assertThat(q.toLowerCase())
                .contains(postgres ? "pg_advisory_lock" : "get_lock"));
        assertThat(waiting.waitingSince()).hasValueSatisfying(since -> assertThat(since)
                .isAfterOrEqualTo(before.minusSeconds(1)) // MySQL-family times are whole seconds
                .isBeforeOrEqualTo(Instant.now().plusSeconds(1)));
        assertThat(waiting.waited())
                .hasValueSatisfying(w -> assertThat(w).isBetween(Duration.ZERO, Duration.ofSeconds(30)));

        assertThat(inspector.locks(LockFilter.all().granted(false).connection(waiting.connectionId())))
                .singleElement()
                .satisfies(l -> assertThat(l.key()).contains(LockKey.of("inspect:1")));
        assertThat(inspector.locks(LockFilter.all().key(LockKey.of("other")))).isEmpty();

        List<LockWait> waits = inspector.waits();
        assertThat(waits).hasSize(1);
        assertThat(waits.get(0).waiter().connectionId()).isEqualTo(waiting.connectionId());
        assertThat(waits.get(0).blocker().connectionId()).isEqualTo(holder.connectionId());
        assertThat(waits.get(0).waitingFor())
                .hasValueSatisfying(l -> assertThat(l.key()).contains(LockKey.of("inspect:1")));
        assertThat(waits.get(0).waited()).isPresent();
        assertThat(waiter).isNotDone();
    }

    @Test
    void numericKeysAreDecoded() throws Exception {
        holdOnOwnThread(LockKey.of(-42L));
        holdOnOwnThread(LockKey.of(7, -8));
        assertThat(inspector.locks(LockFilter.all().granted(true)))
                .extracting(l -> l.key().orElseThrow())
                .contains(LockKey.of(-42L), LockKey.of(7, -8));
    }

    @Test
    void tableLocksShowTableAndMode() throws Exception {
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TestThreads.TestThread<Long> holder = threads.start("holds table inspected", () -> {
            try {
                return locks.tables().write("inspected").inTransaction(c -> {
                    locked.countDown();
                    release.await(60, TimeUnit.SECONDS);
                    return 0L;
                });
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        cleanUp.add(() -> {
            release.countDown();
            holder.join(Duration.ofSeconds(30));
        });
        assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
        List<LockInfo> found = inspector.locks(LockFilter.all().table("inspected"));
        assertThat(found).isNotEmpty();
        assertThat(found).allSatisfy(l -> {
            assertThat(l.kind()).isEqualTo(LockInfo.Kind.TABLE);
            assertThat(l.table()).hasValueSatisfying(t -> assertThat(t.table()).isEqualTo("inspected"));
            assertThat(l.key()).isEmpty();
            assertThat(l.granted()).isTrue();
        });
        assertThat(found).extracting(LockInfo::mode).contains(postgres ? "ACCESS_EXCLUSIVE" : "WRITE");
        assertThat(found.get(0).session().state()).isIn(SessionState.IDLE_IN_TRANSACTION, SessionState.IDLE);
    }

    /** S1 holds a; S2 holds b and waits for a; S3 waits for b: the tree is S1 → S2 → S3. */
    @Test
    void aThreeLevelChainIsOneTree() throws Exception {
        LockHandle first = holdOnOwnThread(LockKey.of("chain-a"));
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Long> secondId = new CompletableFuture<>();
        TestThreads.TestThread<Void> second = threads.start("holds chain-b, waits for chain-a", () -> {
            // pinned: the middle holder waits on the session of its hold, so the server sees one chain
            DbLocks node = io.dblock.DbLocks.builder(dataSource)
                    .multiplexing(io.dblock.Multiplexing.off())
                    .build();
            try (LockHandle b = node.advisory("chain-b").acquire()) {
                secondId.complete(b.connectionId());
                node.advisory("chain-a").tryAcquire(Duration.ofSeconds(30)).ifPresent(LockHandle::close);
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        waiters.add(second);
        long middle = secondId.get(10, TimeUnit.SECONDS);
        Await.until(Duration.ofSeconds(10), "S2 waits", () -> probe.waitingForNamedLock() == 1);
        TestThreads.TestThread<Object> third = waitFor(LockKey.of("chain-b"));
        Await.until(Duration.ofSeconds(10), "S3 waits", () -> probe.waitingForNamedLock() == 2);
        cleanUp.add(release::countDown);

        List<WaitNode> tree = inspector.waitTree();
        assertThat(tree).hasSize(1);
        WaitNode root = tree.get(0);
        assertThat(root.session().connectionId()).isEqualTo(first.connectionId());
        assertThat(root.waitingFor()).isEmpty();
        assertThat(root.depth()).isEqualTo(3);
        assertThat(root.blockedCount()).isEqualTo(2);
        WaitNode s2 = root.blocks().get(0);
        assertThat(s2.session().connectionId()).isEqualTo(middle);
        assertThat(s2.waitingFor()).hasValueSatisfying(l -> assertThat(l.key()).contains(LockKey.of("chain-a")));
        WaitNode s3 = s2.blocks().get(0);
        assertThat(s3.waitingFor()).hasValueSatisfying(l -> assertThat(l.key()).contains(LockKey.of("chain-b")));
        assertThat(s3.blocks()).isEmpty();
        assertThat(third).isNotDone();
    }

    /**
     * Multiplexed, the middle holder's wait runs on a session of its own; its label names the session of its hold, so
     * the tree still shows the chain: the holding session under what its holder waits for, the third under it.
     */
    @Test
    void aChainThroughAMultiplexedHolderIsOneTree() throws Exception {
        LockHandle first = holdOnOwnThread(LockKey.of("mxchain-a"));
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Long> secondId = new CompletableFuture<>();
        TestThreads.TestThread<Void> second = threads.start("holds mxchain-b, waits for mxchain-a", () -> {
            DbLocks node = DbLocks.create(dataSource);
            try (LockHandle b = node.advisory("mxchain-b").acquire()) {
                secondId.complete(b.connectionId());
                node.advisory("mxchain-a").tryAcquire(Duration.ofSeconds(30)).ifPresent(LockHandle::close);
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        waiters.add(second);
        long holding = secondId.get(10, TimeUnit.SECONDS);
        Await.until(Duration.ofSeconds(10), "S2 waits", () -> probe.waitingForNamedLock() == 1);
        TestThreads.TestThread<Object> third = waitFor(LockKey.of("mxchain-b"));
        Await.until(Duration.ofSeconds(10), "S3 waits", () -> probe.waitingForNamedLock() == 2);
        cleanUp.add(release::countDown);

        List<WaitNode> tree = inspector.waitTree();
        assertThat(tree).as("one tree: " + tree).hasSize(1);
        WaitNode root = tree.get(0);
        assertThat(root.session().connectionId()).isEqualTo(first.connectionId());
        assertThat(root.depth()).isEqualTo(3);
        WaitNode held = root.blocks().stream()
                .filter(n -> n.session().connectionId() == holding)
                .findFirst()
                .orElseThrow(() -> new AssertionError("the middle holder's session is not under the root: " + tree));
        assertThat(held.blocks()).singleElement().satisfies(s3 -> assertThat(s3.waitingFor())
                .hasValueSatisfying(l -> assertThat(l.key()).contains(LockKey.of("mxchain-b"))));
        assertThat(root.blocks())
                .as("the middle holder's own wait, for mxchain-a")
                .anySatisfy(w -> assertThat(w.waitingFor())
                        .hasValueSatisfying(l -> assertThat(l.key()).contains(LockKey.of("mxchain-a"))));
        assertThat(third).isNotDone();
    }

    /** Holders started by {@link #holder}, released in the order they were started (holders before waiters). */
    final List<Holder> holders = new ArrayList<>();

    /** Starts {@code take} on a {@link Holder} thread with a DbLocks of its own (another node). */
    Holder holder(java.util.function.Function<DbLocks, LockHandle> take) {
        Holder holder = Holder.start(() -> Optional.of(take.apply(DbLocks.create(dataSource))));
        if (holders.isEmpty()) {
            cleanUp.add(() -> {
                for (Holder h : holders) {
                    try {
                        h.release();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
        }
        holders.add(holder);
        return holder;
    }

    /** Runs {@code work} on a named thread the test owns; joined (10 s at most) after the test's releases. */
    void onOwnThread(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
        ownThreads.add(thread);
    }

    /**
     * S1 and S2 hold a shared advisory lock, X1 waits for it exclusively, S3 (shared) waits behind X1: X1 shows under
     * both holders, each of which blocks X1 and S3.
     */
    @Test
    void eachSharedHolderShowsTheExclusiveWaiterItBlocks() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(postgres, "shared advisory locks are PostgreSQL's");
        LockKey key = LockKey.of("inspect:shared");
        long s1 = holder(n -> n.advisory(key).shared().acquire()).acquired().get(10, TimeUnit.SECONDS);
        long s2 = holder(n -> n.advisory(key).shared().acquire()).acquired().get(10, TimeUnit.SECONDS);
        Holder x1 = holder(n -> n.advisory(key).timeout(Duration.ofSeconds(30)).acquire());
        Await.until(Duration.ofSeconds(10), "X1 waits", () -> probe.waitingForNamedLock() == 1);
        Holder s3 = holder(
                n -> n.advisory(key).shared().timeout(Duration.ofSeconds(30)).acquire());
        Await.until(Duration.ofSeconds(10), "S3 waits", () -> probe.waitingForNamedLock() == 2);
        long x1Id = inspector.waits().stream()
                .filter(w -> w.blocker().connectionId() == s1)
                .findFirst()
                .orElseThrow()
                .waiter()
                .connectionId();

        List<WaitNode> tree = inspector.waitTree();

        assertThat(tree).extracting(n -> n.session().connectionId()).containsExactlyInAnyOrder(s1, s2);
        assertThat(tree).allSatisfy(root -> {
            assertThat(root.blockedCount()).as("X1 and S3, each once").isEqualTo(2);
            assertThat(root.blocks()).singleElement().satisfies(x -> {
                assertThat(x.session().connectionId()).isEqualTo(x1Id);
                assertThat(x.waitingFor())
                        .hasValueSatisfying(l -> assertThat(l.mode()).isEqualTo("EXCLUSIVE"));
            });
        });
        WaitNode first = tree.get(0).blocks().get(0);
        WaitNode second = tree.get(1).blocks().get(0);
        assertThat(first.blockedBy()).containsExactly(Math.min(s1, s2), Math.max(s1, s2));
        assertThat(second.blockedBy()).isEqualTo(first.blockedBy());
        assertThat(first.repeated()).isFalse();
        assertThat(first.blocks()).singleElement().satisfies(s -> assertThat(s.waitingFor())
                .hasValueSatisfying(l -> assertThat(l.mode()).isEqualTo("SHARED")));
        assertThat(second.repeated())
                .as("its subtree is under its first appearance")
                .isTrue();
        assertThat(second.blocks()).isEmpty();
        assertThat(second.blockedCount()).isEqualTo(1);
        assertThat(x1.acquired()).isNotDone();
        assertThat(s3.acquired()).isNotDone();
    }

    /** Two sessions read-lock a table and a third waits to write it: the writer shows under both readers. */
    @Test
    void eachReaderOfATableShowsTheWriterItBlocks() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<CompletableFuture<Long>> readers = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            CompletableFuture<Long> reader = new CompletableFuture<>();
            readers.add(reader);
            DbLocks node = DbLocks.create(dataSource);
            onOwnThread("table-reader-" + i, () -> {
                try {
                    node.tables().read("inspected").inTransaction(c -> {
                        try (java.sql.Statement s = c.createStatement();
                                java.sql.ResultSet rs = s.executeQuery(
                                        postgres ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()")) {
                            rs.next();
                            reader.complete(rs.getLong(1));
                        }
                        return release.await(60, TimeUnit.SECONDS);
                    });
                } catch (Exception e) {
                    reader.completeExceptionally(e);
                }
            });
        }
        cleanUp.add(release::countDown);
        long r1 = readers.get(0).get(10, TimeUnit.SECONDS);
        long r2 = readers.get(1).get(10, TimeUnit.SECONDS);
        DbLocks writerNode = DbLocks.create(dataSource);
        onOwnThread("table-writer", () -> {
            try {
                writerNode
                        .tables()
                        .write("inspected")
                        .timeout(Duration.ofSeconds(30))
                        .inTransaction(c -> 0);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Await.until(Duration.ofSeconds(10), "the writer waits", () -> probe.waitingForTable() == 1);
        Await.until(
                Duration.ofSeconds(10),
                "both readers block the writer",
                () -> inspector.waits().size() == 2);

        List<WaitNode> tree = inspector.waitTree();

        assertThat(tree).extracting(n -> n.session().connectionId()).containsExactlyInAnyOrder(r1, r2);
        long writer = inspector.waits().get(0).waiter().connectionId();
        assertThat(tree).allSatisfy(root -> {
            assertThat(root.blockedCount()).isEqualTo(1);
            assertThat(root.blocks())
                    .singleElement()
                    .satisfies(w -> assertThat(w.session().connectionId()).isEqualTo(writer));
        });
    }

    /** Server processes that are not client sessions are refused, and live on. */
    @Test
    void serverProcessesThatAreNotClientSessionsAreNeitherCancelledNorTerminated() throws Exception {
        long process;
        String kind;
        if (postgres) {
            kind = "autovacuum launcher";
            process = server.queryInt("SELECT pid FROM pg_stat_activity WHERE backend_type = ?", kind);
        } else {
            kind = "Daemon";
            server.execute("SET GLOBAL event_scheduler = ON");
            cleanUp.add(() -> server.execute("SET GLOBAL event_scheduler = OFF"));
            Await.until(
                    Duration.ofSeconds(10),
                    "the event scheduler runs",
                    () -> server.queryInt(
                                    "SELECT count(*) FROM information_schema.PROCESSLIST WHERE COMMAND = 'Daemon'")
                            == 1);
            process = server.queryInt("SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND = 'Daemon'");
        }

        assertThatThrownBy(() -> inspector.terminate(process))
                .isInstanceOf(LockUsageException.class)
                .hasMessageContaining("not a client session")
                .hasMessageContaining(kind);
        assertThatThrownBy(() -> inspector.cancel(process))
                .isInstanceOf(LockUsageException.class)
                .hasMessageContaining("not a client session");
        assertThat(probe.alive(process)).as("the process lives on").isTrue();
        if (postgres) {
            long replicationLauncher = server.queryInt(
                    "SELECT pid FROM pg_stat_activity WHERE backend_type = 'logical replication launcher'");
            assertThatThrownBy(() -> inspector.terminate(replicationLauncher))
                    .isInstanceOf(LockUsageException.class)
                    .hasMessageContaining("logical replication launcher");
            assertThat(probe.alive(replicationLauncher)).isTrue();
        }
    }

    @Test
    void cancelEndsAWaitButNotTheSession() throws Exception {
        holdOnOwnThread(LockKey.of("cancel-me"));
        TestThreads.TestThread<Object> waiter = waitFor(LockKey.of("cancel-me"));
        Await.until(Duration.ofSeconds(10), "the waiter waits", () -> probe.waitingForNamedLock() == 1);
        long waiterId = inspector.locks(LockFilter.all().granted(false)).get(0).connectionId();
        assertThat(inspector.cancel(waiterId)).isTrue();
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isInstanceOf(LockFailedException.class);
    }

    @Test
    void terminateEndsTheHolderAndFreesItsLocks() throws Exception {
        LockHandle holder = holdOnOwnThread(LockKey.of("terminate-me"));
        assertThat(inspector.terminate(holder.connectionId())).isTrue();
        Await.until(Duration.ofSeconds(10), "the holder's session is gone", () -> !probe.alive(holder.connectionId()));
        try (LockHandle mine = locks.advisory("terminate-me").tryAcquire().orElseThrow()) {
            assertThat(mine.isHeld()).isTrue();
        }
    }

    @Test
    void unknownSessionsAreReportedNotInvented() {
        assertThat(inspector.cancel(2_000_000_000L)).isFalse();
        assertThat(inspector.terminate(2_000_000_000L)).isFalse();
        assertThat(inspector.cancel(-1)).isFalse();
    }

    @Test
    void theInspectorsOwnSessionIsNotSignalled() {
        try (LockHandle mine = locks.advisory("self").acquire()) {
            // this thread's inspector calls run on its pinned connection: the one holding "self"
            assertThatThrownBy(() -> inspector.terminate(mine.connectionId()))
                    .isInstanceOf(LockUsageException.class)
                    .hasMessageContaining("inspector itself");
            assertThat(mine.isHeld()).isTrue();
            assertThat(locks.advisory("self").holderConnectionIds()).containsExactly(mine.connectionId());
        }
    }

    /** A user without the privilege gets a usage error naming the privilege, and the target session lives on. */
    @Test
    void signallingAnotherUsersSessionWithoutPrivilegeSaysWhatIsNeeded() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                db.toString().startsWith("embedded"), "creates a database user: embedded servers only");
        if (postgres) {
            server.execute("DO $$ BEGIN CREATE ROLE dblock_weak LOGIN PASSWORD 'weak'; EXCEPTION WHEN duplicate_object"
                    + " THEN NULL; END $$");
        } else {
            server.execute("CREATE USER IF NOT EXISTS 'dblock_weak'@'%' IDENTIFIED BY 'weak'");
            server.execute("GRANT SELECT ON " + server.queryString("SELECT DATABASE()") + ".* TO 'dblock_weak'@'%'");
        }
        DataSource weak = new io.dblock.support.UserDataSource(db.jdbcUrl(), "dblock_weak", "weak");
        LockHandle holder = holdOnOwnThread(LockKey.of("privileged"));
        LockInspector weakInspector = DbLocks.create(weak).inspector();
        assertThatThrownBy(() -> weakInspector.terminate(holder.connectionId()))
                .isInstanceOf(LockUsageException.class)
                .hasMessageContaining(postgres ? "pg_signal_backend" : "CONNECTION ADMIN");
        assertThatThrownBy(() -> weakInspector.cancel(holder.connectionId())).isInstanceOf(LockUsageException.class);
        assertThat(probe.alive(holder.connectionId())).isTrue();
    }

    /** Application name, transaction start and state-since come from the server, as the holder set them. */
    @Test
    void sessionFieldsComeFromTheServer() throws Exception {
        String url = db.jdbcUrl()
                + (db.jdbcUrl().contains("?") ? "&" : "?")
                + (postgres ? "ApplicationName=billing" : "connectionAttributes=program_name:billing");
        try (java.sql.Connection holder =
                new io.dblock.support.UserDataSource(url, db.user(), db.password()).getConnection()) {
            holder.setAutoCommit(false);
            Instant before = Instant.now().minusSeconds(1);
            locks.tables().write("inspected").acquire(holder);
            try (java.sql.Statement s = holder.createStatement()) {
                s.executeUpdate("INSERT INTO inspected VALUES (1)");
            }
            // MariaDB switches the session's COMMAND from Query to Sleep just after it has answered the client, so a
            // snapshot taken at once may still see it running: wait (with a deadline) for the server to settle.
            java.util.concurrent.atomic.AtomicReference<LockInfo> seen =
                    new java.util.concurrent.atomic.AtomicReference<>();
            io.dblock.testing.Await.until(Duration.ofSeconds(10), "the holder's session to be reported idle", () -> {
                seen.set(inspector
                        .locks(LockFilter.all().table("inspected").granted(true))
                        .get(0));
                return seen.get().session().state() != SessionState.ACTIVE;
            });
            LockInfo held = seen.get();
            SessionInfo session = held.session();
            assertThat(session.applicationName()).contains("billing");
            assertThat(session.user()).contains(db.user());
            assertThat(session.state()).isEqualTo(SessionState.IDLE_IN_TRANSACTION);
            assertThat(session.idleInTransaction()).isTrue();
            assertThat(session.stateSince()).hasValueSatisfying(t -> assertThat(t)
                    .isBetween(before, Instant.now().plusSeconds(1)));
            assertThat(session.inStateFor(Instant.now().plusSeconds(5)))
                    .hasValueSatisfying(d -> assertThat(d).isGreaterThanOrEqualTo(Duration.ofSeconds(3)));
            if (postgres) {
                assertThat(session.transactionStart()).hasValueSatisfying(t -> assertThat(t)
                        .isBetween(before, Instant.now().plusSeconds(1)));
                assertThat(session.query())
                        .hasValueSatisfying(q -> assertThat(q).contains("INSERT INTO inspected"));
            }
            holder.rollback();
            locks.tables().release(holder);
        }
    }

    @Test
    void nothingLockedMeansEmptyAnswers() {
        assertThat(inspector.locks(LockFilter.all().granted(false))).isEmpty();
        assertThat(inspector.waits()).isEmpty();
        assertThat(inspector.waitTree()).isEmpty();
    }
}
