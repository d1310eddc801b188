package io.jaio;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;

import static io.jaio.EngineTest.await;
import static io.jaio.EngineTest.openFds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * IO::AIO 4.80's cancel: at any time before delivery, the callback never runs; a running
 * syscall finishes and its result is dropped, releasing what it owned.
 */
@org.junit.jupiter.api.extension.ExtendWith(LeakCheck.class)
class CancelTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void cancelOfARunningRequestDropsItsResultAndSkipsItsCallback(ThreadKind kind) throws Exception {
        try (Aio aio = EngineTest.manual(kind)) {
            AtomicInteger callbacks = new AtomicInteger();
            Req<Void> busy = aio.busy(Duration.ofMillis(200), (v, e) -> callbacks.incrementAndGet());
            await(() -> aio.nready() == 0, "the busy request to start");
            assertThat(busy.cancel(false)).as("running: still cancellable").isTrue();
            assertThat(busy).isCancelled();
            assertThatThrownBy(busy::join).isInstanceOf(CancellationException.class);
            assertThat(aio.nreqs()).as("it still counts until pollCb drops it").isEqualTo(1);
            aio.flush();
            assertThat(callbacks).hasValue(0);
            assertThat(busy.cancel(false)).as("cancel twice").isFalse();
            assertThat(aio.nreqs()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aCancelledOpenThatSucceededClosesItsDescriptor(ThreadKind kind) throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "data");
        try (Aio aio = EngineTest.manual(kind)) {
            aio.nop();
            aio.flush();    // workers and the result descriptor exist before we count
            int before = openFds();
            AtomicInteger callbacks = new AtomicInteger();
            Req<AioFile> open = aio.open(file, Fcntl.O_RDONLY, 0, (f, e) -> callbacks.incrementAndGet());
            await(() -> aio.npending() == 1, "the open to finish");
            assertThat(openFds()).as("the open ran: one more descriptor").isEqualTo(before + 1);
            assertThat(open.cancel(false)).as("finished but not delivered: still cancellable").isTrue();
            aio.flush();
            assertThat(callbacks).hasValue(0);
            assertThat(open).isCancelled();
            assertThat(openFds()).as("the dropped result's descriptor was closed").isEqualTo(before);
            assertThat(aio.nreqs()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void cancelAfterDeliveryReportsFalse(ThreadKind kind) {
        try (Aio aio = EngineTest.manual(kind)) {
            AtomicInteger callbacks = new AtomicInteger();
            Req<Void> nop = aio.nop((v, e) -> callbacks.incrementAndGet());
            aio.flush();
            assertThat(nop.cancel(false)).isFalse();
            assertThat(nop).isCompleted();
            assertThat(callbacks).hasValue(1);
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void cancelRacingDeliveryEitherRunsTheCallbackOrCancels(ThreadKind kind) {
        // Whatever the interleaving: cancel true <=> callback never ran; nothing is lost.
        try (Aio aio = Aio.builder().threads(kind).build()) {
            int n = 20_000;
            AtomicInteger callbacks = new AtomicInteger();
            AtomicInteger cancelled = new AtomicInteger();
            java.util.List<Req<Void>> reqs = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                Req<Void> r = aio.nop((v, e) -> callbacks.incrementAndGet());
                reqs.add(r);
                if (i % 2 == 0 && reqs.get(i / 2).cancel(false)) {
                    cancelled.incrementAndGet();
                }
            }
            aio.flush();
            assertThat(callbacks.get() + cancelled.get()).isEqualTo(n);
            assertThat(reqs.stream().filter(Req::isCancelled).count()).isEqualTo(cancelled.get());
            assertThat(aio.nreqs()).isZero();
        }
    }
}
