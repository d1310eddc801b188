package io.jaio;

import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * How finished requests reach their futures and callbacks. In every mode they are handed over
 * by {@link Aio#pollCb()}: the modes differ only in who calls it.
 */
public sealed interface Delivery permits Delivery.Manual, Delivery.Auto, Delivery.OnExecutor {

    /**
     * IO::AIO's own model: nothing completes until the program calls {@link Aio#pollCb()},
     * {@link Aio#poll()} or {@link Aio#flush()}, and callbacks run on that thread. Watch
     * {@link Aio#pollFileno()} in an event loop to know when to call it.
     */
    Delivery MANUAL = new Manual();

    /**
     * The default: callbacks run on jaio's own threads, one at a time, in priority order, as
     * pollCb would run them. On the threads backend the worker that finishes a request
     * delivers it itself when no other result waits and no other delivery is in progress
     * (and, while requests are queued, only while its callbacks submit the next request), and
     * then runs the first request that callback submitted, so a chain of requests costs no
     * hand-off between threads; a dispatcher thread, waiting on the result descriptor, calls
     * pollCb for whatever the workers leave (and for every io_uring completion).
     *
     * <p>A callback holds the thread that runs it: one that computes for long keeps that
     * worker from other requests, and the first request it submitted starts only when it
     * returns (or when it calls into jaio to wait or poll: pollWait, pollCb, poll, flush,
     * close, maxParallel). With virtual workers every callback runs on the dispatcher.
     */
    Delivery AUTO = new Auto();

    /**
     * Like {@link #AUTO}, but each pollCb batch runs on {@code executor} (an event loop is an
     * Executor). If the executor rejects a batch, the rejection goes to the error handler and
     * the batch runs on the dispatcher, so no result is lost.
     */
    static Delivery executor(Executor executor) {
        return new OnExecutor(Objects.requireNonNull(executor, "executor"));
    }

    /** See {@link #MANUAL}. */
    record Manual() implements Delivery {}

    /** See {@link #AUTO}. */
    record Auto() implements Delivery {}

    /** See {@link #executor(Executor)}. */
    record OnExecutor(Executor executor) implements Delivery {}
}
