package io.jaio;

import io.jaio.Modes.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** aio_group: members, outcome, feeder and limit, cancel, nesting; every delivery mode, both thread kinds. */
@org.junit.jupiter.api.extension.ExtendWith(LeakCheck.class)
class GroupTest {
    @TempDir
    Path dir;

    static Stream<org.junit.jupiter.params.provider.Arguments> all() {
        return Modes.all();
    }

    /** Flushes on another thread with a time limit, so a hang fails the test. */
    static void flush(Aio aio) throws Exception {
        CompletableFuture.runAsync(aio::flush).get(60, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @MethodSource("all")
    void anEmptyGroupCompletesThroughPollCb(ThreadKind kind, Mode mode) throws Exception {
        try (Aio aio = Modes.create(kind, mode)) {
            AtomicInteger called = new AtomicInteger();
            AioGroup<String> g = aio.group(grp -> grp.result("empty"), (v, e) -> called.incrementAndGet());
            flush(aio);
            assertThat(g.join()).isEqualTo("empty");
            assertThat(called).hasValue(1);
            assertThat(aio.nreqs()).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("all")
    void completesAfterEveryMemberHasBeenDeliveredAndAMemberFailureIsTheMembersOwn(ThreadKind kind, Mode mode)
            throws Exception {
        try (Aio aio = Modes.create(kind, mode)) {
            ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
            List<Req<?>> members = new ArrayList<>();
            AioGroup<Integer> g = aio.group(grp -> {
                for (int i = 0; i < 50; i++) {
                    int n = i;
                    members.add(aio.nop((v, e) -> order.add("m" + n)));
                }
                members.add(aio.stat(dir.resolve("missing"), (st, e) -> order.add("failed")));
                members.forEach(grp::add);
                grp.result(51);
            }, (v, e) -> order.add("group"));
            flush(aio);
            assertThat(g.join()).isEqualTo(51);
            assertThat(order).hasSize(52).last().isEqualTo("group");
            assertThat(members.get(50)).isCompletedExceptionally();
            assertThat(aio.nreqs()).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("all")
    void failSetsTheGroupsOutcomeOnceItsMembersAreDone(ThreadKind kind, Mode mode) throws Exception {
        try (Aio aio = Modes.create(kind, mode)) {
            AtomicReference<Throwable> seen = new AtomicReference<>();
            AioGroup<Void> g = aio.group(grp -> grp.add(aio.stat(dir.resolve("missing"), (st, e) -> grp.fail(e))),
                    (v, e) -> seen.set(e));
            flush(aio);
            assertThat(Modes.failure(aio, g)).isInstanceOf(ErrnoException.class);
            assertThat(seen.get()).isInstanceOf(ErrnoException.class);
        }
    }

    @ParameterizedTest
    @MethodSource("all")
    void theFeederRunsOnTheDeliveringThreadWhileFewerThanLimitRunAndIsRemovedOnceItAddsNothing(
            ThreadKind kind, Mode mode) throws Exception {
        try (Aio aio = Modes.create(kind, mode)) {
            int total = 5_000, limit = 4;
            AtomicInteger fed = new AtomicInteger(), outstanding = new AtomicInteger(), max = new AtomicInteger();
            AtomicInteger feederCalls = new AtomicInteger(), callsAfterEmpty = new AtomicInteger();
            AtomicBoolean empty = new AtomicBoolean();
            AtomicInteger maxSize = new AtomicInteger();
            Thread setupThread = Thread.currentThread();
            AtomicReference<Thread> wrongThread = new AtomicReference<>();
            AioGroup<Void> g = aio.group(grp -> grp.limit(limit).feed(gr -> {
                feederCalls.incrementAndGet();
                if (Thread.currentThread() == setupThread) {
                    wrongThread.set(Thread.currentThread());
                }
                if (empty.get()) {
                    callsAfterEmpty.incrementAndGet();
                }
                if (fed.get() == total) {
                    empty.set(true);
                    return;
                }
                fed.incrementAndGet();
                max.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
                gr.add(aio.nop((v, e) -> {
                    maxSize.accumulateAndGet(gr.size(), Math::max);    // counted from inside a member
                    outstanding.decrementAndGet();
                }));
            }));
            flush(aio);
            g.join();
            assertThat(fed).hasValue(total);
            assertThat(max.get()).isLessThanOrEqualTo(limit);
            assertThat(maxSize.get()).isLessThanOrEqualTo(limit);
            assertThat(callsAfterEmpty).as("a feeder that added nothing is removed").hasValue(0);
            assertThat(wrongThread.get()).as("the feeder ran on the setup thread").isNull();
            assertThat(aio.nreqs()).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("all")
    void cancelReachesEveryMemberAndTheFeederAndNoCallbackRunsAfterIt(ThreadKind kind, Mode mode) throws Exception {
        try (Aio aio = Modes.create(kind, mode)) {
            AtomicBoolean cancelled = new AtomicBoolean();
            AtomicInteger lateCallbacks = new AtomicInteger(), groupCallbacks = new AtomicInteger();
            AtomicInteger fed = new AtomicInteger();
            List<Req<?>> members = new ArrayList<>();
            AioGroup<Void> g = aio.group(grp -> {
                for (int i = 0; i < 200; i++) {
                    Req<Void> m = aio.busy(Duration.ofMillis(1), (v, e) -> {
                        if (cancelled.get()) lateCallbacks.incrementAndGet();
                    });
                    members.add(m);
                    grp.add(m);
                }
                grp.limit(1000).feed(gr -> {
                    if (cancelled.get()) lateCallbacks.incrementAndGet();
                    fed.incrementAndGet();
                    gr.add(aio.busy(Duration.ofMillis(1), (v, e) -> {
                        if (cancelled.get()) lateCallbacks.incrementAndGet();
                    }));
                });
            }, (v, e) -> groupCallbacks.incrementAndGet());
            if (mode == Mode.MANUAL) {
                aio.pollWait();
                aio.pollCb();
            } else {
                Thread.sleep(5);
            }
            // From the delivering thread where one exists, so "after it" is well defined.
            if (mode == Mode.MANUAL) {
                cancelled.set(true);
                assertThat(g.cancel(false)).isTrue();
            } else {
                Req<Void> trigger = aio.withPriority(4).nop((v, e) -> {
                    cancelled.set(true);
                    g.cancel(false);
                });
                trigger.join();
            }
            flush(aio);
            assertThat(g).isCancelled();
            assertThatThrownBy(g::join).isInstanceOf(CancellationException.class);
            assertThat(lateCallbacks).hasValue(0);
            assertThat(groupCallbacks).hasValue(0);
            assertThat(members).allSatisfy(m -> assertThat(m).isDone());
            assertThat(members.stream().filter(CompletableFuture::isCancelled).count()).isPositive();
            assertThat(aio.nreqs()).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("all")
    void groupsNestAndMembersAddFromTheirCallbacks(ThreadKind kind, Mode mode) throws Exception {
        try (Aio aio = Modes.create(kind, mode)) {
            ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
            AioGroup<Void> outer = aio.group(o -> {
                for (int i = 0; i < 3; i++) {
                    String name = "inner" + i;
                    o.add(aio.<Void>group(in -> in.add(aio.nop((v, e) -> {
                        order.add(name + ".first");
                        in.add(aio.nop((v2, e2) -> order.add(name + ".second")));    // from a member's callback
                    })), (v, e) -> order.add(name)));
                }
            }, (v, e) -> order.add("outer"));
            flush(aio);
            outer.join();
            List<String> seen = List.copyOf(order);
            assertThat(seen).hasSize(10).last().isEqualTo("outer");
            for (int i = 0; i < 3; i++) {
                assertThat(seen.indexOf("inner" + i)).isGreaterThan(seen.indexOf("inner" + i + ".second"));
                assertThat(seen.indexOf("inner" + i + ".second")).isGreaterThan(seen.indexOf("inner" + i + ".first"));
            }
            assertThat(aio.nreqs()).isZero();
        }
    }

    @Test
    void aGroupIsDeliveredWithThePriorityOfTheViewThatMadeIt() throws Exception {
        try (Aio aio = Aio.builder().delivery(Delivery.MANUAL).build()) {
            ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
            aio.withPriority(-4).nop((v, e) -> order.add("low nop"));
            aio.withPriority(4).group(g -> { }, (v, e) -> order.add("high group"));
            aio.withPriority(-4).group(g -> { }, (v, e) -> order.add("low group"));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (aio.npending() < 3 && System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            assertThat(aio.nreqs()).isEqualTo(3);    // groups count in nreqs until delivered
            aio.pollCb();
            assertThat(order).first().isEqualTo("high group");
            assertThat(aio.nreqs()).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("all")
    void aFeederThatThrowsIsRemovedAndTheGroupStillEnds(ThreadKind kind, Mode mode) throws Exception {
        AtomicReference<Throwable> handled = new AtomicReference<>();
        try (Aio aio = Aio.builder().threads(kind).delivery(Modes.delivery(mode)).errorHandler(handled::set).build()) {
            AtomicInteger calls = new AtomicInteger();
            AioGroup<Void> g = aio.group(grp -> grp.feed(gr -> {
                if (calls.incrementAndGet() == 3) {
                    throw new IllegalStateException("feeder bug");
                }
                gr.add(aio.nop());
            }));
            flush(aio);
            assertThat(g.join()).isNull();
            assertThat(calls).hasValue(3);
            assertThat(handled.get()).hasMessage("feeder bug");
            assertThat(aio.nreqs()).isZero();
        }
    }

    @Test
    void aMemberDeliveredBeforeItIsAddedCountsAsFinished() throws Exception {
        try (Aio aio = Aio.create()) {
            Req<Void> early = aio.nop();
            early.join();
            aio.flush();
            AioGroup<Void> g = aio.group(grp -> grp.add(early));
            flush(aio);
            assertThat(g.join()).isNull();
            assertThat(aio.nreqs()).isZero();
        }
    }

    @Test
    void badAddsAreRefusedAndAFinishedGroupTakesNoMore() throws Exception {
        try (Aio aio = Aio.create(); Aio other = Aio.create()) {
            AioGroup<Void> g = aio.group(grp -> {
                assertThatThrownBy(() -> grp.add(grp)).isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> grp.add((Req<?>) null)).isInstanceOf(NullPointerException.class);
                Req<Void> foreign = other.nop();
                assertThatThrownBy(() -> grp.add(foreign)).isInstanceOf(IllegalArgumentException.class);
                Req<Void> n = aio.busy(Duration.ofMillis(50));
                grp.add(n);
                assertThatThrownBy(() -> grp.add(n)).isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> grp.limit(-1)).isInstanceOf(IllegalArgumentException.class);
            });
            flush(aio);
            g.join();
            other.flush();
            Req<Void> late = aio.nop();
            assertThatThrownBy(() -> g.add(late)).isInstanceOf(IllegalStateException.class);
            aio.flush();
            assertThat(aio.nreqs()).isZero();
        }
    }

    @Test
    void aSetupThatThrowsCancelsTheGroupAndItsMembers() throws Exception {
        try (Aio aio = Aio.builder().maxParallel(0).build()) {
            List<Req<?>> members = new ArrayList<>();
            assertThatThrownBy(() -> aio.group(grp -> {
                Req<Void> m = aio.nop();
                members.add(m);
                grp.add(m);
                throw new IllegalStateException("setup failed");
            })).hasMessage("setup failed");
            assertThat(members.get(0)).isCancelled();
            flush(aio);
            assertThat(aio.nreqs()).isZero();
        }
    }

    @Test
    void cancelMembersLetsTheGroupCompleteNormally() throws Exception {
        try (Aio aio = Aio.builder().maxParallel(0).build()) {
            AtomicInteger called = new AtomicInteger();
            AioGroup<String> g = aio.group(grp -> {
                grp.add(aio.nop(), aio.nop());
                grp.result("partial");
            }, (v, e) -> called.incrementAndGet());
            g.cancelMembers();
            flush(aio);
            assertThat(g.join()).isEqualTo("partial");
            assertThat(called).hasValue(1);
            assertThat(aio.nreqs()).isZero();
        }
    }
}
