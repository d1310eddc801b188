package io.jaio.internal.engine;

/**
 * The mutable half of a request: where it is in its life, its priority, and its outcome. The
 * immutable half, {@link #request}, is opaque to the engine; the {@link Runner} knows it.
 *
 * <p>States move QUEUED → RUNNING → DONE, or QUEUED → CANCELLED, or (for groups and internal
 * children) straight from CREATED. Transitions out of QUEUED happen under the engine's
 * {@code reqLock}, so cancel and a worker's pick can never both win.
 */
public final class Task {
    static final int QUEUED = 0, RUNNING = 1, DONE = 2, CANCELLED = 3, GROUP = 4;

    /** The request record; read by the runner, never by the engine. */
    public final Object request;
    /** IO::AIO priority, -4..4; higher runs and is delivered first. */
    public final int pri;
    /** Who is told of the outcome: the API's future, or a group's continuation. */
    public final Object owner;
    /** For internal children: runs on the worker right after the request, instead of delivery. */
    final Continuation continuation;

    int state;                 // reqLock (QUEUED/RUNNING/CANCELLED); worker or group completer after
    Task prev, next;           // links in exactly one of the engine's queues; reqLock or resLock

    /** The outcome, written before the task is published to the result queue (resLock orders it). */
    Object result;
    Throwable error;

    Task(Object request, int pri, Object owner, Continuation continuation, int state) {
        this.request = request;
        this.pri = pri;
        this.owner = owner;
        this.continuation = continuation;
        this.state = state;
    }

    /** The result, valid once delivered. */
    public Object result() {
        return result;
    }

    /** The failure, or null; valid once delivered. */
    public Throwable error() {
        return error;
    }

    /** What an internal child does when done; runs on the worker thread that ran it. */
    @FunctionalInterface
    public interface Continuation {
        void done(Object result, Throwable error);
    }
}
