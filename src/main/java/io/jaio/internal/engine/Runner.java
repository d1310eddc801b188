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
     * Called once {@link #prepare} has filled {@code sqe} and {@code t} is committed to the ring
     * (no cancel can take it back), still before the kernel may see the SQE: the place for a
     * side effect that must happen exactly once if the request runs, such as marking a file
     * closed. May rewrite the SQE ({@link Sqe#becomeNop}). Under the submission lock.
     */
    default void commit(Task t, Sqe sqe) {}

    /**
     * {@link #prepare} filled an SQE for {@code t}, but a cancel took the task first: nothing
     * reaches the kernel, and {@code aux} (what prepare set) is given back. A worker meets
     * the cancelled task and drops it.
     */
    default void abandon(Task t, Object aux) {}

    /**
     * io_uring_enter failed for good before the kernel took {@code t}'s committed SQE: returns
     * the completion {@code t} gets instead of {@code res} (that enter's -errno). A request
     * whose commit had a side effect finishes it here (a close marked its file closed: the
     * descriptor is closed now, synchronously).
     */
    default int unsubmitted(Task t, int res, Object aux) {
        return res;
    }

    /**
     * Non-null if {@code t}'s completion {@code res} is not the syscall's answer and a worker
     * should run the request instead: the request to run ({@code t.request}, or one in its place
     * that also owns what the ring's answer left open). The kernel dropped it unrun (io_uring
     * cancels the requests a thread submitted when that thread exits, -ECANCELED; jaio never
     * cancels one through the kernel itself), or answered for a non-blocking attempt where the
     * syscall would wait. The engine then gives back {@code aux} ({@link #abandon}) and queues the
     * task for a worker; its file stays pinned. False for a request whose commit had a side
     * effect that a second run would not repeat (a close): {@link #complete} finishes it.
     */
    default Object rerun(Task t, int res) {
        return null;
    }

    /**
     * The result of {@code t}'s request from its completion {@code res} (the syscall's return
     * value or -errno) and the extra {@link #prepare} set; throws the failure.
     */
    default Object complete(Task t, int res, Object aux) throws Exception {
        throw new IllegalStateException("no io_uring completion for " + t.request);
    }

    /**
     * True if {@code t}'s request could complete on the submitting thread without blocking (a
     * positional read of at most {@code maxBytes} into native memory, on a descriptor not
     * opened with O_DIRECT): only then is {@link #tryInline} called. No syscall but, once per
     * descriptor, the one that learns its flags.
     */
    default boolean inlineCandidate(Task t, long maxBytes) {
        return false;
    }

    /**
     * Runs a candidate's request on the submitting thread if the page cache holds its data
     * (preadv2 RWF_NOWAIT) and returns its result; null if a worker must run it, which then
     * runs it as if this had not been tried (a read's buffer may hold part of the data by
     * then, as a cancelled running read's may). A failure of the request itself is not
     * reported here (the worker meets it again and reports it); no user code.
     */
    default Object tryInline(Task t) {
        return null;
    }

    /** Completes {@code t}'s owner with {@code t.result()} / {@code t.error()}; may run user code. */
    void deliver(Task t);
}
