/**
 * JPA integration for dblock: {@link io.dblock.jpa.JpaTables} turns entity classes into the {@link io.dblock.TableName}s
 * that {@code DbLocks.tables(...)} locks, through Hibernate ORM's mapping model.
 */
package io.dblock.jpa;
