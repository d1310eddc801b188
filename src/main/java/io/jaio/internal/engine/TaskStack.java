package io.jaio.internal.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A lock-free stack of tasks (Treiber's), the engine's two hand-offs: submitters push on the
 * inbox and a worker takes it all; workers push on the done stack and pollCb takes it all.
 * Any number of threads push; whoever takes swaps the whole chain out at once, so a push is
 * never lost between a take and the next (proved by the jcstress tests in src/jcstress).
 *
 * <p>Ordering: the compare-and-set that pushes a task is a volatile write after the task's
 * fields (its outcome, its {@code next}) were written, and {@link #takeAll} reads the head
 * with a volatile read, so whoever takes a task sees everything its pusher wrote before.
 */
final class TaskStack {
    private static final VarHandle HEAD;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(TaskStack.class, "head", Task.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Newest first, linked by {@link Task#next}. */
    private volatile Task head;

    /** Pushes {@code t}; the push publishes it. */
    void push(Task t) {
        Task h;
        do {
            h = head;
            t.next = h;
        } while (!HEAD.compareAndSet(this, h, t));
    }

    /** Takes every task pushed so far, newest first (linked by next), or null if none. */
    Task takeAll() {
        return (Task) HEAD.getAndSet(this, (Task) null);
    }

    /** A hint: true if nothing is pushed now. */
    boolean isEmpty() {
        return head == null;
    }
}
