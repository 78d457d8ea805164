package io.dblock.spring.internal;

import io.dblock.LockUsageException;
import java.lang.reflect.Method;
import java.util.Optional;

/** What a skipped method returns ({@code OnTimeout.SKIP}): {@code null}, or {@code Optional.empty()}. */
final class SkipValues {

    private SkipValues() {}

    /** Refuses {@code SKIP} on methods returning a primitive, which have no "nothing" to return. */
    static void check(Method method, LockTimeout timeout, String where) {
        Class<?> type = method.getReturnType();
        if (timeout.skips() && type.isPrimitive() && type != void.class) {
            throw new LockUsageException(
                    where + " has onTimeout = SKIP but returns " + type.getName() + ", which cannot say \"skipped\":"
                            + " return a wrapper type (null when skipped), an Optional (empty when skipped), or use"
                            + " onTimeout = THROW",
                    null);
        }
    }

    /** The value a skipped call of {@code method} returns. */
    static Object of(Method method) {
        return method.getReturnType() == Optional.class ? Optional.empty() : null;
    }
}
