package io.dblock.postgres;

import io.dblock.spi.ServerStatus;
import io.dblock.spi.WaitGuard;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code pg_is_in_recovery()}, and the time since {@code pg_postmaster_start_time()} or since the newest timeline
 * history file in {@code pg_wal} (written when a standby is promoted), whichever is shorter, all by the server's clock.
 * The history files are listed by {@code pg_ls_waldir()}, which needs superuser or {@code pg_monitor}: without that,
 * only the restart is seen, and the status says so. One round trip, two where {@code pg_ls_waldir()} may run.
 */
final class PostgresServerStatus implements ServerStatus {

    @Override
    public Status read(Connection connection) throws SQLException {
        Object[] row = new Batch()
                .add("SELECT pg_is_in_recovery(), extract(epoch FROM clock_timestamp() - pg_postmaster_start_time()),"
                        + " has_function_privilege('pg_ls_waldir()', 'EXECUTE')")
                .execute(connection, WaitGuard.NONE)
                .get(0);
        boolean standby = Boolean.TRUE.equals(row[0]);
        double sinceStart = ((Number) row[1]).doubleValue();
        if (!Boolean.TRUE.equals(row[2])) {
            return new Status(
                    standby,
                    Optional.of(seconds(sinceStart)),
                    "the time of a promotion (pg_ls_waldir(), for superusers and members of pg_monitor): after a"
                            + " failover the grace period is not applied; grant pg_monitor to the role to have it");
        }
        Object[] history = new Batch()
                .add("SELECT extract(epoch FROM clock_timestamp() - max(modification)) FROM pg_ls_waldir()"
                        + " WHERE name ~ '^[0-9A-F]{8}[.]history$'")
                .execute(connection, WaitGuard.NONE)
                .get(0);
        double up = history[0] == null ? sinceStart : Math.min(sinceStart, ((Number) history[0]).doubleValue());
        return new Status(standby, Optional.of(seconds(up)), null);
    }

    private static Duration seconds(double seconds) {
        return Duration.ofNanos((long) (Math.max(0, seconds) * 1e9));
    }
}
