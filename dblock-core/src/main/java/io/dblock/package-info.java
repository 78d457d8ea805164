/**
 * dblock's API: database-level locks for Java.
 *
 * <p>Start with {@link io.dblock.DbLocks}. Advisory (named) locks are {@link io.dblock.AdvisoryLock}s yielding {@link
 * io.dblock.LockHandle}s; table locks are {@link io.dblock.TableLock}s held by a transaction. Every failure is a
 * {@link io.dblock.LockException}.
 */
package io.dblock;
