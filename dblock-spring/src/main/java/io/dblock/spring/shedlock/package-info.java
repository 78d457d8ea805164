/**
 * {@link io.dblock.spring.shedlock.DbLockProvider}: ShedLock's {@code LockProvider} backed by database advisory locks.
 * Needs {@code shedlock-core} (an optional dependency of dblock-spring).
 */
package io.dblock.spring.shedlock;
