package io.dblock.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.UnaryOperator;

/**
 * What one uncontended acquire+release sends and costs the client, in two passes over fresh fixtures (the runner runs
 * the second after JMH, so that in the quick mode, where JMH runs in this JVM, both find the JIT warm):
 *
 * <ol>
 *   <li>Counted: statement executions and transaction-control calls seen by a {@link CountingDataSource} placed under
 *       the pool (so the pool's resets count too), and on MariaDB the server's own {@code Questions} counter (every
 *       statement a client sent, read from a separate connection, its own reads subtracted).
 *   <li>Uncounted, after a warm-up long enough for the JIT: the calling thread's CPU time per operation (driver, pool
 *       and lock library together), which is what an operation costs besides its round trips.
 * </ol>
 */
final class RoundTripCounter {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final int counted;
    private final int warmup;
    private final int timed;

    /** {@code timed} operations are measured for CPU after {@code warmup}; {@code counted} are counted. */
    RoundTripCounter(int counted, int warmup, int timed) {
        this.counted = counted;
        this.warmup = warmup;
        this.timed = timed;
    }

    Results.RoundTrips count(Target target, UncontendedCase useCase) throws Exception {
        CountingDataSource counting = new CountingDataSource();
        double executions;
        double transactionControl;
        Double questions = null;
        try (UncontendedCase.Fixture fixture = useCase.open(target, counting::wrap);
                Connection monitor = target.isPostgres() ? null : target.connect()) {
            repeat(fixture, 5);
            long probe = 0; // what one read of the counter adds to it
            if (monitor != null) {
                long first = questions(monitor);
                probe = questions(monitor) - first;
            }
            CountingDataSource.Counts before = counting.counts();
            long questionsBefore = monitor == null ? 0 : questions(monitor);
            repeat(fixture, counted);
            if (monitor != null) {
                questions = (questions(monitor) - questionsBefore - probe) / (double) counted;
            }
            CountingDataSource.Counts used = counting.counts().minus(before);
            executions = used.executions() / (double) counted;
            transactionControl = used.transactionControl() / (double) counted;
        }
        return new Results.RoundTrips(target.engine(), useCase.key, executions, transactionControl, questions, null);
    }

    /** The calling thread's CPU time per operation, in microseconds, after the warm-up. */
    double cpuMicros(Target target, UncontendedCase useCase) throws Exception {
        try (UncontendedCase.Fixture fixture = useCase.open(target, UnaryOperator.identity())) {
            repeat(fixture, warmup);
            long cpu = THREADS.getCurrentThreadCpuTime();
            repeat(fixture, timed);
            return (THREADS.getCurrentThreadCpuTime() - cpu) / 1000.0 / timed;
        }
    }

    private static void repeat(UncontendedCase.Fixture fixture, int times) throws Exception {
        for (int i = 0; i < times; i++) {
            fixture.run();
        }
    }

    private static long questions(Connection monitor) throws SQLException {
        try (Statement s = monitor.createStatement();
                ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS LIKE 'Questions'")) {
            rs.next();
            return rs.getLong(2);
        }
    }
}
