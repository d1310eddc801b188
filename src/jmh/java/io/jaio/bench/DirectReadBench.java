package io.jaio.bench;

import io.jaio.Aio;
import io.jaio.AioFile;
import io.jaio.Backend;
import io.jaio.Delivery;
import io.jaio.Fcntl;
import io.jaio.ThreadKind;
import io.jaio.cli.BenchData;
import org.openjdk.jmh.annotations.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The device-bound regime: random 4 KiB reads with O_DIRECT (the page cache bypassed) from a
 * 1 GiB file, 64 in flight — jaio's thread backend with 64 platform workers and its io_uring
 * backend, against FileChannel
 * (ExtendedOpenOption.DIRECT) from 64 platform threads. Each read waits for the disk, so the
 * score is the device's; what differs is the CPU spent per read, which
 * {@code -prof io.jaio.bench.CpuPerOp} reports as {@code cpu.ns/op}. fio's
 * {@code --ioengine=io_uring --direct=1 --iodepth=64} is the physical reference (README).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
public class DirectReadBench {
    static final int READS = 32768;
    static final int DEPTH = 64;
    static final int BLOCK = 4096;

    @Param("1024")
    public int fileMiB;

    Path dir, file;
    long blocks;
    Aio aio, auto, uring;
    AioFile aioFile, autoFile, uringFile;
    Arena arena;
    MemorySegment[] segments, globalSegments;
    ExecutorService fcPool;
    FileChannel fc;
    ByteBuffer[] buffers;
    final SplittableRandom random = new SplittableRandom(42);

    @Setup
    public void setup() throws Exception {
        dir = Files.createTempDirectory(Path.of(System.getProperty("jaio.bench.dir", System.getProperty("java.io.tmpdir"))), "jaio-direct");
        // -Djaio.bench.directFile=PATH reads an existing file (kept), so fio can read the same
        // blocks in the same session: on a virtual disk a freshly written file and one written
        // long ago can differ several-fold in reads per second (the host's own cache).
        String given = System.getProperty("jaio.bench.directFile");
        file = given != null ? Path.of(given) : BenchData.file(dir, fileMiB);
        blocks = Files.size(file) / BLOCK;
        if (blocks == 0) {
            throw new IllegalArgumentException("jaio.bench.directFile: " + file + " holds no whole " + BLOCK
                    + "-byte block to read (" + Files.size(file) + " bytes)");
        }
        aio = Aio.builder().delivery(Delivery.MANUAL).threads(ThreadKind.PLATFORM)
                .minParallel(DEPTH).maxParallel(DEPTH).build();
        var opened = aio.open(file, Fcntl.O_RDONLY | Fcntl.O_DIRECT, 0);
        aio.flush();
        aioFile = opened.join();
        auto = Aio.builder().threads(ThreadKind.PLATFORM).minParallel(DEPTH).maxParallel(DEPTH).build();
        autoFile = auto.open(file, Fcntl.O_RDONLY | Fcntl.O_DIRECT, 0).join();
        uring = Aio.builder().delivery(Delivery.MANUAL).backend(Backend.IO_URING).build();
        var uOpened = uring.open(file, Fcntl.O_RDONLY | Fcntl.O_DIRECT, 0);
        uring.flush();
        uringFile = uOpened.join();
        arena = Arena.ofShared();
        segments = new MemorySegment[DEPTH];
        globalSegments = new MemorySegment[DEPTH];
        buffers = new ByteBuffer[DEPTH];
        for (int i = 0; i < DEPTH; i++) {
            segments[i] = arena.allocate(BLOCK, BLOCK);    // O_DIRECT needs aligned buffers
            globalSegments[i] = Arena.global().allocate(BLOCK, BLOCK);    // one trial's worth, never freed
            buffers[i] = ByteBuffer.allocateDirect(2 * BLOCK).alignedSlice(BLOCK).limit(BLOCK).slice();
        }
        fcPool = Executors.newFixedThreadPool(DEPTH);
        fc = FileChannel.open(file, StandardOpenOption.READ, BenchData.directOption());
    }

    @TearDown
    public void tearDown() throws Exception {
        aioFile.close();
        aio.close();
        autoFile.close();
        auto.close();
        uringFile.close();
        uring.close();
        arena.close();
        fcPool.shutdownNow();
        fc.close();
        if (System.getProperty("jaio.bench.directFile") == null) BenchData.delete(dir);
        else Files.delete(dir);
    }

    /** Keeps DEPTH reads in flight until READS have completed; the bench thread polls. */
    @Benchmark
    @OperationsPerInvocation(READS)
    public long jaio64PlatformWorkers() {
        return ReadChains.run(aio, aioFile, segments, BLOCK, blocks, READS, random);
    }

    /**
     * The default delivery (AUTO): a worker that finishes a read runs its callback itself, and
     * takes the next read that callback submits, with no hand-off to another thread.
     */
    @Benchmark
    @OperationsPerInvocation(READS)
    public long jaio64PlatformWorkersAuto() {
        return ReadChains.run(auto, autoFile, segments, BLOCK, blocks, READS, random, false);
    }

    /**
     * As jaio64PlatformWorkersAuto with buffers from Arena.global(): a downcall acquires the
     * arena of each segment it is passed for the call's duration, a compare-and-set on a shared
     * arena's state that 64 workers on 2 cores contend for; a global segment needs none (nor
     * does a FileChannel's direct ByteBuffer).
     */
    @Benchmark
    @OperationsPerInvocation(READS)
    public long jaio64PlatformWorkersAutoGlobalSegments() {
        return ReadChains.run(auto, autoFile, globalSegments, BLOCK, blocks, READS, random, false);
    }

    /** The io_uring backend: 64 reads in the kernel's queue, no worker threads at all. */
    @Benchmark
    @OperationsPerInvocation(READS)
    public long jaioIoUring() {
        return ReadChains.run(uring, uringFile, segments, BLOCK, blocks, READS, random);
    }

    @Benchmark
    @OperationsPerInvocation(READS)
    public long fileChannel64PlatformThreads() throws Exception {
        Future<?>[] fs = new Future<?>[DEPTH];
        long[] bytes = new long[DEPTH];
        for (int t = 0; t < DEPTH; t++) {
            int id = t;
            fs[t] = fcPool.submit(() -> {
                SplittableRandom r = new SplittableRandom(id * 7919L + System.nanoTime());
                ByteBuffer b = buffers[id];
                for (int i = 0; i < READS / DEPTH; i++) {
                    b.clear();
                    bytes[id] += fc.read(b, r.nextLong(blocks) * BLOCK);
                }
                return null;
            });
        }
        for (Future<?> f : fs) f.get();
        long sum = 0;
        for (long b : bytes) sum += b;
        return sum;
    }
}
