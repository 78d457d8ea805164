/**
 * Method annotations for database locks: {@link io.dblock.spring.annotation.AdvisoryLock} and {@link
 * io.dblock.spring.annotation.TableLock}, turned on by {@link io.dblock.spring.annotation.EnableDbLocks}.
 */
package io.dblock.spring.annotation;
