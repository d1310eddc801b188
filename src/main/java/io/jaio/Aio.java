package io.jaio;

import io.jaio.Request.Fd;
import io.jaio.Request.NPath;
import io.jaio.internal.engine.Engine;
import io.jaio.internal.engine.Task;
import io.jaio.internal.sys.NativeAccess;
import io.jaio.internal.sys.Names;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * An asynchronous I/O engine: IO::AIO for Java. Each request method queues one syscall (or a
 * composite such as {@link #scandir}) for a pool of worker threads and returns at once with a
 * {@link Req}, a {@link java.util.concurrent.CompletableFuture} of the result. Results are
 * handed over by {@link #pollCb()} or as it would: on jaio's own threads ({@link Delivery#AUTO},
 * the default), on an executor, or — exactly as in IO::AIO — only when the program calls it
 * ({@link Delivery#MANUAL}), typically when {@link #pollFileno()} becomes readable. A small
 * read whose data the page cache holds is done on the submitting thread instead, without
 * blocking, and its result delivered the same way ({@link Builder#inlineReadMax}).
 *
 * <p>Every request method also takes a callback {@code (result, error)} that runs on the
 * delivering thread after the future completes; an exception it throws goes to the error
 * handler and harms nothing else.
 *
 * <p>The shape keeps the class navigable as IO::AIO's request set grows: each request is two
 * methods, with and without a callback. A descriptor is always an {@link AioFile}; one opened
 * elsewhere is wrapped with {@link AioFile#borrow(int)} rather than every request having a
 * raw-{@code int} twin. Priority is a property of a view ({@link #withPriority(int)}), not a
 * parameter. Requests are grouped below as IO::AIO's documentation groups them; the README's
 * request table is the index.
 *
 * <p>Paths are made absolute when the request is made, so a later change of working directory
 * cannot redirect it. File names are bytes on Linux; jaio maps them to Strings as UTF-8 with
 * escaped bytes (see {@link #readdir}), so any name round-trips.
 *
 * <p>Bad arguments (null, negative offsets, a buffer too small or confined to another thread,
 * …) throw when the request is made; nothing is queued then. Requests made after
 * {@link #close()} throw {@link IllegalStateException}.
 *
 * <pre>{@code
 * try (Aio aio = Aio.create()) {
 *     FileStat st = aio.stat(Path.of("/etc/passwd")).join();
 *     System.out.println(st.size());
 * }
 * }</pre>
 */
public final class Aio implements AutoCloseable {
    /** IO::AIO's default number of worker threads (min_parallel). */
    public static final int DEFAULT_PARALLEL = 8;
    /** The highest number of worker threads jaio accepts. */
    public static final int MAX_PARALLEL = 1024;
    /**
     * The offset that makes {@code read} and {@code write} use the descriptor's own position
     * (read(2)/write(2), which move it) instead of an explicit one (pread/pwrite): IO::AIO's
     * undefined offset. For pipes, sockets, terminals and files opened with O_APPEND.
     */
    public static final long CURRENT_POSITION = -1L;

    /** readdirx flag: entries with type and inode (always so in Java; accepted for IO::AIO's sake). */
    public static final int READDIR_DENTS = 0x01;
    /** readdirx flag: likely directories first (see {@link #readdirx}). */
    public static final int READDIR_DIRS_FIRST = 0x02;
    /** readdirx flag: inode order, the order in which stat'ing every entry is fastest. */
    public static final int READDIR_STAT_ORDER = 0x04;
    /**
     * readdirx flag, jaio's own (beyond IO::AIO): also lstat every entry, in the same request,
     * relative to the open directory, into {@link DirEntry#stat()}. One request per directory
     * instead of one per entry; an entry gone before its stat is left out.
     */
    public static final int READDIR_STAT = 0x100;
    /**
     * IO::AIO's output flag "some type was unknown": not an input in jaio (it is refused);
     * test the entries for {@link DirEntry.Type#UNKNOWN} instead.
     */
    public static final int READDIR_FOUND_UNKNOWN = 0x80;

    /** scandir's maxreq when given 0 or less, as in IO::AIO. */
    public static final int DEFAULT_SCANDIR_MAXREQ = 4;

    /** jaio's logger, made on first use: finding the logging backend costs a short command ~7 ms at start. */
    private static final class Log {
        static final System.Logger LOG = System.getLogger("io.jaio");
    }
    /** The io_uring refusal is logged once per process. */
    private static final java.util.concurrent.atomic.AtomicBoolean RING_LOGGED = new java.util.concurrent.atomic.AtomicBoolean();
    /** Never started; a segment it may access is one any worker may access. */
    private static final Thread ANY_THREAD = Thread.ofPlatform().unstarted(() -> {});

    private final Engine engine;
    private final int priority;
    /** The working directory relative paths resolve against in this view ({@link #at}), or null. */
    private final AioWd wd;

    private Aio(Engine engine, int priority, AioWd wd) {
        this.engine = engine;
        this.priority = priority;
        this.wd = wd;
    }

    /** An engine with the defaults: platform workers, automatic delivery. */
    public static Aio create() {
        return builder().build();
    }

    /** A builder for an engine with other settings. */
    public static Builder builder() {
        return new Builder();
    }

    /** The default of {@link Builder#inlineReadMax}: 64 KiB. */
    public static final long DEFAULT_INLINE_READ_MAX = 64 * 1024;

    /** Settings for a new {@link Aio}. */
    public static final class Builder {
        private int minParallel = DEFAULT_PARALLEL;
        private int maxParallel = -1;
        private int maxOutstanding = Integer.MAX_VALUE;
        private ThreadKind threads = ThreadKind.PLATFORM;
        private Backend backend = defaultBackend();
        private long inlineReadMax = DEFAULT_INLINE_READ_MAX;
        private Delivery delivery = Delivery.AUTO;
        private Consumer<Throwable> errorHandler =
                e -> Log.LOG.log(System.Logger.Level.WARNING, "jaio: a callback or executor failed", e);

        private Builder() {}

        /** IO::AIO's min_parallel: threads that may run at once (default 8); started on demand. */
        public Builder minParallel(int n) {
            this.minParallel = checkParallel(n);
            return this;
        }

        /** IO::AIO's max_parallel: an upper bound on threads; 0 queues requests without running them. */
        public Builder maxParallel(int n) {
            this.maxParallel = checkParallel(n);
            return this;
        }

        /** See {@link Aio#maxOutstanding(int)}. Default: unlimited. */
        public Builder maxOutstanding(int n) {
            this.maxOutstanding = checkPositive(n, "maxOutstanding");
            return this;
        }

        /** Platform (default) or virtual worker threads. */
        public Builder threads(ThreadKind kind) {
            this.threads = Objects.requireNonNull(kind, "kind");
            return this;
        }

        /**
         * The default backend: the system property {@code io.jaio.backend} ({@code THREADS} or
         * {@code IO_URING}) if set, else {@link Backend#THREADS}.
         */
        private static Backend defaultBackend() {
            String p = System.getProperty("io.jaio.backend");
            if (p == null || p.isBlank()) {
                return Backend.THREADS;
            }
            try {
                return Backend.valueOf(p.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("io.jaio.backend must be THREADS or IO_URING, was " + p, e);
            }
        }

        /** How requests reach the kernel; default {@link Backend#THREADS} (see {@link Backend}). */
        public Builder backend(Backend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
            return this;
        }

        /** How results are delivered; default {@link Delivery#AUTO}. */
        public Builder delivery(Delivery delivery) {
            this.delivery = Objects.requireNonNull(delivery, "delivery");
            return this;
        }

        /**
         * The cached fast path of the {@link Backend#THREADS} backend: a positional read of at
         * most {@code bytes} into native memory, submitted from an application thread or a
         * callback, is first tried on that thread with {@code preadv2(RWF_NOWAIT)}; when the
         * page cache holds the data it completes there, with no worker and no hand-off, and
         * its result is delivered as any other (the callback still runs only in pollCb, or
         * where the delivery mode runs callbacks). When the data is not cached the request
         * goes to a worker as usual; an engine whose reads keep missing the cache tries once
         * in 32. Not tried on descriptors opened with {@code O_DIRECT}, while any request is
         * queued (a read never overtakes one waiting its turn), under {@code maxParallel} of 0
         * or 1 (which keeps requests one at a time, in order), from a virtual thread, or on
         * jaio's worker threads; nor on the AUTO dispatcher when the workers are platform
         * threads: a read its callbacks submit goes to the workers, which run it in parallel
         * (the dispatcher reading everything inline was 0.75× as fast on two cores, at 0.8×
         * the CPU per read). RWF_NOWAIT does not wait
         * for the device, but the copy may still fault on a buffer that is itself a mapped
         * file. The bound keeps a large copy from stalling the submitter. Default {@value #DEFAULT_INLINE_READ_MAX}
         * bytes; 0 turns the fast path off (every request then runs on a worker, as in
         * IO::AIO). Not used by the io_uring backend, whose reads go to the ring.
         *
         * @throws IllegalArgumentException if {@code bytes} is negative
         */
        public Builder inlineReadMax(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("jaio: inlineReadMax must be >= 0, was " + bytes);
            }
            this.inlineReadMax = bytes;
            return this;
        }

        /**
         * Receives what a callback throws, and executor rejections. Default: logged at WARNING
         * through {@link System.Logger} "io.jaio".
         */
        public Builder errorHandler(Consumer<Throwable> handler) {
            this.errorHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /** Creates the engine (its result descriptor now, its threads on demand). */
        public Aio build() {
            NativeAccess.check();
            Ops.preload();
            int wanted = maxParallel >= 0 ? Math.min(minParallel, maxParallel) : minParallel;
            Engine.Mode mode = switch (delivery) {
                case Delivery.Manual m -> Engine.Mode.MANUAL;
                case Delivery.Auto a -> Engine.Mode.AUTO;
                case Delivery.OnExecutor x -> Engine.Mode.EXECUTOR;
            };
            java.util.concurrent.Executor ex = delivery instanceof Delivery.OnExecutor x ? x.executor() : null;
            Consumer<Throwable> handler = errorHandler;
            Consumer<Throwable> safe = e -> {
                try {
                    handler.accept(e);
                } catch (Throwable ignored) {
                    // a failing handler must not take the dispatcher down with it
                }
            };
            Engine engine = new Engine(Ops.INSTANCE, mode, ex, threads == ThreadKind.VIRTUAL, wanted, safe,
                    backend == Backend.IO_URING);
            engine.inlineReadMax(inlineReadMax);
            if (engine.ringUnavailable() != null) {
                if (RING_LOGGED.compareAndSet(false, true)) {
                    Log.LOG.log(System.Logger.Level.INFO, "jaio: io_uring unavailable, running on worker threads: "
                            + engine.ringUnavailable());
                }
            }
            engine.maxOutstanding(maxOutstanding);
            Jfr.opened(engine);
            return new Aio(engine, 0, null);
        }
    }

    /**
     * A view of this engine whose requests carry priority {@code pri}, from -4 (lowest) to 4
     * (highest), as IO::AIO's aioreq_pri. Queued requests run, and results are delivered, by
     * priority, then in order. The view shares the engine: closing either closes both.
     */
    public Aio withPriority(int pri) {
        if (pri < -4 || pri > 4) {
            throw new IllegalArgumentException("priority must be in -4..4 (IO::AIO's range), was " + pri);
        }
        return new Aio(engine, pri, wd);
    }

    /**
     * A view of this engine whose relative paths are relative to {@code wd} (IO::AIO's
     * {@code [$wd, $path]}): every path-taking request then runs through the *at syscalls with
     * wd's descriptor; absolute paths stay absolute. One shape for every request, instead of a
     * working-directory overload of each. The view shares the engine and its priority.
     */
    public Aio at(AioWd wd) {
        Objects.requireNonNull(wd, "wd");
        return new Aio(engine, priority, wd);
    }

    /** This view's working directory, or null (relative paths are then made absolute at submission). */
    public AioWd wd() {
        return wd;
    }

    /**
     * IO::AIO's aio_wd: opens {@code dir} as a working directory (O_PATH|O_DIRECTORY) for
     * {@link #at(AioWd)}. Close it when done; in an {@code at} view, a relative {@code dir}
     * is relative to that view's working directory.
     */
    public Req<AioWd> wd(Path dir) {
        return wd(dir, null);
    }

    /** {@link #wd(Path)} with a callback. */
    public Req<AioWd> wd(Path dir, BiConsumer<? super AioWd, ? super Throwable> cb) {
        return submit(new Request.Wd(path(dir, "dir"), dir, false), cb);
    }

    /**
     * A working directory that is never reached through a symlink: O_NOFOLLOW, so a final
     * symlink fails (ENOTDIR) instead of being followed; the tree operations walk by these.
     * Its {@link AioWd#path()} is the full path, for messages.
     */
    Req<AioWd> wdNoFollow(Path dir, BiConsumer<? super AioWd, ? super Throwable> cb) {
        NPath p = path(dir, "dir");
        return submit(new Request.Wd(p, Path.of(p.display()), true), cb);
    }

    /** The backend that runs: {@link Backend#IO_URING} only if it was asked for and the kernel allowed it. */
    public Backend backend() {
        return engine.usesRing() ? Backend.IO_URING : Backend.THREADS;
    }

    /** Why io_uring was asked for and is not used (the kernel's refusal), or null. */
    public String backendFallbackReason() {
        return engine.ringUnavailable();
    }

    /** The priority of this view's requests. */
    public int priority() {
        return priority;
    }

    // ================================================================ support functions

    /** IO::AIO's poll_fileno: a descriptor that is readable (POLLIN) iff results wait for {@link #pollCb()}. */
    public int pollFileno() {
        return engine.pollFileno();
    }

    /**
     * IO::AIO's poll_cb: completes every waiting request on this thread (futures, then
     * callbacks), highest priority first, up to {@link #maxPollReqs}/{@link #maxPollTime}.
     * Returns how many were handled. Callers are serialised; callbacks run one at a time.
     */
    public int pollCb() {
        return engine.pollCb();
    }

    /** IO::AIO's poll_wait: blocks until a result waits, or nothing is outstanding. */
    public void pollWait() {
        engine.pollWait();
    }

    /** IO::AIO's poll: {@link #pollWait()} then {@link #pollCb()}; returns how many were handled. */
    public int poll() {
        return engine.poll();
    }

    /** IO::AIO's flush: returns when no request is outstanding ({@link #nreqs()} is 0). */
    public void flush() {
        engine.flush();
    }

    /** Requests submitted whose result has not yet been handled by pollCb (callback returned). */
    public int nreqs() {
        return engine.nreqs();
    }

    /** Requests submitted and not yet started by a worker (including those a worker has claimed). */
    public int nready() {
        return engine.nready();
    }

    /** Requests executed whose results wait for pollCb. */
    public int npending() {
        return engine.npending();
    }

    /** Worker threads currently alive. */
    public int nthreads() {
        return engine.nthreads();
    }

    /** IO::AIO's min_parallel: allow at least n worker threads (started on demand). */
    public void minParallel(int n) {
        engine.minParallel(checkParallel(n));
    }

    /**
     * IO::AIO's max_parallel: allow at most n worker threads; blocks until surplus threads have
     * exited (a busy one finishes its request first). With 0, requests queue but do not run.
     */
    public void maxParallel(int n) {
        engine.maxParallel(checkParallel(n));
    }

    /**
     * IO::AIO 4.80's max_outstanding: with more than n requests outstanding (counted as
     * {@link #nreqs()}, so a composite's children count too), {@link #pollCb()} — and
     * {@link #poll()} and {@link #flush()}, which call it — does not return but waits for
     * results and handles them until no more than n are outstanding.
     *
     * <p>Submission never blocks where blocking could wait for itself: under
     * {@link Delivery#MANUAL}, inside a callback (any code running in pollCb), and on jaio's own
     * threads, a request is accepted at once, so a callback may always submit the next request.
     * Under {@link Delivery#AUTO} and {@link Delivery#executor executor} delivery, an
     * application thread that submits while n are outstanding waits for room (back-pressure):
     * there, somebody else is delivering. It goes on once a quarter of n has been delivered
     * (one wake-up per batch of submissions rather than per request), or, if that has not
     * happened within a millisecond, as soon as any request is delivered.
     *
     * @return the previous limit
     */
    public int maxOutstanding(int n) {
        return engine.maxOutstanding(checkPositive(n, "maxOutstanding"));
    }

    /** pollCb handles at most n results per call (0: no limit); the descriptor stays readable. */
    public void maxPollReqs(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("maxPollReqs must be >= 0 (0 = no limit), was " + n);
        }
        engine.maxPollReqs(n);
    }

    /** pollCb returns after about this long (zero: no limit); the descriptor stays readable. */
    public void maxPollTime(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("maxPollTime must not be negative, was " + d);
        }
        engine.maxPollTime(d);
    }

    /** Idle threads beyond n exit after {@link #idleTimeout}; default 4. */
    public void maxIdle(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("maxIdle must be >= 0, was " + n);
        }
        engine.maxIdle(n);
    }

    /** How long a surplus idle thread waits before it exits; default 10 s. */
    public void idleTimeout(Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive, was " + d);
        }
        engine.idleTimeout(d);
    }

    /**
     * Refuses new requests, lets every accepted one complete and be delivered, then stops the
     * threads and closes the result descriptor. A second call does nothing.
     */
    @Override
    public void close() {
        close(false);
    }

    /**
     * As {@link #close()}; with {@code cancelQueued}, requests no worker has started are
     * cancelled (their futures complete with CancellationException; callbacks do not run), and
     * a composite (scandir) whose queued children are cancelled completes with
     * CancellationException — never with a partial answer.
     */
    public void close(boolean cancelQueued) {
        engine.close(cancelQueued, t -> ((Req<?>) t.owner()).cancelled(t));
        Jfr.closed(engine);
    }

    // ================================================================ requests

    /** Does nothing on a worker; a round trip through the engine. */
    public Req<Void> nop() {
        return nop(null);
    }

    /** {@link #nop()} with a callback. */
    public Req<Void> nop(BiConsumer<? super Void, ? super Throwable> cb) {
        return submit(new Request.Nop(), cb);
    }

    /** Ties up a worker for {@code d} (IO::AIO's aio_busy), for tests and demonstrations. */
    public Req<Void> busy(Duration d) {
        return busy(d, null);
    }

    /** {@link #busy(Duration)} with a callback. */
    public Req<Void> busy(Duration d, BiConsumer<? super Void, ? super Throwable> cb) {
        Objects.requireNonNull(d, "duration");
        if (d.isNegative()) {
            throw new IllegalArgumentException("busy duration must not be negative, was " + d);
        }
        return submit(new Request.Busy(d.toNanos()), cb);
    }

    /**
     * open(2) with {@link Fcntl} flags and a mode (used with O_CREAT/O_TMPFILE). The descriptor
     * is always close-on-exec.
     */
    public Req<AioFile> open(Path path, int flags, int mode) {
        return open(path, flags, mode, null);
    }

    /** {@link #open(Path, int, int)} with a callback. */
    public Req<AioFile> open(Path path, int flags, int mode, BiConsumer<? super AioFile, ? super Throwable> cb) {
        return submit(new Request.Open(path(path, "path"), flags, checkMode(mode)), cb);
    }

    /**
     * open(2) from java.nio options: READ, WRITE, APPEND, CREATE, CREATE_NEW, TRUNCATE_EXISTING,
     * DSYNC, SYNC, and LinkOption.NOFOLLOW_LINKS. Without READ or WRITE the file is opened for
     * reading (WRITE is implied by APPEND).
     */
    public Req<AioFile> open(Path path, Set<? extends OpenOption> options, int mode) {
        return open(path, options, mode, null);
    }

    /** {@link #open(Path, Set, int)} with a callback. */
    public Req<AioFile> open(Path path, Set<? extends OpenOption> options, int mode,
                             BiConsumer<? super AioFile, ? super Throwable> cb) {
        return open(path, openFlags(Objects.requireNonNull(options, "options")), mode, cb);
    }

    static int openFlags(Set<? extends OpenOption> options) {
        boolean read = false, write = false;
        int flags = 0;
        for (OpenOption o : options) {
            if (o == StandardOpenOption.READ) read = true;
            else if (o == StandardOpenOption.WRITE) write = true;
            else if (o == StandardOpenOption.APPEND) { write = true; flags |= Fcntl.O_APPEND; }
            else if (o == StandardOpenOption.CREATE) flags |= Fcntl.O_CREAT;
            else if (o == StandardOpenOption.CREATE_NEW) flags |= Fcntl.O_CREAT | Fcntl.O_EXCL;
            else if (o == StandardOpenOption.TRUNCATE_EXISTING) flags |= Fcntl.O_TRUNC;
            else if (o == StandardOpenOption.DSYNC) flags |= Fcntl.O_DSYNC;
            else if (o == StandardOpenOption.SYNC) flags |= Fcntl.O_SYNC;
            else if (o == LinkOption.NOFOLLOW_LINKS) flags |= Fcntl.O_NOFOLLOW;
            else if (o == StandardOpenOption.SPARSE || o == StandardOpenOption.DELETE_ON_CLOSE) {
                throw new UnsupportedOperationException("jaio does not support " + o);
            } else if (o == null) {
                throw new NullPointerException("options contains null");
            } else {
                throw new UnsupportedOperationException("unsupported open option: " + o);
            }
        }
        if ((flags & Fcntl.O_CREAT) != 0 && !write) {
            write = true;    // as FileChannel.open: CREATE only matters with WRITE; jaio implies it
        }
        return flags | (read && write ? Fcntl.O_RDWR : write ? Fcntl.O_WRONLY : Fcntl.O_RDONLY);
    }

    /** close(2). Closing an AioFile twice is harmless. */
    public Req<Void> close(AioFile file) {
        return close(file, null);
    }

    /** {@link #close(AioFile)} with a callback. */
    public Req<Void> close(AioFile file, BiConsumer<? super Void, ? super Throwable> cb) {
        return submit(new Request.Close(Objects.requireNonNull(file, "file"), -1), cb);
    }

    /**
     * pread(2): reads up to {@code length} bytes at file {@code offset} into
     * {@code buffer[bufferOffset, bufferOffset + length)}. The result is the number read, 0 at
     * end of file. Native segments (shared, global, automatic arenas) are read into directly;
     * heap segments through worker-owned native memory.
     */
    public Req<Long> read(AioFile file, long offset, long length, MemorySegment buffer, long bufferOffset) {
        return read(fd(file), offset, length, buffer, bufferOffset, null);
    }

    /** {@link #read(AioFile, long, long, MemorySegment, long)} with a callback. */
    public Req<Long> read(AioFile file, long offset, long length, MemorySegment buffer, long bufferOffset,
                          BiConsumer<? super Long, ? super Throwable> cb) {
        return read(fd(file), offset, length, buffer, bufferOffset, cb);
    }

    /**
     * pread(2) into the buffer's remaining bytes; its position advances by the number read
     * when the request completes. Do not touch the buffer until then.
     */
    public Req<Long> read(AioFile file, long offset, ByteBuffer dst) {
        return readBuffer(fd(file), offset, dst, null);
    }

    /** {@link #read(AioFile, long, ByteBuffer)} with a callback. */
    public Req<Long> read(AioFile file, long offset, ByteBuffer dst, BiConsumer<? super Long, ? super Throwable> cb) {
        return readBuffer(fd(file), offset, dst, cb);
    }

    /** pwrite(2): writes {@code buffer[bufferOffset, bufferOffset + length)} at file {@code offset}. */
    public Req<Long> write(AioFile file, long offset, long length, MemorySegment buffer, long bufferOffset) {
        return write(fd(file), offset, length, buffer, bufferOffset, null);
    }

    /** {@link #write(AioFile, long, long, MemorySegment, long)} with a callback. */
    public Req<Long> write(AioFile file, long offset, long length, MemorySegment buffer, long bufferOffset,
                           BiConsumer<? super Long, ? super Throwable> cb) {
        return write(fd(file), offset, length, buffer, bufferOffset, cb);
    }

    /** pwrite(2) of the buffer's remaining bytes; its position advances on completion. */
    public Req<Long> write(AioFile file, long offset, ByteBuffer src) {
        return writeBuffer(fd(file), offset, src, null);
    }

    /** {@link #write(AioFile, long, ByteBuffer)} with a callback. */
    public Req<Long> write(AioFile file, long offset, ByteBuffer src, BiConsumer<? super Long, ? super Throwable> cb) {
        return writeBuffer(fd(file), offset, src, cb);
    }

    /**
     * copy_file_range(2): copies {@code length} bytes from {@code in} at {@code inOffset} to
     * {@code out} at {@code outOffset}, in the kernel (a reflink where the file system shares
     * extents, as btrfs and xfs do); neither descriptor's position moves. One request copies the
     * whole range, in as many syscalls as the kernel needs. Where the kernel refuses the pair
     * (ENOSYS, EXDEV, EOPNOTSUPP, EINVAL), jaio reads and writes at the same offsets instead.
     * The result is the number of bytes copied, fewer if {@code in} ends first. Beyond IO::AIO,
     * which has sendfile only.
     */
    public Req<Long> copyFileRange(AioFile in, long inOffset, AioFile out, long outOffset, long length) {
        return copyFileRange(in, inOffset, out, outOffset, length, null);
    }

    /** {@link #copyFileRange(AioFile, long, AioFile, long, long)} with a callback. */
    public Req<Long> copyFileRange(AioFile in, long inOffset, AioFile out, long outOffset, long length,
                                   BiConsumer<? super Long, ? super Throwable> cb) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        checkRange(inOffset, length);
        checkRange(outOffset, length);
        Fd i = fd(in), o = fd(out);
        return submit(new Request.CopyFileRange(i, inOffset, o, outOffset, length), cb);
    }

    /**
     * sendfile(2): copies {@code length} bytes from {@code in} at {@code inOffset} to {@code out}
     * (at out's file position, which advances; in's position does not move). Where the kernel
     * refuses the pair (EINVAL, ENOSYS), jaio reads and writes instead, so any two descriptors
     * work. The result is the number of bytes copied, fewer at end of file. As in IO::AIO, do
     * not use out's file position from elsewhere while the request runs, and expect a short
     * count if out is non-blocking.
     */
    public Req<Long> sendfile(AioFile out, AioFile in, long inOffset, long length) {
        return sendfile(fd(out), fd(in), inOffset, length, null);
    }

    /** {@link #sendfile(AioFile, AioFile, long, long)} with a callback. */
    public Req<Long> sendfile(AioFile out, AioFile in, long inOffset, long length,
                              BiConsumer<? super Long, ? super Throwable> cb) {
        return sendfile(fd(out), fd(in), inOffset, length, cb);
    }

    /** readahead(2): starts reading the range into the page cache; emulated by reading where missing. */
    public Req<Void> readahead(AioFile file, long offset, long length) {
        return readahead(fd(file), offset, length, null);
    }

    /** {@link #readahead(AioFile, long, long)} with a callback. */
    public Req<Void> readahead(AioFile file, long offset, long length, BiConsumer<? super Void, ? super Throwable> cb) {
        return readahead(fd(file), offset, length, cb);
    }

    /** stat(2) (statx where the kernel has it), following symlinks. */
    public Req<FileStat> stat(Path path) {
        return stat(path, null);
    }

    /** {@link #stat(Path)} with a callback. */
    public Req<FileStat> stat(Path path, BiConsumer<? super FileStat, ? super Throwable> cb) {
        return submit(new Request.Stat(path(path, "path"), true), cb);
    }

    /** fstat(2) of an open file. */
    public Req<FileStat> stat(AioFile file) {
        return stat(file, null);
    }

    /** {@link #stat(AioFile)} with a callback. */
    public Req<FileStat> stat(AioFile file, BiConsumer<? super FileStat, ? super Throwable> cb) {
        return submit(new Request.Fstat(fd(file)), cb);
    }

    /** lstat(2): as stat, but a symlink is described itself. */
    public Req<FileStat> lstat(Path path) {
        return lstat(path, null);
    }

    /** {@link #lstat(Path)} with a callback. */
    public Req<FileStat> lstat(Path path, BiConsumer<? super FileStat, ? super Throwable> cb) {
        return submit(new Request.Stat(path(path, "path"), false), cb);
    }

    /** unlink(2). */
    public Req<Void> unlink(Path path) {
        return unlink(path, null);
    }

    /** {@link #unlink(Path)} with a callback. */
    public Req<Void> unlink(Path path, BiConsumer<? super Void, ? super Throwable> cb) {
        return submit(new Request.Unlink(path(path, "path")), cb);
    }

    /** mkdir(2) with permission bits {@code mode} (less the umask). */
    public Req<Void> mkdir(Path path, int mode) {
        return mkdir(path, mode, null);
    }

    /** {@link #mkdir(Path, int)} with a callback. */
    public Req<Void> mkdir(Path path, int mode, BiConsumer<? super Void, ? super Throwable> cb) {
        return submit(new Request.Mkdir(path(path, "path"), checkMode(mode)), cb);
    }

    /** chmod(2) (fchmodat), following symlinks. */
    public Req<Void> chmod(Path path, int mode) {
        return chmod(path, mode, null);
    }

    /** {@link #chmod(Path, int)} with a callback. */
    public Req<Void> chmod(Path path, int mode, BiConsumer<? super Void, ? super Throwable> cb) {
        return submit(new Request.Chmod(path(path, "path"), checkMode(mode)), cb);
    }

    /**
     * utimensat(2): sets access and modification times to the nanosecond, following symlinks.
     * Both null set both to now (as IO::AIO's utime with two undefs); one null leaves that time
     * as it is.
     */
    public Req<Void> utime(Path path, java.time.Instant atime, java.time.Instant mtime) {
        return utime(path, atime, mtime, null);
    }

    /** {@link #utime(Path, java.time.Instant, java.time.Instant)} with a callback. */
    public Req<Void> utime(Path path, java.time.Instant atime, java.time.Instant mtime,
                           BiConsumer<? super Void, ? super Throwable> cb) {
        return submit(new Request.Utime(path(path, "path"), atime, mtime, true), cb);
    }

    /**
     * As {@link #utime(Path, java.time.Instant, java.time.Instant)}, but a symlink's own times are
     * set rather than its target's (utimensat with AT_SYMLINK_NOFOLLOW).
     */
    public Req<Void> lutime(Path path, java.time.Instant atime, java.time.Instant mtime) {
        return lutime(path, atime, mtime, null);
    }

    /** {@link #lutime(Path, java.time.Instant, java.time.Instant)} with a callback. */
    public Req<Void> lutime(Path path, java.time.Instant atime, java.time.Instant mtime,
                            BiConsumer<? super Void, ? super Throwable> cb) {
        return submit(new Request.Utime(path(path, "path"), atime, mtime, false), cb);
    }

    /**
     * readlink(2): a symlink's target, exactly as stored. Its bytes are decoded as names are
     * (see {@link #readdir}), so a target that is not valid UTF-8 comes back unchanged when
     * passed to {@link #symlink}.
     */
    public Req<String> readlink(Path link) {
        return readlink(link, null);
    }

    /** {@link #readlink(Path)} with a callback. */
    public Req<String> readlink(Path link, BiConsumer<? super String, ? super Throwable> cb) {
        return submit(new Request.Readlink(path(link, "link")), cb);
    }

    // ---------------------------------------------------------------- IO::AIO 4.80's further requests
    // Descriptor forms take an AioFile only: a raw descriptor is wrapped once (see the class
    // comment), so each request has two methods, with and without a callback, not four.

    /** rename(2): atomically replaces {@code to} (if it exists) with {@code from}. */
    public Req<Void> rename(Path from, Path to) {
        return rename2(from, to, 0, null);
    }

    /** {@link #rename(Path, Path)} with a callback. */
    public Req<Void> rename(Path from, Path to, BiConsumer<? super Void, ? super Throwable> cb) {
        return rename2(from, to, 0, cb);
    }

    /**
     * renameat2(2): rename with {@link Fcntl#RENAME_NOREPLACE} (EEXIST rather than replace),
     * {@link Fcntl#RENAME_EXCHANGE} (swap the two atomically) or {@link Fcntl#RENAME_WHITEOUT};
     * 0 is a plain rename. File systems that lack a flag fail with EINVAL.
     */
    public Req<Void> rename2(Path from, Path to, int flags) {
        return rename2(from, to, flags, null);
    }

    /** {@link #rename2(Path, Path, int)} with a callback. */
    public Req<Void> rename2(Path from, Path to, int flags, BiConsumer<? super Void, ? super Throwable> cb) {
        int known = Fcntl.RENAME_NOREPLACE | Fcntl.RENAME_EXCHANGE | Fcntl.RENAME_WHITEOUT;
        if ((flags & ~known) != 0) {
            throw new IllegalArgumentException("rename2 flags must combine Fcntl.RENAME_*, was 0x" + Integer.toHexString(flags));
        }
        return submit(new Request.Rename(path(from, "from"), path(to, "to"), flags), cb);
    }

    /** link(2): a new hard link {@code newLink} to {@code existing}. */
    public Req<Void> link(Path existing, Path newLink) {
        return link(existing, newLink, null);
    }

    /** {@link #link(Path, Path)} with a callback. */
    public Req<Void> link(Path existing, Path newLink, BiConsumer<? super Void, ? super Throwable> cb) {
        return submit(new Request.Link(path(existing, "existing"), path(newLink, "newLink")), cb);
    }

    /**
     * mknod(2): a special file. {@code mode} is a type ({@link Fcntl#S_IFIFO},
     * {@link Fcntl#S_IFCHR}, {@link Fcntl#S_IFBLK}, {@link Fcntl#S_IFSOCK} or
     * {@link Fcntl#S_IFREG}) or'ed with permission bits; {@code dev} is the device number
     * (makedev(major, minor)) for CHR and BLK, else 0.
     */
    public Req<Void> mknod(Path path, int mode, long dev) {
        return mknod(path, mode, dev, null);
    }

    /** {@link #mknod(Path, int, long)} with a callback. */
    public Req<Void> mknod(Path path, int mode, long dev, BiConsumer<? super Void, ? super Throwable> cb) {
        int type = mode & Fcntl.S_IFMT;
        if (type != Fcntl.S_IFIFO && type != Fcntl.S_IFCHR && type != Fcntl.S_IFBLK && type != Fcntl.S_IFSOCK
                && type != Fcntl.S_IFREG) {
            throw new IllegalArgumentException("mknod needs a type in mode (Fcntl.S_IFIFO, S_IFCHR, S_IFBLK, S_IFSOCK "
                    + "or S_IFREG), was 0" + Integer.toOctalString(mode));
        }
        checkMode(mode & ~Fcntl.S_IFMT);
        return submit(new Request.Mknod(path(path, "path"), mode, dev), cb);
    }

    /**
     * realpath(3): the absolute path with every symlink, "." and ".." resolved; its bytes
     * decoded as names are.
     */
    public Req<Path> realpath(Path path) {
        return realpath(path, null);
    }

    /** {@link #realpath(Path)} with a callback. */
    public Req<Path> realpath(Path path, BiConsumer<? super Path, ? super Throwable> cb) {
        return submit(new Request.Realpath(path(path, "path")), cb);
    }

    /** truncate(2): sets the file's size, cutting it or extending it with zeros. */
    public Req<Void> truncate(Path path, long length) {
        return truncate(path, length, null);
    }

    /** {@link #truncate(Path, long)} with a callback. */
    public Req<Void> truncate(Path path, long length, BiConsumer<? super Void, ? super Throwable> cb) {
        checkRange(0, length);
        return submit(new Request.Truncate(path(path, "path"), null, length), cb);
    }

    /** ftruncate(2). */
    public Req<Void> truncate(AioFile file, long length) {
        return truncate(file, length, null);
    }

    /** {@link #truncate(AioFile, long)} with a callback. */
    public Req<Void> truncate(AioFile file, long length, BiConsumer<? super Void, ? super Throwable> cb) {
        checkRange(0, length);
        return submit(new Request.Truncate(null, fd(file), length), cb);
    }

    /**
     * fallocate(2): allocates (mode 0) or changes the space of a range: {@code mode} combines
     * {@code Fcntl.FALLOC_FL_*} (KEEP_SIZE, PUNCH_HOLE, ZERO_RANGE, COLLAPSE_RANGE,
     * INSERT_RANGE, UNSHARE_RANGE). File systems that lack a mode fail with EOPNOTSUPP.
     */
    public Req<Void> allocate(AioFile file, int mode, long offset, long length) {
        return allocate(file, mode, offset, length, null);
    }

    /** {@link #allocate(AioFile, int, long, long)} with a callback. */
    public Req<Void> allocate(AioFile file, int mode, long offset, long length,
                              BiConsumer<? super Void, ? super Throwable> cb) {
        int known = Fcntl.FALLOC_FL_KEEP_SIZE | Fcntl.FALLOC_FL_PUNCH_HOLE | Fcntl.FALLOC_FL_ZERO_RANGE
                | Fcntl.FALLOC_FL_COLLAPSE_RANGE | Fcntl.FALLOC_FL_INSERT_RANGE | Fcntl.FALLOC_FL_UNSHARE_RANGE;
        if ((mode & ~known) != 0) {
            throw new IllegalArgumentException("allocate mode must combine Fcntl.FALLOC_FL_*, was 0x" + Integer.toHexString(mode));
        }
        checkRange(offset, length);
        return submit(new Request.Allocate(fd(file), mode, offset, length), cb);
    }

    /**
     * lseek(2): moves the descriptor's position ({@link Fcntl#SEEK_SET}, SEEK_CUR, SEEK_END) or
     * finds data and holes (SEEK_DATA, SEEK_HOLE; ENXIO past the last); the new position.
     */
    public Req<Long> seek(AioFile file, long offset, int whence) {
        return seek(file, offset, whence, null);
    }

    /** {@link #seek(AioFile, long, int)} with a callback. */
    public Req<Long> seek(AioFile file, long offset, int whence, BiConsumer<? super Long, ? super Throwable> cb) {
        if (whence != Fcntl.SEEK_SET && whence != Fcntl.SEEK_CUR && whence != Fcntl.SEEK_END
                && whence != Fcntl.SEEK_DATA && whence != Fcntl.SEEK_HOLE) {
            throw new IllegalArgumentException("whence must be one of Fcntl.SEEK_*, was " + whence);
        }
        return submit(new Request.Seek(fd(file), offset, whence), cb);
    }

    /** chown(2) (following a symlink); a uid or gid of -1 leaves that one alone. */
    public Req<Void> chown(Path path, int uid, int gid) {
        return chown(path, uid, gid, null);
    }

    /** {@link #chown(Path, int, int)} with a callback. */
    public Req<Void> chown(Path path, int uid, int gid, BiConsumer<? super Void, ? super Throwable> cb) {
        checkIds(uid, gid);
        return submit(new Request.Chown(path(path, "path"), null, uid, gid, true), cb);
    }

    /** fchown(2); a uid or gid of -1 leaves that one alone. */
    public Req<Void> chown(AioFile file, int uid, int gid) {
        return chown(file, uid, gid, null);
    }

    /** {@link #chown(AioFile, int, int)} with a callback. */
    public Req<Void> chown(AioFile file, int uid, int gid, BiConsumer<? super Void, ? super Throwable> cb) {
        checkIds(uid, gid);
        return submit(new Request.Chown(null, fd(file), uid, gid, true), cb);
    }

    private static void checkIds(int uid, int gid) {
        if (uid < -1 || gid < -1) {
            throw new IllegalArgumentException("uid and gid must be >= 0, or -1 to leave one alone; were " + uid + ", " + gid);
        }
    }

    /** fchmod(2). */
    public Req<Void> chmod(AioFile file, int mode) {
        return chmod(file, mode, null);
    }

    /** {@link #chmod(AioFile, int)} with a callback. */
    public Req<Void> chmod(AioFile file, int mode, BiConsumer<? super Void, ? super Throwable> cb) {
        int m = checkMode(mode);    // before the pin: a bad mode must not leave the file pinned
        return submit(new Request.Fchmod(fd(file), m), cb);
    }

    /**
     * futimens(3): the open file's times to the nanosecond. As with
     * {@link #utime(Path, java.time.Instant, java.time.Instant)}: both null set both to now (as
     * IO::AIO does); one null leaves that time alone.
     */
    public Req<Void> utime(AioFile file, java.time.Instant atime, java.time.Instant mtime) {
        return utime(file, atime, mtime, null);
    }

    /** {@link #utime(AioFile, java.time.Instant, java.time.Instant)} with a callback. */
    public Req<Void> utime(AioFile file, java.time.Instant atime, java.time.Instant mtime,
                           BiConsumer<? super Void, ? super Throwable> cb) {
        return submit(new Request.Futime(fd(file), atime, mtime), cb);
    }

    /** statvfs(3): the file system holding {@code path}. */
    public Req<FileSystemStat> statvfs(Path path) {
        return statvfs(path, null);
    }

    /** {@link #statvfs(Path)} with a callback. */
    public Req<FileSystemStat> statvfs(Path path, BiConsumer<? super FileSystemStat, ? super Throwable> cb) {
        return submit(new Request.Statvfs(path(path, "path"), null), cb);
    }

    /** fstatvfs(3). */
    public Req<FileSystemStat> statvfs(AioFile file) {
        return statvfs(file, null);
    }

    /** {@link #statvfs(AioFile)} with a callback. */
    public Req<FileSystemStat> statvfs(AioFile file, BiConsumer<? super FileSystemStat, ? super Throwable> cb) {
        return submit(new Request.Statvfs(null, fd(file)), cb);
    }

    /** sync(2): every file system's dirty data to disk. */
    public Req<Void> sync() {
        return sync(null);
    }

    /** {@link #sync()} with a callback. */
    public Req<Void> sync(BiConsumer<? super Void, ? super Throwable> cb) {
        return submit(new Request.Sync(null), cb);
    }

    /** syncfs(2): the dirty data of the file system holding {@code file}. */
    public Req<Void> syncfs(AioFile file) {
        return syncfs(file, null);
    }

    /** {@link #syncfs(AioFile)} with a callback. */
    public Req<Void> syncfs(AioFile file, BiConsumer<? super Void, ? super Throwable> cb) {
        return submit(new Request.Sync(fd(file)), cb);
    }

    /**
     * sync_file_range(2): starts or waits for writeback of a range, {@code flags} combining
     * {@code Fcntl.SYNC_FILE_RANGE_*}; {@code nbytes} 0 means to the end of the file. No
     * metadata is written: it is not fsync.
     */
    public Req<Void> syncFileRange(AioFile file, long offset, long nbytes, int flags) {
        return syncFileRange(file, offset, nbytes, flags, null);
    }

    /** {@link #syncFileRange(AioFile, long, long, int)} with a callback. */
    public Req<Void> syncFileRange(AioFile file, long offset, long nbytes, int flags,
                                   BiConsumer<? super Void, ? super Throwable> cb) {
        int known = Fcntl.SYNC_FILE_RANGE_WAIT_BEFORE | Fcntl.SYNC_FILE_RANGE_WRITE | Fcntl.SYNC_FILE_RANGE_WAIT_AFTER;
        if ((flags & ~known) != 0) {
            throw new IllegalArgumentException("syncFileRange flags must combine Fcntl.SYNC_FILE_RANGE_*, was 0x"
                    + Integer.toHexString(flags));
        }
        checkRange(offset, nbytes);
        return submit(new Request.SyncFileRange(fd(file), offset, nbytes, flags), cb);
    }

    private static int checkMode(int mode) {
        if (mode < 0 || mode > 07777) {
            throw new IllegalArgumentException("mode must be in 0..07777, was 0" + Integer.toOctalString(mode));
        }
        return mode;
    }

    /** rmdir(2). */
    public Req<Void> rmdir(Path path) {
        return rmdir(path, null);
    }

    /** {@link #rmdir(Path)} with a callback. */
    public Req<Void> rmdir(Path path, BiConsumer<? super Void, ? super Throwable> cb) {
        return submit(new Request.Rmdir(path(path, "path")), cb);
    }

    /**
     * symlink(2), in POSIX order: creates {@code link} pointing at {@code target}. The target is
     * stored exactly as given (a relative target stays relative to the link's directory).
     */
    public Req<Void> symlink(String target, Path link) {
        return symlink(target, link, null);
    }

    /** {@link #symlink(String, Path)} with a callback. */
    public Req<Void> symlink(String target, Path link, BiConsumer<? super Void, ? super Throwable> cb) {
        Objects.requireNonNull(target, "target");
        byte[] t = Names.encode(target);
        if (Names.indexOfNul(t) >= 0) {
            throw new IllegalArgumentException("symlink target contains a NUL byte at index "
                    + Names.indexOfNul(t) + ": " + target.replace("\0", "\\0"));
        }
        if (t.length == 0) {
            throw new IllegalArgumentException("symlink target must not be empty");
        }
        return submit(new Request.Symlink(new NPath(target, t), path(link, "link")), cb);
    }

    /**
     * The names in a directory, through getdents64: unsorted, without "." and "..". Names that
     * are not valid UTF-8 are decoded with escaped bytes (each byte that is not part of valid
     * UTF-8 becomes U+EF80..U+EFFF); jaio encodes such a name back to the same bytes, so
     * {@code aio.stat(dir.resolve(name))} finds the file. (java.nio's own Files methods encode
     * those characters differently and will not find it.)
     */
    public Req<List<String>> readdir(Path dir) {
        return readdir(dir, null);
    }

    /** {@link #readdir(Path)} with a callback. */
    public Req<List<String>> readdir(Path dir, BiConsumer<? super List<String>, ? super Throwable> cb) {
        return submit(new Request.Readdir(path(dir, "dir"), false), cb);
    }

    /**
     * IO::AIO's aio_readdirx: the directory's entries with the type the file system reports
     * ({@code d_type}) and the inode, through getdents64 alone — no stat. On file systems that
     * fill in d_type (ext4, xfs, btrfs, tmpfs) a tree can be walked by recursing on
     * {@link DirEntry.Type#DIR}, stat'ing only entries of type {@link DirEntry.Type#UNKNOWN}.
     *
     * @param flags {@link #READDIR_DENTS}, {@link #READDIR_DIRS_FIRST} (likely directories first,
     *              by libeio's name heuristics for entries of unknown type, then by inode),
     *              {@link #READDIR_STAT_ORDER} (by inode), or 0 (as the directory lists them);
     *              and {@link #READDIR_STAT} to lstat each entry in the same request
     */
    public Req<List<DirEntry>> readdirx(Path dir, int flags) {
        return readdirx(dir, flags, null);
    }

    /** {@link #readdirx(Path, int)} with a callback. */
    public Req<List<DirEntry>> readdirx(Path dir, int flags, BiConsumer<? super List<DirEntry>, ? super Throwable> cb) {
        int known = READDIR_DENTS | READDIR_DIRS_FIRST | READDIR_STAT_ORDER | READDIR_STAT;
        if ((flags & ~known) != 0) {
            throw new IllegalArgumentException("readdirx flags must combine READDIR_DENTS, READDIR_DIRS_FIRST, "
                    + "READDIR_STAT_ORDER and READDIR_STAT, was 0x" + Integer.toHexString(flags)
                    + ((flags & READDIR_FOUND_UNKNOWN) != 0 ? " (READDIR_FOUND_UNKNOWN is IO::AIO's output flag)" : ""));
        }
        return submit(new Request.Readdirx(path(dir, "dir"), flags), cb);
    }

    /**
     * IO::AIO's aio_scandir: splits a directory's entries into subdirectories and everything
     * else with as few stats as possible (see {@link ScanResult}), with at most {@code maxreq}
     * stats in flight (0 or less: {@value #DEFAULT_SCANDIR_MAXREQ}). Never follows a symlink: a
     * symlink to a directory is a non-directory. Cancelling a scandir cancels its queued stats.
     */
    public Req<ScanResult> scandir(Path dir, int maxreq) {
        return scandir(dir, maxreq, null);
    }

    /** {@link #scandir(Path, int)} with a callback. */
    public Req<ScanResult> scandir(Path dir, int maxreq, BiConsumer<? super ScanResult, ? super Throwable> cb) {
        if (maxreq > MAX_PARALLEL * 4) {
            throw new IllegalArgumentException("maxreq must be at most " + MAX_PARALLEL * 4 + ", was " + maxreq);
        }
        NPath p = path(dir, "dir");
        int m = maxreq <= 0 ? DEFAULT_SCANDIR_MAXREQ : maxreq;
        Req<ScanResult> req = new Req<>(engine, cb);
        Scandir scan = new Scandir(engine, p, m, wd == null ? null : wd.file());
        Task group = engine.startGroup(new Request.ScandirGroup(p, m, scan), priority, req);
        req.task(group);
        Jfr.submitting(group);
        scan.start(group);
        return req;
    }

    // ================================================================ whole files and trees

    /**
     * IO::AIO's aio_copy, atomic: copies the regular file {@code src} (a symlink is followed)
     * to {@code dst}, replacing it, with the source's mode, times to the nanosecond and owner
     * (where permitted). The data goes through copy_file_range (in the kernel; a reflink where
     * the file system shares extents), else read and write, into a temporary file beside
     * {@code dst} ({@code .NAME.jaio-XXXXXXXX}) that is renamed over it at the end: a failure
     * at any step leaves {@code dst} as it was and no temporary file behind. A sparse file's
     * data extents alone are copied (SEEK_DATA, SEEK_HOLE), so its holes stay holes. The result
     * is the size of the copy in bytes, holes included. Directories fail with EISDIR, other
     * non-regular files with EINVAL.
     */
    public Req<Long> copy(Path src, Path dst) {
        return copy(src, dst, null);
    }

    /** {@link #copy(Path, Path)} with a callback. */
    public Req<Long> copy(Path src, Path dst, BiConsumer<? super Long, ? super Throwable> cb) {
        NPath from = path(src, "src");
        NPath to = path(dst, "dst");
        return submit(new Request.CopyFile(null, from, null, to, true, true, true), cb);
    }

    /**
     * copy's worker body for the tree operations: {@code srcName} under {@code srcDir} to
     * {@code dstName} under {@code dstDir}, a final symlink never followed.
     */
    Req<Long> copyAt(AioWd srcDir, Path srcName, AioWd dstDir, Path dstName, boolean replace,
                     BiConsumer<? super Long, ? super Throwable> cb) {
        // Replacing goes through a temporary file renamed over the old one: never truncates an
        // existing file (which may be a hard link to the source) and never leaves half of one.
        return at2(srcDir, srcName, dstDir, dstName, (from, to, srcFd, dstFd) ->
                new Request.CopyFile(srcFd, from, dstFd, to, replace, false, replace), cb);
    }

    /** A symlink or special file {@code srcName} under {@code srcDir} recreated under {@code dstDir} (tree operations). */
    Req<Void> copyNodeAt(AioWd srcDir, Path srcName, AioWd dstDir, Path dstName, FileStat st, boolean replace,
                         BiConsumer<? super Void, ? super Throwable> cb) {
        return at2(srcDir, srcName, dstDir, dstName, (from, to, srcFd, dstFd) ->
                new Request.CopyNode(srcFd, from, dstFd, to, st, replace), cb);
    }

    /** A hard link {@code dstName} under {@code dstDir} to {@code existing} under {@code existingDir} (tree operations). */
    Req<Void> linkAt(AioWd existingDir, Path existing, AioWd dstDir, Path dstName, boolean replace,
                     BiConsumer<? super Void, ? super Throwable> cb) {
        return at2(existingDir, existing, dstDir, dstName, (from, to, srcFd, dstFd) ->
                new Request.LinkNode(srcFd, from, dstFd, to, replace), cb);
    }

    /** Owner (where permitted), mode and times of {@code st} onto {@code path}, never following it (tree operations). */
    Req<Void> restore(Path path, FileStat st, BiConsumer<? super Void, ? super Throwable> cb) {
        return submit(new Request.Restore(path(path, "path"), st), cb);
    }

    private interface TwoDirRequest {
        Request make(NPath from, NPath to, Fd srcDir, Fd dstDir);
    }

    /**
     * A request naming {@code srcName} under {@code srcDir} and {@code dstName} under
     * {@code dstDir}; with both dirs null (a tree operation's root), both names resolve as in
     * this view, working directory included.
     */
    private <T> Req<T> at2(AioWd srcDir, Path srcName, AioWd dstDir, Path dstName, TwoDirRequest make,
                           BiConsumer<? super T, ? super Throwable> cb) {
        if (srcDir == null && dstDir == null) {
            return submit(make.make(path(srcName, "src"), path(dstName, "dst"), null, null), cb);
        }
        NPath from = new Aio(engine, priority, srcDir).path(srcName, "src");
        NPath to = new Aio(engine, priority, dstDir).path(dstName, "dst");
        return new Aio(engine, priority, null).submit(make.make(from, to, fd(srcDir.file()), fd(dstDir.file())), cb);
    }

    /**
     * IO::AIO's aio_move: rename(2); across file systems a regular file is copied as by
     * {@link #copy} and a symlink recreated, then the source is unlinked. A directory across
     * file systems fails with EXDEV ({@link #copyTree} then {@link #rmtree} moves one).
     */
    public Req<Void> move(Path src, Path dst) {
        return move(src, dst, null);
    }

    /** {@link #move(Path, Path)} with a callback. */
    public Req<Void> move(Path src, Path dst, BiConsumer<? super Void, ? super Throwable> cb) {
        return submit(new Request.Move(path(src, "src"), path(dst, "dst")), cb);
    }

    /**
     * IO::AIO's aio_load: the whole file, read to its end (so a file whose size stat does not
     * know, as in /proc, is read whole too). Fails with EFBIG beyond a Java array's 2 GiB.
     */
    public Req<byte[]> load(Path path) {
        return load(path, null);
    }

    /** {@link #load(Path)} with a callback. */
    public Req<byte[]> load(Path path, BiConsumer<? super byte[], ? super Throwable> cb) {
        return submit(new Request.Load(path(path, "path")), cb);
    }

    /**
     * IO::AIO's aio_slurp: opens the file, reads {@code length} bytes from {@code offset} into
     * {@code dst} and closes it; the result is the number read (fewer only at end of file).
     * A negative offset counts from the end of the file; length 0 reads to the end of the
     * file, which must then fit in {@code dst} (EOVERFLOW otherwise).
     *
     * @throws IllegalArgumentException if length is negative or larger than {@code dst}, or
     *                                  dst is read-only, closed or confined to one thread
     */
    public Req<Long> slurp(Path path, long offset, long length, MemorySegment dst) {
        return slurp(path, offset, length, dst, null);
    }

    /** {@link #slurp(Path, long, long, MemorySegment)} with a callback. */
    public Req<Long> slurp(Path path, long offset, long length, MemorySegment dst,
                           BiConsumer<? super Long, ? super Throwable> cb) {
        Objects.requireNonNull(dst, "dst");
        if (length < 0) {
            throw new IllegalArgumentException("length must not be negative (0: to the end of the file), was " + length);
        }
        if (length > dst.byteSize()) {
            throw new IllegalArgumentException("length " + length + " exceeds the segment's size " + dst.byteSize());
        }
        checkSegment(dst, true);
        return submit(new Request.Slurp(path(path, "path"), offset, length, dst), cb);
    }

    /**
     * IO::AIO's aio_pathsync, and its directory: opens {@code path} read-only, fsyncs and closes
     * it, then does the same for the directory containing it, so a file just created or renamed
     * there is durable too (IO::AIO syncs only the path itself).
     */
    public Req<Void> pathsync(Path path) {
        return pathsync(path, null);
    }

    /** {@link #pathsync(Path)} with a callback. */
    public Req<Void> pathsync(Path path, BiConsumer<? super Void, ? super Throwable> cb) {
        return submit(new Request.Pathsync(path(path, "path")), cb);
    }

    /**
     * IO::AIO's aio_rmtree, immune to symlink races: removes {@code root} and everything below
     * it, many requests at once (at most {@link TreeOptions#DEFAULT_LIMIT}). A symlink is
     * removed, never followed, even one that replaces a directory while the walk runs (see
     * {@link TreeOptions} and the README's "Tree operations"). The walk goes on past failures
     * and then fails with the first one (the rest suppressed in it); the result counts what
     * was removed. It is an {@link AioGroup}: cancelling it stops the walk.
     *
     * @throws IllegalArgumentException if root is empty (that would be the working directory) or "/"
     */
    public Req<TreeStats> rmtree(Path root) {
        return rmtree(root, TreeOptions.defaults(), null);
    }

    /** {@link #rmtree(Path)} with options and a callback. */
    public Req<TreeStats> rmtree(Path root, TreeOptions options, BiConsumer<? super TreeStats, ? super Throwable> cb) {
        Objects.requireNonNull(options, "options");
        Path r = treePath(root, "root");
        Path last = root.getFileName();
        if (last != null && (last.toString().equals(".") || last.toString().equals(".."))) {
            throw new IllegalArgumentException("jaio: refusing to remove '.' or '..' (as rm does): " + root);
        }
        if (r.isAbsolute() && r.normalize().getParent() == null) {
            throw new IllegalArgumentException("jaio: refusing to remove the root directory /: " + root);
        }
        Trees.Remove walk = new Trees.Remove(this, options);
        return walk.start(() -> walk.begin(r), cb);
    }

    /**
     * Copies the tree {@code src} to {@code dst} (not into it: {@code dst} becomes the copy),
     * as {@code cp -a} does: directories (merged into where they exist), regular files (data by
     * copy_file_range; a new file is created with O_EXCL and unlinked again if its copy fails,
     * a replaced one is written to a temporary file renamed over it, as {@link #copy} does, so
     * an existing file is never truncated; a sparse file's holes stay holes; a file with
     * several names in the tree is copied once and its other names made hard links to that
     * copy, each link made relative to the held destination directories, as the rest of the
     * walk is, with at most a quarter of the descriptor limit held for that; a file whose other
     * names lie outside the tree is copied per name, as by {@code cp -a}), symlinks (target
     * bytes exactly)
     * and fifos, sockets and devices (mknod, devices with the privilege); modes, owners where
     * permitted, and times to the nanosecond, a directory's set once everything inside it is
     * done. A symlink is copied as a symlink, never followed, and the walk is immune to
     * symlink races as rmtree's is. Existing files fail with EEXIST unless
     * {@link TreeOptions#replace}. The walk goes on past failures (each told to
     * {@link TreeOptions#onError}) and then fails with the first; the result counts what was
     * copied. It is an {@link AioGroup}: cancelling it stops the walk.
     *
     * @throws IllegalArgumentException for an empty path, or a {@code dst} inside {@code src}
     *                                  as written (one inside it through a symlink is found
     *                                  by the walk and reported as a failure)
     */
    public Req<TreeStats> copyTree(Path src, Path dst) {
        return copyTree(src, dst, TreeOptions.defaults(), null);
    }

    /** {@link #copyTree(Path, Path)} with options and a callback. */
    public Req<TreeStats> copyTree(Path src, Path dst, TreeOptions options,
                                   BiConsumer<? super TreeStats, ? super Throwable> cb) {
        Objects.requireNonNull(options, "options");
        Path s = treePath(src, "src"), d = treePath(dst, "dst");
        Path sn = s.toAbsolutePath().normalize(), dn = d.toAbsolutePath().normalize();
        if (dn.startsWith(sn)) {
            throw new IllegalArgumentException("jaio: cannot copy " + src + " into itself (" + dst + ")");
        }
        Trees.Copy walk = new Trees.Copy(this, options);
        return walk.start(() -> walk.begin(s, d), cb);
    }

    /** A tree operation's path: not empty, no NUL, absolute unless this view has a working directory. */
    private Path treePath(Path p, String what) {
        Objects.requireNonNull(p, what);
        if (p.toString().isEmpty()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        path(p, what);    // the checks every request makes (NUL, file system)
        return wd == null ? p.toAbsolutePath() : p;
    }

    // ================================================================ groups

    /**
     * IO::AIO's aio_group: a request made of other requests (see {@link AioGroup}). {@code setup}
     * runs now, on this thread, before the group can finish: add the first members there, set
     * a limit and a feeder. A group that is still empty and unfed when setup returns completes
     * at once (through pollCb, as any request).
     *
     * @throws IllegalStateException if this Aio is closed
     */
    public <T> AioGroup<T> group(Consumer<? super AioGroup<T>> setup) {
        return group(setup, null);
    }

    /**
     * {@link #group(Consumer)} with a callback, called once every member has been delivered and
     * the feeder has nothing more. If {@code setup} throws, the group and its members are
     * cancelled and the exception is rethrown.
     */
    public <T> AioGroup<T> group(Consumer<? super AioGroup<T>> setup, BiConsumer<? super T, ? super Throwable> cb) {
        Objects.requireNonNull(setup, "setup");
        AioGroup<T> g = new AioGroup<>(wd == null ? this : new Aio(engine, priority, null), engine, cb);
        Task t = engine.startGroup(new Request.Group(), priority, g);
        g.task(t);
        Jfr.submitting(t);
        try {
            setup.accept(g);
        } catch (RuntimeException | Error e) {
            g.cancel(false);
            throw e;
        } finally {
            g.arm();
        }
        return g;
    }

    /** fsync(2). */
    public Req<Void> fsync(AioFile file) {
        return fsync(fd(file), false, null);
    }

    /** {@link #fsync(AioFile)} with a callback. */
    public Req<Void> fsync(AioFile file, BiConsumer<? super Void, ? super Throwable> cb) {
        return fsync(fd(file), false, cb);
    }

    /** fdatasync(2); fsync where fdatasync is not supported. */
    public Req<Void> fdatasync(AioFile file) {
        return fsync(fd(file), true, null);
    }

    /** {@link #fdatasync(AioFile)} with a callback. */
    public Req<Void> fdatasync(AioFile file, BiConsumer<? super Void, ? super Throwable> cb) {
        return fsync(fd(file), true, cb);
    }

    // ================================================================ validation and submission

    private Req<Long> read(Fd fd, long offset, long length, MemorySegment buffer, long bufferOffset,
                           BiConsumer<? super Long, ? super Throwable> cb) {
        MemorySegment slice = slice(fd, buffer, bufferOffset, length, offset, true);
        return submit(new Request.Read(fd, offset, slice, null), cb);
    }

    private Req<Long> write(Fd fd, long offset, long length, MemorySegment buffer, long bufferOffset,
                            BiConsumer<? super Long, ? super Throwable> cb) {
        MemorySegment slice = slice(fd, buffer, bufferOffset, length, offset, false);
        return submit(new Request.Write(fd, offset, slice, null), cb);
    }

    // The buffer is checked under the catch, which releases the pin; submission is outside it:
    // once the request exists, its release() is the one unpin (submit calls it on failure).
    private Req<Long> readBuffer(Fd fd, long offset, ByteBuffer dst, BiConsumer<? super Long, ? super Throwable> cb) {
        MemorySegment slice;
        try {
            Objects.requireNonNull(dst, "buffer");
            if (dst.isReadOnly()) {
                throw new IllegalArgumentException("read needs a writable buffer; this ByteBuffer is read-only");
            }
            checkIoOffset(offset, dst.remaining());
            slice = MemorySegment.ofBuffer(dst);
            checkSegment(slice, true);
        } catch (RuntimeException e) {
            fd.unpin();
            throw e;
        }
        return submit(new Request.Read(fd, offset, slice, dst), cb);
    }

    private Req<Long> writeBuffer(Fd fd, long offset, ByteBuffer src, BiConsumer<? super Long, ? super Throwable> cb) {
        MemorySegment slice;
        try {
            Objects.requireNonNull(src, "buffer");
            checkIoOffset(offset, src.remaining());
            slice = MemorySegment.ofBuffer(src);
            checkSegment(slice, false);
        } catch (RuntimeException e) {
            fd.unpin();
            throw e;
        }
        return submit(new Request.Write(fd, offset, slice, src), cb);
    }

    private Req<Long> sendfile(Fd out, Fd in, long inOffset, long length, BiConsumer<? super Long, ? super Throwable> cb) {
        try {
            checkRange(inOffset, length);
        } catch (RuntimeException e) {
            out.unpin();
            in.unpin();
            throw e;
        }
        return submit(new Request.Sendfile(out, in, inOffset, length), cb);
    }

    private Req<Void> readahead(Fd fd, long offset, long length, BiConsumer<? super Void, ? super Throwable> cb) {
        try {
            checkRange(offset, length);
        } catch (RuntimeException e) {
            fd.unpin();
            throw e;
        }
        return submit(new Request.Readahead(fd, offset, length), cb);
    }

    private Req<Void> fsync(Fd fd, boolean dataOnly, BiConsumer<? super Void, ? super Throwable> cb) {
        return submit(new Request.Fsync(fd, dataOnly), cb);
    }

    /** Validates a buffer argument; releases {@code fd} and throws if it is bad. */
    private static MemorySegment slice(Fd fd, MemorySegment buffer, long bufferOffset, long length, long offset,
                                       boolean forRead) {
        try {
            Objects.requireNonNull(buffer, "buffer");
            checkIoOffset(offset, length);
            if (bufferOffset < 0) {
                throw new IllegalArgumentException("bufferOffset must not be negative, was " + bufferOffset);
            }
            if (bufferOffset > buffer.byteSize() - length) {
                throw new IllegalArgumentException("bufferOffset + length (" + bufferOffset + " + " + length
                        + ") exceeds the segment's size " + buffer.byteSize()
                        + ": pass a larger segment or a smaller length");
            }
            checkSegment(buffer, forRead);
            // The whole segment needs no slice (and no allocation): the common case of a buffer per request.
            return bufferOffset == 0 && length == buffer.byteSize() ? buffer : buffer.asSlice(bufferOffset, length);
        } catch (RuntimeException e) {
            fd.unpin();
            throw e;
        }
    }

    private static void checkSegment(MemorySegment s, boolean forRead) {
        if (!s.scope().isAlive()) {
            throw new IllegalArgumentException("the segment's arena is already closed");
        }
        if (!s.isAccessibleBy(ANY_THREAD)) {
            throw new IllegalArgumentException("the segment is confined to one thread, so jaio's workers cannot "
                    + "access it: allocate it from Arena.ofShared(), Arena.ofAuto() or Arena.global()");
        }
        if (forRead && s.isReadOnly()) {
            throw new IllegalArgumentException("read needs a writable segment; this one is read-only");
        }
    }

    /** A read's or write's offset: a range, or {@link #CURRENT_POSITION}. */
    private static void checkIoOffset(long offset, long length) {
        checkRange(offset == CURRENT_POSITION ? 0 : offset, length);
    }

    private static void checkRange(long offset, long length) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative, was " + offset);
        }
        if (length < 0) {
            throw new IllegalArgumentException("length must not be negative, was " + length);
        }
        if (offset + length < 0) {
            throw new IllegalArgumentException("offset + length overflows: " + offset + " + " + length);
        }
    }

    static Fd fd(AioFile file) {
        Objects.requireNonNull(file, "file");
        return file.pin() ? file : Request.RawFd.CLOSED;
    }

    /** An absolute path as bytes; made now, so a later chdir cannot redirect the request. */
    /**
     * A path as bytes: absolute (made now, so a later chdir cannot redirect it), or in an
     * {@link #at} view and relative, relative to the view's working directory.
     */
    private NPath path(Path p, String what) {
        Objects.requireNonNull(p, what);
        if (p.getFileSystem() != java.nio.file.FileSystems.getDefault()) {
            throw new IllegalArgumentException(what + " must be on the default file system, was " + p.getFileSystem());
        }
        boolean relative = wd != null && !p.isAbsolute();
        if (relative && p.toString().isEmpty()) {
            throw new IllegalArgumentException(what + " is empty: name a file under the working directory, or \".\"");
        }
        String s = relative ? p.toString() : p.toAbsolutePath().toString();
        byte[] b = Names.encode(s);
        if (Names.indexOfNul(b) >= 0) {
            throw new IllegalArgumentException(what + " contains a NUL byte: " + s.replace("\0", "\\0"));
        }
        return relative ? new NPath(wd.path().resolve(p).toString(), b, true) : new NPath(s, b);
    }

    private <T> Req<T> submit(Request r, BiConsumer<? super T, ? super Throwable> cb) {
        return submit(r, new Req<>(engine, cb));
    }

    /** As {@link #submit(Request, Req)}, never waiting for room under maxOutstanding. */
    <T> Req<T> submitNoWait(Request r, Req<T> req) {
        return submit(r, req, true);
    }

    /** Submits {@code r} as the not yet submitted {@code req} (which a group may already hold). */
    <T> Req<T> submit(Request r, Req<T> req) {
        return submit(r, req, false);
    }

    private <T> Req<T> submit(Request r, Req<T> req, boolean noWait) {
        if (wd != null) {
            r = new Request.AtWd(r, fd(wd.file()));    // pinned until the request's release
        }
        Task t = engine.newTask(r, priority, req);
        req.task(t);
        Jfr.submitting(t);
        try {
            if (noWait) {
                engine.submitNoWait(t);
            } else {
                engine.submit(t);
            }
        } catch (RuntimeException e) {
            r.release();
            throw e;
        }
        return req;
    }

    private static int checkParallel(int n) {
        if (n < 0 || n > MAX_PARALLEL) {
            throw new IllegalArgumentException("parallelism must be in 0.." + MAX_PARALLEL + ", was " + n);
        }
        return n;
    }

    private static int checkPositive(int n, String what) {
        if (n < 1) {
            throw new IllegalArgumentException(what + " must be at least 1, was " + n);
        }
        return n;
    }
}
