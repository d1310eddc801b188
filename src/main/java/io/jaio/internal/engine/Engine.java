package io.jaio.internal.engine;

import io.jaio.internal.sys.Sys;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * libeio's thread pool, in Java: a request queue and a result queue, both ordered by priority,
 * worker threads started on demand up to {@code wanted}, and a result descriptor that is
 * readable iff results wait. Results are handed to their owners only inside {@link #pollCb},
 * on the caller's thread, one at a time.
 *
 * <p>The hand-off takes no lock on the busy path. A submitter pushes its task on the
 * {@code inbox} (a lock-free stack); workers, under {@code reqLock}, move the inbox into the
 * priority-ordered {@code reqQueue} and take from it. A worker pushes a finished task on the
 * {@code done} stack; pollCb moves that into the priority-ordered {@code resQueue}, which only
 * the holder of {@code pollLock} touches. {@code reqLock} is otherwise taken only to park or
 * wake an idle worker, to start or stop threads, and by those who wait for space or a drain.
 * The engine never holds two locks at once except pollLock → reqLock.
 *
 * <p>Counts: {@code queued} = tasks submitted, not yet taken by a worker nor cancelled;
 * {@code pending} = finished tasks not yet taken by pollCb; {@code nreqs} = requests from
 * submission until their owner has been told. The descriptor is written on pending's 0 → 1
 * and drained on its 1 → 0 (then re-checked, since a write may have raced the drain), so in
 * any quiet moment it is readable iff pending > 0.
 */
public final class Engine {
    /**
     * How long pollWait and the dispatcher watch the result count before they block in
     * poll(2): a result usually lands within microseconds, and a wake-up from poll(2) costs
     * more than that. Bounded in time, so a wait for a slow request burns at most this much.
     */
    private static final long POLL_SPIN_NANOS = 50_000;
    /** The most tasks a worker takes under one acquisition of reqLock. */
    private static final int MAX_BATCH = 8;
    /** How long pollCb, done with what waits, watches for one more result before it returns. */
    private static final long TAIL_SPIN_NANOS = 2_000;
    /** How long a worker that has finished a request waits for another's delivery to end (AUTO). */
    private static final long HANDOFF_SPIN_NANOS = 10_000;
    /** The most results a worker delivers besides its own before it goes back to its requests (finished). */
    private static final int WORKER_BATCH = 16;
    /** How long a wait inside a callback sleeps before it looks for results again (see awaitResults). */
    private static final long NESTED_NAP_NANOS = 1_000_000, NESTED_RING_NAP_NANOS = 50_000;
    /** How long an idle worker (one at a time) watches for new work before it parks. */
    private static final long SPIN_NANOS = 30_000;

    private static final VarHandle WAKING;
    private static final VarHandle LENT;
    /** Submission ring entries (the completion ring, and so the requests in flight through it, is twice this). */
    private static final int RING_ENTRIES = 256;

    /** Whether spinning pays at each wait site, learnt from what the spins saw (see Spin.Adaptive). */
    private final Spin.Adaptive workerSpin = new Spin.Adaptive(SPIN_NANOS);
    private final Spin.Adaptive pollSpin = new Spin.Adaptive(POLL_SPIN_NANOS);
    private final Spin.Adaptive dispatchSpin = new Spin.Adaptive(POLL_SPIN_NANOS);
    /** For Req.join/get; on the engine so every request of one engine learns together. */
    public final Spin.Adaptive joinSpin = new Spin.Adaptive(20_000);

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            WAKING = l.findVarHandle(Engine.class, "waking", boolean.class);
            LENT = l.findVarHandle(Engine.class, "lent", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** How results reach their owners. */
    public enum Mode { MANUAL, AUTO, EXECUTOR }

    private final Runner runner;
    private final Mode mode;
    private final Executor executor;                 // EXECUTOR mode only
    private final boolean virtualWorkers;
    private final Consumer<Throwable> errorHandler;  // callbacks that throw, rejected executors

    /** Submitted tasks; pushed lock-free, taken under reqLock. */
    private final TaskStack inbox = new TaskStack();
    private final AtomicInteger queued = new AtomicInteger();
    /** Tasks submitted, not yet started by a worker nor cancelled (queued + claimed); nready. */
    private final AtomicInteger ready = new AtomicInteger();

    private final ReentrantLock reqLock = new ReentrantLock();
    private final Condition workAvailable = reqLock.newCondition();
    private final Condition threadsChanged = reqLock.newCondition();
    private final Condition space = reqLock.newCondition();
    private final TaskQueue reqQueue = new TaskQueue();          // reqLock
    private volatile int spinners;                               // written under reqLock; workers spinning for work
    // Written under reqLock, read without it by submitters deciding whether to take it.
    private volatile int wanted;                                 // IO::AIO's min/max_parallel
    private volatile int started;                                // live worker threads
    private volatile int idle;                                   // workers parked for work
    /**
     * A worker has been signalled and has not yet woken; submitters then leave waking to it.
     * A submitter reads this after its push, and the woken worker clears it before it looks
     * at the queue, so the push is either seen by that worker or followed by a new signal.
     */
    private volatile boolean waking;
    /** Workers lent out of the pool while a callback they run waits inside jaio (see lendWorker). */
    private volatile int lent;
    private volatile int running;                                // workers executing a request
    private int maxIdle = 4;                                     // reqLock
    private long idleTimeoutNanos = TimeUnit.SECONDS.toNanos(10); // reqLock
    private volatile int maxOutstanding = Integer.MAX_VALUE;     // written under reqLock
    /**
     * Where a submitter waiting for room is woken: a quarter of maxOutstanding below it (see
     * awaitSpace). Written with maxOutstanding.
     */
    private volatile int lowWater = Integer.MAX_VALUE - 1;
    /**
     * Set by a submitter that waited {@value #SPACE_RECHECK_NANOS} ns for low water in vain
     * (results stopped short of it): from then on any completion under the limit wakes it, so
     * it sleeps untimed. Cleared when no submitter waits. Written under reqLock.
     */
    private volatile boolean eagerSpace;
    private volatile int spaceWaiters;                           // written under reqLock
    private volatile boolean closed;                             // written once, under reqLock
    private final List<Thread> threads = new ArrayList<>();     // reqLock
    private int threadSeq;                                       // reqLock

    /** Finished tasks: pushed by workers, taken by pollCb, counted until pollCb releases them. */
    private final Results done;
    /** Pending counts held by pollCb calls in progress (see pollCb); written under pollLock. */
    private volatile int held;
    private final TaskQueue resQueue = new TaskQueue();          // pollLock
    private final ResultFd resultFd;

    private final ReentrantLock pollLock = new ReentrantLock();
    /**
     * pollLock: deliveries in progress on the thread holding pollLock (more than one when a
     * callback calls pollCb). Their requests still count in nreqs until they return, so a
     * flush or close from inside a callback waits for nreqs to fall to this, not to 0.
     */
    private int delivering;
    /**
     * The thread waiting for results inside one of its own callbacks (pollLock held, so at most
     * one), which the descriptor cannot wake; publish unparks it. Written before it looks at
     * the results, read by publishers after their push.
     */
    private volatile Thread nestedWaiter;
    private volatile int maxPollReqs;                            // 0 = no limit
    private volatile long maxPollTimeNanos;                      // 0 = no limit

    /** Requests from submission until their owner has been told; IO::AIO's nreqs. */
    private final AtomicInteger nreqs = new AtomicInteger();
    /** Waiters in flush()/close() for nreqs to reach 0; written under reqLock. */
    private volatile boolean drainWaiters;

    /** The io_uring backend, or null: requests the runner can express as SQEs go through it. */
    private final Ring ring;
    /** Why io_uring was asked for and is not used, or null. */
    private final String ringUnavailable;

    /**
     * AUTO delivery on the threads backend: a worker that finishes a request while no delivery
     * is in progress delivers it itself, with up to WORKER_BATCH results that wait by then (see
     * {@link #finished}).
     */
    private final boolean workerDelivery;
    /**
     * The worker delivering a result it has just finished, while its callback runs, and only
     * until that callback's first submission, which it claims for itself ({@link Worker#next})
     * instead of queueing it: the worker runs it as soon as the callback returns, and nobody
     * is woken. Written only by that thread (under pollLock) and compared only with the
     * current thread, so a stale read elsewhere cannot match.
     */
    private Thread selfTaker;
    private Worker selfTakerWorker;    // its Worker; read only by that same thread
    /**
     * Callbacks submit requests: set when one does (on any delivering thread), cleared when a
     * result a worker delivered itself submitted nothing. See finished.
     */
    private volatile boolean chaining = true;

    private final Thread dispatcher;                             // AUTO and EXECUTOR modes
    private volatile boolean dispatcherStop;
    /** close ran on a delivering worker, which could not join the dispatcher: it closes the descriptor. */
    private volatile boolean dispatcherClosesFd;
    /** See inlineReadMax (volatile: the dispatcher, started before it is set, submits too). */
    private volatile long inlineMax;
    /** Learns whether inline reads find the page cache warm; plain fields, a hint. */
    private final Spin.Adaptive inlineScore = new Spin.Adaptive(1);
    private volatile boolean batchScheduled;                     // EXECUTOR mode

    public Engine(Runner runner, Mode mode, Executor executor, boolean virtualWorkers, int wanted,
                  Consumer<Throwable> errorHandler) {
        this(runner, mode, executor, virtualWorkers, wanted, errorHandler, false);
    }

    /**
     * An engine; with {@code ioUring}, requests the runner can express as SQEs run through an
     * io_uring instead of a worker, where the kernel allows one (see {@link #ringUnavailable()}).
     */
    public Engine(Runner runner, Mode mode, Executor executor, boolean virtualWorkers, int wanted,
                  Consumer<Throwable> errorHandler, boolean ioUring) {
        this.runner = runner;
        this.mode = mode;
        this.executor = executor;
        this.virtualWorkers = virtualWorkers;
        this.wanted = wanted;
        this.errorHandler = errorHandler;
        this.resultFd = new ResultFd(Sys.current());
        this.done = new Results(resultFd, this::ringHasCompletions);
        Ring r = null;
        String why = null;
        if (ioUring) {
            if (!resultFd.isEventFd()) {
                why = "no eventfd for the result descriptor (a pipe cannot be registered with io_uring)";
            } else {
                try {
                    r = Ring.open(RING_ENTRIES, resultFd.fd(), runner, this::ringCompleted);
                } catch (UnsupportedOperationException | IllegalStateException e) {
                    why = e.getMessage();
                }
            }
        }
        this.ring = r;
        this.ringUnavailable = why;
        // Not on virtual workers: a callback waiting inside jaio sits in poll(2), pinning its
        // carrier, and the worker lent in its place might never get one.
        this.workerDelivery = mode == Mode.AUTO && r == null && !virtualWorkers;
        if (mode == Mode.MANUAL) {
            dispatcher = null;
        } else {
            dispatcher = Thread.ofPlatform().daemon().name("jaio-dispatcher").unstarted(this::dispatch);
            dispatcher.start();
        }
    }

    // ---------------------------------------------------------------- submission

    /** A task for {@code request}, not yet submitted. */
    public Task newTask(Object request, int pri, Object owner) {
        return new Task(request, pri, owner, Task.QUEUED);
    }

    /**
     * Queues {@code t}; counts it in nreqs until its owner has been told. Never recurses into
     * pollCb, and never waits where waiting could wait for itself: only an application thread
     * under AUTO or EXECUTOR delivery waits for room while maxOutstanding requests are
     * outstanding (back-pressure). Under MANUAL delivery, on a delivering thread (inside a
     * callback) and on jaio's own threads, submission never blocks: as in IO::AIO 4.80,
     * {@link #pollCb} then keeps handling results until the count is back within the limit.
     *
     * @throws IllegalStateException if the engine is closed
     */
    public void submit(Task t) {
        admit(true);
        if (!viaRing(t) && !ranInline(t)) {
            push(t);
        }
    }

    /**
     * The cached fast path of the threads backend: a small read is tried on the submitting
     * thread with RWF_NOWAIT, and when the page cache holds its data it is done here, with no
     * worker and no hand-off; its result is published like a worker's, so its callback still
     * runs only where results are delivered (pollCb, the dispatcher). Tried only:
     * <ul>
     * <li>on an application thread, or in pollCb on the thread the application polls from
     *     (MANUAL) or on its executor, not on a worker (of any engine: a worker's own chain of
     *     requests is AUTO delivery's device path), nor on this engine's AUTO dispatcher while
     *     its platform workers deliver and chain: the dispatcher, which runs the callbacks of
     *     results no worker delivered, would otherwise read everything itself while the
     *     workers idle (the cached read benchmark under AUTO: 1.04-1.07 M reads/s that way,
     *     1.36-1.42 M on the workers, for 1.2x the CPU per read). Virtual workers never
     *     deliver, so with them the dispatcher still reads inline, sparing each read a
     *     hand-off. Not on a virtual thread
     *     (the syscall's errno and iovec memory is per thread, and a server that starts a
     *     virtual thread per request would allocate it, native memory and a cleaner, for each);</li>
     * <li>while nothing is ready (queued, or claimed and not started): a read must not overtake
     *     requests waiting their turn by FIFO and priority;</li>
     * <li>while more than one request may run at once: maxParallel(1) runs requests one at a
     *     time in submission order, as IO::AIO's max_parallel 1 does (a read after a write then
     *     sees it), and maxParallel(0) holds every request.</li>
     * </ul>
     * Whether it pays is learnt per engine from the candidates alone: while reads keep finding
     * the cache cold (EAGAIN: a wasted syscall each) it is tried only once in 32. If the
     * attempt itself throws (the buffer's arena closed meanwhile), the request goes to a
     * worker, which reports the failure as usual.
     */
    private boolean ranInline(Task t) {
        long max = inlineMax;
        // The thread-local lookup last: a device read (O_DIRECT, never a candidate) submitted
        // from a callback on a worker then costs none. A virtual thread is ruled out before
        // inlineCandidate, whose first look at a descriptor makes a syscall (and this thread's
        // Sys): a thread per request would pay both for an answer never used.
        if (max <= 0 || ring != null || wanted <= 1 || ready.get() != 0 || t.continuation() != null
                || Thread.currentThread().isVirtual() || (workerDelivery && Thread.currentThread() == dispatcher)
                || !runner.inlineCandidate(t, max) || Worker.current() != null || inlineScore.budget() == 0) {
            return false;
        }
        if (!t.moveFrom(Task.QUEUED, Task.RUNNING)) {
            return false;    // cancelled already: push drops it as before
        }
        Object result;
        try {
            result = runner.tryInline(t);
        } catch (Throwable e) {
            result = null;
        }
        inlineScore.spun(result != null);
        if (result == null) {
            t.moveFrom(Task.RUNNING, Task.QUEUED);    // nobody else moves a RUNNING task
            return false;
        }
        t.outcome(result, null);
        publish(t);
        return true;
    }

    /**
     * The largest read tried inline (see ranInline); 0 turns the fast path off. Set once, by
     * the builder, before the first request.
     */
    public void inlineReadMax(long bytes) {
        this.inlineMax = bytes;
    }

    /**
     * Sends {@code t} through the ring if there is one, the runner can express it, nothing
     * waits ahead of it, and more than one request may run at once (maxParallel(0) holds every
     * request, as IO::AIO's max_parallel does).
     */
    private boolean viaRing(Task t) {
        // Not while requests wait for a worker (by FIFO and priority, a request through the
        // ring would overtake them: an open could run before the unlink submitted ahead of
        // it), nor under maxParallel(1), which runs requests one at a time in order, as
        // IO::AIO's max_parallel 1 does. Inside pollCb the enter waits for the end of the
        // batch (Ring); pollCb always makes it.
        return ring != null && wanted > 1 && ready.get() == 0 && ring.submit(t, pollLock.isHeldByCurrentThread());
    }

    /**
     * Queues {@code t} without ever waiting for room under maxOutstanding (IO::AIO's rule for
     * every submission): for jaio's own follow-up requests, which an application thread may
     * make while its own group holds the last place.
     *
     * @throws IllegalStateException if the engine is closed
     */
    public void submitNoWait(Task t) {
        admit(false);
        if (!viaRing(t)) {
            push(t);
        }
    }

    /** True on the thread inside pollCb (delivering results), where callbacks and feeders run. */
    public boolean isDeliveringThread() {
        return pollLock.isHeldByCurrentThread();
    }

    /** Hands a failure of user code run outside a callback (a group's feeder) to the error handler. */
    public void reportError(Throwable e) {
        errorHandler.accept(e);
    }

    /** True if this engine runs requests through io_uring. */
    public boolean usesRing() {
        return ring != null;
    }

    /** Why io_uring was asked for and is not used (the kernel's refusal), or null. */
    public String ringUnavailable() {
        return ringUnavailable;
    }

    private boolean ringHasCompletions() {
        Ring r = ring;
        return r != null && r.hasCompletions();
    }

    /**
     * A request has come back through the ring: its result is made, and it goes to pollCb as a
     * worker's would. One the kernel dropped unrun (its submitting thread exited) goes to the
     * workers instead, as if the ring had never taken it; it is still counted in nreqs.
     */
    private void ringCompleted(Task t, int res, Object aux) {
        Object again = runner.rerun(t, res);
        if (again != null) {
            t.request = again;    // published by the move below, before anyone else can see the task queued
            if (!t.moveFrom(Task.RUNNING, Task.QUEUED)) {
                throw new IllegalStateException("a ring task not running: " + t.request);    // nobody else moves a RUNNING task
            }
            runner.abandon(t, aux);
            push(t);
            return;
        }
        Object result = null;
        Throwable error = null;
        try {
            result = runner.complete(t, res, aux);
        } catch (Throwable e) {
            error = e;
        }
        t.outcome(result, error);
        publish(t);
    }

    /**
     * Counts a new request in nreqs (waiting for room first if this thread may wait), or
     * throws if the engine is closed. The count comes first: close sets {@code closed} before
     * it waits for nreqs to reach 0, so either close waits for this request or this request
     * sees {@code closed}. The compare-and-set keeps concurrent waiting submitters from
     * overshooting maxOutstanding together.
     */
    private void admit(boolean mayWait) {
        for (;;) {
            int n = nreqs.get();
            if (n >= maxOutstanding && !closed && mayWait && mayWaitForSpace()) {
                awaitSpace();
            } else if (nreqs.compareAndSet(n, n + 1)) {
                break;
            }
        }
        if (closed) {
            requestDone();
            throw new IllegalStateException("jaio: this Aio is closed; no new requests are accepted");
        }
    }

    /**
     * Whether this thread may block for room under maxOutstanding: never under MANUAL delivery
     * (nobody else would handle the results it waits for), never inside pollCb (a callback
     * waiting for room would wait for itself: its own request counts until it returns), never
     * on a worker or the dispatcher. Asked only at the limit, so its cost is off the fast path.
     */
    private boolean mayWaitForSpace() {
        if (mode == Mode.MANUAL || pollLock.isHeldByCurrentThread()) {
            return false;
        }
        Thread me = Thread.currentThread();
        return me != dispatcher && Worker.current() == null;
    }

    /**
     * Blocks until nreqs is under maxOutstanding or the engine is closed; an application thread
     * only. A finished request wakes the waiter only once the count is down to
     * {@link #lowWater} (a quarter of the limit below it): woken at every completion, a flood
     * of submissions ping-pongs between this thread and whoever completes, a futex wake and a
     * wait per request (on io_uring each also a separate io_uring_enter); woken at low water,
     * it submits a quarter of the limit in one go. Between the limit and low water nobody may
     * complete for a long time (slow devices, pipes), so the first wait is timed: if no wake-up
     * came within {@value #SPACE_RECHECK_NANOS} ns, the waiter sets {@link #eagerSpace} and
     * any completion under the limit wakes it from then on (an untimed sleep: no polling).
     */
    private void awaitSpace() {
        boolean interrupted = false;
        reqLock.lock();
        try {
            boolean timed = true;
            while (!closed && nreqs.get() >= maxOutstanding) {
                // Announce the wait (and, after one vain timed wait, eagerSpace) before
                // re-reading nreqs; requestDone decrements nreqs before reading them, so one
                // of the two always sees the other.
                spaceWaiters++;
                try {
                    if (!timed) {
                        eagerSpace = true;
                    }
                    if (nreqs.get() >= maxOutstanding) {
                        if (timed) {
                            timed = space.awaitNanos(SPACE_RECHECK_NANOS) > 0;
                        } else {
                            space.await();
                        }
                    }
                } catch (InterruptedException e) {
                    interrupted = true;    // the wait is not interruptible; the flag is set again on the way out
                } finally {
                    spaceWaiters--;
                }
            }
            if (spaceWaiters == 0) {
                eagerSpace = false;
            }
        } finally {
            reqLock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** How long a submitter waiting for room sleeps before looking at the count again (see awaitSpace). */
    private static final long SPACE_RECHECK_NANOS = 1_000_000;

    /** How many more requests fit under maxOutstanding now (0 or less: none); composites pace their children by it. */
    public int room() {
        return maxOutstanding - nreqs.get();
    }

    /**
     * Queues an internal child of a composite (scandir's stats and readdir). It counts in
     * nreqs like any request until its continuation, which runs on the worker as soon as it
     * finishes, has returned; it never waits for room (a continuation runs on a worker) and is
     * never refused, even while closing, so a composite in flight always finishes. The
     * composite paces its own children by {@link #room()}. Returns the task, which the
     * composite may {@link #cancel} while it is queued.
     */
    public Task submitChild(Object request, int pri, Task.Continuation then) {
        nreqs.incrementAndGet();
        Task t = new Task(request, pri, then, Task.QUEUED);
        push(t);
        return t;
    }

    /** A group: a task with no work of its own, counted in nreqs until {@link #finish}. */
    public Task startGroup(Object request, int pri, Object owner) {
        Task t = new Task(request, pri, owner, Task.GROUP);
        admit(true);
        return t;
    }

    /** Completes a group with its outcome; it is delivered like any result. */
    public void finish(Task group, Object result, Throwable error) {
        group.outcome(result, error);
        publish(group);
    }

    /**
     * Pushes {@code t} on the inbox, then wakes a parked worker or starts one if needed. The
     * push (a volatile write) comes before the read of {@code idle}, and a parking worker
     * writes {@code idle} before it reads {@code queued}: one of the two sees the other.
     */
    private void push(Task t) {
        if (!chaining && workerDelivery && pollLock.isHeldByCurrentThread()) {
            chaining = true;    // a callback submits: requests chain (see finished)
        }
        if (selfTaker == Thread.currentThread()) {
            // A delivering worker's callback submits: the worker claims the request and runs
            // it as soon as the callback returns, so nobody is woken and nobody can take it
            // first (a worker woken for it would find it gone, and park again). Only the
            // first: a callback that submits a burst, or goes on computing, delays at most
            // one. The worker runs it if nothing is queued by then, or a parked worker will
            // take what is; else it goes back to the queue and waits its turn by priority
            // (runChained).
            selfTaker = null;
            ready.incrementAndGet();    // before the claim, which a cancel may undo at once
            if (t.moveFrom(Task.QUEUED, Task.CLAIMED)) {
                selfTakerWorker.next = t;
                return;
            }
            ready.decrementAndGet();
        }
        ready.incrementAndGet();
        queued.incrementAndGet();
        inbox.push(t);
        // A worker spinning for work takes this one, and wakes another if it leaves work behind
        // (awaitTasksLocked): waking a parked one too cost a futex wake, and a futex wait when it
        // found nothing, per request of a ping-pong (2.45 futex calls per nop round trip). The
        // spinner lowers the count before it looks at the queue a last time, and this push
        // raised queued before reading it: one of the two sees the other.
        if (spinners == 0) {
            wakeIdle();
        }
        startWorkersIfNeeded();
    }

    /** Wakes one parked worker unless none is parked or a wake-up is already in flight. */
    private void wakeIdle() {
        if (idle > 0 && !waking && WAKING.compareAndSet(this, false, true)) {
            // One wake-up in flight at a time: a burst of submissions costs one lock and one
            // futex wake, and the woken worker wakes the next if work is left (takeLocked).
            reqLock.lock();
            try {
                if (idle > 0) {
                    workAvailable.signal();
                } else {
                    waking = false;
                }
            } finally {
                reqLock.unlock();
            }
        }
    }

    /**
     * A callback run by a worker (AUTO delivery) is about to wait inside jaio (pollWait, and
     * so flush, close and pollCb over maxOutstanding): the request it claimed for itself goes
     * back to the queue, and the worker is lent out of the pool until the wait ends — another
     * may start in its place — so the wait cannot wait for the very worker it holds, even
     * under maxParallel(1). Returns true if a worker was lent ({@link #endLend} must follow).
     */
    private boolean lendWorker() {
        if (!workerDelivery || !pollLock.isHeldByCurrentThread() || Worker.current() == null) {
            return false;    // not inside a callback a worker runs
        }
        releaseClaim();
        LENT.getAndAdd(this, 1);
        try {
            if (started > wanted) {
                // maxParallel may be waiting for threads to leave, counting lent ones out:
                // this one just left the count (a lend between two waits of one flush).
                reqLock.lock();
                try {
                    threadsChanged.signalAll();
                } finally {
                    reqLock.unlock();
                }
            }
            startWorkersIfNeeded();
        } catch (Throwable e) {
            LENT.getAndAdd(this, -1);
            throw e;
        }
        return true;
    }

    /**
     * Inside a callback a worker runs, gives the request that callback claimed (see push)
     * back to the queue, and stops claiming: called before the callback waits inside jaio or
     * pauses or closes the engine, where the request must be run, cancelled or held by the
     * usual rules instead of waiting for the callback to return. A no-op anywhere else.
     */
    private void releaseClaim() {
        if (!workerDelivery || !pollLock.isHeldByCurrentThread()) {
            return;    // not inside a callback: nothing can be claimed
        }
        if (selfTaker == Thread.currentThread()) {
            selfTaker = null;
        }
        Worker w = Worker.current();
        Task t = w == null ? null : w.next;
        if (t != null) {
            w.next = null;
            requeue(t);
        }
    }

    /** Gives a claimed task back to the queue for any worker (unless it was cancelled meanwhile, and counted out). */
    private void requeue(Task t) {
        if (t.moveFrom(Task.CLAIMED, Task.QUEUED)) {
            queued.incrementAndGet();
            inbox.push(t);
            wakeIdle();
            startWorkersIfNeeded();    // a closed and paused engine must still run it (as push)
        }
    }

    private void startWorkersIfNeeded() {
        if (needsWorker()) {
            reqLock.lock();
            try {
                startNeededWorkersLocked();
            } finally {
                reqLock.unlock();
            }
        }
    }

    /** The wait of a lent worker has ended: it counts against maxParallel again. */
    private void endLend() {
        LENT.getAndAdd(this, -1);
        if (started > wanted + lent) {
            reqLock.lock();
            try {
                workAvailable.signalAll();    // the surplus, if parked, exits (awaitTasksLocked)
            } finally {
                reqLock.unlock();
            }
        }
    }

    /**
     * More threads are allowed and every live one is busy with earlier requests, or the engine
     * is closed and paused with work queued. Read without reqLock as a hint; acted on under it.
     */
    private boolean needsWorker() {
        int s = started;
        return s < wanted + lent && s - running < queued.get() || closed && wanted == 0 && queued.get() > 0;
    }

    private void startNeededWorkersLocked() {
        if (closed && wanted == 0 && queued.get() > 0) {
            // A paused engine must still finish what it accepted before close. Only if work is
            // queued: once close has drained and set wanted to 0 for good, a late push (whose
            // task a worker already ran) must not raise it again.
            wanted = 1;
        }
        while (needsWorker()) {
            startWorkerLocked();
        }
    }

    private void startWorkerLocked() {
        String name = "jaio-worker-" + (++threadSeq);
        Thread th = (virtualWorkers ? Thread.ofVirtual().name(name) : Thread.ofPlatform().daemon().name(name))
                .unstarted(this::workerLoop);
        started++;
        threads.add(th);
        th.start();
    }

    /**
     * Cancels {@code t} if it is still queued: it will never run (a worker that meets it drops
     * it); {@code onCancelled} tells its owner before the request stops counting in nreqs.
     * Returns false if it is running, done, a group, or already cancelled.
     */
    public boolean cancel(Task t, Runnable onCancelled) {
        if (t.moveFrom(Task.QUEUED, Task.CANCELLED)) {
            queued.decrementAndGet();
        } else if (!t.moveFrom(Task.CLAIMED, Task.CANCELLED)) {
            return false;    // the worker that claimed it drops it when it gets there
        }
        ready.decrementAndGet();
        try {
            onCancelled.run();
        } finally {
            requestDone();
        }
        return true;
    }

    // ---------------------------------------------------------------- workers

    private void workerLoop() {
        Worker w = new Worker();
        Task[] batch = new Task[MAX_BATCH];
        boolean wasRunning = false;
        try {
            for (;;) {
                int k;
                reqLock.lock();
                try {
                    if (wasRunning) {
                        running--;    // the previous batch, counted down under this same lock
                        wasRunning = false;
                    }
                    k = awaitTasksLocked(batch, w);
                    if (k == 0) {
                        return;    // awaitTasksLocked has counted this worker out of started
                    }
                    running++;
                    wasRunning = true;
                } finally {
                    reqLock.unlock();
                }
                for (int i = 0; i < k; i++) {
                    Task t = batch[i];
                    batch[i] = null;
                    runClaimed(t, w, i == k - 1);
                }
                while (runChained(w)) {
                    // each turn one request of the chain: see runChained
                }
            }
        } finally {
            Task claimed = w.next;
            if (claimed != null) {    // an Error escaped a request: what it claimed still runs elsewhere
                w.next = null;
                requeue(claimed);
            }
            w.close();
            reqLock.lock();
            try {
                if (wasRunning) {
                    running--;
                }
                if (!w.countedOut) {
                    started--;    // left through an exception, not through awaitTasksLocked
                }
                threads.remove(Thread.currentThread());
                threadsChanged.signalAll();
            } finally {
                reqLock.unlock();
            }
        }
    }

    /** Runs a task this worker claimed, unless it was cancelled meanwhile. */
    private void runClaimed(Task t, Worker w, boolean last) {
        if (t.moveFrom(Task.CLAIMED, Task.RUNNING)) {
            ready.decrementAndGet();
            execute(t, w, last);
        }
    }

    /**
     * Runs what the last callback this worker delivered submitted first (see finished); false
     * when there is none, or it went back to the queue. One request per call, not a loop in
     * workerLoop: a worker enters workerLoop once, so the JIT compiles its loops only on stack
     * replacement, and each deoptimization of that code left every worker's chain in the
     * interpreter until the next one (seen during measurement on device reads); methods called
     * per request are compiled and replaced as usual.
     */
    private boolean runChained(Worker w) {
        Task t = w.next;
        if (t == null) {
            return false;
        }
        w.next = null;
        if (started > wanted + lent || (queued.get() > 0 && idle == 0)) {
            // Paused or shrunk meanwhile (maxParallel), or others wait with no idle worker to
            // take them: the chain takes its turn in the queue, by priority, so it cannot
            // starve them. While a worker is parked for work, push has woken it for the queue
            // (wakeIdle; or left the request to a worker spinning for work, which takes it),
            // and the chain goes on here meanwhile: requeueing sent this worker through
            // reqLock and often to sleep, a futex call on 1 read in 15 of a device-bound run,
            // and with 4 workers behind 64 cached reads a cascade of wake-ups that halved
            // AUTO's throughput. A stricter
            // test (go on only while queued <= idle: a parked worker for each queued request)
            // measured as slow as requeueing (cached, AUTO, inlineReadMax 0: 0.60 M reads/s
            // against 1.05 M).
            requeue(t);
            return false;
        }
        runClaimed(t, w, true);
        return true;
    }

    /** Moves the inbox, oldest first, into the priority queue. */
    private void drainInboxLocked() {
        reqQueue.addStack(inbox.takeAll());
    }

    /**
     * Claims the highest-priority queued tasks into {@code out} and returns how many; cancelled
     * tasks met on the way are dropped. A worker claims one task when the queue is short, and
     * its share of a deep queue (queued ÷ live workers, at most MAX_BATCH) when it is long: one
     * lock acquisition then serves several requests, and no worker claims work another idle
     * one could have started at once. A claimed task still counts as ready and can still be
     * cancelled until the worker starts it; a request of higher priority submitted meanwhile
     * may wait behind at most MAX_BATCH - 1 claimed ones on that worker.
     */
    private int takeLocked(Task[] out) {
        if (!inbox.isEmpty()) {
            drainInboxLocked();
        }
        int want = Math.min(out.length, Math.max(1, queued.get() / Math.max(1, started)));
        int k = 0;
        for (Task t; k < want && (t = reqQueue.take()) != null; ) {
            if (t.moveFrom(Task.QUEUED, Task.CLAIMED)) {
                queued.decrementAndGet();
                out[k++] = t;
            }
        }
        return k;
    }

    /**
     * Takes the next tasks into {@code out} and returns how many, or 0 when this worker should
     * exit: there are more workers than wanted, or it idled past the timeout while more than
     * maxIdle others idle too.
     */
    private int awaitTasksLocked(Task[] out, Worker w) {
        boolean spun = false;
        for (;;) {
            if (started > wanted + lent) {
                // This worker may hold the one wake-up in flight; submitters that saw it pending
                // did not signal. Hand it to another idle worker if work is queued. It leaves
                // started now, under this lock, so the next one to look sees the true count
                // and no more workers exit than maxParallel asked for.
                started--;
                w.countedOut = true;
                if (idle > 0 && queued.get() > 0 && wanted > 0) {
                    waking = true;
                    workAvailable.signal();
                }
                return 0;
            }
            int k = takeLocked(out);
            if (k > 0) {
                if (idle > 0 && !waking && queued.get() > 0) {
                    waking = true;    // pass the wake-up on: more work than this worker took
                    workAvailable.signal();
                }
                return k;
            }
            if (spinners == 0 && !spun && !virtualWorkers) {
                // One worker at a time looks for new work briefly before it parks: a request
                // that follows closely is then picked up without a futex wake-up. Bounded, so
                // an idle engine burns at most SPIN_NANOS of one core per lull. Not a virtual
                // worker: its yield unmounts it, and parking one is cheap anyway (measured:
                // spinning virtual workers halved the read benchmark's throughput).
                spinners++;
                reqLock.unlock();
                try {
                    long budget = workerSpin.budget();
                    if (budget > 0) {
                        long end = System.nanoTime() + budget;
                        boolean caught;
                        while (!(caught = queued.get() > 0) && Spin.more(end)) {
                            // watching for a push
                        }
                        workerSpin.spun(caught);
                    }
                } finally {
                    reqLock.lock();
                    spinners--;
                }
                // The lock was released: close, maxParallel or new work may have come meanwhile,
                // and their signals went to nobody. Look at everything again before parking.
                spun = true;
                continue;
            }
            idle++;
            try {
                if (queued.get() > 0) {
                    continue;    // pushed before it could see idle > 0: take it instead of parking
                }
                if (idle <= maxIdle) {
                    workAvailable.awaitUninterruptibly();
                } else {
                    long left = workAvailable.awaitNanos(idleTimeoutNanos);
                    if (left <= 0 && queued.get() == 0 && idle > maxIdle) {
                        started--;
                        w.countedOut = true;
                        return 0;
                    }
                }
            } catch (InterruptedException e) {
                // workers are never interrupted by jaio; treat it as a spurious wake-up
            } finally {
                idle--;
                waking = false;    // the wake-up in flight (if it was this one) has landed
            }
        }
    }

    /** Runs {@code t}; {@code last}: nothing else is claimed by this worker, so it may deliver and take the next. */
    private void execute(Task t, Worker w, boolean last) {
        Object result = null;
        Throwable error = null;
        try {
            result = runner.run(t, w);
        } catch (Throwable e) {
            error = e;
        }
        Task.Continuation then = t.continuation();
        if (then != null) {
            t.state(Task.DONE);
            try {
                then.done(result, error);
            } catch (Throwable e) {
                errorHandler.accept(e);
            } finally {
                requestDone();    // after the continuation, which may have queued its successors
            }
        } else {
            t.outcome(result, error);
            finished(t, last ? w : null);
        }
    }

    /**
     * A worker's request has finished. Under AUTO delivery on the threads backend, when nobody
     * else is delivering (the worker waits up to HANDOFF_SPIN_NANOS for pollLock, which every
     * delivery holds), the worker delivers it at once, the dispatcher is not woken, and a
     * callback that submits the next request has it taken by this same worker when it
     * returns — on a device, where every request needs its own blocked thread, that saves two
     * context switches per request. If other results wait by then, this one is published among
     * them and the worker delivers them all in priority order (deliverWaitingLocked, at most
     * WORKER_BATCH). If the lock stays held, the result is published for the dispatcher; a
     * result published meanwhile rings the descriptor and the dispatcher takes it.
     */
    private void finished(Task t, Worker w) {
        // While work is queued, only if the last result a worker delivered started a chain (its
        // callback submitted the next request): a flood submitted by an application thread is
        // served faster with the workers on the queue and the dispatcher delivering in batches
        // (100,000 stats: 1.4x), while chains of requests are faster delivered where they run.
        if (w != null && workersDeliver() && awaitDeliveryLock()) {
            try {
                selfTakerWorker = w;
                selfTaker = Thread.currentThread();
                try {
                    if (done.isEmpty() && resQueue.isEmpty()) {
                        t.state(Task.DONE);
                        deliverLocked(t);
                    } else {
                        // Results wait (one the dispatcher has not been scheduled to take yet,
                        // typically): this result takes its turn among them by priority, and
                        // this worker delivers them all. Leaving them, and this one, to the
                        // dispatcher made every worker finishing meanwhile publish too, each
                        // chain of requests broken: 25,000 of a million device reads.
                        publish(t);
                        deliverWaitingLocked();
                    }
                } finally {
                    selfTaker = null;
                    selfTakerWorker = null;
                }
                boolean chained = w.next != null;
                if (chaining != chained) {
                    chaining = chained;    // written on change only: every worker reads it
                }
                return;
            } finally {
                pollLock.unlock();
            }
        }
        publish(t);
    }

    /**
     * Delivers every waiting result on this worker, highest priority first, as pollCb does
     * (holding the count of the one it is on, so the descriptor is neither drained nor rung
     * in between), until none waits; pollLock held. The first request a callback submits is
     * claimed by this worker (selfTaker), the rest are queued.
     */
    private void deliverWaitingLocked() {
        boolean holding = false;
        try {
            // At most WORKER_BATCH: the request this worker claimed waits for the last callback,
            // and what is left keeps the descriptor readable for the dispatcher.
            for (int n = 0; n < WORKER_BATCH; n++) {
                if (!done.isEmpty()) {
                    drainDoneLocked();
                }
                Task t = resQueue.take();
                if (t == null) {
                    return;
                }
                if (holding) {
                    done.passOn();
                } else {
                    holding = true;
                    held++;
                }
                deliverLocked(t);
            }
        } finally {
            if (holding) {
                releaseHeld();
            }
        }
    }

    /**
     * True while workers deliver their own results (AUTO delivery; nothing queued, or the
     * callbacks chain: see finished). The dispatcher then only takes what they could not, and waits in poll(2) at
     * once: a dispatcher watching for results would take deliveries, and the lock, from the
     * workers. With work queued it watches as usual, and delivers in batches.
     */
    private boolean workersDeliver() {
        return workerDelivery && (chaining || queued.get() == 0);
    }

    /**
     * Takes pollLock for a worker's own delivery, waiting up to {@value #HANDOFF_SPIN_NANOS} ns
     * while another thread delivers (a callback is short); false if the lock stays held.
     */
    private boolean awaitDeliveryLock() {
        return Spin.tryLockFor(pollLock, HANDOFF_SPIN_NANOS);
    }

    /**
     * Pushes a finished task on the done stack (the push publishes its outcome); signals the
     * descriptor when pending goes 0 → 1.
     */
    private void publish(Task t) {
        t.state(Task.DONE);
        done.publish(t);
        Thread w = nestedWaiter;    // read after the push: one of the two sees the other
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    // ---------------------------------------------------------------- completion

    /** IO::AIO's poll_fileno: readable iff results wait. */
    public int pollFileno() {
        return resultFd.fd();
    }

    /**
     * Hands every waiting result to its owner on this thread, highest priority first, until
     * none waits or maxPollReqs / maxPollTime is reached. Returns how many were handled. A
     * callback may call pollCb again; the nested call takes from the same queue.
     *
     * <p>IO::AIO 4.80's max_outstanding: while more than maxOutstanding requests are
     * outstanding (not counting the ones whose callbacks this thread is running), pollCb does
     * not return but waits for results and handles them. Submission itself never blocks where
     * that could wait for itself, so this is where a MANUAL program is held back.
     *
     * <p>Each call keeps the pending count of the last result it took until it takes the next
     * one or returns, so pending cannot fall to 0 while results keep arriving during the call:
     * the descriptor, readable since the first of them, is then neither drained nor written
     * again. Before it returns, a call that still has requests in flight watches briefly for
     * one more result, for the same reason. Only a release (before waiting, or at the end) can
     * drain the descriptor.
     */
    public int pollCb() {
        releaseClaim();    // from a callback: what it claimed must not wait for it to return
        pollLock.lock();
        boolean holding = false;
        try {
            int limit = maxPollReqs;
            long maxTime = maxPollTimeNanos;
            long start = maxTime > 0 ? System.nanoTime() : 0;
            int n = 0;
            for (;;) {
                if (!done.isEmpty()) {
                    drainDoneLocked();
                }
                Task t = resQueue.take();
                if (t == null && ring != null && (ring.hasUnsubmitted() || ring.hasCompletions())) {
                    // The batch is delivered: hand the kernel what its callbacks queued, in one
                    // enter, and take what has completed (on cached data, most of it already).
                    ring.enterPublished();
                    if (ring.reap() > 0) {
                        continue;
                    }
                }
                if (t == null) {
                    if (holding && !workersDeliver() && awaitResultBriefly()) {
                        continue;
                    }
                    if (nreqs.get() - delivering > maxOutstanding) {
                        // Over the limit: wait for more results instead of returning. Let go of
                        // the held count first, or the descriptor would stay readable and the
                        // wait would not wait.
                        if (holding) {
                            holding = false;
                            releaseHeld();
                        }
                        pollWait();
                        continue;
                    }
                    if (n == 0 && ring != null && !holding) {
                        done.settle();    // woken by the kernel's signal for a completion already delivered
                    }
                    return n;
                }
                if (holding) {
                    done.passOn();    // the previous result's; t's own keeps it above 0
                } else {
                    holding = true;
                    held++;
                }
                deliverLocked(t);
                n++;
                if ((limit > 0 && n >= limit) || (maxTime > 0 && System.nanoTime() - start >= maxTime)) {
                    return n;
                }
            }
        } finally {
            if (ring != null) {
                try {
                    ring.enterPublished();    // a limit (maxPollReqs/Time) may end the batch early: strand nothing
                } catch (Throwable e) {
                    errorHandler.accept(e);   // the unlock below must run whatever happens
                }
            }
            if (holding) {
                releaseHeld();
            }
            pollLock.unlock();
        }
    }

    /** Hands one finished task to its owner (pollLock); it leaves nreqs once its callback returns. */
    private void deliverLocked(Task t) {
        delivering++;
        try {
            runner.deliver(t);
        } catch (Throwable e) {
            errorHandler.accept(e);
        } finally {
            delivering--;
        }
        requestDone();
    }

    /** Lets go of the pending count a pollCb call holds (pollLock); drains the descriptor at 0. */
    private void releaseHeld() {
        held--;
        done.release();
    }

    /**
     * Watches the done stack for up to {@value #TAIL_SPIN_NANOS} ns while requests other than
     * the ones this thread is delivering are outstanding; true if a result arrived.
     */
    private boolean awaitResultBriefly() {
        long end = Spin.deadline(TAIL_SPIN_NANOS);
        while (done.isEmpty() && !ringHasCompletions()) {
            if (nreqs.get() <= delivering || !Spin.more(end)) {
                return false;
            }
        }
        return true;
    }

    /** Moves the done stack, oldest first, into the result queue (pollLock). */
    private void drainDoneLocked() {
        resQueue.addStack(done.takeAll());
    }

    /** One request has left nreqs: wake submitters blocked on maxOutstanding and drainers. */
    private void requestDone() {
        int left = nreqs.decrementAndGet();
        if ((spaceWaiters > 0 && (left <= lowWater || eagerSpace)) || (left == 0 && drainWaiters)) {
            reqLock.lock();
            try {
                space.signalAll();
                threadsChanged.signalAll();
            } finally {
                reqLock.unlock();
            }
        }
    }

    /** IO::AIO's poll_wait: blocks until a result waits or nothing is outstanding. */
    public void pollWait() {
        if (resultsWait()) {
            return;    // nothing to wait for: no lend (a callback polling in a loop would churn threads)
        }
        boolean lent = lendWorker();
        try {
            awaitResults();
        } finally {
            if (lent) {
                endLend();
            }
        }
    }

    private void awaitResults() {
        if (resultsWait()) {
            return;
        }
        int own = ownDeliveries();
        // A result usually lands within microseconds; look for it before paying for poll(2).
        long budget = pollSpin.budget();
        if (budget > 0) {
            long end = System.nanoTime() + budget;
            while (!resultsWait() && nreqs.get() > own && Spin.more(end)) {
                // watching the result count
            }
            pollSpin.spun(resultsWait());
        }
        if (held > 0 && pollLock.isHeldByCurrentThread()) {
            // Inside a callback of this thread's own pollCb, which holds the count of the result
            // it is on: the descriptor is readable for that one and says nothing here (poll(2)
            // returned at once, and a flush in a callback spun a core). Sleep until a result is
            // published (publish wakes this thread); ring completions, which only the descriptor
            // announces, are looked for every 50 µs.
            long nap = ring != null ? NESTED_RING_NAP_NANOS : NESTED_NAP_NANOS;
            nestedWaiter = Thread.currentThread();
            try {
                while (nreqs.get() > own && !resultsWait()) {
                    LockSupport.parkNanos(this, nap);
                }
            } finally {
                nestedWaiter = null;
            }
            return;
        }
        Sys sys = Sys.current();
        while (nreqs.get() > own && !resultsWait()) {
            int r = sys.poll(resultFd.fd(), Sys.POLLIN, 100);
            if (r > 0) {
                return;
            }
        }
    }

    /** IO::AIO's poll: pollWait then pollCb. */
    public int poll() {
        pollWait();
        return pollCb();
    }

    /** Returns once nreqs is 0, handling results itself where nobody else would. */
    public void flush() {
        if (mode == Mode.MANUAL || pollLock.isHeldByCurrentThread()) {
            while (nreqs.get() > ownDeliveries()) {
                pollWait();
                pollCb();
            }
            return;
        }
        awaitDrained();
    }

    /** Requests whose callbacks this thread is running now (0 outside pollCb). */
    private int ownDeliveries() {
        return pollLock.isHeldByCurrentThread() ? delivering : 0;
    }

    private void awaitDrained() {
        reqLock.lock();
        try {
            drainWaiters = true;    // before reading nreqs, as with spaceWaiters
            while (nreqs.get() > 0) {
                threadsChanged.awaitUninterruptibly();
            }
        } finally {
            reqLock.unlock();
        }
    }

    private void dispatch() {
        try {
            dispatchLoop();
        } finally {
            if (dispatcherClosesFd) {
                closeDescriptors();
            }
        }
    }

    private void dispatchLoop() {
        Sys sys = Sys.current();
        while (!dispatcherStop) {
            long budget = workersDeliver() ? 0 : dispatchSpin.budget();    // as in pollWait
            if (budget > 0) {
                long end = System.nanoTime() + budget;
                while (!resultsWait() && !dispatcherStop && Spin.more(end)) {
                    // watching the result count
                }
                dispatchSpin.spun(resultsWait());
            }
            int r = resultsWait() ? 1 : sys.poll(resultFd.fd(), Sys.POLLIN, -1);
            if (dispatcherStop) {
                break;
            }
            if (r <= 0) {
                continue;    // EINTR
            }
            if (mode == Mode.AUTO) {
                pollCb();
                continue;
            }
            batchScheduled = true;
            Thread me = Thread.currentThread();
            try {
                executor.execute(() -> {
                    try {
                        pollCb();
                    } finally {
                        batchScheduled = false;
                        LockSupport.unpark(me);
                    }
                });
            } catch (RejectedExecutionException e) {
                errorHandler.accept(e);
                batchScheduled = false;
                pollCb();    // nothing may be lost: deliver on the dispatcher instead
            }
            while (batchScheduled && !dispatcherStop) {
                LockSupport.park(this);
            }
        }
    }

    // ---------------------------------------------------------------- counts and limits

    public int nreqs() {
        return nreqs.get();
    }

    /** Requests submitted, not yet started by a worker. */
    public int nready() {
        return ready.get();
    }

    /** Results waiting for pollCb. */
    public int npending() {
        return waiting();
    }

    /** Results wait for pollCb: published ones, or completions still in the ring. */
    private boolean resultsWait() {
        return waiting() > 0 || ringHasCompletions();
    }

    /** Results not yet taken by pollCb: pending without the counts pollCb calls hold. */
    private int waiting() {
        return done.count() - held;
    }

    public int nthreads() {
        return started;
    }

    /** IO::AIO's min_parallel: at least n threads may run; threads still start on demand. */
    public void minParallel(int n) {
        reqLock.lock();
        try {
            if (wanted < n) {
                wanted = n;
                startNeededWorkersLocked();
            }
        } finally {
            reqLock.unlock();
        }
    }

    /**
     * IO::AIO's max_parallel: at most n threads; blocks until surplus threads have exited (a
     * busy one exits after its request). 0 pauses execution; requests stay queued.
     */
    public void maxParallel(int n) {
        releaseClaim();    // from a callback: the claimed request is paused (or run) by the usual rules
        reqLock.lock();
        try {
            if (wanted > n) {
                wanted = n;
            }
            workAvailable.signalAll();
            // A callback run by a worker (AUTO delivery) cannot wait for its own thread: that
            // one exits, if it must, once the callback has returned.
            int self = Worker.current() != null ? 1 : 0;
            // Nor for a lent worker (one whose callback waits in flush): it leaves by itself
            // once that callback returns, and its wait may need the pause lifted first.
            while (started - lent - self > wanted) {
                threadsChanged.awaitUninterruptibly();
            }
        } finally {
            reqLock.unlock();
        }
    }

    /** Sets maxOutstanding; returns the previous value. */
    public int maxOutstanding(int n) {
        reqLock.lock();
        try {
            int old = maxOutstanding;
            maxOutstanding = n;
            lowWater = n - Math.max(1, n / 4);
            space.signalAll();
            return old;
        } finally {
            reqLock.unlock();
        }
    }

    public void maxPollReqs(int n) {
        maxPollReqs = n;
    }

    public void maxPollTime(Duration d) {
        maxPollTimeNanos = d.toNanos();
    }

    public void maxIdle(int n) {
        reqLock.lock();
        try {
            maxIdle = n;
            workAvailable.signalAll();
        } finally {
            reqLock.unlock();
        }
    }

    public void idleTimeout(Duration d) {
        reqLock.lock();
        try {
            idleTimeoutNanos = d.toNanos();
            workAvailable.signalAll();
        } finally {
            reqLock.unlock();
        }
    }

    public Mode mode() {
        return mode;
    }

    // ---------------------------------------------------------------- close

    /**
     * Refuses new requests, cancels the queued ones if asked (their owners are told
     * {@link CancellationException} by {@code onCancel}), lets the rest finish and be delivered,
     * joins every thread and closes the descriptor. A second call returns at once.
     */
    public void close(boolean cancelQueued, Consumer<Task> onCancel) {
        releaseClaim();    // close(true) from a callback cancels what that callback claimed too
        List<Task> cancelled = new ArrayList<>();
        reqLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (cancelQueued) {
                // Requests pushed after this drain were accepted before close and still run.
                drainInboxLocked();
                for (Task t; (t = reqQueue.take()) != null; ) {
                    if (t.moveFrom(Task.QUEUED, Task.CANCELLED)) {
                        queued.decrementAndGet();
                        ready.decrementAndGet();
                        cancelled.add(t);
                    }
                }
            }
            startNeededWorkersLocked();
        } finally {
            reqLock.unlock();
        }
        for (Task t : cancelled) {
            if (t.continuation() != null) {
                try {
                    t.continuation().done(null, new CancellationException("jaio: closed"));    // its composite fails
                } catch (Throwable e) {
                    errorHandler.accept(e);
                } finally {
                    requestDone();
                }
            } else {
                try {
                    onCancel.accept(t);
                } catch (Throwable e) {
                    errorHandler.accept(e);
                } finally {
                    requestDone();
                }
            }
        }
        flush();
        reqLock.lock();
        List<Thread> toJoin;
        try {
            wanted = 0;
            workAvailable.signalAll();
            toJoin = new ArrayList<>(threads);
        } finally {
            reqLock.unlock();
        }
        // Called from a callback a worker runs (AUTO delivery): that worker exits once the
        // callback returns, and the dispatcher may be waiting for the pollLock it holds.
        boolean onDeliveringWorker = toJoin.remove(Thread.currentThread());
        joinAll(toJoin);
        if (dispatcher != null) {
            // Set before the stop, which the dispatcher may see at once, without pollLock.
            dispatcherClosesFd = onDeliveringWorker;
            dispatcherStop = true;
            resultFd.signal(Sys.current());    // wakes the dispatcher's poll(2)
            LockSupport.unpark(dispatcher);
            if (Thread.currentThread() != dispatcher && !onDeliveringWorker) {
                joinAll(List.of(dispatcher));
            }
        }
        if (onDeliveringWorker && dispatcher != null) {
            // The dispatcher may still be about to poll(2) the descriptor: it closes it itself
            // on its way out, once this callback has let go of pollLock.
            return;
        }
        closeDescriptors();
    }

    /** Unmaps the ring and closes the result descriptor, once nothing can touch them. */
    private void closeDescriptors() {
        // Workers and the dispatcher are gone; pollLock keeps a late pollCb's drain off a
        // descriptor number that may be reused once closed.
        pollLock.lock();
        try {
            if (ring != null) {
                ring.close();    // nothing is in flight: flush has seen nreqs at 0
            }
            Sys sys = Sys.current();
            done.close(() -> resultFd.close(sys));    // under the bell's lock: no late ring reaches it
        } finally {
            pollLock.unlock();
        }
    }

    private static void joinAll(List<Thread> ts) {
        boolean interrupted = false;
        for (Thread t : ts) {
            for (;;) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
