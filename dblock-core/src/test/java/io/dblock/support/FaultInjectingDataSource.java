package io.dblock.support;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * Wraps a (pooling) DataSource to make unlock statements fail on demand and to check every connection it hands out.
 *
 * <ul>
 *   <li><b>Faults.</b> Inside {@link #failingNextUnlock(Fault, Runnable)}, the next unlock statement the calling thread
 *       executes ({@code pg_advisory_unlock*}, {@code RELEASE_LOCK}, {@code RELEASE_ALL_LOCKS}) throws an {@link
 *       SQLException}: {@link
 *       Fault#BEFORE_UNLOCK} without running it (the lock stays held on the server), {@link Fault#AFTER_UNLOCK} after
 *       running it (the lock is gone but the client sees a failure, as when the connection drops after sending). Other
 *       threads and statements are untouched.
 *   <li><b>Borrow check.</b> Every {@code getConnection()} asks the new connection's own session which advisory/user
 *       locks it holds ({@link OwnLocks}); a connection handed out holding any is recorded in {@link #violations()}.
 * </ul>
 *
 * {@code unwrap}/{@code isWrapperFor} go to the wrapped objects, as pools and driver wrappers do, so dblock can reach
 * the physical connection. Thread-safe.
 */
public final class FaultInjectingDataSource {

    /** How the unlock statement fails. */
    public enum Fault {
        /** The statement never reaches the server: the lock stays held. SQLState HY000. */
        BEFORE_UNLOCK,
        /** The statement runs (the lock is released), then the client sees a connection failure. SQLState 08006. */
        AFTER_UNLOCK
    }

    private final DataSource target;
    private final boolean postgres;
    private final DataSource dataSource;
    /** Per thread: the fault and how many more unlock statements get it. */
    private final ThreadLocal<Armed> armed = new ThreadLocal<>();

    private static final class Armed {
        final Fault fault;
        int remaining;

        Armed(Fault fault, int remaining) {
            this.fault = fault;
            this.remaining = remaining;
        }
    }

    private final AtomicInteger borrows = new AtomicInteger();
    private final AtomicInteger holderQueries = new AtomicInteger();
    private final AtomicInteger injectedBefore = new AtomicInteger();
    private final AtomicInteger injectedAfter = new AtomicInteger();
    private final List<String> violations = new CopyOnWriteArrayList<>();

    public FaultInjectingDataSource(DataSource target, boolean postgres) {
        this.target = target;
        this.postgres = postgres;
        this.dataSource = proxy(DataSource.class, target, this::onDataSource);
    }

    /** The wrapping data source, to give to dblock. */
    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * Runs {@code action} with {@code fault} armed for the calling thread's next unlock statement; disarms it afterwards
     * whether or not an unlock ran.
     */
    public void failingNextUnlock(Fault fault, Runnable action) {
        failingNextUnlocks(fault, 1, action);
    }

    /**
     * Runs {@code action} with {@code fault} armed for the calling thread's next {@code count} unlock statements (an
     * unlock and then dblock's unlock-all clean-up, for example); disarms afterwards.
     */
    public void failingNextUnlocks(Fault fault, int count, Runnable action) {
        injectingNextUnlocks(fault, count, action);
    }

    /**
     * As {@link #failingNextUnlocks}, returning how many faults {@code action} met on the calling thread (an action
     * that sends no unlock meets none).
     */
    public int injectingNextUnlocks(Fault fault, int count, Runnable action) {
        Armed arming = new Armed(fault, count);
        armed.set(arming);
        try {
            action.run();
        } finally {
            armed.remove();
        }
        return count - arming.remaining;
    }

    /** Connections handed out holding a lock, described; empty if none was. */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    /** Connections handed out so far. */
    public int borrows() {
        return borrows.get();
    }

    /**
     * Statements prepared so far that ask who holds a lock ({@code pg_locks}, {@code IS_USED_LOCK}): how the watchdog's
     * passes show, since it asks each holding session on its own connection.
     */
    public int holderQueries() {
        return holderQueries.get();
    }

    /** Faults injected so far, of the given kind. */
    public int injected(Fault fault) {
        return (fault == Fault.BEFORE_UNLOCK ? injectedBefore : injectedAfter).get();
    }

    private Object onDataSource(Method method, Object[] args) throws Throwable {
        Object result = invoke(target, method, args);
        if (!(result instanceof Connection connection)) {
            return result;
        }
        borrows.incrementAndGet();
        try {
            List<String> held = OwnLocks.of(connection, postgres);
            if (!held.isEmpty()) {
                violations.add("a connection was handed out holding " + held);
            }
        } catch (SQLException e) {
            violations.add("a connection was handed out that could not even be asked what it holds: " + e);
        }
        return proxy(Connection.class, connection, (m, a) -> onConnection(connection, m, a));
    }

    private Object onConnection(Connection connection, Method method, Object[] args) throws Throwable {
        Object result = invoke(connection, method, args);
        if (method.getName().equals("prepareStatement")
                && args[0] instanceof String sql
                && (sql.contains("FROM pg_locks") || sql.contains("IS_USED_LOCK("))) {
            holderQueries.incrementAndGet();
        }
        if (result instanceof PreparedStatement statement
                && method.getName().equals("prepareStatement")
                && isUnlock((String) args[0])) {
            return proxy(PreparedStatement.class, statement, (m, a) -> onUnlock(statement, m, a));
        }
        if (result instanceof Statement statement && !(result instanceof PreparedStatement)) {
            return proxy(Statement.class, statement, (m, a) -> {
                if (m.getName().startsWith("execute") && a != null && a[0] instanceof String sql && isUnlock(sql)) {
                    return onUnlock(statement, m, a);
                }
                return invoke(statement, m, a);
            });
        }
        return result;
    }

    private Object onUnlock(Statement statement, Method method, Object[] args) throws Throwable {
        if (!method.getName().startsWith("execute")) {
            return invoke(statement, method, args);
        }
        Armed arming = armed.get();
        if (arming == null) {
            return invoke(statement, method, args);
        }
        if (--arming.remaining == 0) {
            armed.remove();
        }
        if (arming.fault == Fault.BEFORE_UNLOCK) {
            injectedBefore.incrementAndGet();
            throw new SQLException("injected fault: the unlock statement failed before reaching the server", "HY000");
        }
        invoke(statement, method, args);
        injectedAfter.incrementAndGet();
        throw new SQLException("injected fault: the connection failed after the unlock statement ran", "08006");
    }

    private static boolean isUnlock(String sql) {
        return sql.contains("pg_advisory_unlock")
                || sql.contains("RELEASE_LOCK(")
                || sql.contains("RELEASE_ALL_LOCKS(");
    }

    private interface Handler {
        Object handle(Method method, Object[] args) throws Throwable;
    }

    private static <T> T proxy(Class<T> type, T target, Handler handler) {
        InvocationHandler invocation = (p, method, args) -> {
            if (method.getName().equals("unwrap") || method.getName().equals("isWrapperFor")) {
                return invoke(target, method, args);
            }
            if (method.getName().equals("toString") && (args == null || args.length == 0)) {
                return "fault-injecting " + target;
            }
            if (method.getName().equals("equals") && args != null && args.length == 1) {
                return p == args[0];
            }
            if (method.getName().equals("hashCode") && (args == null || args.length == 0)) {
                return System.identityHashCode(p);
            }
            return handler.handle(method, args);
        };
        return type.cast(Proxy.newProxyInstance(
                FaultInjectingDataSource.class.getClassLoader(), new Class<?>[] {type}, invocation));
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
