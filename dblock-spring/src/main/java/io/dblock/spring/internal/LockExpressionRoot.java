package io.dblock.spring.internal;

import java.lang.reflect.Method;

/**
 * The root object of a key expression: {@code #root.method}, {@code #root.args}, {@code #root.target}, {@code
 * #root.targetClass}. Public for SpEL's reflective access.
 */
public final class LockExpressionRoot {

    private final Method method;
    private final Object[] args;
    private final Object target;
    private final Class<?> targetClass;

    LockExpressionRoot(Method method, Object[] args, Object target, Class<?> targetClass) {
        this.method = method;
        this.args = args;
        this.target = target;
        this.targetClass = targetClass;
    }

    /** The annotated method. */
    public Method getMethod() {
        return method;
    }

    /** The call's arguments (the array itself, not a copy: do not change it). */
    public Object[] getArgs() {
        return args;
    }

    /** The object the method is called on. */
    public Object getTarget() {
        return target;
    }

    /** The class of {@link #getTarget()}. */
    public Class<?> getTargetClass() {
        return targetClass;
    }
}
