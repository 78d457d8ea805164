package io.dblock.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Turns off the leak check of {@link DatabaseTest} or {@link PostgresTest} for a test method or class, whatever the
 * engine: the form for abstract contract classes, which cannot name the engine in {@code @DatabaseTest(engine = ...,
 * leakCheck = false)}.
 *
 * <p>Meant for tests that deliberately keep a session with locks open across tests, for example in a {@code static}
 * field closed in {@code @AfterAll}. On a method it applies to that test only; on a class to all its tests, unless a
 * nearer {@code DatabaseTest} or {@code PostgresTest} turns the check back on.
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface NoLeakCheck {

    /**
     * Why the test needs no leak check, for the reader.
     *
     * @return the reason, or empty
     */
    String value() default "";
}
