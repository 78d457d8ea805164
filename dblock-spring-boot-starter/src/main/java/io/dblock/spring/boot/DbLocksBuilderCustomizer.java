package io.dblock.spring.boot;

import io.dblock.DbLocks;

/**
 * Adjusts the {@link DbLocks.Builder} of the auto-configured {@link DbLocks} bean before it is built: the extension
 * point for settings that properties do not cover, and for integrations (such as dblock's Spring module) that need to
 * take part in building the bean.
 *
 * <p>Customizers run after {@code dblock.*} properties and {@link io.dblock.LockListener} beans have been applied, in
 * {@link org.springframework.core.Ordered} / {@link org.springframework.core.annotation.Order @Order} order, so a
 * customizer may override a property. They do not apply to a {@code DbLocks} bean the application defines itself.
 *
 * <pre>{@code
 * @Bean
 * DbLocksBuilderCustomizer auditLocks(AuditLog audit) {
 *     return builder -> builder.listener(new AuditingLockListener(audit));
 * }
 * }</pre>
 */
@FunctionalInterface
public interface DbLocksBuilderCustomizer {

    /**
     * Customizes the builder; called once, on the thread that creates the {@code DbLocks} bean.
     *
     * @param builder the builder, already configured from properties and listener beans
     */
    void customize(DbLocks.Builder builder);
}
