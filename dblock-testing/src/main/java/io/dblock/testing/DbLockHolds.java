package io.dblock.testing;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What dblock, if it is on the class path, says about the session locks this JVM holds ({@code io.dblock.JvmLocks}):
 * the lock as the application wrote it and where it was acquired, so that a leak report names both. Read by
 * reflection because the kit does not depend on dblock-core (it tests any JDBC code); without dblock, or with a dblock
 * older than {@code JvmLocks}, the list is empty.
 */
final class DbLockHolds {

    /**
     * One key held through dblock.
     *
     * @param lock the key as the application wrote it, as dblock prints it: {@code "invoice:42"}, {@code 42}, {@code (1,2)}
     * @param name the name of a named key, else null
     * @param classid {@code pg_locks.classid} of the key on PostgreSQL
     * @param objid {@code pg_locks.objid}
     * @param objsubid {@code pg_locks.objsubid}
     * @param connectionIds the sessions its hold is on
     * @param thread the acquiring thread's name
     * @param site where it was acquired, or null if not recorded
     */
    record Hold(
            String lock,
            String name,
            long classid,
            long objid,
            int objsubid,
            Set<Long> connectionIds,
            String thread,
            String site) {

        /** How a leak report says who took it. */
        String takenBy() {
            return "taken through dblock by thread '" + thread + "'"
                    + (site == null ? " (acquisition sites not recorded)" : " at " + site);
        }
    }

    private DbLockHolds() {}

    static List<Hold> list() {
        List<Hold> holds = new ArrayList<>();
        try {
            Class<?> jvmLocks = Class.forName("io.dblock.JvmLocks", true, DbLockHolds.class.getClassLoader());
            for (Object held : (List<?>) jvmLocks.getMethod("held").invoke(null)) {
                Object key = call(held, "key");
                Object pgLocksId = call(key, "pgLocksId");
                Optional<?> name = (Optional<?>) call(key, "name");
                Optional<?> site = (Optional<?>) call(held, "site");
                @SuppressWarnings("unchecked")
                Set<Long> sessions = (Set<Long>) call(held, "connectionIds");
                holds.add(new Hold(
                        key.toString(),
                        name.map(Object::toString).orElse(null),
                        (Long) call(pgLocksId, "classid"),
                        (Long) call(pgLocksId, "objid"),
                        (Integer) call(pgLocksId, "objsubid"),
                        sessions,
                        (String) call(held, "thread"),
                        site.map(Object::toString).orElse(null)));
            }
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            return List.of(); // no dblock here, or one without JvmLocks
        }
        return holds;
    }

    /** The dblock hold of a leaked PostgreSQL advisory lock, if dblock in this JVM took it. */
    static Optional<Hold> ofAdvisoryLock(List<Hold> holds, HeldAdvisoryLock lock) {
        return holds.stream()
                .filter(h -> h.connectionIds().contains((long) lock.pid())
                        && h.classid() == lock.classid()
                        && h.objid() == lock.objid()
                        && h.objsubid() == lock.objsubid())
                .findFirst();
    }

    /**
     * The dblock hold of a leaked MySQL/MariaDB user lock, if dblock in this JVM took it: on the same connection, with
     * the name (or number) in the server's lock name ({@code metadata_locks} may cut it at 64 characters).
     */
    static Optional<Hold> ofUserLock(List<Hold> holds, HeldUserLock lock) {
        List<Hold> onConnection = holds.stream()
                .filter(h -> h.connectionIds().contains(lock.connectionId()))
                .toList();
        return onConnection.stream()
                .filter(h -> lock.name() != null && lock.name().contains(h.name() != null ? h.name() : h.lock()))
                .findFirst()
                .or(() -> onConnection.size() == 1 ? Optional.of(onConnection.get(0)) : Optional.empty());
    }

    private static Object call(Object target, String accessor) throws ReflectiveOperationException {
        Method method = target.getClass().getMethod(accessor);
        return method.invoke(target);
    }
}
