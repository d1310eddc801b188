package io.jaio.internal.engine;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Finished tasks on their way to pollCb: a lock-free stack workers push on and pollCb takes
 * from, the count of results not yet released by pollCb, and the descriptor that mirrors the
 * count. The rule (proved by the jcstress tests in src/jcstress): whenever no pollCb is
 * running, the descriptor is readable iff the count is above 0.
 *
 * <p>A result is counted before it is pushed, so a task pollCb can take is always counted:
 * pollCb holds the count of the result it is handling, and when it takes the next it can let
 * go of the previous one ({@link #passOn}) knowing the count stays above 0 — the descriptor,
 * readable since the first of them, is then neither drained nor written while results keep
 * coming. (Pushing first let pollCb take an uncounted task, pass the count to 0 and leave
 * the descriptor readable with nothing waiting.)
 *
 * <p>The bell is rung when the count goes 0 → 1 and silenced when it falls to 0, then the
 * count is read again: a publisher may have counted up between the decrement and the
 * silencing, its ring swallowed by it; it did count, so ringing again restores the rule.
 */
final class Results {
    /** What an event loop watches: the result descriptor (an eventfd or a pipe). */
    interface Bell {
        /** Makes it readable (a write; several rings may accumulate). */
        void ring();

        /** Makes it unreadable (drains every ring so far). */
        void silence();
    }

    private final TaskStack stack = new TaskStack();
    private final AtomicInteger pending = new AtomicInteger();
    private final Bell bell;
    /** Results waiting elsewhere that also keep the bell rung (io_uring completions not yet reaped). */
    private final java.util.function.BooleanSupplier elsewhere;

    Results(Bell bell, java.util.function.BooleanSupplier elsewhere) {
        this.bell = bell;
        this.elsewhere = elsewhere;
    }

    /**
     * Hands a finished task (its outcome written) to pollCb: count, push, ring on 0 → 1. The
     * push comes before the ring, so a reader woken by the ring finds the task. Once pushed,
     * though, the task can be taken, delivered and released by a pollCb at once, and a
     * release that brings the count back to 0 silences the bell before this ring: the ring
     * would then leave the descriptor readable with nothing waiting (a dispatcher woken by it
     * would poll(2) in a loop until the next result; ResultsStress.PublishRacesIdlePollCb).
     * So after ringing, the publisher looks at the count as a release does: at 0 it silences
     * the bell, then rings again if a result was published meanwhile.
     */
    void publish(Task t) {
        boolean first = pending.getAndIncrement() == 0;
        stack.push(t);
        if (first) {
            bell.ring();
            if (pending.get() == 0) {
                settle();
            }
        }
    }

    /** Takes every task published so far, newest first (linked by next), or null; pollCb only. */
    Task takeAll() {
        return stack.takeAll();
    }

    /** A hint: true if no published task waits in the stack. */
    boolean isEmpty() {
        return stack.isEmpty();
    }

    /**
     * Lets go of a count known not to be the last: its holder has taken another counted
     * task. No descriptor work, which is the point of holding.
     */
    void passOn() {
        pending.decrementAndGet();
    }

    /**
     * Lets go of a count; at 0 silences the bell, then rings again if one was published
     * meanwhile, or if completions wait elsewhere (the kernel's own ring of the bell for an
     * io_uring completion may have been drained by the silencing).
     */
    void release() {
        if (pending.decrementAndGet() == 0) {
            bell.silence();
            if (pending.get() > 0 || elsewhere.getAsBoolean()) {
                bell.ring();
            }
        }
    }

    /**
     * With nothing counted, silences a bell rung by someone else (the kernel's eventfd write for
     * an io_uring completion already reaped and delivered, or a publisher's own ring that
     * came after the release of its result), then re-checks as release does. Called by a
     * pollCb that found nothing to do and by publish.
     */
    void settle() {
        if (pending.get() == 0) {
            bell.silence();
            if (pending.get() > 0 || elsewhere.getAsBoolean()) {
                bell.ring();
            }
        }
    }

    /** The count now: results published and not yet released. */
    int count() {
        return pending.get();
    }
}
