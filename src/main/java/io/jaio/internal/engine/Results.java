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
 * <p>The bell is rung when the count goes 0 → 1 and silenced when it falls to 0. Each of
 * those transitions then sets the bell from the count as it reads it, under one small lock
 * taken only on those transitions (where a syscall is made anyway): ring or silence, read the
 * count, ring again if it is above 0 (or completions wait elsewhere). Without the lock, a ring
 * decided on a count that another transition has since changed could land after that
 * transition's silence and leave the descriptor readable with nothing waiting — a dispatcher
 * woken by it polls in a loop, at a core's worth of CPU, until the next result
 * (ResultsStress.PublishRacesIdlePollCb, TwoPublishersRacePollCb). With it, the last
 * transition to take the lock read a count no later transition has changed without taking
 * the lock after it.
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
    /** Serializes the bell's transitions and its closing (see the class comment); held across nothing else. */
    private final java.util.concurrent.locks.ReentrantLock bellLock = new java.util.concurrent.locks.ReentrantLock();
    /**
     * Set by {@link #close}, under bellLock: a publisher on an application thread (the cached
     * fast path) is not joined by the engine's close, and its transition may come after its
     * result was delivered and the engine closed; the descriptor's number may then belong to
     * someone else, so the transition must touch nothing.
     */
    private boolean closed;
    /** Results waiting elsewhere that also keep the bell rung (io_uring completions not yet reaped). */
    private final java.util.function.BooleanSupplier elsewhere;

    Results(Bell bell, java.util.function.BooleanSupplier elsewhere) {
        this.bell = bell;
        this.elsewhere = elsewhere;
    }

    /**
     * Hands a finished task (its outcome written) to pollCb: count, push, and on 0 → 1 set the
     * bell. The push comes before the ring, so a reader woken by the ring finds the task.
     */
    void publish(Task t) {
        boolean first = pending.getAndIncrement() == 0;
        stack.push(t);
        if (first) {
            transition(true);
        }
    }

    /**
     * Sets the bell from the count, serialized with every other transition: first rings (a
     * publisher's 0 → 1) or silences (a release to 0, a settle), then reads the count and rings
     * if results wait. A ring that finds the count back at 0 (its result already taken,
     * delivered and released) silences again.
     */
    private void transition(boolean ring) {
        lockBell();
        try {
            if (closed) {
                return;
            }
            if (ring) {
                bell.ring();
                if (pending.get() > 0 || elsewhere.getAsBoolean()) {
                    return;
                }
            }
            bell.silence();
            if (pending.get() > 0 || elsewhere.getAsBoolean()) {
                bell.ring();
            }
        } finally {
            bellLock.unlock();
        }
    }

    /**
     * Takes bellLock, spinning while its holder finishes: it holds it across at most three
     * eventfd syscalls (one, commonly; a pipe's drain, or close(2) at the end), a few
     * microseconds. Parking instead cost two futex calls and a wake-up on each MANUAL round
     * trip, where the polling thread releases a result while the worker that published it is
     * still ringing (async-profiler: 30% of a nop ping-pong's CPU samples in futex). Parks
     * after {@value #BELL_SPIN_NANOS} ns, as when the holder was preempted, and at once on a
     * virtual thread: spinning would hold its carrier, and parking one costs no futex call.
     */
    private void lockBell() {
        if (Thread.currentThread().isVirtual() || !Spin.tryLockFor(bellLock, BELL_SPIN_NANOS)) {
            bellLock.lock();
        }
    }

    private static final long BELL_SPIN_NANOS = 20_000;

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
            transition(false);
        }
    }

    /**
     * With nothing counted, silences a bell rung by someone else (the kernel's eventfd write for
     * an io_uring completion already reaped and delivered), then re-checks as release does.
     * Called by a pollCb that found nothing to do.
     */
    void settle() {
        if (pending.get() == 0) {
            transition(false);
        }
    }

    /** Closes the bell with {@code closeDescriptor}, after which no transition touches it. */
    void close(Runnable closeDescriptor) {
        bellLock.lock();
        try {
            closed = true;
            closeDescriptor.run();
        } finally {
            bellLock.unlock();
        }
    }

    /** The count now: results published and not yet released. */
    int count() {
        return pending.get();
    }
}
