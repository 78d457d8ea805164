package io.dblock.mysql;

import io.dblock.LockKey;
import io.dblock.spi.WaitGuard;
import io.dblock.spi.WaitLabels;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Labelled waits on MySQL/MariaDB: the label's comment leads each waiting {@code GET_LOCK} statement, followed by the
 * hex of the names it waits for ({@code w=<hex>,...}); {@code information_schema.PROCESSLIST.INFO} shows the running
 * statement, and {@code IS_USED_LOCK} (bound, one {@code SELECT} for all names) names the session holding each name.
 * Two queries.
 */
final class MySqlWaitLabels implements WaitLabels {

    private static final String PREFIX = "/* dblock-wait ";

    /** The comment in front of a statement waiting for {@code names}: the guard's label and the names' hex; or "". */
    static String comment(WaitGuard guard, List<String> names) {
        String comment = WaitGuard.comment(guard);
        if (comment.isEmpty()) {
            return comment;
        }
        List<String> hex = names.stream().map(LockNames::hex).toList();
        return comment.substring(0, comment.length() - " */ ".length()) + " w=" + String.join(",", hex) + " */ ";
    }

    @Override
    public String keyToken(Connection connection, LockKey key) throws SQLException {
        return token(LockNames.hex(LockNames.name(LockNames.database(connection), key)));
    }

    /** 64-bit FNV-1a of a name's hex, in hex: short enough for a label's list of holds. */
    private static String token(String nameHex) {
        long h = 0xcbf29ce484222325L;
        for (byte b : nameHex.getBytes(StandardCharsets.US_ASCII)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return Long.toHexString(h);
    }

    @Override
    public List<LabelledWait> labelledWaits(Connection connection) throws SQLException {
        List<Object[]> running = Sql.rows(
                connection,
                "SELECT ID, INFO FROM information_schema.PROCESSLIST WHERE INFO LIKE '/* dblock-wait %'"
                        + " AND ID <> CONNECTION_ID()",
                List.of(),
                WaitGuard.NONE);
        List<long[]> waiters = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Object[] row : running) {
            String info = row[1] == null ? null : row[1].toString();
            int end = info == null ? -1 : info.indexOf(" */");
            int w = end < 0 ? -1 : info.lastIndexOf(" w=", end);
            if (w < 0 || !info.startsWith(PREFIX)) {
                continue;
            }
            for (String hex : info.substring(w + 3, end).split(",")) {
                waiters.add(new long[] {((Number) row[0]).longValue(), labels.size()});
                names.add(hex);
            }
            labels.add(info.substring(3, w));
        }
        return names.isEmpty() ? List.of() : holders(connection, waiters, labels, names);
    }

    /** Who holds each waited name: one {@code SELECT IS_USED_LOCK(UNHEX(?)), ...}. */
    private static List<LabelledWait> holders(
            Connection connection, List<long[]> waiters, List<String> labels, List<String> names) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < names.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("IS_USED_LOCK(UNHEX(?))");
        }
        Object[] row = Sql.row(connection, sql.toString(), names, WaitGuard.NONE);
        List<LabelledWait> waits = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            long waiter = waiters.get(i)[0];
            if (row[i] != null && ((Number) row[i]).longValue() != waiter) {
                waits.add(new LabelledWait(
                        waiter,
                        labels.get((int) waiters.get(i)[1]),
                        token(names.get(i)),
                        ((Number) row[i]).longValue()));
            }
        }
        return waits;
    }

    @Override
    public Duration deadlockDelay(Connection connection) {
        return Duration.ofSeconds(1);
    }
}
