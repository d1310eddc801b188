package io.jaio;

import io.jaio.internal.sys.Sys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The engine's guarantees: delivery, counts, priorities, cancel, limits, errors, close. */
@org.junit.jupiter.api.extension.ExtendWith(LeakCheck.class)
class EngineTest {
    @TempDir
    Path dir;

    static Aio manual(ThreadKind kind) {
        return Aio.builder().delivery(Delivery.MANUAL).threads(kind).build();
    }

    static void await(BooleanSupplier cond, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(2);
        }
    }

    static boolean readable(int fd) {
        int r = Sys.current().poll(fd, Sys.POLLIN, 0);
        return r > 0 && (r & Sys.POLLIN) != 0;
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void nopJoinJustWorksWithAutomaticDelivery(ThreadKind kind) {
        try (Aio aio = Aio.builder().threads(kind).build()) {
            assertThat(aio.nop().join()).isNull();
            aio.flush();    // the future completes before its request stops counting
            assertThat(aio.nreqs()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void manualDeliveryCompletesOnlyInsidePollCbOnTheCallersThread(ThreadKind kind) throws Exception {
        try (Aio aio = manual(kind)) {
            int fd = aio.pollFileno();
            assertThat(readable(fd)).isFalse();
            List<Thread> ran = new CopyOnWriteArrayList<>();
            Req<Void> r = aio.nop((v, e) -> ran.add(Thread.currentThread()));
            await(() -> aio.npending() == 1, "the nop to execute");
            Thread.sleep(20);
            assertThat(r).isNotDone();
            assertThat(ran).isEmpty();
            assertThat(aio.nreqs()).isEqualTo(1);
            assertThat(readable(fd)).as("readable while a result waits").isTrue();
            assertThat(aio.pollCb()).isEqualTo(1);
            assertThat(r).isDone();
            assertThat(ran).containsExactly(Thread.currentThread());
            assertThat(aio.nreqs()).isZero();
            assertThat(readable(fd)).as("drained once every result is handled").isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void theSeedsLoopWorksVerbatim(ThreadKind kind) {
        try (Aio aio = manual(kind)) {
            AtomicInteger done = new AtomicInteger();
            for (int i = 0; i < 500; i++) {
                aio.nop((v, e) -> done.incrementAndGet());
            }
            while (aio.nreqs() > 0) {
                aio.pollWait();
                aio.pollCb();
            }
            assertThat(done).hasValue(500);
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void resultsComeOutByPriorityThenOrder(ThreadKind kind) throws InterruptedException {
        try (Aio aio = Aio.builder().threads(kind).maxParallel(1).build()) {
            List<Integer> order = Collections.synchronizedList(new ArrayList<>());
            Req<Void> busy = aio.busy(Duration.ofMillis(300));
            // Running before the rest are queued: a worker that starts late claims busy in one
            // batch with the nops queued so far, and the last one would follow that batch.
            await(() -> aio.nready() == 0, "the busy request to hold the only worker");
            for (int pri : new int[] {-4, 0, 4}) {
                aio.withPriority(pri).nop((v, e) -> order.add(pri));
            }
            aio.withPriority(4).nop((v, e) -> order.add(40));
            busy.join();
            aio.flush();
            assertThat(order).containsExactly(4, 40, 0, -4);
        }
    }

    /**
     * A callback that waits inside jaio (flush) while a slow request is outstanding sleeps: the
     * descriptor is readable for the result its own pollCb holds, so waiting on it would spin.
     * The thread's CPU time over a 400 ms wait shows which (a spin costs about all of it).
     */
    @ParameterizedTest
    @EnumSource(value = Modes.Mode.class, names = {"MANUAL", "AUTO"})
    void aCallbackThatFlushesWhileARequestIsSlowSleeps(Modes.Mode mode) throws Exception {
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        Delivery d = Modes.delivery(mode);
        try (Aio aio = Aio.builder().delivery(d).build()) {
            long[] cpu = {-1};
            CountDownLatch flushed = new CountDownLatch(1);
            Req<Void> slow = aio.busy(Duration.ofMillis(400));
            aio.nop((v, e) -> {
                long before = mx.getCurrentThreadCpuTime();
                aio.flush();
                cpu[0] = mx.getCurrentThreadCpuTime() - before;
                flushed.countDown();
            });
            if (d == Delivery.MANUAL) {
                while (aio.nreqs() > 0) {
                    aio.pollWait();
                    aio.pollCb();
                }
            }
            assertThat(flushed.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(slow.isDone()).isTrue();
            assertThat(cpu[0]).as("CPU ns of the callback's 400 ms flush").isBetween(0L, 100_000_000L);
        }
    }

    @Test
    void priorityOutsideIoAiosRangeIsRejected() {
        try (Aio aio = Aio.create()) {
            assertThatThrownBy(() -> aio.withPriority(5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-4..4");
            assertThatThrownBy(() -> aio.withPriority(-5)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void cancelOfAQueuedRequestSkipsItsWorkAndCallback(ThreadKind kind) throws Exception {
        try (Aio aio = Aio.builder().threads(kind).maxParallel(1).build()) {
            Req<Void> busy = aio.busy(Duration.ofMillis(300));
            AtomicInteger callbacks = new AtomicInteger();
            Path never = dir.resolve("never-created");
            // mknod: a request that waits for a worker on both backends (io_uring has no opcode for it)
            Req<Void> open = aio.mknod(never, Fcntl.S_IFREG | 0644, 0, (f, e) -> callbacks.incrementAndGet());
            await(() -> aio.nready() == 1, "the busy request to hold the only worker");
            assertThat(open.cancel(false)).isTrue();
            assertThat(open).isCancelled();
            assertThatThrownBy(open::join).isInstanceOf(CancellationException.class);
            assertThat(open.cancel(false)).as("cancel twice").isFalse();
            busy.join();
            aio.flush();
            assertThat(callbacks).hasValue(0);
            assertThat(Files.exists(never)).as("the open never ran").isFalse();
            assertThat(aio.nreqs()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void cancelWorksOnARequestAWorkerHasClaimedButNotStarted(ThreadKind kind) throws Exception {
        // Paused, four requests queue up; one worker then claims all four at once (its share
        // of the queue) and starts the first. The other three are claimed, not started.
        try (Aio aio = Aio.builder().threads(kind).minParallel(0).maxParallel(0).build()) {
            AtomicInteger nops = new AtomicInteger(), opens = new AtomicInteger();
            Path never = dir.resolve("never-created-claimed");
            Req<Void> busy = aio.busy(Duration.ofMillis(300));
            aio.nop((v, e) -> nops.incrementAndGet());
            Req<AioFile> open = aio.open(never, Fcntl.O_CREAT | Fcntl.O_WRONLY, 0644, (f, e) -> opens.incrementAndGet());
            aio.nop((v, e) -> nops.incrementAndGet());
            assertThat(aio.nready()).isEqualTo(4);
            aio.minParallel(1);
            await(() -> aio.nready() == 3, "the busy request to start");
            assertThat(open.cancel(false)).isTrue();
            assertThat(aio.nready()).as("a cancelled request is no longer ready").isEqualTo(2);
            busy.join();
            aio.flush();
            assertThat(nops).as("the requests around it still run").hasValue(2);
            assertThat(opens).hasValue(0);
            assertThat(open).isCancelled();
            assertThat(Files.exists(never)).as("the open never ran").isFalse();
            assertThat(aio.nready()).isZero();
            assertThat(aio.nreqs()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void parallelismChangingWhileRequestsFlowStrandsNothing(ThreadKind kind) throws Exception {
        // Workers exit and start while submissions race them; every request must still run and
        // be delivered without waiting for a later submission to wake a worker.
        try (Aio aio = Aio.builder().threads(kind).maxParallel(4).build()) {
            AtomicInteger done = new AtomicInteger();
            Thread changer = new Thread(() -> {
                for (int i = 0; i < 300; i++) {
                    aio.maxParallel(1 + i % 3);
                    aio.minParallel(1 + (i + 1) % 4);
                }
            });
            changer.start();
            int n = 20_000;
            for (int i = 0; i < n; i++) {
                aio.nop((v, e) -> done.incrementAndGet());
            }
            changer.join();
            java.util.concurrent.CompletableFuture.runAsync(aio::flush).get(20, TimeUnit.SECONDS);
            assertThat(done).hasValue(n);
            assertThat(aio.nthreads()).isBetween(1, 4);
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aRunningRequestIsNotInterruptedByCancel(ThreadKind kind) throws Exception {
        try (Aio aio = Aio.builder().threads(kind).delivery(Delivery.MANUAL).build()) {
            Path made = dir.resolve("made-while-cancelled");
            Req<Void> busy = aio.busy(Duration.ofMillis(200));
            Req<AioFile> open = aio.open(made, Fcntl.O_CREAT | Fcntl.O_WRONLY, 0644);
            await(() -> aio.nready() == 0, "both requests to start");
            assertThat(busy.cancel(true)).isTrue();
            assertThat(open.cancel(true)).isTrue();
            aio.flush();
            assertThat(Files.exists(made)).as("the running open finished its syscall").isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void maxOutstandingInManualModeHandlesResultsInPollCb(ThreadKind kind) {
        try (Aio aio = manual(kind)) {
            assertThat(aio.maxOutstanding(5)).isEqualTo(Integer.MAX_VALUE);
            AtomicInteger done = new AtomicInteger();
            int maxSeen = 0;
            for (int i = 0; i < 300; i++) {
                aio.nop((v, e) -> done.incrementAndGet());
                aio.pollCb();    // returns only once no more than 5 are outstanding
                maxSeen = Math.max(maxSeen, aio.nreqs());
            }
            aio.flush();
            assertThat(maxSeen).isLessThanOrEqualTo(5);
            assertThat(done).hasValue(300);
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void maxOutstandingBoundsConcurrentSubmitters(ThreadKind kind) throws Exception {
        try (Aio aio = Aio.builder().threads(kind).maxOutstanding(8).build()) {
            AtomicInteger maxSeen = new AtomicInteger();
            AtomicInteger done = new AtomicInteger();
            Thread[] ts = new Thread[6];
            for (int t = 0; t < ts.length; t++) {
                ts[t] = Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 500; i++) {
                        aio.nop((v, e) -> {
                            maxSeen.accumulateAndGet(aio.nreqs(), Math::max);
                            done.incrementAndGet();
                        });
                        maxSeen.accumulateAndGet(aio.nreqs(), Math::max);
                    }
                });
            }
            for (Thread t : ts) t.join();
            aio.flush();
            assertThat(done).hasValue(3000);
            assertThat(maxSeen.get()).isLessThanOrEqualTo(8);
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aThrowingCallbackHarmsNothingElse(ThreadKind kind) {
        ConcurrentLinkedQueue<Throwable> handled = new ConcurrentLinkedQueue<>();
        try (Aio aio = Aio.builder().threads(kind).errorHandler(handled::add).build()) {
            AtomicInteger ok = new AtomicInteger();
            for (int i = 0; i < 50; i++) {
                int n = i;
                aio.nop((v, e) -> {
                    if (n % 2 == 0) throw new IllegalStateException("boom " + n);
                    ok.incrementAndGet();
                });
            }
            aio.flush();
            assertThat(ok).hasValue(25);
            assertThat(handled).hasSize(25).allMatch(t -> t.getMessage().startsWith("boom"));
            assertThat(aio.nop().join()).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void submissionIsThreadSafeAndManualCallbacksRunOneAtATime(ThreadKind kind) throws Exception {
        try (Aio aio = manual(kind)) {
            AtomicInteger inside = new AtomicInteger(), overlap = new AtomicInteger(), done = new AtomicInteger();
            Thread poller = Thread.currentThread();
            AtomicInteger wrongThread = new AtomicInteger();
            CountDownLatch submitted = new CountDownLatch(8);
            for (int t = 0; t < 8; t++) {
                Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 1000; i++) {
                        aio.nop((v, e) -> {
                            if (inside.incrementAndGet() > 1) overlap.incrementAndGet();
                            if (Thread.currentThread() != poller) wrongThread.incrementAndGet();
                            done.incrementAndGet();
                            inside.decrementAndGet();
                        });
                    }
                    submitted.countDown();
                });
            }
            while (submitted.getCount() > 0 || aio.nreqs() > 0) {
                aio.pollCb();
                Thread.onSpinWait();
            }
            assertThat(done).hasValue(8000);
            assertThat(overlap).hasValue(0);
            assertThat(wrongThread).hasValue(0);
        }
    }

    @Test
    void maxPollReqsAndMaxPollTimeReturnEarlyAndLeaveTheFdReadable() throws Exception {
        try (Aio aio = manual(ThreadKind.PLATFORM)) {
            for (int i = 0; i < 10; i++) aio.nop();
            await(() -> aio.npending() == 10, "ten results");
            aio.maxPollReqs(3);
            assertThat(aio.pollCb()).isEqualTo(3);
            assertThat(readable(aio.pollFileno())).isTrue();
            aio.maxPollReqs(0);
            aio.maxPollTime(Duration.ofNanos(1));
            assertThat(aio.pollCb()).isEqualTo(1);
            assertThat(readable(aio.pollFileno())).isTrue();
            aio.maxPollTime(Duration.ZERO);
            assertThat(aio.pollCb()).isEqualTo(6);
            assertThat(readable(aio.pollFileno())).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void parallelismLimitsAndThreadCounts(ThreadKind kind) throws Exception {
        try (Aio aio = Aio.builder().threads(kind).maxParallel(2).build()) {
            assertThat(aio.nthreads()).as("threads start on demand").isZero();
            List<Req<Void>> busy = new ArrayList<>();
            for (int i = 0; i < 6; i++) busy.add(aio.busy(Duration.ofMillis(100)));
            await(() -> aio.nthreads() == 2, "two threads");
            Thread.sleep(30);
            assertThat(aio.nthreads()).isEqualTo(2);
            aio.minParallel(4);
            await(() -> aio.nthreads() == 4, "min_parallel 4 to allow four threads");
            busy.forEach(Req::join);
            aio.flush();

            aio.maxParallel(1);
            assertThat(aio.nthreads()).as("max_parallel returns once surplus threads exited").isLessThanOrEqualTo(1);

            aio.maxParallel(0);
            assertThat(aio.nthreads()).isZero();
            Req<Void> paused = aio.nop();
            Thread.sleep(50);
            assertThat(paused).isNotDone();
            assertThat(aio.nready()).isEqualTo(1);
            aio.minParallel(1);
            paused.join();
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void idleThreadsBeyondMaxIdleExitAfterTheTimeout(ThreadKind kind) throws Exception {
        try (Aio aio = Aio.builder().threads(kind).build()) {
            aio.maxIdle(1);
            aio.idleTimeout(Duration.ofMillis(50));
            List<Req<Void>> reqs = new ArrayList<>();
            for (int i = 0; i < 4; i++) reqs.add(aio.busy(Duration.ofMillis(50)));
            reqs.forEach(Req::join);
            assertThat(aio.nthreads()).isGreaterThan(1);
            await(() -> aio.nthreads() <= 1, "idle threads to exit");
        }
    }

    @Test
    void aVirtualThreadJoiningAReqUnmounts() throws Exception {
        try (Aio aio = Aio.create()) {
            Req<Void> busy = aio.busy(Duration.ofMillis(500));
            Thread vt = Thread.ofVirtual().start(busy::join);
            await(() -> vt.getState() == Thread.State.WAITING, "the virtual thread to park");
            vt.join();
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void executorDeliveryRunsBatchesOnTheExecutor(ThreadKind kind) throws Exception {
        ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "event-loop"));
        try (Aio aio = Aio.builder().threads(kind).delivery(Delivery.executor(loop)).build()) {
            List<String> threads = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 100; i++) aio.nop((v, e) -> threads.add(Thread.currentThread().getName()));
            aio.flush();
            assertThat(threads).hasSize(100).containsOnly("event-loop");
        } finally {
            loop.shutdownNow();
        }
    }

    @Test
    void aRejectingExecutorLosesNoResult() {
        ConcurrentLinkedQueue<Throwable> handled = new ConcurrentLinkedQueue<>();
        try (Aio aio = Aio.builder().delivery(Delivery.executor(r -> {
            throw new RejectedExecutionException("full");
        })).errorHandler(handled::add).build()) {
            for (int i = 0; i < 20; i++) aio.nop();
            assertThat(aio.nop().join()).isNull();
            aio.flush();
            assertThat(handled).isNotEmpty().allMatch(t -> t instanceof RejectedExecutionException);
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void closeWithTenThousandRequestsInFlightCompletesEveryOne(ThreadKind kind) throws Exception {
        int fdsBefore = openFds();
        Aio aio = Aio.builder().threads(kind).build();
        int resultFd = aio.pollFileno();
        List<Req<Void>> reqs = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) reqs.add(aio.nop());
        aio.close();
        assertThat(reqs).allMatch(r -> r.isDone() && !r.isCompletedExceptionally());
        assertThat(aio.nthreads()).isZero();
        assertThat(aio.nreqs()).isZero();
        aio.close();    // harmless
        assertThatThrownBy(aio::nop).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(Files.exists(Path.of("/proc/self/fd/" + resultFd)) && openFds() > fdsBefore).isFalse();
        assertThat(threadsNamed("jaio-")).isZero();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void closeThatCancelsLeavesNoFutureHanging(ThreadKind kind) throws Exception {
        Aio aio = Aio.builder().threads(kind).maxParallel(1).build();
        AtomicInteger callbacks = new AtomicInteger();
        List<Req<Void>> reqs = new ArrayList<>();
        reqs.add(aio.busy(Duration.ofMillis(100)));
        await(() -> aio.nready() == 0, "the busy request to hold the only worker");
        for (int i = 0; i < 10_000; i++) reqs.add(aio.nop((v, e) -> callbacks.incrementAndGet()));
        aio.close(true);
        assertThat(reqs).allMatch(Req::isDone);
        long cancelled = reqs.stream().filter(Req::isCancelled).count();
        assertThat(cancelled).isGreaterThan(9_000);
        assertThat(reqs.get(0)).as("the running request finished").isCompleted();
        assertThat(callbacks.get()).isEqualTo(10_000 - cancelled);
        assertThat(aio.nthreads()).isZero();
        assertThat(threadsNamed("jaio-")).isZero();
    }

    @Test
    void closeInManualModeDeliversOnTheClosingThread() {
        Aio aio = manual(ThreadKind.PLATFORM);
        AtomicInteger done = new AtomicInteger();
        for (int i = 0; i < 1000; i++) aio.nop((v, e) -> done.incrementAndGet());
        aio.close();
        assertThat(done).hasValue(1000);
    }

    @Test
    void closeFromInsideACallbackDoesNotDeadlock() throws Exception {
        Aio aio = Aio.create();
        CountDownLatch closed = new CountDownLatch(1);
        aio.nop((v, e) -> {
            aio.close();
            closed.countDown();
        });
        assertThat(closed.await(20, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(aio::nop).isInstanceOf(IllegalStateException.class);
    }

    static int openFds() {
        return new java.io.File("/proc/self/fd").list().length;
    }

    static long threadsNamed(String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        long n;
        do {
            n = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
            if (n == 0) break;
            Thread.sleep(10);
        } while (System.nanoTime() < deadline);
        return n;
    }
}
