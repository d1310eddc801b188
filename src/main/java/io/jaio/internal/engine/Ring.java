package io.jaio.internal.engine;

import io.jaio.internal.sys.Errno;
import io.jaio.internal.sys.Sys;
import io.jaio.internal.sys.Uring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An io_uring instance in pure FFM: the submission and completion rings mapped as segments,
 * their heads and tails read with acquire and written with release semantics, as the kernel
 * expects of a userspace peer.
 *
 * <p><b>Submission</b> (any thread): under {@code sqLock} a task takes a slot (its index is the
 * SQE's user_data), the runner fills an SQE, and the tail is published. Then one thread at a
 * time calls io_uring_enter for everything published so far: a thread that finds another
 * entering leaves its SQE to it, and the one entering looks again before it stops, so a burst
 * of submissions from several threads costs one syscall, and none is stranded. Inside pollCb
 * the enter is deferred: the callbacks of a batch of results queue their next requests, and
 * pollCb hands them all to the kernel with one enter before it waits or returns — with 64
 * reads in flight, one syscall submits (and on cached data completes) dozens of them.
 *
 * <p><b>Completion</b>: whoever reaps (one at a time, {@code cqLock}) turns each CQE back into
 * its task, lets the runner make the result, and hands it to the engine, which publishes it
 * to pollCb like a worker's. The submitter reaps right after its enter, since on cached data
 * the kernel completes the request inside that very syscall; pollCb, pollWait and the
 * dispatcher reap what completes later. The engine's result eventfd is registered with
 * IORING_REGISTER_EVENTFD, so every completion makes it readable, wherever the kernel posts it
 * (inline, from an io-wq worker, or from task work after a device interrupt; EVENTFD_ASYNC
 * would miss the last, and a request would wait for the next poll). The kernel signals after
 * it publishes the CQE, so a reaper may take and deliver it before the signal lands: the
 * descriptor can then be readable with nothing waiting, and pollCb, finding nothing, drains it
 * (Results.settle). A reaper looks at the ring again after letting go of cqLock: a CQE posted
 * while another thread held it is never left behind.
 *
 * <p>At most {@code slots} requests are in flight (the completion ring's size, so it cannot
 * overflow); a request that finds no slot or a full submission ring is run by a worker instead.
 */
final class Ring {
    /** What the engine does with a completion: make the result and publish the task. */
    interface Completion {
        void completed(Task t, int res, Object aux);
    }

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle ENTERING;

    static {
        try {
            ENTERING = MethodHandles.lookup().findVarHandle(Ring.class, "entering", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int fd;
    private final Runner runner;
    private final Completion completion;
    private final MemorySegment sqRing, cqRing, sqes;
    private final long sqHead, sqTail, cqHead, cqTail, cqes;
    private final int sqMask, sqEntries, cqMask;
    private final Sqe sqe;

    private final ReentrantLock sqLock = new ReentrantLock();
    private int tail;                      // sqLock: our copy of the SQ tail
    private final Task[] slots;            // slot → task in flight
    private final Object[] aux;            // slot → the runner's extra
    private final int[] free;              // sqLock: free slot stack
    private int freeTop;
    private volatile int published;        // SQEs published (tail), as seen by enterers
    private int submitted;                 // written by the one entering thread only
    private volatile boolean entering;
    /**
     * The last enter's requests did not complete inside it (they wait on a device): a deferred
     * batch is then handed over every {@value #EARLY_BATCH} SQEs instead of at its end. On
     * cached data the kernel completes a read inside the enter and one enter per batch saves
     * syscalls; on a device, the reads a batch's first callbacks queued would otherwise wait
     * for its last callback. On the virtual disk this was measured on, the batches fell into
     * step (all 64 reads in flight completed together, and the device idled while they were
     * delivered and resubmitted): 0.71-0.78× fio's reads per second, 0.82-0.99× handing them
     * over in twos (README, Backends). A hint, written by the entering thread: its count of
     * completions posted during the enter may include other requests', and the next enter
     * corrects it.
     */
    private volatile boolean deviceBound;
    private static final int EARLY_BATCH = 2;

    private final ReentrantLock cqLock = new ReentrantLock();

    private Ring(int fd, Runner runner, Completion completion, MemorySegment params, MemorySegment sqRing,
                 MemorySegment cqRing, MemorySegment sqes, boolean[] supported) {
        this.fd = fd;
        this.runner = runner;
        this.completion = completion;
        this.sqRing = sqRing;
        this.cqRing = cqRing;
        this.sqes = sqes;
        long sqOff = Uring.PARAMS_SQ_OFF, cqOff = Uring.PARAMS_CQ_OFF;
        sqHead = params.get(ValueLayout.JAVA_INT, sqOff + Uring.SQ_HEAD);
        sqTail = params.get(ValueLayout.JAVA_INT, sqOff + Uring.SQ_TAIL);
        sqMask = sqRing.get(ValueLayout.JAVA_INT, params.get(ValueLayout.JAVA_INT, sqOff + Uring.SQ_RING_MASK));
        sqEntries = params.get(ValueLayout.JAVA_INT, Uring.PARAMS_SQ_ENTRIES);
        cqHead = params.get(ValueLayout.JAVA_INT, cqOff + Uring.CQ_HEAD);
        cqTail = params.get(ValueLayout.JAVA_INT, cqOff + Uring.CQ_TAIL);
        cqMask = cqRing.get(ValueLayout.JAVA_INT, params.get(ValueLayout.JAVA_INT, cqOff + Uring.CQ_RING_MASK));
        cqes = params.get(ValueLayout.JAVA_INT, cqOff + Uring.CQ_CQES);
        int cqEntries = params.get(ValueLayout.JAVA_INT, Uring.PARAMS_CQ_ENTRIES);
        // The SQ index array maps ring positions to SQEs one to one, once and for all.
        long array = params.get(ValueLayout.JAVA_INT, sqOff + Uring.SQ_ARRAY);
        for (int i = 0; i < sqEntries; i++) {
            sqRing.set(ValueLayout.JAVA_INT, array + 4L * i, i);
        }
        tail = (int) INT.getAcquire(sqRing, sqTail);
        published = tail;
        submitted = tail;
        slots = new Task[cqEntries];
        aux = new Object[cqEntries];
        free = new int[cqEntries];
        for (int i = 0; i < cqEntries; i++) {
            free[i] = cqEntries - 1 - i;
        }
        freeTop = cqEntries;
        sqe = new Sqe(sqes, supported, cqEntries);
    }

    /**
     * Sets up a ring of {@code entries} SQEs whose asynchronous completions make
     * {@code eventFd} readable. Throws {@link UnsupportedOperationException} with the reason
     * where the kernel refuses (ENOSYS: no io_uring; EPERM: seccomp or kernel.io_uring_disabled)
     * or lacks what jaio needs.
     */
    static Ring open(int entries, int eventFd, Runner runner, Completion completion) {
        Sys sys = Sys.current();
        Arena arena = Arena.ofConfined();
        try (arena) {
            MemorySegment params = arena.allocate(Uring.PARAMS_SIZE, 8);
            // SUBMIT_ALL (5.18): an SQE the kernel refuses (a bad descriptor) gets a CQE with its
            // errno, like any failure, instead of stopping the submission of those after it.
            params.set(ValueLayout.JAVA_INT, Uring.PARAMS_FLAGS, Uring.SETUP_SUBMIT_ALL);
            int fd = sys.ioUringSetup(entries, params);
            if (fd == -Errno.EINVAL) {
                throw new UnsupportedOperationException("io_uring_setup: EINVAL for IORING_SETUP_SUBMIT_ALL (Linux < 5.18)");
            }
            if (fd < 0) {
                throw new UnsupportedOperationException("io_uring_setup: " + Errno.name(-fd) + " (" + Errno.describe(-fd) + ")");
            }
            MemorySegment sqRing = null, cqRing = null, sqes = null;
            try {
                int features = params.get(ValueLayout.JAVA_INT, Uring.PARAMS_FEATURES);
                if ((features & Uring.FEAT_SINGLE_MMAP) == 0 || (features & Uring.FEAT_NODROP) == 0) {
                    throw new UnsupportedOperationException("io_uring: the kernel lacks IORING_FEAT_SINGLE_MMAP or NODROP (Linux < 5.5)");
                }
                int sqN = params.get(ValueLayout.JAVA_INT, Uring.PARAMS_SQ_ENTRIES);
                int cqN = params.get(ValueLayout.JAVA_INT, Uring.PARAMS_CQ_ENTRIES);
                long sqArray = params.get(ValueLayout.JAVA_INT, Uring.PARAMS_SQ_OFF + Uring.SQ_ARRAY);
                long cqEnd = params.get(ValueLayout.JAVA_INT, Uring.PARAMS_CQ_OFF + Uring.CQ_CQES) + cqN * Uring.CQE_SIZE;
                long ringSize = Math.max(sqArray + 4L * sqN, cqEnd);
                int[] err = new int[1];
                sqRing = sys.mmapShared(fd, ringSize, Uring.OFF_SQ_RING, err);
                if (sqRing == null) {
                    throw new UnsupportedOperationException("io_uring: mmap of the rings: " + Errno.name(err[0]));
                }
                cqRing = sqRing;    // IORING_FEAT_SINGLE_MMAP: one mapping holds both rings
                sqes = sys.mmapShared(fd, sqN * Uring.SQE_SIZE, Uring.OFF_SQES, err);
                if (sqes == null) {
                    throw new UnsupportedOperationException("io_uring: mmap of the SQEs: " + Errno.name(err[0]));
                }
                boolean[] supported = probe(sys, fd, arena);
                for (int op : new int[] {Uring.OP_NOP, Uring.OP_READ, Uring.OP_WRITE, Uring.OP_FSYNC}) {
                    if (!supported[op]) {
                        throw new UnsupportedOperationException("io_uring: the kernel lacks opcode " + op + " (Linux < 5.6)");
                    }
                }
                int r = sys.ioUringRegister(fd, Uring.REGISTER_EVENTFD, eventFdArg(arena, eventFd), 1);
                if (r < 0) {
                    throw new UnsupportedOperationException("io_uring_register(EVENTFD): " + Errno.name(-r));
                }
                return new Ring(fd, runner, completion, params, sqRing, cqRing, sqes, supported);
            } catch (RuntimeException e) {
                if (sqes != null) sys.munmap(sqes);
                if (sqRing != null) sys.munmap(sqRing);
                sys.close(fd);
                throw e;
            }
        }
    }

    private static MemorySegment eventFdArg(Arena arena, int eventFd) {
        MemorySegment s = arena.allocate(4, 4);
        s.set(ValueLayout.JAVA_INT, 0, eventFd);
        return s;
    }

    /** IORING_REGISTER_PROBE: which opcodes this kernel supports. */
    private static boolean[] probe(Sys sys, int fd, Arena arena) {
        int n = 256;
        MemorySegment p = arena.allocate(Uring.PROBE_SIZE + n * Uring.PROBE_OP_SIZE, 8);
        int r = sys.ioUringRegister(fd, Uring.REGISTER_PROBE, p, n);
        if (r < 0) {
            throw new UnsupportedOperationException("io_uring_register(PROBE): " + Errno.name(-r) + " (Linux < 5.6)");
        }
        int last = Byte.toUnsignedInt(p.get(ValueLayout.JAVA_BYTE, Uring.PROBE_LAST_OP));
        boolean[] ok = new boolean[Math.max(last, Uring.OP_LAST) + 1];
        for (int op = 0; op <= last && op < n; op++) {
            short flags = p.get(ValueLayout.JAVA_SHORT, Uring.PROBE_OPS + op * Uring.PROBE_OP_SIZE + Uring.PROBE_OP_FLAGS);
            ok[op] = (flags & Uring.OP_SUPPORTED) != 0;
        }
        return ok;
    }

    /**
     * Submits {@code t} through the ring if the runner can express it as an SQE and there is
     * room; false (nothing done) otherwise, and a worker runs it. The task is RUNNING from
     * here on: cancel can no longer take it back, only drop its result at delivery.
     */
    boolean submit(Task t, boolean defer) {
        sqLock.lock();
        try {
            if (closed || freeTop == 0 || tail - (int) INT.getAcquire(sqRing, sqHead) >= sqEntries) {
                return false;
            }
            if (broken) {
                return false;
            }
            long base = (long) (tail & sqMask) * Uring.SQE_SIZE;
            sqe.at(base);
            sqe.slot(free[freeTop - 1]);    // the slot it takes if committed: its scratch memory
            try {
                if (!runner.prepare(t, sqe)) {
                    return false;
                }
            } catch (Throwable e) {
                return false;    // a worker runs it and meets the same problem as a request failure
            }
            if (!t.moveFrom(Task.QUEUED, Task.RUNNING)) {
                // Cancelled meanwhile (cancel counted it out of queued and ready): nothing is
                // published; the engine pushes it as usual, which counts it back in, and the
                // worker that meets it drops it, as for any cancelled queued task.
                runner.abandon(t, sqe.aux);
                return false;
            }
            runner.commit(t, sqe);    // the request runs now: side effects that must happen once
            int slot = free[--freeTop];
            slots[slot] = t;
            aux[slot] = sqe.aux;
            sqes.set(ValueLayout.JAVA_LONG, base + Uring.SQE_USER_DATA, slot);
            tail++;
            INT.setRelease(sqRing, sqTail, tail);
            published = tail;
        } finally {
            sqLock.unlock();
        }
        if (!defer || (deviceBound && published - submitted >= EARLY_BATCH)) {
            enterPublished();
            reap();
        }
        return true;
    }

    /**
     * io_uring_enter failed for good (ENOMEM for the thread's io_uring context, EBADF after
     * close): every SQE published and not yet taken by the kernel completes with that errno,
     * as the kernel would have completed it, and the ring takes no more (workers run
     * everything from here on). Called by the one thread entering.
     */
    private void failUnsubmitted(int res) {
        java.util.List<Object[]> failed = new java.util.ArrayList<>();
        sqLock.lock();
        try {
            broken = true;
            for (int pos = submitted; pos != tail; pos++) {
                long base = (long) (pos & sqMask) * Uring.SQE_SIZE;
                int slot = (int) sqes.get(ValueLayout.JAVA_LONG, base + Uring.SQE_USER_DATA);
                failed.add(new Object[] {slots[slot], aux[slot]});
                slots[slot] = null;
                aux[slot] = null;
                free[freeTop++] = slot;
            }
            submitted = tail;
        } finally {
            sqLock.unlock();
        }
        for (Object[] f : failed) {
            completion.completed((Task) f[0], runner.unsubmitted((Task) f[0], res, f[1]), f[1]);
        }
    }

    /** True if SQEs are published and not yet handed to the kernel (a deferred batch). */
    boolean hasUnsubmitted() {
        return published != submitted;
    }

    /** io_uring_enter for every SQE published and not yet submitted, by one thread at a time. */
    void enterPublished() {
        Sys sys = null;
        do {
            if (entering || !ENTERING.compareAndSet(this, false, true)) {
                return;    // the thread entering will see our SQE before it stops
            }
            try {
                for (int n; (n = published - submitted) > 0; ) {
                    if (sys == null) {
                        sys = Sys.current();
                    }
                    int cqBefore = (int) INT.getAcquire(cqRing, cqTail);
                    int r = sys.ioUringEnter(fd, n, 0, 0);
                    if (r > 0) {
                        submitted += r;
                        // The kernel posts what completes inline before the enter returns: if
                        // fewer than half of these did, they wait on a device (see deviceBound).
                        deviceBound = 2 * ((int) INT.getAcquire(cqRing, cqTail) - cqBefore) < r;
                    } else if (r == 0 || r == -Errno.EINTR || r == -Errno.EAGAIN || r == -Errno.EBUSY) {
                        Thread.yield();    // the kernel is short of memory or CQ room for a moment: try again
                    } else {
                        failUnsubmitted(r);    // never throw: published SQEs would be stranded
                    }
                }
            } finally {
                entering = false;
            }
        } while (published != submitted);    // published after our last look, while we were still entering
    }

    /** True if completions wait in the ring (a hint: read without cqLock). */
    boolean hasCompletions() {
        return (int) INT.getAcquire(cqRing, cqTail) != (int) INT.getAcquire(cqRing, cqHead);
    }

    /** Hands every completion waiting in the ring to the engine; returns how many. */
    int reap() {
        int n = 0;
        do {
            if (!cqLock.tryLock()) {
                return n;    // the holder looks again after letting go
            }
            try {
                int head = (int) INT.getAcquire(cqRing, cqHead);
                int end = (int) INT.getAcquire(cqRing, cqTail);
                while (head != end) {
                    long c = cqes + (long) (head & cqMask) * Uring.CQE_SIZE;
                    int slot = (int) cqRing.get(ValueLayout.JAVA_LONG, c + Uring.CQE_USER_DATA);
                    int res = cqRing.get(ValueLayout.JAVA_INT, c + Uring.CQE_RES);
                    head++;
                    INT.setRelease(cqRing, cqHead, head);    // the CQE is copied out: the kernel may reuse it
                    Task t = slots[slot];
                    Object x = aux[slot];
                    slots[slot] = null;
                    aux[slot] = null;
                    // The result is made before the slot is free: it may read the slot's scratch memory.
                    try {
                        completion.completed(t, res, x);
                    } finally {
                        sqLock.lock();
                        try {
                            free[freeTop++] = slot;
                        } finally {
                            sqLock.unlock();
                        }
                    }
                    n++;
                    if (head == end) {
                        end = (int) INT.getAcquire(cqRing, cqTail);
                    }
                }
            } finally {
                cqLock.unlock();
            }
        } while (hasCompletions());
        return n;
    }

    /** Unmaps the rings once this object is unreachable: a late reader (see {@link #close}) never touches freed memory. */
    private static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create();

    private boolean closed;    // sqLock
    /** enter failed for good: the ring takes no more SQEs (sqLock). */
    private boolean broken;

    /**
     * Closes the ring's descriptor, once nothing is in flight; later submissions are refused
     * (run by workers, which a closed engine refuses in turn). The mappings stay until this
     * object is unreachable, so a thread still asking {@link #hasCompletions} (a dispatcher that
     * outlives close when a callback closed the engine) reads valid memory; the kernel frees
     * the ring with its last mapping.
     */
    void close() {
        sqLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            sqLock.unlock();
        }
        // An application thread that reaped a completion may still be handing it over (publish
        // rings the result descriptor): wait for it before the engine closes that descriptor.
        cqLock.lock();
        cqLock.unlock();
        Sys.current().close(fd);
        MemorySegment a = sqes, b = sqRing;
        CLEANER.register(this, () -> {
            Sys sys = Sys.current();
            sys.munmap(a);
            sys.munmap(b);
        });
    }
}
