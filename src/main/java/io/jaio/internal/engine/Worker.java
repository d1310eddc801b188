package io.jaio.internal.engine;

import java.lang.foreign.Arena;

/**
 * What a worker thread owns while it lives: a confined arena, closed when the thread exits,
 * and one slot for the runner's per-worker scratch (syscall capture memory, stat and dirent
 * buffers), created lazily from that arena. Only the worker's own thread touches either.
 */
public final class Worker {
    private final Arena arena = Arena.ofConfined();
    private Object local;
    /**
     * A request this worker claimed while delivering a result (AUTO delivery), to run next:
     * what that callback submitted first. Only this worker's thread touches it.
     */
    Task next;
    /** reqLock: the engine has already taken this worker out of its live count (it is exiting). */
    boolean countedOut;

    /** The Worker of the current thread, or null on any thread that is not a jaio worker. */
    private static final ThreadLocal<Worker> CURRENT = new ThreadLocal<>();

    Worker() {
        CURRENT.set(this);
    }

    /** This thread's Worker, or null if it is not a jaio worker thread. */
    static Worker current() {
        return CURRENT.get();
    }

    public Arena arena() {
        return arena;
    }

    /** The runner's scratch for this worker, or null before the runner sets it. */
    public Object local() {
        return local;
    }

    public void local(Object o) {
        local = o;
    }

    void close() {
        CURRENT.remove();
        arena.close();
    }
}
