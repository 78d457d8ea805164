/**
 * dblock's implementation. Not API: anything here may change in any release without notice.
 *
 * <p>The algorithms live in {@link io.dblock.internal.SessionLocks} (session locks: acquisition, with pinning, holds,
 * liveness checks and release in {@code SessionPins}, {@code SessionHolds}, {@code SessionLiveness} and {@code
 * SessionRelease}) and {@code LocalLocks} (re-entrancy, local queueing, local deadlock detection).
 */
package io.dblock.internal;
