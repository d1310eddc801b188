package io.jaio;

/**
 * What kind of thread runs requests.
 *
 * <p>Under {@link #VIRTUAL}, a worker that is inside a foreign downcall (every syscall jaio
 * makes) pins its carrier thread for the duration of the call: a slow disk occupies a carrier,
 * exactly as a platform worker would be occupied. Virtual workers are cheap to start and to
 * idle; they do not add parallelism beyond the carrier pool.
 */
public enum ThreadKind {
    /** Daemon platform threads (the default). */
    PLATFORM,
    /** Virtual threads; each downcall pins its carrier while it runs. */
    VIRTUAL
}
