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
import java.util.function.Consumer;

/**
 * libeio's thread pool, in Java: a request queue and a result queue, both ordered by priority,
 * worker threads started on demand up to {@code wanted}, and a result descriptor that is
 * readable iff results wait. Results are handed to their owners only inside {@link #pollCb},
 * on the caller's thread, one at a time.
 *
 * <p>Locks: {@code reqLock} guards the request queue and the thread counts; {@code resLock}
 * guards the result queue and the descriptor's state; {@code pollLock} serialises pollCb.
 * The engine never holds two of them at once except pollLock → resLock and pollLock → reqLock.
 */
public final class Engine {
    /** Checks of the result count pollWait makes before it blocks in poll(2). */
    private static final int SPIN_CHECKS = 2000;
    /** How long an idle worker (one at a time) watches for new work before it parks. */
    private static final long SPIN_NANOS = 30_000;

    /** How results reach their owners. */
    public enum Mode { MANUAL, AUTO, EXECUTOR }

    private final Runner runner;
    private final Mode mode;
    private final Executor executor;                 // EXECUTOR mode only
    private final boolean virtualWorkers;
    private final Consumer<Throwable> errorHandler;  // callbacks that throw, rejected executors

    private final ReentrantLock reqLock = new ReentrantLock();
    private final Condition workAvailable = reqLock.newCondition();
    private final Condition threadsChanged = reqLock.newCondition();
    private final Condition space = reqLock.newCondition();
    private final TaskQueue reqQueue = new TaskQueue();          // reqLock
    /** reqQueue.size(), readable without reqLock (written under it); what a spinning worker watches. */
    private volatile int queued;
    private int spinners;                                        // reqLock; workers spinning for work
    private int wanted;                                          // reqLock; IO::AIO's min/max_parallel
    private int started;                                         // reqLock; live worker threads
    private int idle;                                            // reqLock; workers waiting for work
    private int running;                                         // reqLock; workers executing a request
    private int maxIdle = 4;                                     // reqLock
    private long idleTimeoutNanos = TimeUnit.SECONDS.toNanos(10); // reqLock
    private int maxOutstanding = Integer.MAX_VALUE;              // reqLock
    private volatile int spaceWaiters;                           // written under reqLock
    private boolean closed;                                      // reqLock; written once
    private final List<Thread> threads = new ArrayList<>();     // reqLock
    private int threadSeq;                                       // reqLock

    private final ReentrantLock resLock = new ReentrantLock();
    private final TaskQueue resQueue = new TaskQueue();          // resLock
    /** resQueue.size(), readable without resLock (written under it); for cheap polling. */
    private volatile int pending;
    /** pollLock: the batch an outermost pollCb takes under one resLock acquisition. */
    private final Task[] batch = new Task[64];
    private final ResultFd resultFd;

    private final ReentrantLock pollLock = new ReentrantLock();
    /**
     * pollLock: deliveries in progress on the thread holding pollLock (more than one when a
     * callback calls pollCb). Their requests still count in nreqs until they return, so a
     * flush or close from inside a callback waits for nreqs to fall to this, not to 0.
     */
    private int delivering;
    private volatile int maxPollReqs;                            // 0 = no limit
    private volatile long maxPollTimeNanos;                      // 0 = no limit

    /** Requests from submission until their owner has been told; IO::AIO's nreqs. */
    private final AtomicInteger nreqs = new AtomicInteger();
    /** Waiters in flush()/close() for nreqs to reach 0; written under reqLock. */
    private volatile boolean drainWaiters;

    private final Thread dispatcher;                             // AUTO and EXECUTOR modes
    private volatile boolean dispatcherStop;
    private volatile boolean batchScheduled;                     // EXECUTOR mode

    public Engine(Runner runner, Mode mode, Executor executor, boolean virtualWorkers, int wanted,
                  Consumer<Throwable> errorHandler) {
        this.runner = runner;
        this.mode = mode;
        this.executor = executor;
        this.virtualWorkers = virtualWorkers;
        this.wanted = wanted;
        this.errorHandler = errorHandler;
        this.resultFd = new ResultFd(Sys.current());
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
        return new Task(request, pri, owner, null, Task.QUEUED);
    }

    /**
     * Queues {@code t}; counts it in nreqs until its owner has been told. Blocks while
     * maxOutstanding requests are outstanding (handling results itself where nobody else would).
     *
     * @throws IllegalStateException if the engine is closed
     */
    public void submit(Task t) {
        reqLock.lock();
        try {
            while (!closed && nreqs.get() >= maxOutstanding) {
                if (mode == Mode.MANUAL || pollLock.isHeldByCurrentThread()) {
                    // Nobody else will run pollCb for us (or we are inside it): do as IO::AIO does.
                    reqLock.unlock();
                    try {
                        pollWait();
                        pollCb();
                    } finally {
                        reqLock.lock();
                    }
                } else {
                    // Announce the wait before re-reading nreqs; requestDone decrements nreqs
                    // before reading spaceWaiters, so one of the two always sees the other.
                    spaceWaiters++;
                    try {
                        if (nreqs.get() >= maxOutstanding) {
                            space.awaitUninterruptibly();
                        }
                    } finally {
                        spaceWaiters--;
                    }
                }
            }
            checkOpen();
            nreqs.incrementAndGet();
            enqueueLocked(t);
        } finally {
            reqLock.unlock();
        }
    }

    /**
     * Queues an internal child of a group: not counted in nreqs (its group is), and its
     * continuation runs on the worker as soon as it finishes. Children are never refused,
     * even while closing, so a group in flight always finishes.
     */
    public void submitChild(Object request, int pri, Task.Continuation then) {
        Task t = new Task(request, pri, null, then, Task.QUEUED);
        reqLock.lock();
        try {
            enqueueLocked(t);
        } finally {
            reqLock.unlock();
        }
    }

    /** A group: a task with no work of its own, counted in nreqs until {@link #finish}. */
    public Task startGroup(Object request, int pri, Object owner) {
        Task t = new Task(request, pri, owner, null, Task.GROUP);
        reqLock.lock();
        try {
            checkOpen();
            nreqs.incrementAndGet();
        } finally {
            reqLock.unlock();
        }
        return t;
    }

    /** Completes a group with its outcome; it is delivered like any result. */
    public void finish(Task group, Object result, Throwable error) {
        group.result = result;
        group.error = error;
        publish(group);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("jaio: this Aio is closed; no new requests are accepted");
        }
    }

    private void enqueueLocked(Task t) {
        reqQueue.add(t);
        queued = reqQueue.size();
        if (closed && wanted == 0) {
            wanted = 1;    // a paused engine must still finish what it accepted before close
        }
        // Wake an idle worker, or start one if every live worker is busy with earlier requests.
        if (idle > 0) {
            workAvailable.signal();
        }
        if (started < wanted && started - running < reqQueue.size()) {
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
     * Cancels {@code t} if it is still queued: it is unlinked and will never run;
     * {@code onCancelled} tells its owner before the request stops counting in nreqs.
     * Returns false if it is running, done, a group, or already cancelled.
     */
    public boolean cancel(Task t, Runnable onCancelled) {
        reqLock.lock();
        try {
            if (t.state != Task.QUEUED) {
                return false;
            }
            reqQueue.remove(t);
            queued = reqQueue.size();
            t.state = Task.CANCELLED;
        } finally {
            reqLock.unlock();
        }
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
        boolean wasRunning = false;
        try {
            for (;;) {
                Task t;
                reqLock.lock();
                try {
                    if (wasRunning) {
                        running--;    // the previous request, counted down under this same lock
                        wasRunning = false;
                    }
                    t = awaitTaskLocked();
                    if (t == null) {
                        return;
                    }
                    t.state = Task.RUNNING;
                    running++;
                    wasRunning = true;
                } finally {
                    reqLock.unlock();
                }
                execute(t, w);
            }
        } finally {
            w.close();
            reqLock.lock();
            try {
                if (wasRunning) {
                    running--;
                }
                started--;
                threads.remove(Thread.currentThread());
                threadsChanged.signalAll();
            } finally {
                reqLock.unlock();
            }
        }
    }

    /**
     * The next task, or null when this worker should exit: there are more workers than
     * wanted, or it idled past the timeout while more than maxIdle others idle too.
     */
    private Task awaitTaskLocked() {
        boolean spun = false;
        for (;;) {
            if (started > wanted) {
                return null;
            }
            Task t = reqQueue.take();
            if (t != null) {
                queued = reqQueue.size();
                return t;
            }
            if (closed) {
                return null;
            }
            if (spinners == 0 && !spun) {
                // One worker at a time looks for new work briefly before it parks: a request
                // that follows closely is then picked up without a futex wake-up. Bounded, so
                // an idle engine burns at most SPIN_NANOS of one core per lull.
                spinners++;
                reqLock.unlock();
                try {
                    long end = System.nanoTime() + SPIN_NANOS;
                    while (queued == 0 && System.nanoTime() < end) {
                        Thread.onSpinWait();
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
                if (idle <= maxIdle) {
                    workAvailable.awaitUninterruptibly();
                } else {
                    long left = workAvailable.awaitNanos(idleTimeoutNanos);
                    if (left <= 0 && reqQueue.isEmpty() && idle > maxIdle) {
                        return null;
                    }
                }
            } catch (InterruptedException e) {
                // workers are never interrupted by jaio; treat it as a spurious wake-up
            } finally {
                idle--;
            }
        }
    }

    private void execute(Task t, Worker w) {
        try {
            t.result = runner.run(t.request, w);
        } catch (Throwable e) {
            t.error = e;
        }
        if (t.continuation != null) {
            t.state = Task.DONE;
            try {
                t.continuation.done(t.result, t.error);
            } catch (Throwable e) {
                errorHandler.accept(e);
            }
        } else {
            publish(t);
        }
    }

    /** Moves a finished task to the result queue; signals the descriptor on empty → non-empty. */
    private void publish(Task t) {
        resLock.lock();
        try {
            t.state = Task.DONE;
            boolean wasEmpty = resQueue.isEmpty();
            resQueue.add(t);
            pending = resQueue.size();
            if (wasEmpty) {
                // The eventfd write orders this task's outcome before any reader that polls it.
                resultFd.signal(Sys.current());
            }
        } finally {
            resLock.unlock();
        }
    }

    // ---------------------------------------------------------------- completion

    /** IO::AIO's poll_fileno: readable iff results wait. */
    public int pollFileno() {
        return resultFd.fd();
    }

    /**
     * Hands every waiting result to its owner on this thread, highest priority first, until the
     * queue is empty or maxPollReqs / maxPollTime is reached. Returns how many were handled.
     */
    public int pollCb() {
        pollLock.lock();
        try {
            int limit = maxPollReqs;
            long maxTime = maxPollTimeNanos;
            long start = maxTime > 0 ? System.nanoTime() : 0;
            // A callback may call pollCb again (directly, or by blocking on maxOutstanding); the
            // nested call must not reuse the batch the outer call is still delivering from.
            Task[] batch = delivering == 0 ? this.batch : new Task[8];
            int n = 0;
            boolean more = true;
            while (more) {
                // Take a batch in queue order (priority, then completion) under one lock.
                int room = limit > 0 ? Math.min(batch.length, limit - n) : batch.length;
                int k = 0;
                resLock.lock();
                try {
                    for (Task t; k < room && (t = resQueue.take()) != null; ) {
                        batch[k++] = t;
                    }
                    pending = resQueue.size();
                    if (pending == 0) {
                        resultFd.reset(Sys.current());
                    }
                } finally {
                    resLock.unlock();
                }
                if (k == 0) {
                    break;
                }
                int i = 0;
                while (i < k && more) {
                    Task t = batch[i];
                    batch[i++] = null;
                    delivering++;
                    try {
                        runner.deliver(t);
                    } catch (Throwable e) {
                        errorHandler.accept(e);
                    } finally {
                        delivering--;
                    }
                    requestDone();
                    n++;
                    if ((limit > 0 && n >= limit) || (maxTime > 0 && System.nanoTime() - start >= maxTime)) {
                        more = false;
                    }
                }
                if (i < k) {
                    requeue(batch, i, k);    // over the time limit: hand back the rest, in order
                }
            }
            return n;
        } finally {
            pollLock.unlock();
        }
    }

    /** Puts batch[from, to) back at the heads of their priorities, in order (pollCb stopped early). */
    private void requeue(Task[] batch, int from, int to) {
        resLock.lock();
        try {
            boolean wasEmpty = resQueue.isEmpty();
            for (int i = to - 1; i >= from; i--) {
                resQueue.addFirst(batch[i]);
                batch[i] = null;
            }
            pending = resQueue.size();
            if (wasEmpty) {
                resultFd.signal(Sys.current());
            }
        } finally {
            resLock.unlock();
        }
    }

    /** One request has left nreqs: wake submitters blocked on maxOutstanding and drainers. */
    private void requestDone() {
        int left = nreqs.decrementAndGet();
        if (spaceWaiters > 0 || (left == 0 && drainWaiters)) {
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
        // A result usually lands within microseconds; look for it before paying for poll(2).
        for (int spin = 0; spin < SPIN_CHECKS && pending == 0 && nreqs.get() > ownDeliveries(); spin++) {
            Thread.onSpinWait();
        }
        Sys sys = Sys.current();
        while (nreqs.get() > ownDeliveries() && pending == 0) {
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
        Sys sys = Sys.current();
        while (!dispatcherStop) {
            for (int spin = 0; spin < SPIN_CHECKS && pending == 0 && !dispatcherStop; spin++) {
                Thread.onSpinWait();    // as in pollWait: a result often lands within microseconds
            }
            int r = pending > 0 ? 1 : sys.poll(resultFd.fd(), Sys.POLLIN, -1);
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

    /** Requests queued, not yet picked by a worker. */
    public int nready() {
        reqLock.lock();
        try {
            return reqQueue.size();
        } finally {
            reqLock.unlock();
        }
    }

    /** Results waiting for pollCb. */
    public int npending() {
        return pending;
    }

    public int nthreads() {
        reqLock.lock();
        try {
            return started;
        } finally {
            reqLock.unlock();
        }
    }

    /** IO::AIO's min_parallel: at least n threads may run; threads still start on demand. */
    public void minParallel(int n) {
        reqLock.lock();
        try {
            if (wanted < n) {
                wanted = n;
                while (started < wanted && started - running < reqQueue.size()) {
                    startWorkerLocked();
                }
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
        reqLock.lock();
        try {
            if (wanted > n) {
                wanted = n;
            }
            workAvailable.signalAll();
            while (started > wanted) {
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
        List<Task> cancelled = new ArrayList<>();
        reqLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (cancelQueued) {
                for (Task t; (t = reqQueue.take()) != null; ) {
                    t.state = Task.CANCELLED;
                    cancelled.add(t);
                }
                queued = 0;
            }
            if (wanted == 0 && !reqQueue.isEmpty()) {
                wanted = 1;    // a paused engine must still finish what it accepted
            }
            while (started < wanted && started - running < reqQueue.size()) {
                startWorkerLocked();
            }
        } finally {
            reqLock.unlock();
        }
        for (Task t : cancelled) {
            if (t.continuation != null) {
                t.continuation.done(null, new CancellationException("jaio: closed"));    // its group counts it
            } else {
                onCancel.accept(t);
                requestDone();
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
        joinAll(toJoin);
        if (dispatcher != null) {
            dispatcherStop = true;
            resLock.lock();
            try {
                resultFd.signal(Sys.current());    // wakes the dispatcher's poll(2)
            } finally {
                resLock.unlock();
            }
            LockSupport.unpark(dispatcher);
            if (Thread.currentThread() != dispatcher) {
                joinAll(List.of(dispatcher));
            }
        }
        resLock.lock();
        try {
            resultFd.close(Sys.current());
        } finally {
            resLock.unlock();
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
