package io.jaio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * AUTO delivery on the threads backend: a worker that finishes a request delivers it itself
 * and runs the first request its callback submits. What must hold: chains stay on workers,
 * callbacks still run one at a time, and a callback that waits inside jaio (flush, close,
 * maxParallel) never waits for the worker it holds — even with one worker.
 */
@org.junit.jupiter.api.extension.ExtendWith(LeakCheck.class)
class WorkerDeliveryTest {
    @TempDir
    Path dir;

    /**
     * The cached fast path is off: it would run these cached reads on the submitting thread
     * (InlineReadTest), and these tests are about the worker that delivers its own result.
     */
    private static Aio auto(ThreadKind kind, int workers) {
        return Aio.builder().backend(Backend.THREADS).threads(kind).minParallel(workers).maxParallel(workers)
                .inlineReadMax(0).build();
    }

    /** Reads 4 KiB blocks in 8 chains, each read submitted by the previous one's callback. */
    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void chainsOfReadsRunTheirCallbacksOnWorkersOneAtATime(ThreadKind kind) throws Exception {
        Path f = dir.resolve("data");
        byte[] data = new byte[1 << 20];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        Files.write(f, data);
        int reads = 20_000;
        Map<String, Integer> threads = new ConcurrentHashMap<>();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger issued = new AtomicInteger();
        AtomicLong checksum = new AtomicLong();
        long expected = 0;
        try (Aio aio = auto(kind, 4); AioFile file = aio.open(f, Fcntl.O_RDONLY, 0).join();
             Arena arena = Arena.ofShared()) {
            CompletableFuture<Void> all = new CompletableFuture<>();
            AtomicInteger chainsLeft = new AtomicInteger(8);
            for (int c = 0; c < 8; c++) {
                MemorySegment buf = arena.allocate(4096);
                new Object() {
                    void next() {
                        int i = issued.getAndIncrement();
                        if (i >= reads) {
                            if (chainsLeft.decrementAndGet() == 0) {
                                all.complete(null);
                            }
                            return;
                        }
                        long off = (long) (i % 256) * 4096;
                        aio.read(file, off, 4096, buf, 0, (n, e) -> {
                            if (inside.getAndIncrement() != 0) {
                                overlaps.incrementAndGet();
                            }
                            threads.merge(Thread.currentThread().getName().replaceAll("\\d+$", ""), 1, Integer::sum);
                            checksum.addAndGet(buf.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 4095) + n);
                            inside.decrementAndGet();
                            next();
                        });
                    }
                }.next();
            }
            all.get(60, TimeUnit.SECONDS);
            aio.flush();
            assertThat(aio.nreqs()).isZero();
        }
        for (int i = 0; i < reads; i++) {
            expected += data[(i % 256) * 4096 + 4095] + 4096;
        }
        assertThat(checksum.get()).isEqualTo(expected);
        assertThat(overlaps.get()).as("callbacks overlapping").isZero();
        // Most callbacks run on the worker that read the block; the dispatcher takes what collides.
        // Not on virtual workers, where callbacks stay on the dispatcher (see Engine).
        int onWorkers = threads.getOrDefault("jaio-worker-", 0);
        if (kind == ThreadKind.PLATFORM) {
            assertThat(onWorkers).as("callbacks on workers, by thread: %s", threads).isGreaterThan(reads / 2);
        } else {
            assertThat(onWorkers).as("callbacks on workers, by thread: %s", threads).isZero();
        }
    }

    /** A callback's own request is claimed by its worker; flush inside it must give it back. */
    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void flushInsideACallbackOnTheOnlyWorkerDoesNotWaitForItself(ThreadKind kind) throws Exception {
        try (Aio aio = auto(kind, 1)) {
            AtomicReference<String> seen = new AtomicReference<>();
            CompletableFuture<Void> done = new CompletableFuture<>();
            aio.nop((v, e) -> {
                AtomicInteger ran = new AtomicInteger();
                aio.nop((v2, e2) -> ran.incrementAndGet());
                aio.nop((v2, e2) -> ran.incrementAndGet());
                aio.flush();    // both must run and be delivered, with this worker busy here
                seen.set(Thread.currentThread().getName() + " ran=" + ran.get() + " nreqs=" + aio.nreqs());
                done.complete(null);
            });
            done.get(20, TimeUnit.SECONDS);
            assertThat(seen.get()).endsWith("ran=2 nreqs=1");
            aio.flush();
            assertThat(aio.nreqs()).isZero();
            // The worker lent out during the flush is given back: maxParallel(1) holds again.
            EngineTest.await(() -> aio.nthreads() <= 1, "the surplus worker to leave");
        }
    }

    /** The claimed request can still be cancelled: it never runs, and its callback never runs. */
    @Test
    void aRequestClaimedByItsCallbacksWorkerCanBeCancelled() throws Exception {
        try (Aio aio = auto(ThreadKind.PLATFORM, 2)) {
            for (int round = 0; round < 200; round++) {
                AtomicInteger ranCallback = new AtomicInteger();
                CompletableFuture<Req<Void>> inner = new CompletableFuture<>();
                aio.nop((v, e) -> {
                    Req<Void> r = aio.busy(java.time.Duration.ofMillis(1), (v2, e2) -> ranCallback.incrementAndGet());
                    assertThat(r.cancel(false)).isTrue();
                    inner.complete(r);
                });
                Req<Void> r = inner.get(20, TimeUnit.SECONDS);
                aio.flush();
                assertThat(r).isCancelled();
                assertThat(ranCallback.get()).isZero();
                assertThat(aio.nreqs()).isZero();
                assertThat(aio.nready()).isZero();
            }
        }
    }

    /** maxParallel(0) from a callback on a worker pauses without waiting for that worker. */
    @Test
    void pausingFromACallbackOnAWorkerReturnsAndHoldsTheClaimedRequest() throws Exception {
        try (Aio aio = auto(ThreadKind.PLATFORM, 2)) {
            CompletableFuture<Req<Void>> inner = new CompletableFuture<>();
            aio.nop((v, e) -> {
                Req<Void> r = aio.nop();
                aio.maxParallel(0);
                inner.complete(r);
            });
            Req<Void> r = inner.get(20, TimeUnit.SECONDS);    // maxParallel(0) returned
            // The callback's request went back to the queue before the pause, as a request
            // submitted from the dispatcher would: an idle worker may have run it already.
            Thread.sleep(50);
            assertThat(aio.nthreads()).isZero();
            assertThat(aio.nready()).isEqualTo(r.isDone() ? 0 : 1);
            aio.minParallel(2);
            r.get(20, TimeUnit.SECONDS);
            aio.flush();
            assertThat(aio.nreqs()).isZero();
        }
    }

    /** close() from a callback on a worker: everything accepted completes; the descriptor closes. */
    @Test
    void closeFromACallbackOnAWorkerCompletesAndReleasesEverything() throws Exception {
        Aio aio = auto(ThreadKind.PLATFORM, 2);
        CompletableFuture<Req<Void>> inner = new CompletableFuture<>();
        aio.nop((v, e) -> {
            Req<Void> r = aio.nop();
            aio.close();
            inner.complete(r);
        });
        Req<Void> r = inner.get(20, TimeUnit.SECONDS);
        assertThat(r).isDone();
        EngineTest.await(() -> aio.nthreads() == 0, "the workers to exit");
        // LeakCheck verifies that the result descriptor is closed once the dispatcher has left.
    }

    /**
     * Chains that keep workers busy must not starve a queued request of higher priority: with
     * every worker in a chain, each chain yields its turn to the queue; with workers to spare,
     * a chain goes on while a parked worker is woken for the queued request (runChained), so
     * that wake-up must arrive.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"1, 1", "4, 4", "4, 2", "8, 3", "8, 8"})
    void chainsDoNotStarveAQueuedRequest(int workers, int chains) throws Exception {
        try (Aio aio = auto(ThreadKind.PLATFORM, workers)) {
            // Every worker started first (they start on demand), so the spare ones are parked
            // for work while the chains run: the case where a chain goes on past the queue.
            for (int i = 0; i < workers; i++) {
                aio.busy(java.time.Duration.ofMillis(50));
            }
            aio.flush();
            assertThat(aio.nthreads()).isEqualTo(workers);
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            Aio low = aio.withPriority(-4);
            for (int c = 0; c < chains; c++) {
                Runnable[] next = new Runnable[1];
                next[0] = () -> low.busy(java.time.Duration.ofNanos(1000), (v, e) -> {
                    if (!stop.get()) {
                        next[0].run();
                    }
                });
                next[0].run();
            }
            Thread.sleep(50);
            try {
                for (int i = 0; i < 20; i++) {
                    aio.withPriority(4).nop().get(5, TimeUnit.SECONDS);
                }
            } finally {
                stop.set(true);
            }
            aio.flush();
        }
    }

    /** close() on another thread, after a callback paused the engine holding a claimed request. */
    @Test
    void closeAfterAPauseFromACallbackRunsTheClaimedRequest() throws Exception {
        Aio aio = auto(ThreadKind.PLATFORM, 1);
        java.util.concurrent.CountDownLatch paused = new java.util.concurrent.CountDownLatch(1);
        AtomicReference<Req<Void>> claimed = new AtomicReference<>();
        aio.nop((v, e) -> {
            claimed.set(aio.nop());
            aio.maxParallel(0);
            paused.countDown();
            try {
                Thread.sleep(100);    // close() starts meanwhile
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        });
        paused.await();
        CompletableFuture<Void> closed = CompletableFuture.runAsync(aio::close);
        closed.get(20, TimeUnit.SECONDS);
        assertThat(claimed.get()).isDone();
        assertThat(aio.nreqs()).isZero();
    }

    /** Pause and resume from an application thread while a callback waits in flush. */
    @Test
    void pausingWhileACallbackFlushesDoesNotWaitForThatCallback() throws Exception {
        try (Aio aio = auto(ThreadKind.PLATFORM, 1)) {
            java.util.concurrent.CountDownLatch flushing = new java.util.concurrent.CountDownLatch(1);
            CompletableFuture<Void> flushed = new CompletableFuture<>();
            aio.nop((v, e) -> {
                aio.busy(java.time.Duration.ofMillis(100));
                aio.busy(java.time.Duration.ofMillis(100));
                flushing.countDown();
                aio.flush();
                flushed.complete(null);
            });
            flushing.await();
            Thread.sleep(20);
            CompletableFuture.runAsync(() -> {
                aio.maxParallel(0);
                aio.minParallel(1);
            }).get(20, TimeUnit.SECONDS);
            flushed.get(20, TimeUnit.SECONDS);
        }
    }

    /** A callback polling with pollCb for a request it submitted: the request runs meanwhile. */
    @Test
    void pollCbInsideACallbackRunsWhatThatCallbackSubmitted() throws Exception {
        try (Aio aio = auto(ThreadKind.PLATFORM, 4)) {
            CompletableFuture<Boolean> res = new CompletableFuture<>();
            aio.nop((v, e) -> {
                Req<Void> r = aio.nop();
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!r.isDone() && System.nanoTime() < end) {
                    aio.pollCb();
                }
                res.complete(r.isDone());
            });
            assertThat(res.get(20, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** close(true) from a callback cancels the callback's own queued requests, the claimed one too. */
    @Test
    void closeTrueFromACallbackCancelsItsClaimedRequest() throws Exception {
        Aio aio = auto(ThreadKind.PLATFORM, 1);
        CompletableFuture<Boolean> res = new CompletableFuture<>();
        aio.nop((v, e) -> {
            Req<Void> r1 = aio.busy(java.time.Duration.ofMillis(50));
            Req<Void> r2 = aio.busy(java.time.Duration.ofMillis(50));
            aio.close(true);
            res.complete(r1.isCancelled() && r2.isCancelled());
        });
        assertThat(res.get(20, TimeUnit.SECONDS)).isTrue();
        EngineTest.await(() -> aio.nthreads() == 0, "the workers to exit");
    }
}
