package io.jaio;

/**
 * How requests reach the kernel.
 *
 * <ul>
 * <li>{@link #THREADS}: every request is a syscall on a worker thread (IO::AIO's and libeio's
 *     model); the results come back through pollCb.</li>
 * <li>{@link #IO_URING}: reads, writes (of native memory, up to 64 KiB through a buffer of
 *     jaio's own, any size for a segment of {@code Arena.global()}), fsync and fdatasync go
 *     through an io_uring, in pure FFM (no liburing): no worker, no thread hand-off; on
 *     cached data the kernel completes them inside the submitting syscall. Everything else
 *     (and those when the ring is full, or while maxParallel is 0, which pauses all requests)
 *     runs on the worker threads as under THREADS; nop and busy stay there, being IO::AIO's
 *     round trips through the thread pool. Results
 *     still come back only through pollCb, with every guarantee of THREADS. Where the kernel
 *     refuses io_uring (ENOSYS; EPERM under seccomp or {@code kernel.io_uring_disabled}), the
 *     engine runs as THREADS, logs why once, and {@link Aio#backend()} says so.</li>
 * </ul>
 */
public enum Backend {
    /** Worker threads only. */
    THREADS,
    /** io_uring where the request and the kernel allow, worker threads otherwise. */
    IO_URING
}
