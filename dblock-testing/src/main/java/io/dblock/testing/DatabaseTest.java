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
 * Marks a test class (or method) as running on the given database {@link #engine()}: the way to run abstract contract
 * suites on every engine. The contracts are bound once, as {@code @Nested} classes of one abstract class, and each
 * engine's binding extends that class and names its engine:
 *
 * <pre>{@code
 * abstract class AdvisoryLockContract {
 *     @Test
 *     void onlyOneHolder(DataSource dataSource, TestDatabase database) { ... }
 * }
 *
 * abstract class EngineContracts {
 *     @Nested
 *     class AdvisoryLocks extends AdvisoryLockContract {}
 *
 *     @Nested
 *     class TableLocks extends TableLockContract {}
 * }
 *
 * @DatabaseTest(engine = Engine.POSTGRES)
 * class PostgresTest extends EngineContracts {}
 *
 * @DatabaseTest(engine = Engine.MARIADB_11_4)
 * class MariaDb114Test extends EngineContracts {}
 * }</pre>
 *
 * <p>It registers {@link DbLockExtension}, so test, lifecycle and constructor parameters of type {@link
 * javax.sql.DataSource} and {@link TestDatabase} receive the engine's server ({@link Engine#database()}). The
 * annotation on the concrete class drives the inherited test methods and {@code @Nested} classes too, including
 * {@code @Nested} classes declared in the abstract superclass. After each test the engine's leak check runs (advisory
 * locks on PostgreSQL, user-level locks on MySQL and MariaDB) unless {@link #leakCheck()} is {@code false} or {@link
 * NoLeakCheck} is present. Tests on an engine that cannot run here are skipped with {@link Engine#unavailableReason()}.
 * Tests are tagged {@code database} and share the resource lock {@link Engine#resourceLock()} of their engine.
 *
 * <p>The annotation is inherited by subclasses and may be used as a meta-annotation. The nearest one wins: a method's
 * over its class's, a {@code @Nested} class's over its enclosing class's. {@link PostgresTest} counts as {@code
 * @DatabaseTest(engine = Engine.POSTGRES)}.
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(DbLockExtension.class)
@Tag("database")
@ResourceLock(providers = EngineResourceLocks.class)
public @interface DatabaseTest {

    /**
     * The engine whose server the tests receive.
     *
     * @return the engine
     */
    Engine engine();

    /**
     * Whether to fail a test that leaves locks held on the server. In abstract contract classes, which cannot name the
     * engine, use {@link NoLeakCheck} on the method instead.
     *
     * @return {@code true} (the default) to run the leak check after each test
     */
    boolean leakCheck() default true;
}
