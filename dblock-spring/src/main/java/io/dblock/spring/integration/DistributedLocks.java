package io.dblock.spring.integration;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import org.springframework.integration.support.locks.LockRegistry;

/**
 * Spring Integration 7's {@code DistributedLock} over a {@link RegistryLock}, where that interface exists: dblock-spring
 * is built against Spring Integration 6.5, which does not have it, so the lock is exposed through a {@link Proxy} whose
 * every method is {@code RegistryLock}'s method of the same name and parameters. On 6.5 the lock is returned as is.
 */
final class DistributedLocks {

    /** {@code DistributedLock}, or null on Spring Integration 6. */
    private static final Class<?> DISTRIBUTED_LOCK = load();

    /** The interface's methods, each mapped to {@code RegistryLock}'s. */
    private static final Map<Method, Method> TARGETS = targets();

    private DistributedLocks() {}

    private static Class<?> load() {
        try {
            return Class.forName(
                    "org.springframework.integration.support.locks.DistributedLock",
                    false,
                    LockRegistry.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    private static Map<Method, Method> targets() {
        Map<Method, Method> targets = new HashMap<>();
        if (DISTRIBUTED_LOCK != null) {
            for (Method m : DISTRIBUTED_LOCK.getMethods()) {
                try {
                    targets.put(m, RegistryLock.class.getMethod(m.getName(), m.getParameterTypes()));
                } catch (NoSuchMethodException e) {
                    throw new IllegalStateException(
                            "DbLockRegistry does not implement " + m + " of this Spring Integration version", e);
                }
            }
        }
        return targets;
    }

    /** Whether the locks are {@code DistributedLock}s here (Spring Integration 7 on the class path). */
    static boolean available() {
        return DISTRIBUTED_LOCK != null;
    }

    /** {@code lock} as a {@code DistributedLock} where that exists, else {@code lock} itself. */
    static Lock expose(RegistryLock lock) {
        if (DISTRIBUTED_LOCK == null) {
            return lock;
        }
        return (Lock) Proxy.newProxyInstance(
                DISTRIBUTED_LOCK.getClassLoader(), new Class<?>[] {DISTRIBUTED_LOCK}, (proxy, method, args) -> {
                    Method target = TARGETS.get(method);
                    if (target == null) { // equals, hashCode, toString
                        if (method.getName().equals("equals")) {
                            return proxy == args[0];
                        }
                        target = Object.class.getMethod(method.getName(), method.getParameterTypes());
                    }
                    try {
                        return target.invoke(lock, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
