package io.dblock.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Marks a test class or method as using the shared PostgreSQL server of {@link TestDatabase#postgres()}.
 *
 * <p>It registers {@link DbLockExtension}, so test, lifecycle and constructor parameters of type {@link
 * javax.sql.DataSource} and {@link TestDatabase} are injected, and after each test the advisory-lock leak check runs
 * unless {@link #leakCheck()} is {@code false}. It also tags the tests {@code postgres} (for selecting or excluding
 * them in the build) and takes the shared resource lock {@value DbLockExtension#RESOURCE_LOCK}, so that under JUnit's
 * parallel execution the tests of this kit run one at a time and cannot see each other's locks.
 *
 * <p>The annotation is inherited by subclasses and may be used as a meta-annotation. On a method it overrides the
 * class's {@link #leakCheck()}. It means the same as {@code @DatabaseTest(engine = Engine.POSTGRES)} (see {@link
 * DatabaseTest}), plus the tag.
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(DbLockExtension.class)
@Tag("postgres")
@ResourceLock(DbLockExtension.RESOURCE_LOCK)
public @interface PostgresTest {

    /**
     * Whether to fail a test that leaves advisory locks held in the test database.
     *
     * <p>Turn it off for tests that deliberately keep a session with locks open across tests, for example in a
     * {@code static} field closed in {@code @AfterAll}.
     *
     * @return {@code true} (the default) to run the leak check after each test
     */
    boolean leakCheck() default true;
}
