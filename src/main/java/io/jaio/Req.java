package io.jaio;

import io.jaio.internal.engine.Engine;
import io.jaio.internal.engine.Spin;
import io.jaio.internal.engine.Task;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * One submitted request: a {@link CompletableFuture} of its result with IO::AIO's request
 * powers. It completes inside {@link Aio#pollCb()} (in whichever thread the delivery mode
 * has call it), exceptionally with {@link ErrnoException} when the syscall fails.
 *
 * <ul>
 * <li>{@link #cancel(boolean)} succeeds at any time before the result is delivered, as IO::AIO
 *     4.80's {@code cancel}: the callback never runs and the future completes with
 *     {@link java.util.concurrent.CancellationException} at once. A request no worker has
 *     started never runs; a running syscall finishes, and its result is dropped when it
 *     reaches pollCb, releasing what it owned (a file a cancelled {@code open} opened is
 *     closed). Until then it still counts in {@link Aio#nreqs()}. Cancelling a composite
 *     (scandir) cancels its queued children and stops it from starting more.</li>
 * <li>{@link #priority()} is the priority it was submitted with, -4 (lowest) … 4 (highest);
 *     choose it with {@link Aio#withPriority(int)}.</li>
 * </ul>
 *
 * <p>Completing a Req from outside (complete, orTimeout, …) does not stop its work; jaio's
 * own later completion is then ignored, and a file it opened is closed rather than leaked.
 *
 * @param <T> the result type
 */
public sealed class Req<T> extends CompletableFuture<T> permits AioGroup {
    /** {@link #link}'s value once the request has been delivered or cancelled for good. */
    private static final Object SETTLED = new Object();
    private static final VarHandle LINK;

    static {
        try {
            LINK = MethodHandles.lookup().findVarHandle(Req.class, "link", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // One Req is made per request: keep it to these four fields (the priority lives in the task).
    final Engine engine;
    private final BiConsumer<? super T, ? super Throwable> callback;
    private Task task;    // set once, before the task is submitted
    /**
     * null while the request is outstanding and in no group; the {@link AioGroup} it belongs to;
     * or SETTLED once it has been delivered or cancelled. Delivery and
     * {@link AioGroup#add} race for it with compare-and-sets, so a member delivered before it
     * was added is seen as finished, and one added first tells its group exactly once.
     */
    private volatile Object link;

    Req(Engine engine, BiConsumer<? super T, ? super Throwable> callback) {
        this.engine = engine;
        this.callback = callback;
    }

    void task(Task t) {
        this.task = t;
    }

    Task task() {
        return task;
    }

    /**
     * Makes this request a member of {@code g}; false if it has already settled (delivered or
     * cancelled), which its group counts as already finished.
     *
     * @throws IllegalArgumentException if it is a member of another group already
     */
    boolean joinGroup(AioGroup<?> g) {
        Object was = LINK.compareAndExchange(this, null, g);
        if (was == null) {
            return true;
        }
        if (was == SETTLED) {
            return false;
        }
        throw new IllegalArgumentException(was == g ? "this request is in the group already: " + this
                : "this request belongs to another group already: " + this);
    }

    /** The request has left nreqs for good: tells its group, if it has one. */
    private void settled() {
        Object was = LINK.getAndSet(this, SETTLED);
        if (was instanceof AioGroup<?> g) {
            g.memberDone(this);
        }
    }

    /** The priority this request was submitted with, -4 … 4. */
    public int priority() {
        return task.pri();
    }

    /**
     * Cancels the request unless its result has already been delivered (see the class comment).
     *
     * @param mayInterruptIfRunning ignored: a running syscall is never interrupted
     * @return true if the request was cancelled: its callback will never run
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        Task t = task;
        if (t == null) {
            return false;
        }
        if (engine.cancel(t, () -> cancelled(t))) {
            return true;    // it was queued: it never runs, and it has left nreqs already
        }
        if (t.request instanceof Request.ScandirGroup g) {
            return g.scan().cancel();    // completes the group's future, cancels its children
        }
        // Running, or finished and not yet delivered: deliver() will find the future cancelled.
        // True only for the call that cancelled it (CompletableFuture's would repeat true).
        return !isDone() && super.cancel(false);
    }

    /** Completes with CancellationException (for a composite: its own cancel) without releasing a request. */
    boolean cancelCompletion() {
        return !isDone() && super.cancel(false);
    }

    /** Completes with CancellationException and lets go of pinned descriptors. */
    void cancelled(Task t) {
        try {
            ((Request) t.request).release();
            super.cancel(false);
            Jfr.cancelled(t);
        } finally {
            settled();
        }
    }

    /** Called by pollCb: completes the future, then runs the callback on this thread. */
    @SuppressWarnings("unchecked")
    void deliver(Object result, Throwable error) {
        try {
            boolean took = error != null ? completeExceptionally(error) : complete((T) result);
            if (!took && result instanceof AioFile f) {
                f.close();    // cancelled, or completed from outside: nobody else can close this
            } else if (!took && result instanceof AioWd w) {
                w.close();
            }
            if (!took && isCancelled()) {
                return;       // cancelled before delivery: the callback never runs
            }
            if (callback != null) {
                callback.accept((T) result, error);
            }
        } finally {
            settled();        // after the callback, which may still add to this request's group
        }
    }

    /**
     * Waits for the result, as {@link CompletableFuture#join()}. A request typically completes
     * within microseconds, sooner than a parked thread can be woken, so this first watches for
     * it for up to 20 µs (yielding the processor to anything else runnable), then parks; while
     * recent requests of this engine took longer than that (a device, not the page cache), it
     * parks at once.
     */
    @Override
    public T join() {
        awaitBriefly();
        return super.join();
    }

    /** As {@link CompletableFuture#get()}, after watching briefly as {@link #join()} does. */
    @Override
    public T get() throws InterruptedException, java.util.concurrent.ExecutionException {
        awaitBriefly();
        return super.get();
    }

    private void awaitBriefly() {
        Spin.Adaptive site = engine.joinSpin;
        long budget = site.budget();
        if (budget == 0 || isDone()) {
            return;
        }
        long end = System.nanoTime() + budget;
        while (!isDone() && Spin.more(end)) {
            // watching for delivery
        }
        site.spun(isDone());
    }

    @Override
    public String toString() {
        Task t = task;
        return "Req[" + (t == null ? "?" : t.request) + ", pri=" + (t == null ? "?" : t.pri()) + ", " + super.toString() + "]";
    }
}
