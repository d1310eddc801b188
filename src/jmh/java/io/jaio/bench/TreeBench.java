package io.jaio.bench;

import io.jaio.cli.BenchData;

import io.jaio.Aio;
import io.jaio.Backend;
import io.jaio.Delivery;
import io.jaio.Fcntl;
import org.openjdk.jmh.annotations.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tree of {@code dirs} × {@code files} files: stat of every file (jaio against
 * Files.readAttributes, serial and on 4 threads), and a recursive scan (jaio's scandir against
 * Files.walkFileTree). Scores are files per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TreeBench {
    @Param("100")
    public int dirs;
    @Param("1000")
    public int files;
    /**
     * jaio's worker threads. Stats and directory reads of a cached tree are CPU work, so one
     * worker per core does best on this 2-core machine (IO::AIO's default of 8 is for disks,
     * where more requests in the device's queue pay; here 8 measured about 25% slower).
     */
    @Param("2")
    public int workers;

    Path root;
    List<Path> all;
    Aio aio, auto, ring, ringAuto;
    ExecutorService pool;

    @Setup
    public void setup() throws Exception {
        root = Files.createTempDirectory("jaio-bench-tree");
        all = BenchData.tree(root, dirs, files, dirs * files);
        aio = Aio.builder().delivery(Delivery.MANUAL).minParallel(workers).maxParallel(workers).build();
        aio.maxOutstanding(512);
        auto = Aio.builder().minParallel(workers).maxParallel(workers).build();
        auto.maxOutstanding(512);
        ring = Aio.builder().backend(Backend.IO_URING).delivery(Delivery.MANUAL).minParallel(workers).maxParallel(workers).build();
        ring.maxOutstanding(512);
        ringAuto = Aio.builder().backend(Backend.IO_URING).minParallel(workers).maxParallel(workers).build();
        ringAuto.maxOutstanding(512);
        pool = Executors.newFixedThreadPool(4);
    }

    @TearDown
    public void tearDown() throws Exception {
        aio.close();
        auto.close();
        ring.close();
        ringAuto.close();
        pool.shutdownNow();
        BenchData.delete(root);
    }

    int n() {
        return dirs * files;
    }

    @Benchmark
    public long statJaio() {
        return stat(aio);
    }

    /**
     * The default delivery (AUTO): the workers run the callbacks themselves; the benchmark
     * thread only submits, held back at maxOutstanding (512).
     */
    @Benchmark
    public long statJaioAuto() {
        return stat(auto);
    }

    /** statJaio on the io_uring backend (whose stats run on its workers: see Ops.prepare). */
    @Benchmark
    public long statJaioIoUring() {
        return stat(ring);
    }

    /** statJaioAuto on the io_uring backend. */
    @Benchmark
    public long statJaioIoUringAuto() {
        return stat(ringAuto);
    }

    /**
     * Open and close of every file, each close submitted by its open's callback, AUTO delivery
     * (at most 512 outstanding): on threads each is a hand-off to a worker; on io_uring the
     * kernel completes both inside the submitting io_uring_enter (the path is in the dentry
     * cache). The peer opens and closes a FileChannel per file on one thread.
     */
    @Benchmark
    public long openCloseJaioAuto() {
        return openClose(auto);
    }

    /** openCloseJaioAuto on the io_uring backend. */
    @Benchmark
    public long openCloseJaioIoUringAuto() {
        return openClose(ringAuto);
    }

    private long stat(Aio a) {
        AtomicLong size = new AtomicLong();
        for (Path p : all) {
            a.stat(p, (st, err) -> size.addAndGet(st.size() + st.ino()));
        }
        a.flush();
        return size.get();
    }

    private long openClose(Aio a) {
        AtomicLong n = new AtomicLong();
        for (Path p : all) {
            a.open(p, Fcntl.O_RDONLY, 0, (f, e) -> a.close(f, (v, e2) -> n.incrementAndGet()));
        }
        a.flush();
        return n.get();
    }

    @Benchmark
    public long openCloseFileChannelSerial() throws IOException {
        long n = 0;
        for (Path p : all) {
            try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(p)) {
                n += c.isOpen() ? 1 : 0;
            }
        }
        return n;
    }

    @Benchmark
    public long statReadAttributesSerial() throws IOException {
        long size = 0;
        for (Path p : all) {
            PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class);
            size += a.size() + a.hashCode();
        }
        return size;
    }

    @Benchmark
    public long statReadAttributes4Threads() throws Exception {
        @SuppressWarnings("unchecked")
        Future<Long>[] fs = new Future[4];
        int chunk = all.size() / 4;
        for (int t = 0; t < 4; t++) {
            List<Path> part = all.subList(t * chunk, t == 3 ? all.size() : (t + 1) * chunk);
            fs[t] = pool.submit(() -> {
                long size = 0;
                for (Path p : part) {
                    size += Files.readAttributes(p, PosixFileAttributes.class).size() + 1;
                }
                return size;
            });
        }
        long sum = 0;
        for (Future<Long> f : fs) sum += f.get();
        return sum;
    }

    @Benchmark
    public long scanJaio() {
        return BenchData.scanJaio(aio, root);
    }

    @Benchmark
    public long scanWalkFileTree() throws IOException {
        return BenchData.scanJdk(root);
    }
}
