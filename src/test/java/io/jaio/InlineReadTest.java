package io.jaio;

import io.jaio.internal.sys.Sys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The cached fast path of the threads backend (Builder.inlineReadMax): a small read whose data
 * the page cache holds completes on the submitting thread, with no worker. Descriptors are
 * opened with open(2) directly and borrowed, so that no request but the reads themselves could
 * start a worker: {@link Aio#nthreads()} then tells whether any read went to one.
 */
class InlineReadTest {
    @TempDir
    Path dir;

    private final List<Integer> fds = new ArrayList<>();
    private Aio aio;

    @AfterEach
    void tearDown() {
        if (aio != null) {
            aio.close();
        }
        for (int fd : fds) {
            Sys.current().close(fd);
        }
    }

    private static Aio manual(long inlineMax) {
        return Aio.builder().backend(Backend.THREADS).delivery(Delivery.MANUAL).minParallel(2)
                .inlineReadMax(inlineMax).build();
    }

    /** open(2) of {@code p}, borrowed: closed by tearDown; -errno if the kernel refuses. */
    private int rawOpen(Path p, int flags) {
        try (Arena a = Arena.ofConfined()) {
            int fd = Sys.current().open(a.allocateFrom(p.toString()), flags | Fcntl.O_CLOEXEC, 0);
            if (fd >= 0) {
                fds.add(fd);
            }
            return fd;
        }
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + i / 4096);
        }
        return b;
    }

    private static void drain(Aio aio) {
        while (aio.nreqs() > 0) {
            aio.pollWait();
            aio.pollCb();
        }
    }

    /** Chains of reads over a cached file, each submitted from the previous one's callback. */
    private long readChains(Aio aio, AioFile file, byte[] data, int chains, int reads) {
        AtomicInteger issued = new AtomicInteger();
        AtomicLong mismatches = new AtomicLong();
        int blocks = data.length / 4096;
        try (Arena arena = Arena.ofShared()) {
            for (int c = 0; c < chains; c++) {
                MemorySegment seg = arena.allocate(4096);
                java.util.SplittableRandom r = new java.util.SplittableRandom(c);
                long[] offset = new long[1];
                @SuppressWarnings("unchecked")
                BiConsumer<Long, Throwable>[] cb = new BiConsumer[1];
                cb[0] = (n, e) -> {
                    if (e != null || n != 4096
                            || !java.util.Arrays.equals(seg.toArray(ValueLayout.JAVA_BYTE),
                                    java.util.Arrays.copyOfRange(data, (int) offset[0], (int) offset[0] + 4096))) {
                        mismatches.incrementAndGet();
                    }
                    if (issued.incrementAndGet() <= reads) {
                        offset[0] = r.nextInt(blocks) * 4096L;
                        aio.read(file, offset[0], 4096, seg, 0, cb[0]);
                    }
                };
                offset[0] = r.nextInt(blocks) * 4096L;
                issued.incrementAndGet();
                aio.read(file, offset[0], 4096, seg, 0, cb[0]);
            }
            drain(aio);
        }
        return mismatches.get();
    }

    @Test
    void cachedReadsCompleteWithoutAWorkerAndReadTheRightBytes() throws Exception {
        byte[] data = pattern(1 << 20);
        Path f = Files.write(dir.resolve("cached"), data);    // just written: in the page cache
        aio = manual(Aio.DEFAULT_INLINE_READ_MAX);
        AioFile file = AioFile.borrow(rawOpen(f, Fcntl.O_RDONLY));
        assertThat(readChains(aio, file, data, 8, 5_000)).as("reads with wrong bytes").isZero();
        assertThat(aio.nthreads()).as("workers started").isZero();
        assertThat(aio.nreqs()).isZero();
    }

    @Test
    void withTheFastPathOffEveryReadGoesToAWorker() throws Exception {
        byte[] data = pattern(1 << 18);
        Path f = Files.write(dir.resolve("cached"), data);
        aio = manual(0);
        AioFile file = AioFile.borrow(rawOpen(f, Fcntl.O_RDONLY));
        assertThat(readChains(aio, file, data, 4, 200)).isZero();
        assertThat(aio.nthreads()).as("workers started").isPositive();
    }

    @Test
    void aReadLargerThanTheBoundGoesToAWorker() throws Exception {
        byte[] data = pattern(1 << 16);
        Path f = Files.write(dir.resolve("f"), data);
        aio = manual(4096);
        AioFile file = AioFile.borrow(rawOpen(f, Fcntl.O_RDONLY));
        try (Arena arena = Arena.ofShared()) {
            MemorySegment small = arena.allocate(4096), big = arena.allocate(8192);
            Req<Long> a = aio.read(file, 0, 4096, small, 0);
            drain(aio);
            assertThat(a.join()).isEqualTo(4096);
            assertThat(aio.nthreads()).as("after the small read").isZero();
            Req<Long> b = aio.read(file, 4096, 8192, big, 0);
            drain(aio);
            assertThat(b.join()).isEqualTo(8192);
            assertThat(big.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(java.util.Arrays.copyOfRange(data, 4096, 4096 + 8192));
            assertThat(aio.nthreads()).as("after the large read").isPositive();
        }
    }

    /** A short read (end of file) is left to the worker, whose pread returns what pread returns. */
    @Test
    void readsAtAndPastTheEndOfFileReturnWhatPreadReturns() throws Exception {
        Files.write(dir.resolve("f"), pattern(100));
        aio = manual(Aio.DEFAULT_INLINE_READ_MAX);
        AioFile file = AioFile.borrow(rawOpen(dir.resolve("f"), Fcntl.O_RDONLY));
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = arena.allocate(64);
            Req<Long> partial = aio.read(file, 80, 64, seg, 0);
            Req<Long> atEnd = aio.read(file, 100, 64, seg, 0);
            Req<Long> past = aio.read(file, 1 << 20, 64, seg, 0);
            drain(aio);
            assertThat(partial.join()).isEqualTo(20);
            assertThat(atEnd.join()).isZero();
            assertThat(past.join()).isZero();
        }
    }

    /** A read the kernel refuses fails as it always did: from the worker, with the syscall's errno. */
    @Test
    void aFailingReadFailsWithItsErrnoAsBefore() throws Exception {
        Path f = Files.write(dir.resolve("f"), pattern(8192));
        aio = manual(Aio.DEFAULT_INLINE_READ_MAX);
        AioFile writeOnly = AioFile.borrow(rawOpen(f, Fcntl.O_WRONLY));
        AioFile directory = AioFile.borrow(rawOpen(dir, Fcntl.O_RDONLY | Fcntl.O_DIRECTORY));
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = arena.allocate(4096);
            Req<Long> ebadf = aio.read(writeOnly, 0, 4096, seg, 0);
            Req<Long> eisdir = aio.read(directory, 0, 4096, seg, 0);
            drain(aio);
            assertThatThrownBy(ebadf::join).cause().isInstanceOf(ErrnoException.class).hasMessageContaining("EBADF");
            assertThatThrownBy(eisdir::join).cause().isInstanceOf(ErrnoException.class).hasMessageContaining("EISDIR");
        }
    }

    /** O_DIRECT: RWF_NOWAIT may still wait for the device there, so such reads always go to a worker. */
    @Test
    void oDirectDescriptorsAreNeverReadInline() throws Exception {
        byte[] data = pattern(1 << 16);
        Path f = Files.write(dir.resolve("direct"), data);
        int fd = rawOpen(f, Fcntl.O_RDONLY | Fcntl.O_DIRECT);
        assumeTrue(fd >= 0, "this file system refuses O_DIRECT");
        aio = manual(Aio.DEFAULT_INLINE_READ_MAX);
        AioFile file = AioFile.borrow(fd);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = arena.allocate(4096, 4096);
            Req<Long> r = aio.read(file, 8192, 4096, seg, 0);
            drain(aio);
            assertThat(r.join()).isEqualTo(4096);
            assertThat(seg.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(java.util.Arrays.copyOfRange(data, 8192, 8192 + 4096));
            assertThat(aio.nthreads()).as("workers started").isPositive();
        }
    }

    @Test
    void aDirectByteBufferAdvancesByTheCountReadInline() throws Exception {
        byte[] data = pattern(8192);
        Path f = Files.write(dir.resolve("f"), data);
        aio = manual(Aio.DEFAULT_INLINE_READ_MAX);
        AioFile file = AioFile.borrow(rawOpen(f, Fcntl.O_RDONLY));
        ByteBuffer bb = ByteBuffer.allocateDirect(1000).position(10).limit(510);
        Req<Long> r = aio.read(file, 4000, bb);
        drain(aio);
        assertThat(r.join()).isEqualTo(500);
        assertThat(bb.position()).isEqualTo(510);
        byte[] got = new byte[500];
        bb.get(10, got);
        assertThat(got).isEqualTo(java.util.Arrays.copyOfRange(data, 4000, 4500));
        assertThat(aio.nthreads()).isZero();
    }

    /** Done inline, but not yet delivered: a cancel still means the callback never runs (IO::AIO 4.80). */
    @Test
    void aReadDoneInlineCanStillBeCancelledBeforeDelivery() throws Exception {
        Path f = Files.write(dir.resolve("f"), pattern(8192));
        aio = manual(Aio.DEFAULT_INLINE_READ_MAX);
        AioFile file = AioFile.borrow(rawOpen(f, Fcntl.O_RDONLY));
        AtomicInteger called = new AtomicInteger();
        try (Arena arena = Arena.ofShared()) {
            Req<Long> r = aio.read(file, 0, 4096, arena.allocate(4096), 0, (n, e) -> called.incrementAndGet());
            assertThat(aio.npending()).as("its result already waits").isEqualTo(1);
            r.cancel(false);
            drain(aio);
            assertThat(called).hasValue(0);
            assertThatThrownBy(r::join).isInstanceOf(CancellationException.class);
            assertThat(aio.nreqs()).isZero();
        }
    }

    /** maxParallel(0) holds every request, as IO::AIO's max_parallel does: no read runs inline then. */
    @Test
    void aPausedEngineRunsNothingInline() throws Exception {
        Path f = Files.write(dir.resolve("f"), pattern(8192));
        aio = manual(Aio.DEFAULT_INLINE_READ_MAX);
        AioFile file = AioFile.borrow(rawOpen(f, Fcntl.O_RDONLY));
        aio.maxParallel(0);
        try (Arena arena = Arena.ofShared()) {
            Req<Long> r = aio.read(file, 0, 4096, arena.allocate(4096), 0);
            assertThat(aio.nready()).isEqualTo(1);
            assertThat(aio.npending()).isZero();
            aio.minParallel(1);    // IO::AIO's min_parallel lifts the pause
            drain(aio);
            assertThat(r.join()).isEqualTo(4096);
        }
    }

    @Test
    void aNegativeBoundIsRefused() {
        assertThatThrownBy(() -> Aio.builder().inlineReadMax(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("inlineReadMax");
    }

    /**
     * maxParallel(1) runs requests one at a time in submission order (IO::AIO's max_parallel 1):
     * a read submitted after a write of the same bytes sees them, never the cached old ones.
     */
    @Test
    void underMaxParallelOneAReadNeverOvertakesAnEarlierWrite() throws Exception {
        Path f = Files.write(dir.resolve("f"), new byte[4096]);
        aio = Aio.builder().backend(Backend.THREADS).delivery(Delivery.MANUAL).minParallel(1).maxParallel(1).build();
        AioFile file = AioFile.borrow(rawOpen(f, Fcntl.O_RDWR));
        try (Arena arena = Arena.ofShared()) {
            MemorySegment out = arena.allocate(4096), in = arena.allocate(4096);
            for (int round = 1; round <= 200; round++) {
                out.fill((byte) round);
                Req<Long> w = aio.write(file, 0, 4096, out, 0);
                Req<Long> r = aio.read(file, 0, 4096, in, 0);
                drain(aio);
                assertThat(w.join()).isEqualTo(4096);
                assertThat(r.join()).isEqualTo(4096);
                assertThat(in.get(ValueLayout.JAVA_BYTE, 0)).as("round %d", round).isEqualTo((byte) round);
            }
        }
    }

    /**
     * Requests that are not reads (stats, nops) neither use the fast path nor count against it:
     * after hundreds of them a cached read still completes inline, its result waiting at once.
     */
    @Test
    void otherRequestsDoNotTurnTheFastPathOff() throws Exception {
        Path f = Files.write(dir.resolve("f"), pattern(8192));
        aio = manual(Aio.DEFAULT_INLINE_READ_MAX);
        AioFile file = AioFile.borrow(rawOpen(f, Fcntl.O_RDONLY));
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = arena.allocate(4096);
            for (int round = 0; round < 20; round++) {
                for (int i = 0; i < 50; i++) {
                    aio.lstat(f);
                    aio.nop();
                }
                drain(aio);
                Req<Long> r = aio.read(file, 4096, 4096, seg, 0);
                assertThat(aio.npending()).as("round %d: the read's result already waits", round).isEqualTo(1);
                drain(aio);
                assertThat(r.join()).isEqualTo(4096);
            }
        }
    }

    /**
     * Under AUTO the dispatcher runs the callbacks of results no worker delivered (here: a read
     * done inline on this thread, before any worker exists); a read such a callback submits
     * goes to the workers, which read in parallel, rather than being read by the dispatcher.
     */
    @Test
    void underAutoACallbacksReadOnTheDispatcherGoesToAWorker() throws Exception {
        byte[] data = pattern(1 << 16);
        Path f = Files.write(dir.resolve("cached"), data);
        aio = Aio.builder().backend(Backend.THREADS).minParallel(2).build();    // AUTO, the default
        AioFile file = AioFile.borrow(rawOpen(f, Fcntl.O_RDONLY));
        try (Arena arena = Arena.ofShared()) {
            MemorySegment first = arena.allocate(4096);
            MemorySegment second = arena.allocate(4096);
            java.util.concurrent.CompletableFuture<String> firstOn = new java.util.concurrent.CompletableFuture<>();
            java.util.concurrent.CompletableFuture<Long> next = new java.util.concurrent.CompletableFuture<>();
            aio.read(file, 0, 4096, first, 0, (n, e) -> {
                firstOn.complete(Thread.currentThread().getName());
                aio.read(file, 8192, 4096, second, 0, (n2, e2) -> {
                    if (e2 != null) {
                        next.completeExceptionally(e2);
                    } else {
                        next.complete(n2);
                    }
                });
            });
            assertThat(next.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(4096);
            assertThat(firstOn.join()).as("the first callback's thread").isEqualTo("jaio-dispatcher");
            assertThat(second.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(java.util.Arrays.copyOfRange(data, 8192, 12288));
            assertThat(aio.nthreads()).as("workers started").isPositive();
        }
    }

    /** A virtual thread's read goes to a worker: the fast path's per-thread memory is not made per virtual thread. */
    @Test
    void aReadFromAVirtualThreadGoesToAWorker() throws Exception {
        Path f = Files.write(dir.resolve("f"), pattern(8192));
        aio = manual(Aio.DEFAULT_INLINE_READ_MAX);
        AioFile file = AioFile.borrow(rawOpen(f, Fcntl.O_RDONLY));
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = arena.allocate(4096);
            @SuppressWarnings("unchecked")
            Req<Long>[] r = new Req[1];
            Thread.ofVirtual().start(() -> r[0] = aio.read(file, 0, 4096, seg, 0)).join();
            drain(aio);
            assertThat(r[0].join()).isEqualTo(4096);
            assertThat(aio.nthreads()).as("workers started").isPositive();
        }
    }
}
