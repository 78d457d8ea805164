package io.dblock.mysql;

import io.dblock.spi.Wait;
import io.dblock.spi.WaitGuard;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The named-lock statements of {@link MySqlEngine}: {@code GET_LOCK} for several names in one {@code SELECT} (with each
 * server's timeout format), {@code RELEASE_LOCK} and {@code IS_USED_LOCK} likewise, and reading their result rows.
 * Names are the full lock names of {@link LockNames}, sent hex-encoded.
 */
final class MySqlUserLocks {

    private final boolean mariaDb;

    MySqlUserLocks(boolean mariaDb) {
        this.mariaDb = mariaDb;
    }

    /** {@code SELECT CONNECTION_ID(), GET_LOCK(?, ?)...}; loops on MariaDB's one-year "forever" until granted. */
    Object[] getLocks(Connection connection, List<String> names, Wait wait, WaitGuard guard) throws SQLException {
        StringBuilder sql = new StringBuilder(wait.isNone() ? "" : MySqlWaitLabels.comment(guard, names))
                .append("SELECT CONNECTION_ID()");
        List<Object> params = new ArrayList<>();
        for (String name : names) {
            sql.append(", GET_LOCK(UNHEX(?), ?)");
            params.add(LockNames.hex(name));
            params.add(timeoutSeconds(wait));
        }
        while (true) {
            Object[] row = Sql.row(connection, sql.toString(), params, guard);
            refuseNull(connection, row, names);
            if (!(mariaDb && wait.isForever() && names.size() == 1 && firstBusy(row, names) == 0)) {
                return row;
            }
        }
    }

    /**
     * A {@code GET_LOCK} that returned NULL was killed or failed: releases what the row granted and throws the
     * cancellation ({@link MySqlErrors#GET_LOCK_NULL}).
     */
    private static void refuseNull(Connection connection, Object[] row, List<String> names) throws SQLException {
        for (int i = 1; i < row.length; i++) {
            if (row[i] == null) {
                release(connection, taken(row, names));
                throw new SQLException(
                        "GET_LOCK('" + names.get(i - 1) + "') returned NULL: the wait was killed or failed",
                        MySqlErrors.GET_LOCK_NULL);
            }
        }
    }

    private Object timeoutSeconds(Wait wait) {
        if (wait.isNone()) {
            return 0;
        }
        if (wait.isForever()) {
            return mariaDb ? BigDecimal.valueOf(MySqlEngine.LONGEST_WAIT.toSeconds()) : -1;
        }
        BigDecimal seconds = BigDecimal.valueOf(wait.limitOrNull().toNanos(), 9);
        return mariaDb
                ? seconds.setScale(6, RoundingMode.CEILING)
                : seconds.setScale(0, RoundingMode.CEILING).longValueExact();
    }

    /** The index of the first name {@code row} (from {@link #getLocks}) did not grant, or -1. */
    static int firstBusy(Object[] row, List<String> names) {
        for (int i = 0; i < names.size(); i++) {
            if (((Number) row[i + 1]).intValue() != 1) {
                return i;
            }
        }
        return -1;
    }

    /** The names {@code row} (from {@link #getLocks}) granted. */
    static List<String> taken(Object[] row, List<String> names) {
        List<String> taken = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (row[i + 1] != null && ((Number) row[i + 1]).intValue() == 1) {
                taken.add(names.get(i));
            }
        }
        return taken;
    }

    /** {@code SELECT RELEASE_LOCK(?), ...}: for each name, whether this session held it. */
    static List<Boolean> release(Connection connection, List<String> names) throws SQLException {
        List<Boolean> released = new ArrayList<>();
        if (names.isEmpty()) {
            return released;
        }
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < names.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("RELEASE_LOCK(UNHEX(?))");
        }
        List<Object> hex = new ArrayList<>();
        names.forEach(n -> hex.add(LockNames.hex(n)));
        Object[] row = Sql.row(connection, sql.toString(), hex, WaitGuard.NONE);
        for (Object r : row) {
            released.add(r != null && ((Number) r).intValue() == 1);
        }
        return released;
    }

    /** {@code SELECT IS_USED_LOCK(?), ...}: the sessions holding the names. */
    static Set<Long> holders(Connection connection, List<String> names) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ");
        List<Object> params = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("IS_USED_LOCK(UNHEX(?))");
            params.add(LockNames.hex(names.get(i)));
        }
        Set<Long> ids = new LinkedHashSet<>();
        for (Object id : Sql.row(connection, sql.toString(), params, WaitGuard.NONE)) {
            if (id != null) {
                ids.add(((Number) id).longValue());
            }
        }
        return ids;
    }
}
