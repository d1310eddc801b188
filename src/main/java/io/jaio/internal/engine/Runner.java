package io.jaio.internal.engine;

/**
 * What the engine runs, supplied by the API layer: the engine itself knows nothing of files.
 * {@link #run} executes one request on a worker; {@link #deliver} hands a finished task to its
 * owner on the delivering thread (inside pollCb).
 */
public interface Runner {
    /** Executes {@code t}'s request on worker {@code w}; returns the result or throws the failure. */
    Object run(Task t, Worker w) throws Exception;

    /**
     * Fills {@code sqe} for {@code t}'s request if it can run through io_uring (and may set
     * an extra to be given back at completion); false if a worker must run it. Runs under the
     * ring's submission lock, on the submitting thread: no blocking, no user code.
     */
    default boolean prepare(Task t, Sqe sqe) {
        return false;
    }

    /**
     * The result of {@code t}'s request from its completion {@code res} (the syscall's return
     * value or -errno) and the extra {@link #prepare} set; throws the failure.
     */
    default Object complete(Task t, int res, Object aux) throws Exception {
        throw new IllegalStateException("no io_uring completion for " + t.request);
    }

    /**
     * Runs {@code t}'s request on the submitting thread if it can complete at once without
     * blocking (a read of at most {@code maxBytes} the page cache holds: preadv2 RWF_NOWAIT),
     * and returns its result; null if a worker must run it — nothing was changed then, and the
     * request runs as if this had not been tried. Never throws for the request's own failure
     * (the worker meets it and reports it); no user code.
     */
    default Object tryInline(Task t, long maxBytes) {
        return null;
    }

    /** Completes {@code t}'s owner with {@code t.result()} / {@code t.error()}; may run user code. */
    void deliver(Task t);
}
