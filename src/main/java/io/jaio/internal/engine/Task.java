package io.jaio.internal.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The mutable half of a request: where it is in its life, its priority, and its outcome. The
 * immutable half, {@link #request}, is opaque to the engine; the {@link Runner} knows it.
 *
 * <p>States move QUEUED → CLAIMED (taken into a worker's batch) → RUNNING → DONE, or from
 * QUEUED or CLAIMED to CANCELLED, or (for groups) straight from GROUP to DONE. The ways out of
 * QUEUED and CLAIMED are compare-and-sets, so cancel and a worker can never both win.
 */
public final class Task {
    static final int QUEUED = 0, RUNNING = 1, DONE = 2, CANCELLED = 3, GROUP = 4, CLAIMED = 5;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Task.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The request record; read by the runner, never by the engine. */
    public final Object request;
    /** IO::AIO priority, -4..4; higher runs and is delivered first. */
    public final int pri;
    /** Who is told of the outcome: the API's future, or a group's continuation. */
    public final Object owner;
    /** For internal children: runs on the worker right after the request, instead of delivery. */
    final Continuation continuation;

    private volatile int state;
    /**
     * Links in exactly one structure at a time: the engine's inbox or done stack (next only,
     * published by the compare-and-set that pushes the task), or one of its TaskQueues (guarded
     * by that queue's owner).
     */
    Task prev, next;

    /** The outcome, written before the task is pushed on the done stack (the push publishes it). */
    Object result;
    Throwable error;

    Task(Object request, int pri, Object owner, Continuation continuation, int state) {
        this.request = request;
        this.pri = pri;
        this.owner = owner;
        this.continuation = continuation;
        this.state = state;
    }

    int state() {
        return state;
    }

    void state(int s) {
        state = s;
    }

    boolean moveFrom(int expected, int to) {
        return STATE.compareAndSet(this, expected, to);
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
