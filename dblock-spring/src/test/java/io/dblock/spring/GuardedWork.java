package io.dblock.spring;

import io.dblock.spring.annotation.AdvisoryLock;
import io.dblock.spring.annotation.LockScope;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;

/** Transactional work under a lock that a test can pause: it inserts a row, then waits for the test's go-ahead. */
public class GuardedWork {

    private final JdbcTemplate jdbc;

    public GuardedWork(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional
    @AdvisoryLock("'guarded:' + #id")
    public void insertByDefault(int id, CountDownLatch inside, CountDownLatch proceed) {
        insertAndWait(id, inside, proceed);
    }

    @Transactional
    @AdvisoryLock(key = "'guarded:' + #id", scope = LockScope.SESSION)
    public void insertUnderSessionLock(int id, CountDownLatch inside, CountDownLatch proceed) {
        insertAndWait(id, inside, proceed);
    }

    @AdvisoryLock(key = "'guarded:' + #id", scope = LockScope.SESSION)
    public void waitUnderSessionLock(int id, CountDownLatch inside, CountDownLatch proceed) {
        insertAndWait(id, inside, proceed);
    }

    @Transactional
    @AdvisoryLock(key = "'guarded:' + #id", scope = LockScope.SESSION, failOnLoss = false)
    public void insertIgnoringLoss(int id, CountDownLatch inside, CountDownLatch proceed) {
        insertAndWait(id, inside, proceed);
    }

    private void insertAndWait(int id, CountDownLatch inside, CountDownLatch proceed) {
        jdbc.update("INSERT INTO spring_guarded (id) VALUES (?)", id);
        inside.countDown();
        try {
            if (!proceed.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never let the method go on");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
