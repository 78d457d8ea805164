package io.dblock.spring.internal;

import io.dblock.LockUsageException;
import io.dblock.spring.annotation.AdvisoryLock;
import io.dblock.spring.annotation.TableLock;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;

/**
 * Reads and validates the lock annotations of a method, once per method and target class.
 *
 * <p>The annotation is looked for on the most specific method (the implementation the proxy calls), then, through
 * Spring's merged-annotation search, on the interface and superclass methods it implements or overrides.
 */
final class LockAttributeSource {

    private final Map<MethodClassKey, LockDefinitions> cache = new ConcurrentHashMap<>();

    /** False for classes that cannot carry the annotations (JDK types), to skip them cheaply. */
    static boolean isCandidate(Class<?> type) {
        return AnnotationUtils.isCandidateClass(type, Set.of(AdvisoryLock.class, TableLock.class));
    }

    /**
     * The definitions for {@code method} called on an instance of {@code targetClass} (which may be null).
     *
     * @throws LockUsageException if an annotation is malformed; not cached, so every call reports it
     */
    LockDefinitions definitions(Method method, Class<?> targetClass) {
        MethodClassKey key = new MethodClassKey(method, targetClass);
        LockDefinitions cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        LockDefinitions read = read(method, targetClass);
        cache.put(key, read);
        return read;
    }

    private static LockDefinitions read(Method method, Class<?> targetClass) {
        Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
        AdvisoryLock advisory = find(specific, method, AdvisoryLock.class);
        TableLock table = find(specific, method, TableLock.class);
        if (advisory == null && table == null) {
            return LockDefinitions.NONE;
        }
        return new LockDefinitions(
                advisory == null ? null : AdvisoryLockDefinition.of(advisory, specific),
                table == null ? null : TableLockDefinition.of(table, specific));
    }

    private static <A extends java.lang.annotation.Annotation> A find(Method specific, Method method, Class<A> type) {
        A found = AnnotatedElementUtils.findMergedAnnotation(specific, type);
        return found != null || specific == method ? found : AnnotatedElementUtils.findMergedAnnotation(method, type);
    }

    /** The table-lock definitions read so far (every annotated method of every proxied bean, after startup). */
    java.util.List<TableLockDefinition> tableLocks() {
        java.util.List<TableLockDefinition> tables = new java.util.ArrayList<>();
        for (LockDefinitions definitions : cache.values()) {
            if (definitions.table() != null) {
                tables.add(definitions.table());
            }
        }
        return tables;
    }

    /** Describes a method for messages: {@code InvoiceService.send(Invoice)}. */
    static String describe(Method method) {
        StringBuilder parameters = new StringBuilder();
        for (Class<?> type : method.getParameterTypes()) {
            parameters.append(parameters.length() == 0 ? "" : ", ").append(type.getSimpleName());
        }
        return method.getDeclaringClass().getSimpleName() + "." + method.getName() + "(" + parameters + ")";
    }

    /** The lock annotations of one method; either part may be null. */
    record LockDefinitions(AdvisoryLockDefinition advisory, TableLockDefinition table) {

        static final LockDefinitions NONE = new LockDefinitions(null, null);

        boolean has(LockKind kind) {
            return switch (kind) {
                case OUTER -> advisory != null;
                case INNER -> table != null || advisory != null;
            };
        }
    }
}
