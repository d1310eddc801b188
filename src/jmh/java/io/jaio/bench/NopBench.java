package io.jaio.bench;

import io.jaio.Aio;
import io.jaio.Delivery;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/** A nop's round trip: submit, then see its completion, in MANUAL and default delivery. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class NopBench {
    Aio manual, auto;

    @Setup
    public void setup() {
        manual = Aio.builder().delivery(Delivery.MANUAL).build();
        auto = Aio.create();
    }

    @TearDown
    public void tearDown() {
        manual.close();
        auto.close();
    }

    @Benchmark
    public int roundTripManual() {
        manual.nop();
        manual.pollWait();
        return manual.pollCb();
    }

    @Benchmark
    public Object roundTripDefault() {
        return auto.nop().join();
    }
}
