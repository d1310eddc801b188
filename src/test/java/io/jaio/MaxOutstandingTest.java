package io.jaio;

import io.jaio.Modes.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * IO::AIO 4.80's max_outstanding: submission from a callback never waits for itself; pollCb
 * is where a program is held back. Each test runs in every delivery mode with both thread kinds.
 */
@org.junit.jupiter.api.extension.ExtendWith(LeakCheck.class)
class MaxOutstandingTest {
    @TempDir
    Path dir;

    static Stream<org.junit.jupiter.params.provider.Arguments> all() {
        return Modes.all();
    }

    static Aio create(ThreadKind kind, Mode mode, int maxOutstanding) {
        Aio aio = Modes.create(kind, mode);
        aio.maxOutstanding(maxOutstanding);
        return aio;
    }

    /**
     * Flushes on another thread (under MANUAL delivery the callbacks then run there), with a
     * time limit, so a hang fails the test instead of stopping the build.
     */
    static void await(Aio aio, Mode mode, CountDownLatch latch) throws Exception {
        CompletableFuture.runAsync(aio::flush).get(120, TimeUnit.SECONDS);
        assertThat(latch.await(10, TimeUnit.SECONDS)).as("every chain finished").isTrue();
    }

    /** A chain of nops, each submitted from the previous one's callback. */
    static void chain(Aio aio, AtomicInteger left, CountDownLatch done, AtomicReference<Throwable> failure) {
        aio.nop((v, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
            if (left.decrementAndGet() > 0) {
                chain(aio, left, done, failure);
            } else {
                done.countDown();
            }
        });
    }

    @ParameterizedTest
    @MethodSource("all")
    void aChainOf100000NopsSubmittedFromCallbacksUnderMaxOutstandingOne(ThreadKind kind, Mode mode) throws Exception {
        try (Aio aio = create(kind, mode, 1)) {
            AtomicInteger left = new AtomicInteger(100_000);
            CountDownLatch done = new CountDownLatch(1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            chain(aio, left, done, failure);
            await(aio, mode, done);
            assertThat(failure.get()).isNull();
            assertThat(left).hasValue(0);
            assertThat(aio.nreqs()).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("all")
    void fourChainsOf25000NopsUnderMaxOutstandingFour(ThreadKind kind, Mode mode) throws Exception {
        try (Aio aio = create(kind, mode, 4)) {
            AtomicInteger left = new AtomicInteger(100_000);
            CountDownLatch done = new CountDownLatch(4);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicInteger[] lefts = new AtomicInteger[4];
            for (int i = 0; i < 4; i++) {
                lefts[i] = new AtomicInteger(25_000);
                chain(aio, lefts[i], done, failure);
            }
            await(aio, mode, done);
            assertThat(failure.get()).isNull();
            assertThat(lefts).allSatisfy(l -> assertThat(l).hasValue(0));
            assertThat(aio.nreqs()).isZero();
        }
    }

    /** Made once for the class: creating 20,000 files costs more than walking them. */
    @TempDir
    static Path shared;
    private static Path tree;

    /** 200 directories of 100 files: 20,200 entries below the root. */
    static synchronized Path tree() throws IOException {
        if (tree != null) {
            return tree;
        }
        Path root = Files.createDirectory(shared.resolve("tree"));
        for (int d = 0; d < 200; d++) {
            Path sub = Files.createDirectory(root.resolve("d" + d));
            for (int f = 0; f < 100; f++) {
                Files.createFile(sub.resolve("f" + f));
            }
        }
        tree = root;
        return root;
    }

    /** A recursive walk driven only from callbacks, as {@code jaio cp} does: lstat + scandir. */
    static void walk(Aio aio, Path p, AtomicLong dirs, AtomicLong files, AtomicInteger inFlight,
                     CountDownLatch done, AtomicReference<Throwable> failure) {
        inFlight.incrementAndGet();
        aio.lstat(p, (st, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            } else if (st.isDirectory()) {
                dirs.incrementAndGet();
                inFlight.incrementAndGet();
                aio.scandir(p, 4, (r, e2) -> {
                    if (e2 != null) {
                        failure.compareAndSet(null, e2);
                    } else {
                        for (String d : r.dirs()) walk(aio, p.resolve(d), dirs, files, inFlight, done, failure);
                        for (String f : r.nondirs()) walk(aio, p.resolve(f), dirs, files, inFlight, done, failure);
                    }
                    if (inFlight.decrementAndGet() == 0) done.countDown();
                });
            } else {
                files.incrementAndGet();
            }
            if (inFlight.decrementAndGet() == 0) done.countDown();
        });
    }

    @ParameterizedTest
    @MethodSource("all")
    void aTreeWalkDrivenFromCallbacksCountsEveryEntryUnderMaxOutstandingEight(ThreadKind kind, Mode mode) throws Exception {
        Path root = tree();
        try (Aio aio = create(kind, mode, 8)) {
            AtomicLong dirs = new AtomicLong(), files = new AtomicLong();
            CountDownLatch done = new CountDownLatch(1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            walk(aio, root, dirs, files, new AtomicInteger(), done, failure);
            await(aio, mode, done);
            assertThat(failure.get()).isNull();
            assertThat(dirs).hasValue(201);
            assertThat(files).hasValue(20_000);
            assertThat(aio.nreqs()).isZero();
        }
    }

    @Test
    void manualSubmissionNeverBlocksAndPollCbHoldsTheProgramBack() {
        // IO::AIO's own example: submit, poll_cb; poll_cb blocks while over the limit.
        try (Aio aio = Aio.builder().delivery(Delivery.MANUAL).build()) {
            assertThat(aio.maxOutstanding(5)).isEqualTo(Integer.MAX_VALUE);
            AtomicInteger done = new AtomicInteger();
            int maxAfterPoll = 0;
            for (int i = 0; i < 300; i++) {
                aio.nop((v, e) -> done.incrementAndGet());
                aio.pollCb();
                maxAfterPoll = Math.max(maxAfterPoll, aio.nreqs());
            }
            // Without polling, submission goes on past the limit: it never blocks.
            int before = aio.nreqs();
            for (int i = 0; i < 50; i++) aio.nop((v, e) -> done.incrementAndGet());
            assertThat(aio.nreqs()).isEqualTo(before + 50);
            aio.pollCb();
            assertThat(aio.nreqs()).as("pollCb returned only within the limit").isLessThanOrEqualTo(5);
            aio.flush();
            assertThat(maxAfterPoll).isLessThanOrEqualTo(5);
            assertThat(done).hasValue(350);
        }
    }

    @Test
    void anApplicationThreadUnderAutomaticDeliveryWaitsForRoom() throws Exception {
        try (Aio aio = Aio.builder().maxOutstanding(8).build()) {
            AtomicInteger maxSeen = new AtomicInteger();
            for (int i = 0; i < 2000; i++) {
                aio.nop();
                maxSeen.accumulateAndGet(aio.nreqs(), Math::max);
            }
            aio.flush();
            assertThat(maxSeen.get()).isLessThanOrEqualTo(8);
        }
    }

    /**
     * A waiting submitter is woken in batches (at a quarter of the limit below it), yet never
     * waits for that when results stop short of it: here one of four requests finishes and
     * the three others run for seconds, so the count stays between the low-water mark and the
     * limit, and the submitter must still go on once there is room. (Limit 8: low water 6,
     * and the count stays at 7.)
     */
    @Test
    void aWaitingSubmitterGoesOnWhenThereIsRoomEvenIfNoMoreResultsCome() throws Exception {
        try (Aio aio = Aio.builder().maxOutstanding(8).minParallel(8).maxParallel(8).build()) {
            java.util.List<Req<Void>> slow = new java.util.ArrayList<>();
            for (int i = 0; i < 7; i++) {
                slow.add(aio.busy(java.time.Duration.ofSeconds(2)));
            }
            aio.busy(java.time.Duration.ofMillis(20));
            Req<Void> ninth = aio.nop();    // waits for room: eight are outstanding
            assertThat(slow).as("the submitter went on before the slow requests ended").noneMatch(Req::isDone);
            ninth.join();
            aio.flush();
        }
    }
}
