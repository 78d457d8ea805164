package io.dblock.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Contended throughput with no hold time: every JMH thread is one application node with its own client (connection
 * or pool, and lock library instance), and all of them want the same lock. The thread count is set per run.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Contended {

    static final String LOCK_NAME = "bench:contended";

    private static final AtomicInteger NODES = new AtomicInteger();

    @State(Scope.Benchmark)
    public static class Config {
        @Param({"postgres"})
        public String engine;

        @Param({"raw"})
        public String peer;
    }

    @State(Scope.Thread)
    public static class Node {
        LockClient client;

        @Setup(Level.Trial)
        public void open(Config config) throws Exception {
            client = Peer.of(config.peer)
                    .open(Target.fromSystemProperties(config.engine), LOCK_NAME, "node-" + NODES.incrementAndGet());
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            client.close();
        }
    }

    @Benchmark
    public void acquireRelease(Node node) throws Exception {
        node.client.acquire();
        node.client.release();
    }
}
