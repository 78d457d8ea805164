package io.dblock.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dblock.spring.annotation.AdvisoryLock;
import io.dblock.spring.support.SpringFixture;
import io.dblock.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;

/**
 * A {@code @Transactional @AdvisoryLock} method needs one pool connection per call by default: 12 threads on a pool of
 * 6 (2 s connection timeout), 100 ms of work each, 48 calls, no call fails.
 */
public abstract class ConnectionBudgetContract extends SpringFixture {

    @Override
    protected HikariDataSource pool(TestDatabase db) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(db.dataSource());
        config.setMaximumPoolSize(6);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(2000);
        config.setPoolName("budget-test");
        return new HikariDataSource(config);
    }

    /** 100 ms of work in a transaction, under a key of its own. */
    public static class Billing {
        private final JdbcTemplate jdbc;

        public Billing(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        @Transactional
        @AdvisoryLock("'bill:' + #account")
        public void bill(int account) throws InterruptedException {
            jdbc.queryForObject("SELECT 1", Integer.class);
            // the simulated work inside the lock, not synchronisation: nothing waits for it to end
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    @Test
    void twelveThreadsOnAPoolOfSixNeedNoSecondConnectionPerCall() throws Exception {
        ApplicationContext context = context(Configs.Defaults.class, Billing.class);
        Billing billing = context.getBean(Billing.class);
        ExecutorService threads = Executors.newFixedThreadPool(12);
        AtomicInteger failures = new AtomicInteger();
        List<Future<?>> calls = new ArrayList<>();
        try {
            for (int i = 0; i < 48; i++) {
                int account = i % 12;
                calls.add(threads.submit(() -> {
                    try {
                        billing.bill(account);
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> call : calls) {
                call.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
            assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        System.out.println("failed calls: " + failures.get() + " of 48 (" + db.engine() + ")");
        assertThat(failures.get()).as("failed calls of 48").isZero();
    }
}
