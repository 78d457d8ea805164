/**
 * dblock for Spring: locks bound to Spring-managed transactions ({@link io.dblock.spring.TransactionalLocks}), method
 * annotations ({@link io.dblock.spring.annotation}), and adapters that let dblock back Spring Integration's {@code
 * LockRegistry} ({@link io.dblock.spring.integration}) and ShedLock's {@code LockProvider} ({@link
 * io.dblock.spring.shedlock}).
 */
package io.dblock.spring;
