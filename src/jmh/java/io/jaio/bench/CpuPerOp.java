package io.jaio.bench;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;

/**
 * CPU per operation: the benchmark process's CPU time (every thread: workers, pollers, GC,
 * JIT) over an iteration, divided by the operations the iteration measured. Use with
 * {@code -prof io.jaio.bench.CpuPerOp}; it reports {@code cpu.ns/op} beside the score. On a
 * device-bound workload this is what a faster score must not be paid for.
 */
public final class CpuPerOp implements InternalProfiler {
    private long startCpu;
    private long[] startTicks;

    @Override
    public String getDescription() {
        return "process CPU time per operation (all threads)";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        startCpu = processCpuNanos();
        startTicks = userSysTicks();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                       IterationResult result) {
        long cpu = processCpuNanos() - startCpu;
        long ops = result.getMetadata().getMeasuredOps();
        if (ops <= 0) {
            return List.of();
        }
        // Measured ops already count @OperationsPerInvocation.
        double perOp = (double) cpu / ops;
        long[] ticks = userSysTicks();
        if (ticks == null || startTicks == null) {
            return List.of(new ScalarResult("cpu.ns/op", perOp, "ns/op", AggregationPolicy.AVG));
        }
        // The kernel's split, in clock ticks (1/100 s): coarse, but over an iteration of a few
        // seconds it tells whether a difference in cpu.ns/op is the process's own code or syscalls.
        double tick = 1e9 / 100;
        return List.of(new ScalarResult("cpu.ns/op", perOp, "ns/op", AggregationPolicy.AVG),
                new ScalarResult("cpu.user.ns/op", (ticks[0] - startTicks[0]) * tick / ops, "ns/op", AggregationPolicy.AVG),
                new ScalarResult("cpu.sys.ns/op", (ticks[1] - startTicks[1]) * tick / ops, "ns/op", AggregationPolicy.AVG));
    }

    /** utime and stime of this process from /proc/self/stat (fields 14 and 15), or null off Linux. */
    static long[] userSysTicks() {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};    // fields 14, 15 counted from 1
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
