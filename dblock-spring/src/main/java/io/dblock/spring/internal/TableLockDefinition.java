package io.dblock.spring.internal;

import io.dblock.DbLocks;
import io.dblock.LockUsageException;
import io.dblock.TableLockMode;
import io.dblock.TableName;
import io.dblock.spring.TableNameResolver;
import io.dblock.spring.annotation.TableLock;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** A validated {@link TableLock} annotation of one method. Thread-safe: the entity tables are resolved once. */
final class TableLockDefinition {

    private final List<TableName> tables;
    private final List<Class<?>> entities;
    private final TableLockMode mode;
    private final LockTimeout timeout;
    private final Method method;
    private final String where;
    private volatile List<TableName> resolved;

    private TableLockDefinition(
            List<TableName> tables,
            List<Class<?>> entities,
            TableLockMode mode,
            LockTimeout timeout,
            Method method,
            String where) {
        this.tables = tables;
        this.entities = entities;
        this.mode = mode;
        this.timeout = timeout;
        this.method = method;
        this.where = where;
    }

    static TableLockDefinition of(TableLock annotation, Method method) {
        String where = "@TableLock on " + LockAttributeSource.describe(method);
        if (annotation.tables().length == 0 && annotation.entities().length == 0) {
            throw new LockUsageException(where + " names no table: give tables = {...} or entities = {...}", null);
        }
        List<TableName> tables = new ArrayList<>();
        for (String table : annotation.tables()) {
            try {
                tables.add(TableName.parse(table));
            } catch (IllegalArgumentException e) {
                throw new LockUsageException(
                        where + " names an invalid table \"" + table + "\": " + e.getMessage(), null, null, null, e);
            }
        }
        LockTimeout timeout = LockTimeout.of(annotation.timeout(), annotation.onTimeout(), where);
        SkipValues.check(method, timeout, where);
        return new TableLockDefinition(
                List.copyOf(tables), List.of(annotation.entities()), annotation.mode(), timeout, method, where);
    }

    /** The lock for one call: the named tables plus the entities' tables, all in {@link #mode}. */
    io.dblock.TableLock lock(DbLocks locks, Supplier<TableNameResolver> resolver) {
        return locks.tables(allTables(resolver).toArray(TableName[]::new)).mode(mode);
    }

    private List<TableName> allTables(Supplier<TableNameResolver> resolver) {
        List<TableName> all = resolved;
        if (all == null) {
            all = new ArrayList<>(tables);
            if (!entities.isEmpty()) {
                TableNameResolver names = resolver.get();
                for (Class<?> entity : entities) {
                    all.addAll(names.tables(entity));
                }
            }
            all = List.copyOf(all);
            resolved = all;
        }
        return all;
    }

    /** True if the lock names entity classes (whose tables JPA queries under aliases). */
    boolean hasEntities() {
        return !entities.isEmpty();
    }

    LockTimeout timeout() {
        return timeout;
    }

    Method method() {
        return method;
    }

    String where() {
        return where;
    }
}
