package io.dblock.testing;

import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The engine and leak-check setting that apply to a test, from the nearest {@link DatabaseTest}, {@link PostgresTest}
 * or {@link NoLeakCheck}: on the test method, then on the test class, then outwards through enclosing classes.
 *
 * <p>The classes come from JUnit's context chain, not from {@link Class#getEnclosingClass()}: a {@code @Nested} class
 * declared in an abstract contract is enclosed by the contract in the source, but runs inside the concrete subclass
 * that carries the annotation.
 */
record EngineSelection(Engine engine, boolean leakCheck) {

    static EngineSelection of(ExtensionContext context) {
        List<AnnotatedElement> elements = nearestFirst(context);
        Engine engine = Engine.POSTGRES; // registered without an annotation, the extension keeps its original meaning
        for (AnnotatedElement element : elements) {
            Optional<Engine> found = engineOn(element);
            if (found.isPresent()) {
                engine = found.get();
                break;
            }
        }
        boolean leakCheck = true;
        for (AnnotatedElement element : elements) {
            Optional<Boolean> found = leakCheckOn(element);
            if (found.isPresent()) {
                leakCheck = found.get();
                break;
            }
        }
        return new EngineSelection(engine, leakCheck);
    }

    private static List<AnnotatedElement> nearestFirst(ExtensionContext context) {
        List<AnnotatedElement> elements = new ArrayList<>();
        context.getTestMethod().ifPresent(elements::add);
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            c.getTestClass().filter(type -> !elements.contains(type)).ifPresent(elements::add);
        }
        return elements;
    }

    private static Optional<Engine> engineOn(AnnotatedElement element) {
        Optional<DatabaseTest> database = AnnotationSupport.findAnnotation(element, DatabaseTest.class);
        Optional<PostgresTest> postgres = AnnotationSupport.findAnnotation(element, PostgresTest.class);
        if (database.isPresent() && postgres.isPresent()) {
            throw new ExtensionConfigurationException(
                    element + " has both @DatabaseTest and @PostgresTest; keep one: @PostgresTest means"
                            + " @DatabaseTest(engine = Engine.POSTGRES)");
        }
        return database.map(DatabaseTest::engine).or(() -> postgres.map(annotation -> Engine.POSTGRES));
    }

    private static Optional<Boolean> leakCheckOn(AnnotatedElement element) {
        if (AnnotationSupport.isAnnotated(element, NoLeakCheck.class)) {
            return Optional.of(false);
        }
        return AnnotationSupport.findAnnotation(element, DatabaseTest.class)
                .map(DatabaseTest::leakCheck)
                .or(() -> AnnotationSupport.findAnnotation(element, PostgresTest.class)
                        .map(PostgresTest::leakCheck));
    }
}
