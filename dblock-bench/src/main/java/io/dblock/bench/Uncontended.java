package io.dblock.bench;

import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
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

/** Uncontended acquire+release, one thread: the time of one {@link UncontendedCase}, in microseconds. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class Uncontended {

    @Param({"postgres"})
    public String engine;

    @Param({"raw-lock-unlock"})
    public String useCase;

    private UncontendedCase.Fixture fixture;

    @Setup(Level.Trial)
    public void open() throws Exception {
        fixture = UncontendedCase.of(useCase).open(Target.fromSystemProperties(engine), UnaryOperator.identity());
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        fixture.close();
    }

    @Benchmark
    public void acquireRelease() throws Exception {
        fixture.run();
    }
}
