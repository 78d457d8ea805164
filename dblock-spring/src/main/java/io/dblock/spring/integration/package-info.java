/**
 * {@link io.dblock.spring.integration.DbLockRegistry}: Spring Integration's {@code LockRegistry} backed by database
 * advisory locks. Needs {@code spring-integration-core} (an optional dependency of dblock-spring).
 */
package io.dblock.spring.integration;
