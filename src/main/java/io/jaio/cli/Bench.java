package io.jaio.cli;

import io.jaio.Aio;
import io.jaio.AioFile;
import io.jaio.Delivery;
import io.jaio.Fcntl;
import io.jaio.Req;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A quick comparison on this machine: random reads (page cache warm, and O_DIRECT so each read
 * waits for the device), stats and a tree scan, each through jaio and through the JDK's own
 * APIs, on data it makes in a temporary directory and removes afterwards — also when
 * interrupted (SIGINT, SIGTERM). Each figure is the best of three timed rounds; for JMH-grade
 * numbers use the JMH suite.
 */
final class Bench implements Callable<Integer> {
    static final Args.Option SIZE = Args.valued("MIB", "Data file size in MiB, 1..1048576 (default: 256).", "--size");
    static final Args.Option FILES = Args.valued("N", "Files in the tree, 1..10000000 (default: 20000).", "--files");
    static final Args.Option READS = Args.valued("N", "Random 4 KiB reads per round, at least 1 (default: 200000).", "--reads");
    static final Args.Option DEPTH = Args.valued("N", "Reads in flight for jaio, 1..1024 (default: 64).", "--depth");
    static final Args.Option THREADS = Args.valued("N", "jaio workers and JDK threads, 1..1024 (default: 4).", "--threads");
    static final Args.Option BACKEND = Args.valued("BACKEND", "jaio's backend: THREADS or IO_URING (default: the library's "
            + "default, io.jaio.backend or THREADS).", "--backend");
    static final Args.Option DELIVERY = Args.valued("DELIVERY", "How jaio delivers results: AUTO (the library's "
            + "default: callbacks on jaio's threads) or MANUAL (this thread polls and runs them) (default: AUTO).", "--delivery");
    static final Args.Option DIR = Args.valued("DIR", "Where to make the temporary data (default: the system temp dir).", "--dir");
    static final Args.Option WHOLE = Args.flag("Also time whole processes, median of 5 runs each, against the tools "
            + "they stand in for: jaio treescan against find, jaio cp of the tree against cp -a and of the data file "
            + "against cp (needs bin/jaio, which says where it is).", "--whole-process");
    static final Args.Option SCAN = Args.valued("TREE", "The tree the readdirx scan row walks, read only (default: the "
            + "generated tree); its peer is Perl's IO::AIO, where installed.", "--scan");

    static final Args.Syntax SYNTAX = new Args.Syntax("bench",
            List.of("Compare jaio with the JDK's file APIs on generated data (cached read, O_DIRECT read, stat, scan).",
                "The data is made in a temporary directory under --dir and removed afterwards, also on Ctrl-C or SIGTERM.",
                "Exit status: 0 when the comparison ran; 1 if it failed; 2 for bad arguments or too little free space."),
            List.of(SIZE, FILES, READS, DEPTH, THREADS, BACKEND, DELIVERY, DIR, SCAN, WHOLE),
            List.of());

    /** jaio's delivery modes that the bench can run. */
    enum DeliveryChoice { AUTO, MANUAL }

    private final int sizeMiB, files, reads, depth, threads;
    private final io.jaio.Backend backend;
    private final DeliveryChoice delivery;
    private final Path base;
    private final String scanRoot;
    private final boolean whole;

    Bench(Args a) {
        sizeMiB = a.integer(SIZE, 256, 1, 1 << 20);
        files = a.integer(FILES, 20_000, 1, 10_000_000);
        reads = a.integer(READS, 200_000, 1, Integer.MAX_VALUE);
        depth = a.integer(DEPTH, 64, 1, Aio.MAX_PARALLEL);
        threads = a.integer(THREADS, 4, 1, Aio.MAX_PARALLEL);
        backend = a.choice(BACKEND, io.jaio.Backend.class, null);
        delivery = a.choice(DELIVERY, DeliveryChoice.class, DeliveryChoice.AUTO);
        String dir = a.string(DIR, null);
        base = dir == null ? null : Path.of(Args.path("--dir", dir));
        whole = a.has(WHOLE);
        if (whole && System.getenv("JAIO_LAUNCHER") == null) {
            throw new Args.Usage("--whole-process times bin/jaio itself: run the bench through bin/jaio");
        }
        String scan = a.string(SCAN, null);
        scanRoot = scan == null ? null : Args.path("--scan", scan);
        if (scanRoot != null && !Files.isDirectory(Path.of(scanRoot))) {
            throw new Args.Usage("--scan " + scanRoot + ": " + (Files.exists(Path.of(scanRoot)) ? "not a directory" : "no such directory"));
        }
    }

    /** O_DIRECT reads wait for the device: a tenth of --reads keeps that row to seconds. */
    private static final int DIRECT_READS_DIVISOR = 10;

    private PrintStream out, err;
    private Progress progress;

    @Override
    public Integer call() throws Exception {
        out = Main.io().out();
        err = Main.io().err();
        progress = new Progress(err, "bench");
        Path where = base == null ? Path.of(System.getProperty("java.io.tmpdir")) : base;
        if (!Files.isDirectory(where)) {
            err.println("jaio: bench: --dir " + where + ": " + (Files.exists(where) ? "not a directory" : "no such directory"));
            return 2;
        }
        long need = ((long) sizeMiB << 20) + (long) files * 8192 + (64L << 20);    // data, tree, slack
        long free = Files.getFileStore(where).getUsableSpace();
        if (free < need) {
            err.printf(Locale.ROOT, "jaio: bench: %s has %,d MiB free; this run needs about %,d MiB (--size, --files)%n",
                    where, free >> 20, need >> 20);
            return 2;
        }
        Path dir = Files.createTempDirectory(where, "jaio-bench");
        // Interrupted (Ctrl-C, SIGTERM): remove the data anyway. A hook, since the JVM runs
        // hooks on those signals; removed again once the data is gone the normal way.
        Thread cleanup = new Thread(() -> {
            // Stop the data makers, then remove; a file made between the two is caught by a retry.
            BenchData.abort = true;
            for (int attempt = 1; ; attempt++) {
                try {
                    if (!Files.exists(dir)) {
                        return;
                    }
                    BenchData.delete(dir);
                    return;
                } catch (IOException | UncheckedIOException e) {
                    if (attempt == 50) {
                        err.println("jaio: bench: could not remove " + dir + ": " + e.getMessage());
                        return;
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }, "jaio-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        Aio.Builder b = Main.aio().delivery(delivery == DeliveryChoice.MANUAL ? Delivery.MANUAL : Delivery.AUTO);    // the library's default backend unless --backend
        if (backend != null) {
            b.backend(backend);
        }
        try (Aio aio = b.minParallel(threads).maxParallel(threads).build();
             Aio deep = b.minParallel(depth).maxParallel(depth).build();
             ExecutorService pool = Executors.newFixedThreadPool(threads);
             ExecutorService deepPool = Executors.newFixedThreadPool(depth)) {
            status("making a " + sizeMiB + " MiB file and " + files + " files");
            Path data = BenchData.file(dir, sizeMiB);
            List<Path> tree = BenchData.tree(dir.resolve("tree"), (files + 999) / 1000, 1000, files);
            out.printf(Locale.ROOT, "jaio backend: %s, delivery %s%s%n", aio.backend(), delivery,
                    aio.backendFallbackReason() != null ? " (io_uring refused: " + aio.backendFallbackReason() + ")" : "");
            out.printf(Locale.ROOT, "%-28s %16s %16s %8s%n", "workload", "jaio", "peer", "ratio");
            // jaio's reads come from one application thread; the peer first with as many, then
            // with as many threads as jaio has workers.
            double jaioReads = rate(reads, () -> readJaio(aio, data, reads, 0));
            row("random 4 KiB read (reads/s)", "FileChannel, 1 thread, as jaio's one submitting thread",
                    jaioReads, rate(reads, () -> readJdk(pool, 1, data, reads, false)));
            row("  the same", "FileChannel, " + threads + " threads", jaioReads,
                    rate(reads, () -> readJdk(pool, threads, data, reads, false)));
            int direct = Math.max(depth, reads / DIRECT_READS_DIVISOR);
            double[] jaioCpu = new double[1], jdkCpu = new double[1];
            row("O_DIRECT 4 KiB read (reads/s)", "FileChannel DIRECT, " + depth + " threads",
                    rate(direct, () -> readJaio(deep, data, direct, Fcntl.O_DIRECT), jaioCpu),
                    rate(direct, () -> readJdk(deepPool, depth, data, direct, true), jdkCpu));
            out.printf(Locale.ROOT, "%-28s %,16.1f %,16.1f %7.2fx  (lower is better)%n",
                    "  CPU per O_DIRECT read (µs)", jaioCpu[0] / 1000, jdkCpu[0] / 1000, jaioCpu[0] / jdkCpu[0]);
            row("stat (files/s)", "Files.readAttributes",
                    rate(tree.size(), () -> statJaio(aio, tree)), rate(tree.size(), () -> statJdk(tree)));
            row("tree scan (entries/s)", "Files.walkFileTree",
                    rate(tree.size(), () -> BenchData.scanJaio(aio, dir.resolve("tree"))),
                    rate(tree.size(), () -> scanJdk(dir.resolve("tree"))));
            readdirxRow(aio, scanRoot != null ? scanRoot : dir.resolve("tree").toString());
            if (whole) {
                wholeProcessRows(scanRoot != null ? scanRoot : dir.resolve("tree").toString(), dir.resolve("tree"), data, dir);
            }
        } finally {
            if (!BenchData.abort) {    // else the shutdown hook is removing it
                status("removing " + dir);
                BenchData.delete(dir);
                Runtime.getRuntime().removeShutdownHook(cleanup);
            }
            progress.done();
        }
        return 0;
    }

    /**
     * treescan's algorithm, warm (readdirx recursion on d_type, every path made as a string), against
     * the same recursion in Perl's IO::AIO with as many threads: each the best of three rounds after
     * a warm-up, in its own process, so neither start-up counts.
     */
    private void readdirxRow(Aio aio, String root) {
        status("scanning " + root + " with IO::AIO");
        long[] peer = BenchData.scanIoAio(root, threads);
        long entries = BenchData.scanReaddirx(aio, root);
        double jaio = rate(entries, () -> BenchData.scanReaddirx(aio, root));
        if (peer == null) {
            out.printf(Locale.ROOT, "%-28s %,16.0f %16s %8s  (no peer: Perl's IO::AIO not installed)%n",
                    "readdirx scan (entries/s)", jaio, "-", "-");
        } else {
            rowVs("readdirx scan (entries/s)", "IO::AIO readdirx in Perl, " + threads + " threads"
                    + (peer[0] == entries ? "" : "; it counted " + peer[0] + " entries"), jaio, peer[0] * 1e9 / peer[1]);
        }
    }

    /**
     * Whole processes, as a user runs them (start-up included): bin/jaio against the tool it
     * stands in for, median of 5 runs each, alternating which goes first. Times in seconds;
     * the ratio is jaio's time over the peer's, lower is better.
     */
    private void wholeProcessRows(String scanTree, Path tree, Path data, Path dir) throws Exception {
        String jaio = System.getenv("JAIO_LAUNCHER");
        status("timing whole processes");
        // Both through the same shell into wc: discarding jaio's output while find fed a pipe
        // made jaio's side cheaper than the peer's (about 0.2 of the ratio on /usr). pipefail:
        // a failed scan must fail the row, not time wc.
        timeRow("treescan, process (s)", "find | wc -l",
                List.of("bash", "-c", "set -o pipefail; \"$0\" treescan \"$1\" | wc -l", jaio, scanTree),
                List.of("bash", "-c", "set -o pipefail; find \"$0\" | wc -l", scanTree), null);
        Path copies = Files.createDirectory(dir.resolve("copies"));
        Runnable clean = () -> {
            try {
                if (Files.exists(copies.resolve("t"))) BenchData.delete(copies.resolve("t"));
                Files.deleteIfExists(copies.resolve("f"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        timeRow("cp of the tree, process (s)", "cp -a",
                List.of(jaio, "cp", tree.toString(), copies.resolve("t").toString()),
                List.of("cp", "-a", tree.toString(), copies.resolve("t").toString()), clean);
        timeRow("cp data file, process (s)", "cp, " + sizeMiB + " MiB",
                List.of(jaio, "cp", data.toString(), copies.resolve("f").toString()),
                List.of("cp", data.toString(), copies.resolve("f").toString()), clean);
        clean.run();
    }

    private void timeRow(String workload, String peer, List<String> jaioCmd, List<String> peerCmd, Runnable before)
            throws Exception {
        double[] j = new double[5], p = new double[5];
        for (int i = 0; i < 5; i++) {
            boolean jaioFirst = i % 2 == 0;
            for (int k = 0; k < 2; k++) {
                boolean isJaio = (k == 0) == jaioFirst;
                if (before != null) before.run();
                double t = timeProcess(isJaio ? jaioCmd : peerCmd);
                (isJaio ? j : p)[i] = t;
            }
        }
        java.util.Arrays.sort(j);
        java.util.Arrays.sort(p);
        out.printf(Locale.ROOT, "%-28s %,16.3f %,16.3f %7.2fx  (%s; lower is better)%n", workload, j[2], p[2], j[2] / p[2], peer);
    }

    /** Wall seconds of one run of {@code cmd}, its output discarded; a failure is an exception. */
    private static double timeProcess(List<String> cmd) throws Exception {
        long t0 = System.nanoTime();
        Process proc = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        int code = proc.waitFor();
        long t1 = System.nanoTime();
        if (code != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " exited " + code);
        }
        return (t1 - t0) / 1e9;
    }

    private void status(String s) {
        if (progress.enabled()) {
            err.print("\r" + s + "\u001b[K");
            err.flush();
        }
    }

    private void row(String workload, String jdkPeer, double jaio, double jdk) {
        rowVs(workload, "JDK: " + jdkPeer, jaio, jdk);
    }

    private void rowVs(String workload, String peer, double jaio, double other) {
        out.printf(Locale.ROOT, "%-28s %,16.0f %,16.0f %7.2fx  (%s)%n", workload, jaio, other, jaio / other, peer);
    }

    private static long scanJdk(Path root) {
        try {
            return BenchData.scanJdk(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Operations per second: the best of three rounds after one warm-up. */
    private double rate(long ops, LongSupplier round) {
        return rate(ops, round, new double[1]);
    }

    /**
     * Operations per second, the best of three rounds after one warm-up; {@code cpuPerOp[0]}
     * gets the process's CPU nanoseconds per operation over the three rounds (every thread:
     * workers, the polling thread, GC).
     */
    private double rate(long ops, LongSupplier round, double[] cpuPerOp) {
        round.getAsLong();
        long best = Long.MAX_VALUE;
        long cpu0 = processCpuNanos();
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            long check = round.getAsLong();
            best = Math.min(best, System.nanoTime() - t0);
            if (check < 0) throw new IllegalStateException("round failed");
        }
        cpuPerOp[0] = (processCpuNanos() - cpu0) / (3.0 * ops);
        return ops * 1e9 / best;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * Keeps --depth reads in flight, each read's callback starting the next, until {@code reads}
     * have been issued. Under AUTO the callbacks run on jaio's threads (one at a time), so the
     * counts are atomic and each chain has its own random.
     */
    private long readJaio(Aio aio, Path data, int reads, int flags) {
        long blocks = (long) sizeMiB * 256;
        SplittableRandom rnd = new SplittableRandom(1);
        AtomicLong done = new AtomicLong();
        AtomicLong issued = new AtomicLong();
        try (Arena arena = Arena.ofShared()) {
            Req<AioFile> opened = aio.open(data, Fcntl.O_RDONLY | flags, 0);
            aio.flush();
            AioFile f = opened.join();
            MemorySegment[] bufs = new MemorySegment[depth];
            SplittableRandom[] rnds = new SplittableRandom[depth];
            for (int i = 0; i < depth; i++) {
                bufs[i] = arena.allocate(4096, 4096);
                rnds[i] = rnd.split();
            }
            for (int i = 0; i < depth; i++) readNext(aio, f, bufs[i], rnds[i], blocks, reads, issued, done);
            if (delivery == DeliveryChoice.MANUAL) {
                while (aio.nreqs() > 0) {
                    aio.pollWait();
                    aio.pollCb();
                    progress.update(done.get(), "reads");
                }
            } else {
                aio.flush();
            }
            f.close();
        }
        return done.get();
    }

    private void readNext(Aio aio, AioFile f, MemorySegment buf, SplittableRandom rnd, long blocks, int reads,
                          AtomicLong issued, AtomicLong done) {
        if (issued.getAndIncrement() >= reads) return;
        aio.read(f, rnd.nextLong(blocks) * 4096, 4096, buf, 0, (n, e) -> {
            if (e != null) throw new IllegalStateException(e);
            done.incrementAndGet();
            readNext(aio, f, buf, rnd, blocks, reads, issued, done);
        });
    }

    private long readJdk(ExecutorService pool, int threads, Path data, int reads, boolean direct) {
        long blocks = (long) sizeMiB * 256;
        try (FileChannel fc = direct
                ? FileChannel.open(data, java.nio.file.StandardOpenOption.READ, BenchData.directOption())
                : FileChannel.open(data)) {
            List<Future<Long>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                fs.add(pool.submit(() -> {
                    SplittableRandom rnd = new SplittableRandom(id);
                    ByteBuffer b = ByteBuffer.allocateDirect(2 * 4096).alignedSlice(4096).limit(4096).slice();
                    long n = 0;
                    for (int i = 0; i < reads / threads; i++) {
                        b.clear();
                        n += fc.read(b, rnd.nextLong(blocks) * 4096) > 0 ? 1 : 0;
                    }
                    return n;
                }));
            }
            long n = 0;
            for (Future<Long> f : fs) n += f.get();
            return n;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A stat per file with 512 outstanding at most: under AUTO the workers run the callbacks
     * and maxOutstanding holds this thread back; under MANUAL this thread polls between
     * submissions (a submission never waits there).
     */
    private long statJaio(Aio aio, List<Path> tree) {
        AtomicLong n = new AtomicLong();
        int before = aio.maxOutstanding(512);
        try {
            for (Path p : tree) {
                aio.stat(p, (st, e) -> {
                    if (e != null) throw new IllegalStateException(e);
                    n.incrementAndGet();
                });
                if (delivery == DeliveryChoice.MANUAL && aio.npending() > 256) aio.pollCb();
            }
            aio.flush();
        } finally {
            aio.maxOutstanding(before);
        }
        return n.get();
    }

    private long statJdk(List<Path> tree) {
        long n = 0;
        try {
            for (Path p : tree) {
                n += Files.readAttributes(p, PosixFileAttributes.class).size() >= 0 ? 1 : 0;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n;
    }
}
