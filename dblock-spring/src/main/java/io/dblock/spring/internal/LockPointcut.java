package io.dblock.spring.internal;

import java.lang.reflect.Method;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.util.ReflectionUtils;

/**
 * Matches the methods that carry a lock annotation of one {@link LockKind}. Its class filter reads every method of a
 * candidate class once, so a malformed annotation anywhere in a bean fails when the proxy is created, not at the call.
 */
final class LockPointcut extends StaticMethodMatcherPointcut {

    private final LockKind kind;
    private final LockAttributeSource source;

    LockPointcut(LockKind kind, LockAttributeSource source) {
        this.kind = kind;
        this.source = source;
        setClassFilter(this::validate);
    }

    private boolean validate(Class<?> type) {
        if (!LockAttributeSource.isCandidate(type)) {
            return false;
        }
        ReflectionUtils.doWithMethods(type, method -> source.definitions(method, type));
        return true;
    }

    @Override
    public boolean matches(Method method, Class<?> targetClass) {
        return source.definitions(method, targetClass).has(kind);
    }

    @Override
    public String toString() {
        return "dblock " + kind.name().toLowerCase(java.util.Locale.ROOT) + " lock pointcut";
    }
}
