/**
 * Spring Boot auto-configuration for dblock: a {@link io.dblock.DbLocks} bean over the application's {@link
 * javax.sql.DataSource}, configured by {@code dblock.*} properties ({@link io.dblock.spring.boot.DbLocksProperties}).
 *
 * <p>Extension points, for applications and for dblock's own integrations:
 *
 * <ul>
 *   <li>{@link io.dblock.LockListener} beans are added to the auto-configured {@code DbLocks};
 *   <li>{@link io.dblock.spring.boot.DbLocksBuilderCustomizer} beans adjust its {@link io.dblock.DbLocks.Builder}
 *       last;
 *   <li>an auto-configuration that needs the {@code DbLocks} bean orders itself with {@code @AutoConfiguration(after =
 *       DbLocksAutoConfiguration.class)} and conditions on {@code @ConditionalOnSingleCandidate(DbLocks.class)}, as
 *       {@link io.dblock.spring.boot.actuate.DbLocksEndpointAutoConfiguration} does.
 * </ul>
 *
 * <p>The same jar runs on Spring Boot 3.5 and 4.0: it names other auto-configurations, whose packages differ between
 * the two lines, by class name only.
 */
package io.dblock.spring.boot;
