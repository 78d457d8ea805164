package io.dblock.testing;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.parallel.ResourceLocksProvider;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Gives {@link DatabaseTest} tests the resource lock of their engine ({@link Engine#resourceLock()}): a plain
 * {@code @ResourceLock} cannot depend on an annotation attribute.
 */
final class EngineResourceLocks implements ResourceLocksProvider {

    @Override
    public Set<Lock> provideForClass(Class<?> testClass) {
        return lockOf(List.of(testClass));
    }

    @Override
    public Set<Lock> provideForNestedClass(List<Class<?>> enclosingInstanceTypes, Class<?> testClass) {
        List<AnnotatedElement> nearestFirst = new ArrayList<>();
        nearestFirst.add(testClass);
        List<Class<?>> outwards = new ArrayList<>(enclosingInstanceTypes);
        Collections.reverse(outwards);
        nearestFirst.addAll(outwards);
        return lockOf(nearestFirst);
    }

    /** Only a method's own annotation adds a lock; the class's lock already covers its methods. */
    @Override
    public Set<Lock> provideForMethod(List<Class<?>> enclosingInstanceTypes, Class<?> testClass, Method testMethod) {
        return lockOf(List.of(testMethod));
    }

    private static Set<Lock> lockOf(List<AnnotatedElement> nearestFirst) {
        for (AnnotatedElement element : nearestFirst) {
            Optional<DatabaseTest> annotation = AnnotationSupport.findAnnotation(element, DatabaseTest.class);
            if (annotation.isPresent()) {
                return Set.of(new Lock(annotation.get().engine().resourceLock()));
            }
        }
        return Set.of();
    }
}
