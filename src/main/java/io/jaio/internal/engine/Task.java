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
 *
 * <p>One is made per request, so it is kept to four references and one int (32 bytes with
 * compressed pointers): the owner and a child's continuation share a field, as do result and
 * failure, and state, priority and "failed" share {@code word}.
 */
public final class Task {
    static final int QUEUED = 0, RUNNING = 1, DONE = 2, CANCELLED = 3, GROUP = 4, CLAIMED = 5;
    private static final int STATE_MASK = 0xF, PRI_SHIFT = 4, FAILED = 1 << 8;
    private static final VarHandle WORD;

    static {
        try {
            WORD = MethodHandles.lookup().findVarHandle(Task.class, "word", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The request record; read by the runner, never by the engine. Set at creation, and
     * replaced only by the ring's reaper for a request a worker runs again
     * (Engine.ringCompleted), before the task is queued again.
     */
    public Object request;
    /** The API's future for a request or group, or a {@link Continuation} for an internal child. */
    private final Object owner;
    /**
     * The link in exactly one structure at a time: the engine's inbox or done stack (published
     * by the compare-and-set that pushes the task), or one of its TaskQueues (guarded by that
     * queue's owner).
     */
    Task next;
    /**
     * The result, or the failure when {@code word} has FAILED; written before the task is
     * pushed on the done stack (the push publishes it) or handed to its continuation.
     */
    private Object outcome;
    /** state | (priority + 4) << PRI_SHIFT | FAILED. */
    private volatile int word;

    Task(Object request, int pri, Object owner, int state) {
        this.request = request;
        this.owner = owner;
        this.word = state | (pri - TaskQueue.MIN_PRI) << PRI_SHIFT;
    }

    /** IO::AIO priority, -4..4; higher runs and is delivered first. */
    public int pri() {
        return ((word >>> PRI_SHIFT) & 0xF) + TaskQueue.MIN_PRI;
    }

    /** Who is told of the outcome: the API's future (null for an internal child). */
    public Object owner() {
        return owner instanceof Continuation ? null : owner;
    }

    /** An internal child's continuation, or null. */
    Continuation continuation() {
        return owner instanceof Continuation c ? c : null;
    }

    int state() {
        return word & STATE_MASK;
    }

    /** Sets the state; only its owner at that point in its life (worker, group completer) calls this. */
    void state(int s) {
        int w = word;
        word = (w & ~STATE_MASK) | s;
    }

    boolean moveFrom(int expected, int to) {
        int w = word;
        if ((w & STATE_MASK) != expected) {
            return false;
        }
        return WORD.compareAndSet(this, w, (w & ~STATE_MASK) | to);
    }

    /** Records the outcome; before the task is published. */
    void outcome(Object result, Throwable error) {
        if (error != null) {
            outcome = error;
            word |= FAILED;
        } else {
            outcome = result;
        }
    }

    /** The result, valid once delivered. */
    public Object result() {
        return (word & FAILED) != 0 ? null : outcome;
    }

    /** The failure, or null; valid once delivered. */
    public Throwable error() {
        return (word & FAILED) != 0 ? (Throwable) outcome : null;
    }

    /** What an internal child does when done; runs on the worker thread that ran it. */
    @FunctionalInterface
    public interface Continuation {
        void done(Object result, Throwable error);
    }
}
