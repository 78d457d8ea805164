package io.dblock;

/**
 * The columns under which PostgreSQL's {@code pg_locks} view shows an advisory lock key.
 *
 * <p>For a {@code bigint} key, {@code classid} holds the high 32 bits and {@code objid} the low 32 bits, both as unsigned
 * {@code oid} values, and {@code objsubid} is 1; for an {@code (int, int)} key they hold the two ints (as unsigned) and
 * {@code objsubid} is 2. Query it with {@code WHERE locktype = 'advisory' AND classid = ? AND objid = ? AND objsubid =
 * ?}.
 *
 * @param classid unsigned 32-bit value, 0..4294967295
 * @param objid unsigned 32-bit value, 0..4294967295
 * @param objsubid 1 for the {@code bigint} key space, 2 for the {@code (int, int)} one
 */
public record PgLocksId(long classid, long objid, int objsubid) {}
