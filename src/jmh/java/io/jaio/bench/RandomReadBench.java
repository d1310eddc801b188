package io.jaio.bench;

import io.jaio.cli.BenchData;

import io.jaio.Aio;
import io.jaio.AioFile;
import io.jaio.Backend;
import io.jaio.Delivery;
import io.jaio.Fcntl;
import io.jaio.ThreadKind;
import org.openjdk.jmh.annotations.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Random 4 KiB reads from a file in the page cache with 64 in flight: jaio (platform and
 * virtual workers, and the io_uring backend with segments of a shared arena, which go through
 * jaio's ring buffers, or of the global arena, which the kernel fills in place) against
 * AsynchronousFileChannel on a 4-thread pool, and FileChannel positional reads from the
 * benchmark thread alone, from 4 platform threads and from 64 virtual threads. Scores are
 * reads per second ({@value #READS} reads an invocation).
 *
 * <p>The {@code ...2Threads} rows run two application threads at once (JMH {@code @Threads(2)},
 * scores summed): FileChannel from each, and jaio as an application with an engine per thread
 * would use it, each thread keeping 64 reads in flight on its own MANUAL engine and polling it.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RandomReadBench {
    static final int READS = 4096;
    static final int DEPTH = 64;
    static final int BLOCK = 4096;

    @Param("256")
    public int fileMiB;

    /** jaio's worker threads (IO::AIO's default is 8; the peers get 4). */
    @Param("4")
    public int workers;

    Path dir, file;
    long blocks;
    Aio platform, virtual, uring;
    Aio auto, platformNoInline, autoNoInline;
    AioFile platformNoInlineFile, autoNoInlineFile;
    AioFile platformFile, virtualFile, uringFile, autoFile;
    MemorySegment[] globalSegments;
    Arena arena;
    MemorySegment[] segments;
    AsynchronousFileChannel afc;
    ExecutorService afcPool, fcPool;
    FileChannel fc;
    ByteBuffer[] buffers;
    final SplittableRandom random = new SplittableRandom(42);

    @Setup
    public void setup() throws Exception {
        dir = Files.createTempDirectory("jaio-bench");
        file = BenchData.file(dir, fileMiB);
        blocks = (long) fileMiB * (1 << 20) / BLOCK;
        platform = Aio.builder().delivery(Delivery.MANUAL).threads(ThreadKind.PLATFORM)
                .minParallel(workers).maxParallel(workers).build();
        virtual = Aio.builder().delivery(Delivery.MANUAL).threads(ThreadKind.VIRTUAL)
                .minParallel(workers).maxParallel(workers).build();
        uring = Aio.builder().delivery(Delivery.MANUAL).backend(Backend.IO_URING)
                .minParallel(workers).maxParallel(workers).build();
        uringFile = joinManual(uring, uring.open(file, Fcntl.O_RDONLY, 0));
        platformFile = joinManual(platform, platform.open(file, Fcntl.O_RDONLY, 0));
        auto = Aio.builder().threads(ThreadKind.PLATFORM).minParallel(workers).maxParallel(workers).build();
        autoFile = auto.open(file, Fcntl.O_RDONLY, 0).join();
        platformNoInline = Aio.builder().delivery(Delivery.MANUAL).threads(ThreadKind.PLATFORM)
                .minParallel(workers).maxParallel(workers).inlineReadMax(0).build();
        platformNoInlineFile = joinManual(platformNoInline, platformNoInline.open(file, Fcntl.O_RDONLY, 0));
        autoNoInline = Aio.builder().threads(ThreadKind.PLATFORM).minParallel(workers).maxParallel(workers)
                .inlineReadMax(0).build();
        autoNoInlineFile = autoNoInline.open(file, Fcntl.O_RDONLY, 0).join();
        virtualFile = joinManual(virtual, virtual.open(file, Fcntl.O_RDONLY, 0));
        arena = Arena.ofShared();
        segments = new MemorySegment[DEPTH];
        globalSegments = new MemorySegment[DEPTH];
        buffers = new ByteBuffer[DEPTH];
        for (int i = 0; i < DEPTH; i++) {
            segments[i] = arena.allocate(BLOCK, BLOCK);
            globalSegments[i] = Arena.global().allocate(BLOCK, BLOCK);    // one trial's worth, never freed
            buffers[i] = ByteBuffer.allocateDirect(BLOCK);
        }
        afcPool = Executors.newFixedThreadPool(4);
        afc = AsynchronousFileChannel.open(file, Set.of(StandardOpenOption.READ), afcPool);
        fcPool = Executors.newFixedThreadPool(4);
        fc = FileChannel.open(file);
    }

    static <T> T joinManual(Aio aio, java.util.concurrent.CompletableFuture<T> r) {
        aio.flush();
        return r.join();
    }

    @TearDown
    public void tearDown() throws Exception {
        platformFile.close();
        autoFile.close();
        auto.close();
        platformNoInlineFile.close();
        platformNoInline.close();
        autoNoInlineFile.close();
        autoNoInline.close();
        virtualFile.close();
        uringFile.close();
        platform.close();
        virtual.close();
        uring.close();
        arena.close();
        afc.close();
        afcPool.shutdownNow();
        fcPool.shutdownNow();
        fc.close();
        BenchData.delete(dir);
    }

    long nextOffset() {
        return random.nextLong(blocks) * BLOCK;
    }

    /** Keeps DEPTH reads in flight until READS have completed; the bench thread runs pollCb. */
    long jaio(Aio aio, AioFile f) {
        return ReadChains.run(aio, f, segments, BLOCK, blocks, READS, random);
    }

    @Benchmark
    @OperationsPerInvocation(READS)
    public long jaioPlatformWorkers() {
        return jaio(platform, platformFile);
    }

    /** As jaioPlatformWorkers with the cached fast path off: every read goes to a worker. */
    @Benchmark
    @OperationsPerInvocation(READS)
    public long jaioPlatformWorkersNoInline() {
        return jaio(platformNoInline, platformNoInlineFile);
    }

    /** As jaioAutoPlatformWorkers with the cached fast path off. */
    @Benchmark
    @OperationsPerInvocation(READS)
    public long jaioAutoPlatformWorkersNoInline() {
        return ReadChains.run(autoNoInline, autoNoInlineFile, segments, BLOCK, blocks, READS, random, false);
    }

    /**
     * The default delivery (AUTO): each worker delivers the read it finished and runs the next
     * one its callback submits, so no application thread polls at all.
     */
    @Benchmark
    @OperationsPerInvocation(READS)
    public long jaioAutoPlatformWorkers() {
        return ReadChains.run(auto, autoFile, segments, BLOCK, blocks, READS, random, false);
    }

    @Benchmark
    @OperationsPerInvocation(READS)
    public long jaioVirtualWorkers() {
        return jaio(virtual, virtualFile);
    }

    @Benchmark
    @OperationsPerInvocation(READS)
    public long jaioIoUring() {
        return ReadChains.run(uring, uringFile, segments, BLOCK, blocks, READS, random);
    }

    @Benchmark
    @OperationsPerInvocation(READS)
    public long jaioIoUringGlobalSegments() {
        return ReadChains.run(uring, uringFile, globalSegments, BLOCK, blocks, READS, random);
    }

    /** The blocking peer with as many application threads as jaio's benchmarks use: one. */
    @Benchmark
    @OperationsPerInvocation(READS)
    public long fileChannel1Thread() throws Exception {
        ByteBuffer b = buffers[0];
        long bytes = 0;
        for (int i = 0; i < READS; i++) {
            b.clear();
            bytes += fc.read(b, nextOffset());
        }
        return bytes;
    }

    /** One of DEPTH chains: each completed read starts the next until READS are issued. */
    final class AfcChain implements CompletionHandler<Integer, Void> {
        final ByteBuffer buffer;
        final AtomicInteger issued;
        final CountDownLatch done;
        long bytes;

        AfcChain(ByteBuffer buffer, AtomicInteger issued, CountDownLatch done) {
            this.buffer = buffer;
            this.issued = issued;
            this.done = done;
        }

        void next() {
            if (issued.getAndIncrement() >= READS) {
                done.countDown();
                return;
            }
            long off;
            synchronized (random) {
                off = nextOffset();
            }
            afc.read(buffer.clear(), off, null, this);
        }

        @Override
        public void completed(Integer n, Void a) {
            bytes += n;
            next();
        }

        @Override
        public void failed(Throwable t, Void a) {
            done.countDown();
            throw new IllegalStateException(t);
        }
    }

    @Benchmark
    @OperationsPerInvocation(READS)
    public long asynchronousFileChannel4Threads() throws Exception {
        CountDownLatch done = new CountDownLatch(DEPTH);
        AtomicInteger issued = new AtomicInteger();
        AfcChain[] chains = new AfcChain[DEPTH];
        for (int slot = 0; slot < DEPTH; slot++) {
            chains[slot] = new AfcChain(buffers[slot], issued, done);
            chains[slot].next();
        }
        done.await();
        long sum = 0;
        for (AfcChain c : chains) sum += c.bytes;
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(READS)
    public long fileChannel4PlatformThreads() throws Exception {
        Future<?>[] fs = new Future<?>[4];
        long[] bytes = new long[4];
        for (int t = 0; t < 4; t++) {
            int id = t;
            fs[t] = fcPool.submit(() -> {
                SplittableRandom r = new SplittableRandom(id);
                ByteBuffer b = buffers[id];
                for (int i = 0; i < READS / 4; i++) {
                    b.clear();
                    bytes[id] += fc.read(b, r.nextLong(blocks) * BLOCK);
                }
                return null;
            });
        }
        for (Future<?> f : fs) f.get();
        return bytes[0] + bytes[1] + bytes[2] + bytes[3];
    }

    @Benchmark
    @OperationsPerInvocation(READS)
    public long fileChannel64VirtualThreads() throws Exception {
        long[] bytes = new long[DEPTH];
        try (ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < DEPTH; t++) {
                int id = t;
                vts.submit(() -> {
                    SplittableRandom r = new SplittableRandom(id);
                    ByteBuffer b = buffers[id];
                    for (int i = 0; i < READS / DEPTH; i++) {
                        b.clear();
                        bytes[id] += fc.read(b, r.nextLong(blocks) * BLOCK);
                    }
                    return null;
                });
            }
        }
        long sum = 0;
        for (long b : bytes) sum += b;
        return sum;
    }

    /**
     * One application thread's own engines, file and buffers for the two-thread rows: an
     * engine per thread, as an event loop per core would hold one.
     */
    @State(Scope.Thread)
    public static class PerThread {
        Aio threads, uring;
        AioFile threadsFile, uringFile;
        Arena arena;
        MemorySegment[] segments;
        ByteBuffer buffer;
        SplittableRandom random;

        @Setup
        public void setup(RandomReadBench b) {
            threads = Aio.builder().delivery(Delivery.MANUAL).threads(ThreadKind.PLATFORM)
                    .minParallel(b.workers).maxParallel(b.workers).build();
            uring = Aio.builder().delivery(Delivery.MANUAL).backend(Backend.IO_URING)
                    .minParallel(b.workers).maxParallel(b.workers).build();
            threadsFile = joinManual(threads, threads.open(b.file, Fcntl.O_RDONLY, 0));
            uringFile = joinManual(uring, uring.open(b.file, Fcntl.O_RDONLY, 0));
            arena = Arena.ofShared();
            segments = new MemorySegment[DEPTH];
            for (int i = 0; i < DEPTH; i++) {
                segments[i] = arena.allocate(BLOCK, BLOCK);
            }
            buffer = ByteBuffer.allocateDirect(BLOCK);
            synchronized (b.random) {
                random = b.random.split();
            }
        }

        @TearDown
        public void tearDown() {
            threadsFile.close();
            uringFile.close();
            threads.close();
            uring.close();
            arena.close();
        }
    }

    /** FileChannel from two application threads at once, each reading in a loop. */
    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(READS)
    public long fileChannel2Threads(PerThread t) throws Exception {
        ByteBuffer b = t.buffer;
        long bytes = 0;
        for (int i = 0; i < READS; i++) {
            b.clear();
            bytes += fc.read(b, t.random.nextLong(blocks) * BLOCK);
        }
        return bytes;
    }

    /** jaio (threads backend, MANUAL) from two application threads, each with its own engine. */
    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(READS)
    public long jaio2Threads(PerThread t) {
        return ReadChains.run(t.threads, t.threadsFile, t.segments, BLOCK, blocks, READS, t.random);
    }

    /** jaio's io_uring backend (MANUAL) from two application threads, each with its own engine. */
    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(READS)
    public long jaioIoUring2Threads(PerThread t) {
        return ReadChains.run(t.uring, t.uringFile, t.segments, BLOCK, blocks, READS, t.random);
    }
}
