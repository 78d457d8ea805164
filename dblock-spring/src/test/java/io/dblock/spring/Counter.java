package io.dblock.spring;

import io.dblock.spring.annotation.AdvisoryLock;
import io.dblock.spring.annotation.LockScope;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;

/**
 * A read-modify-write counter in a table: read, run the work window, write. Without a lock two calls that overlap in
 * the window lose an update.
 */
public class Counter {

    private final JdbcTemplate jdbc;
    private volatile Runnable window = () -> {};

    public Counter(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Sets what runs between the read and the write; tests use it to line up (or to widen) a race. */
    public void window(Runnable window) {
        this.window = window;
    }

    @Transactional
    public void unlockedIncrement(String name) {
        increment(name);
    }

    @Transactional
    @AdvisoryLock("'counter:' + #name")
    public void sessionLockedIncrement(String name) {
        increment(name);
    }

    @Transactional
    @AdvisoryLock(key = "'counter:' + #name", scope = LockScope.TRANSACTION)
    public void transactionLockedIncrement(String name) {
        increment(name);
    }

    private void increment(String name) {
        Integer value = jdbc.queryForObject("SELECT value FROM spring_counter WHERE name = ?", Integer.class, name);
        window.run();
        jdbc.update("UPDATE spring_counter SET value = ? WHERE name = ?", value + 1, name);
    }

    public int value(String name) {
        return jdbc.queryForObject("SELECT value FROM spring_counter WHERE name = ?", Integer.class, name);
    }
}
