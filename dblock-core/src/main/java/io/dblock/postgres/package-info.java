/** The PostgreSQL engine: advisory locks and {@code LOCK TABLE}, waits bounded by {@code lock_timeout}. */
package io.dblock.postgres;
