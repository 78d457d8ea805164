package io.dblock.spring;

import io.dblock.TableName;
import java.util.List;

/**
 * Finds the tables behind an entity class, for {@link io.dblock.spring.annotation.TableLock#entities()}.
 *
 * <p>The extension point for {@code dblock-jpa}, which knows the persistence mapping (including the parent tables of
 * {@code JOINED} inheritance). Define one bean of this type; it is looked up at the first call of a method that names
 * entities, and each method's result is cached. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface TableNameResolver {

    /**
     * The tables to lock for {@code entity}.
     *
     * @param entity a class named in {@code @TableLock(entities = ...)}
     * @return at least one table
     * @throws IllegalArgumentException if {@code entity} is not an entity this resolver knows
     */
    List<TableName> tables(Class<?> entity);
}
