package io.dblock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The inspection commands of the jar against the embedded PostgreSQL, plus what only PostgreSQL does. */
@DatabaseTest(engine = Engine.POSTGRES)
class PostgresInspectionIT extends InspectionCommandsContract {

    PostgresInspectionIT() {
        super(InspectedEngine.POSTGRES);
    }

    /** pg_locks shows the lock under the table's OID, and no other session sees its name yet. */
    @Test
    void aTableCreatedInAnUncommittedTransactionIsShownByItsOidWithANote() throws Exception {
        try (Connection creator = dataSource.getConnection()) {
            creator.setAutoCommit(false);
            long oid;
            try (Statement statement = creator.createStatement()) {
                statement.execute("CREATE TABLE cli_uncommitted (id int)");
                statement.execute("LOCK TABLE cli_uncommitted IN ACCESS EXCLUSIVE MODE");
                try (ResultSet rs = statement.executeQuery("SELECT 'cli_uncommitted'::regclass::oid::int8")) {
                    rs.next();
                    oid = rs.getLong(1);
                }
            }
            try {
                CliRun text = dblock("locks", "--table", "cli_uncommitted");
                CliRun json = dblock("locks", "--table", "cli_uncommitted", "--format", "json");

                assertThat(text.exitCode()).as(text.describe()).isZero();
                assertThat(text.out())
                        .containsPattern("<oid " + oid + ">\\s+ACCESS_EXCLUSIVE")
                        .contains("<oid N>: a table (or an index or sequence) this session cannot see by name,"
                                + " locked in a transaction that has not committed yet")
                        .contains("OIDs: " + oid + ".");
                assertThat(json.exitCode()).as(json.describe()).isZero();
                assertThat(json.out()).contains("\"oid\":" + oid);
            } finally {
                creator.rollback();
            }
        }
        CliRun after = dblock("locks", "--table", "cli_uncommitted");
        assertThat(after.out()).doesNotContain("<oid");
    }
}
