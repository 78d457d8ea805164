package io.dblock.support;

import io.dblock.spi.LockEngine;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What an abstract {@code *Contract} test class needs of an engine to apply to it: the facets of {@code io.dblock.spi}
 * it exercises ({@link #value()}) and, for a contract of one engine family, that family's engine class ({@link
 * #engine()}). Every engine binding ({@code PostgresTest}, {@code MariaDb114Test}, ...) binds exactly the contracts
 * whose needs its engine meets; {@code ContractBindingTest} checks that against the engines' own facets.
 *
 * <p>A contract that implements {@link DriverUnderTest} can also run through another driver, so the driver-variant
 * bindings ({@code MariaDb114ConnectorJTest}, ...) bind it too.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Needs {

    /**
     * The facet interfaces of {@code io.dblock.spi} the contract exercises.
     *
     * @return none for a contract of the required core ({@link LockEngine} alone)
     */
    Class<?>[] value() default {};

    /**
     * The engine class the contract is written for, for a contract of one engine family (the MySQL family's {@code
     * MySqlEngine}, which serves MySQL and MariaDB alike).
     *
     * @return {@link LockEngine} (the default) for a contract of every engine
     */
    Class<? extends LockEngine> engine() default LockEngine.class;
}
