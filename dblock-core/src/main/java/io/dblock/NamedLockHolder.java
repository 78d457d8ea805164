package io.dblock;

/**
 * A named lock held on the server, as listed by {@link DbLocks#namesHeldWithPrefix(String)}.
 *
 * @param name the lock name as the application gave it, without the database prefix dblock adds; a name that was too
 *     long for the server appears in its hashed form (see the README)
 * @param connectionId the holder's connection id ({@code CONNECTION_ID()} on MySQL and MariaDB)
 */
public record NamedLockHolder(String name, long connectionId) {}
