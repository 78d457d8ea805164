package io.dblock;

import java.sql.Connection;

/**
 * Work that runs inside a transaction that holds table locks.
 *
 * @param <R> the result type
 * @param <X> the checked exception the work may throw, passed through to the caller unchanged
 */
@FunctionalInterface
public interface TransactionCallback<R, X extends Exception> {
    /**
     * Does the work on {@code connection}, whose transaction holds the locks. Do not commit, roll back or change
     * auto-commit: dblock commits when this returns and rolls back when it throws.
     */
    R inTransaction(Connection connection) throws X;
}
