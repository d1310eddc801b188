package io.jaio;

import org.junit.jupiter.params.provider.Arguments;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/** Every delivery mode with both thread kinds, and helpers that work the same in each. */
final class Modes {
    private Modes() {}

    static final ExecutorService LOOP = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "test-event-loop");
        t.setDaemon(true);
        return t;
    });

    enum Mode { AUTO, MANUAL, EXECUTOR }

    static Stream<Arguments> all() {
        return Stream.of(
                Arguments.of(ThreadKind.PLATFORM, Mode.AUTO),
                Arguments.of(ThreadKind.VIRTUAL, Mode.AUTO),
                Arguments.of(ThreadKind.PLATFORM, Mode.MANUAL),
                Arguments.of(ThreadKind.VIRTUAL, Mode.MANUAL),
                Arguments.of(ThreadKind.PLATFORM, Mode.EXECUTOR),
                Arguments.of(ThreadKind.VIRTUAL, Mode.EXECUTOR));
    }

    static Aio create(ThreadKind kind, Mode mode) {
        return Aio.builder().threads(kind).delivery(delivery(mode)).build();
    }

    static Delivery delivery(Mode mode) {
        return switch (mode) {
            case AUTO -> Delivery.AUTO;
            case MANUAL -> Delivery.MANUAL;
            case EXECUTOR -> Delivery.executor(LOOP);
        };
    }

    /** The request's result, polling for it where the mode needs that. */
    static <T> T get(Aio aio, Req<T> r) {
        aio.flush();
        return r.join();
    }

    /** The request's failure. */
    static Throwable failure(Aio aio, Req<?> r) {
        aio.flush();
        try {
            r.join();
        } catch (CompletionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected " + r + " to fail");
    }
}
