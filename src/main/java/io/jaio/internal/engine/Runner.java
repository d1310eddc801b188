package io.jaio.internal.engine;

/**
 * What the engine runs, supplied by the API layer: the engine itself knows nothing of files.
 * {@link #run} executes one request on a worker; {@link #deliver} hands a finished task to its
 * owner on the delivering thread (inside pollCb).
 */
public interface Runner {
    /** Executes {@code t}'s request on worker {@code w}; returns the result or throws the failure. */
    Object run(Task t, Worker w) throws Exception;

    /** Completes {@code t}'s owner with {@code t.result()} / {@code t.error()}; may run user code. */
    void deliver(Task t);
}
