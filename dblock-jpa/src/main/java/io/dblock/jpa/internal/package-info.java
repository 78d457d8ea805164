/**
 * dblock-jpa's implementation. Not API: anything here may change in any release without notice.
 *
 * <p>{@link io.dblock.jpa.internal.HibernateEntityTables} lists the algorithm. Only the classes of this package
 * touch Hibernate, so that {@link io.dblock.jpa.JpaTables} can fail clearly when Hibernate is missing.
 */
package io.dblock.jpa.internal;
