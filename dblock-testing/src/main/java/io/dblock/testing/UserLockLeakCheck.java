package io.dblock.testing;

import io.dblock.testing.UserLockQueries.LockRow;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The leak check for MySQL and MariaDB: user-level locks ({@code GET_LOCK}) that other connections still hold. */
final class UserLockLeakCheck {

    private UserLockLeakCheck() {}

    /**
     * Waits up to {@code timeout} for user-level locks of other connections of the same user to disappear (a closed
     * connection's server thread may take a moment to end); if some remain, kills those connections and throws.
     *
     * @throws AssertionError listing each leaked lock
     */
    static void verify(TestDatabase database, Duration timeout) throws SQLException, InterruptedException {
        try (Connection connection = database.dataSource().getConnection()) {
            UserLockQueries.requireInstrumented(connection);
            List<LockRow> leaked = LeakCheck.awaitGone(timeout, () -> UserLockQueries.locks(connection, true));
            if (leaked.isEmpty()) {
                return;
            }
            List<Long> ids = leaked.stream()
                    .map(row -> row.lock().connectionId())
                    .distinct()
                    .toList();
            UserLockQueries.kill(connection, ids);
            throw new AssertionError(message(leaked, timeout, ids));
        }
    }

    /** One line per leaked lock, named as the code wrote it where dblock in this JVM took it (see LeakCheck). */
    static String message(List<LockRow> leaked, Duration timeout, List<Long> killed) {
        List<DbLockHolds.Hold> holds = DbLockHolds.list();
        StringBuilder message = new StringBuilder()
                .append(leaked.size())
                .append(" user-level lock(s) still held ")
                .append(timeout.toMillis())
                .append(" ms after the test; killed connections ")
                .append(killed)
                .append(':');
        for (LockRow row : leaked) {
            HeldUserLock lock = row.lock();
            Optional<DbLockHolds.Hold> hold = DbLockHolds.ofUserLock(holds, lock);
            message.append("\n  ")
                    .append(hold.map(h -> "advisory " + h.lock() + " (server name '" + lock.name() + "')")
                            .orElseGet(() -> "user lock '" + lock.name() + "'"))
                    .append(lock.granted() ? " held" : " awaited")
                    .append(" by connection ")
                    .append(lock.connectionId())
                    .append(" (user '")
                    .append(Objects.toString(row.user(), ""))
                    .append("'): ");
            if (hold.isPresent()) {
                message.append(hold.get().takenBy());
            } else {
                message.append("not taken through dblock in this JVM; the connection is ")
                        .append(Objects.toString(row.command(), ""))
                        .append(", its last statement was '")
                        .append(Objects.toString(row.query(), ""))
                        .append('\'');
            }
        }
        return message.toString();
    }
}
