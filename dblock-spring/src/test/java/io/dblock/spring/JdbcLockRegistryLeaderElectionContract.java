package io.dblock.spring;

import io.dblock.spring.support.JdbcLockRegistries;
import java.io.IOException;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.integration.support.locks.LockRegistry;

/**
 * The baseline: the same leader election over Spring Integration's own {@link JdbcLockRegistry} (default 10 s time to
 * live), with the {@code INT_LOCK} table from the DDL its jar ships. Its lock is a row that outlives the session, so
 * the killed leader is revoked when its next query fails on the dead connection, and may take the row back itself.
 */
public abstract class JdbcLockRegistryLeaderElectionContract extends LeaderElectionContract {

    private final JdbcLockRegistries registries = new JdbcLockRegistries();

    @Override
    protected void prepareServer() throws IOException {
        execute(JdbcLockRegistries.intLockDdl(postgres()), "DELETE FROM INT_LOCK");
    }

    @AfterEach
    void closeRepositories() {
        registries.close();
    }

    @Override
    protected LockRegistry registry(DataSource nodePool) {
        return registries.over(nodePool);
    }

    @Override
    protected boolean anotherNodeLeadsAfterAKill() {
        return false;
    }

    @Override
    protected boolean serverSeesOneLeader() {
        return queryInt("SELECT count(*) FROM INT_LOCK") == 1;
    }

    @Override
    protected String registryName() {
        return "JdbcLockRegistry";
    }
}
