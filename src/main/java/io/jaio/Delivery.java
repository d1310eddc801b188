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

    /** The default: a jaio dispatcher thread waits on the result descriptor and calls pollCb. */
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
