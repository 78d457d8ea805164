package io.dblock.spring.shedlock;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import net.javacrumbs.shedlock.core.ExtensibleLockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;

/**
 * For a rolling migration to {@link DbLockProvider}: a lock is granted only when both the previous provider (the
 * {@code shedlock} table's {@code JdbcTemplateLockProvider}, or any other) and dblock grant it, so nodes not yet
 * migrated, nodes running this provider, and nodes already on dblock alone never run a task together.
 *
 * <ol>
 *   <li>Deploy this provider node by node: nodes still on the old provider meet the table's lock, which this one takes
 *       first.
 *   <li>Once every node runs it, deploy {@code DbLockProvider} alone, node by node: the nodes still on this provider
 *       meet the advisory lock, which this one takes second.
 *   <li>Drop the {@code shedlock} table.
 * </ol>
 *
 * <p>{@link #lock} asks the previous provider, then dblock; if dblock refuses (a node on dblock alone runs the task),
 * the previous lock is unlocked again (a table-based provider keeps it until its {@code lockAtLeastFor}, which only
 * holds off nodes that would be refused by dblock anyway) and the answer is empty. {@link
 * SimpleLock#unlock()} unlocks dblock's lock, then the previous one, each after its own {@code lockAtLeastFor}. {@link
 * SimpleLock#extend} extends both, so ShedLock's {@code KeepAliveLockProvider} works if the previous provider can
 * extend too ({@code UnsupportedOperationException} otherwise); if either refuses, the other is unlocked and the
 * answer is empty.
 *
 * <p>Thread-safe if both providers are (ShedLock's and {@code DbLockProvider} are).
 */
public final class MigratingLockProvider implements ExtensibleLockProvider {

    private static final System.Logger LOG = System.getLogger(MigratingLockProvider.class.getName());

    private final LockProvider previous;
    private final DbLockProvider dblock;

    /**
     * A provider that locks through both.
     *
     * @param previous the provider the other nodes use today, asked first
     * @param dblock the provider the nodes move to, asked second
     */
    public MigratingLockProvider(LockProvider previous, DbLockProvider dblock) {
        this.previous = Objects.requireNonNull(previous, "previous must not be null");
        this.dblock = Objects.requireNonNull(dblock, "dblock must not be null");
    }

    /**
     * Takes the lock from both providers, or from none.
     *
     * @return the lock, or empty if either provider finds it held
     */
    @Override
    public Optional<SimpleLock> lock(LockConfiguration configuration) {
        Objects.requireNonNull(configuration, "configuration must not be null");
        Optional<SimpleLock> first = previous.lock(configuration);
        if (first.isEmpty()) {
            return Optional.empty();
        }
        Optional<SimpleLock> second;
        try {
            second = dblock.lock(configuration);
        } catch (RuntimeException e) {
            giveBack(first.get(), configuration.getName(), e);
            throw e;
        }
        if (second.isEmpty()) {
            giveBack(first.get(), configuration.getName(), null);
            return Optional.empty();
        }
        return Optional.of(new BothLocks(configuration.getName(), first.get(), second.get()));
    }

    /** Unlocks a previous provider's lock the task did not run under. */
    private static void giveBack(SimpleLock lock, String name, RuntimeException failure) {
        try {
            lock.unlock();
        } catch (RuntimeException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            }
            LOG.log(Level.WARNING, "unlocking the previous provider's lock '" + name + "' failed", e);
        }
    }

    @Override
    public String toString() {
        return "MigratingLockProvider[" + previous + ", then " + dblock + "]";
    }

    /** Both providers' locks for one task. */
    private static final class BothLocks implements SimpleLock {

        private final String name;
        private final SimpleLock first;
        private final SimpleLock second;

        BothLocks(String name, SimpleLock first, SimpleLock second) {
            this.name = name;
            this.first = first;
            this.second = second;
        }

        @Override
        public void unlock() {
            try {
                second.unlock();
            } finally {
                first.unlock();
            }
        }

        @Override
        public Optional<SimpleLock> extend(Duration lockAtMostFor, Duration lockAtLeastFor) {
            Optional<SimpleLock> extendedFirst = first.extend(lockAtMostFor, lockAtLeastFor);
            if (extendedFirst.isEmpty()) {
                second.unlock();
                return Optional.empty();
            }
            Optional<SimpleLock> extendedSecond;
            try {
                extendedSecond = second.extend(lockAtMostFor, lockAtLeastFor);
            } catch (RuntimeException e) {
                giveBack(extendedFirst.get(), name, e);
                throw e;
            }
            if (extendedSecond.isEmpty()) {
                giveBack(extendedFirst.get(), name, null);
                return Optional.empty();
            }
            return Optional.of(new BothLocks(name, extendedFirst.get(), extendedSecond.get()));
        }

        @Override
        public String toString() {
            return "MigratingLockProvider lock '" + name + "'";
        }
    }
}
