package io.jaio;

import io.jaio.Request.*;
import io.jaio.internal.engine.Runner;
import io.jaio.internal.engine.Sqe;
import io.jaio.internal.engine.Task;
import io.jaio.internal.engine.Worker;
import io.jaio.internal.sys.Dirents;
import io.jaio.internal.sys.Errno;
import io.jaio.internal.sys.Names;
import io.jaio.internal.sys.Stat;
import io.jaio.internal.sys.Sys;

import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs requests: one exhaustive switch over {@link Request}, each case the worker body of the
 * public method of the same name (as libuv pairs {@code uv_fs_read} with {@code uv__fs_read}).
 * A syscall's {@code -errno} becomes an {@link ErrnoException} in {@link #check} and nowhere else.
 */
final class Ops implements Runner {
    static final Ops INSTANCE = new Ops();

    /** Copies a stat buffer straight into the public record; linked when Ops is (see preload). */
    private static final Stat.Sink<FileStat> FILE_STAT = FileStat::new;

    /** Cleared the first time statx reports ENOSYS; fstatat serves from then on. */
    private static volatile boolean haveStatx = true;

    private Ops() {}

    /**
     * Loads and links, before any request runs, every class a request may need on its way to
     * completion. Under EMFILE the JVM cannot open a class file, so a class first touched on an
     * error path would turn an ErrnoException into a NoClassDefFoundError.
     */
    static void preload() {
        for (Class<?> c : Request.class.getPermittedSubclasses()) {
            init(c);
        }
        for (Class<?> c : new Class<?>[] {Request.NPath.class, Request.RawFd.class, Request.DirList.class,
                ErrnoException.class, AioWd.class, FileStat.class, ScanResult.class, DirEntry.class, DirEntry.Type.class, AioFile.class, Scratch.class,
                Scandir.class, Jfr.class, RingBuffers.class, FileSystemStat.class, io.jaio.internal.sys.Statvfs.class, Stat.class, Stat.Sink.class, Dirents.class, Names.class, Instant.class}) {
            init(c);
        }
        // The handle holders are loaded, not initialized: linking a handle defines classes in
        // memory and opens no file, so strerrorname_np and strerrordesc_np, needed on error
        // paths only, are linked on the first error (about 5 ms a process saves when none
        // comes). FaultsTest runs that first error under EMFILE.
        io.jaio.internal.sys.Sys.loadHandleHolders();
        new ErrnoException(Errno.EMFILE, "EMFILE", "open", "/", null, "preload").getMessage();
    }

    private static void init(Class<?> c) {
        try {
            Class.forName(c.getName(), true, c.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public Object run(Task t, Worker w) throws Exception {
        Request r = (Request) t.request;
        long[] traced = Jfr.times(t);
        if (traced != null) {
            traced[1] = System.nanoTime();
        }
        try {
            return exec(r, Scratch.of(w));
        } finally {
            r.release();
            if (traced != null) {
                traced[2] = System.nanoTime();    // published to pollCb with the outcome
            }
        }
    }

    /**
     * A positional read into native memory of at most {@code maxBytes}, on a descriptor not
     * opened with O_DIRECT: RWF_NOWAIT there may still wait for the device. Learnt once per
     * descriptor with fcntl(F_GETFL) (a borrowed descriptor switched to O_DIRECT later keeps
     * its first answer).
     */
    @Override
    public boolean inlineCandidate(Task t, long maxBytes) {
        if (!(t.request instanceof Read rd) || rd.offset() == Aio.CURRENT_POSITION) {
            return false;
        }
        MemorySegment buf = rd.buf();
        long len = buf.byteSize();
        Fd fd = rd.fd();
        int num = fd.num();
        if (len == 0 || len > maxBytes || !buf.isNative() || num < 0 || fd.inlineReads < 0) {
            return false;
        }
        if (fd.inlineReads == 0) {
            int flags = Sys.current().fileStatusFlags(num);
            fd.inlineReads = flags < 0 || (flags & Fcntl.O_DIRECT) != 0 ? -1 : 1;
        }
        return fd.inlineReads > 0;
    }

    /**
     * preadv2 RWF_NOWAIT of a candidate (see above): the result if the page cache held every
     * byte, else null and the request goes to a worker. A short count is not taken (the data
     * may be only partly cached, and the worker's pread returns what pread returns, EOF
     * included), nor is any error (the worker meets it again and reports it with its usual
     * message).
     */
    @Override
    public Object tryInline(Task t) {
        Read rd = (Read) t.request;
        MemorySegment buf = rd.buf();
        long len = buf.byteSize();
        long[] traced = Jfr.times(t);
        if (traced != null) {
            traced[1] = System.nanoTime();
        }
        long r = Sys.current().preadNoWait(rd.fd().num(), buf, len, rd.offset());
        if (r != len) {
            if (r == -Errno.EOPNOTSUPP || r == -Errno.EINVAL) {
                rd.fd().inlineReads = -1;    // a file system (or kernel) without RWF_NOWAIT reads
            }
            return null;
        }
        if (rd.bb() != null) {
            rd.bb().position(rd.bb().position() + (int) r);    // as exec does for a worker's read
        }
        if (traced != null) {
            traced[2] = System.nanoTime();
        }
        rd.release();
        return boxed(r);
    }

    @Override
    public void deliver(Task t) {
        try {
            ((Req<?>) t.owner()).deliver(t.result(), t.error());
        } finally {
            Jfr.delivered(t);
        }
    }

    /**
     * io_uring: reads and writes of a file position, fsync/fdatasync, open (also of a working
     * directory) and close become SQEs. The kernel completes a cached read, an open whose path
     * is in the dentry cache (LOOKUP_CACHED) and a close inside the submitting io_uring_enter:
     * no hand-off at all (an open that creates or truncates goes to the kernel's io-wq threads,
     * as fsync does). Everything else runs on a worker:
     * <ul>
     * <li>the operations the kernel always hands to its own io-wq threads (statx, unlinkat,
     *     mkdirat, symlinkat, renameat, linkat): there the ring adds a syscall and a kernel
     *     thread's hop to what a worker does with one syscall — measured, a flood of stats
     *     under AUTO delivery ran at a third of the workers' rate, under MANUAL at the same
     *     (README, "Backends");</li>
     * <li>readahead (IORING_OP_FADVISE's errors differ from readahead(2)'s: success on a
     *     write-only descriptor, ESPIPE for a pipe), sendfile (splice needs a pipe at one end),
     *     directory reads (no getdents opcode), the calls with no opcode at all;</li>
     * <li>nop and busy: IO::AIO's round trips through the thread pool.</li>
     * </ul>
     */
    @Override
    public boolean prepare(Task t, Sqe sqe) {
        boolean queued = prepareSqe(t, sqe);
        long[] traced = queued ? Jfr.times(t) : null;
        if (traced != null) {
            traced[1] = System.nanoTime();    // "in the syscall": from the SQE to the CQE
        }
        return queued;
    }

    private static boolean prepareSqe(Task t, Sqe sqe) {
        Request r = (Request) t.request;
        int atDir = Sys.AT_FDCWD;
        if (r instanceof AtWd at) {
            atDir = at.wd().num();
            r = at.request();
        }
        return switch (r) {
            // Positional on a file with positions (pread's answer), or at the current position on
            // one without (read(2)'s: a pipe read then waits in the kernel, not on a worker). A
            // read at the current position of a regular file stays on the workers.
            case Read rd when rd.bb() == null && (rd.offset() != Aio.CURRENT_POSITION) == seekable(rd.fd()) ->
                    ringTransfer(sqe, true, rd.fd().num(), rd.offset(), rd.buf());
            case Write wr when wr.bb() == null && (wr.offset() != Aio.CURRENT_POSITION) == seekable(wr.fd()) ->
                    ringTransfer(sqe, false, wr.fd().num(), wr.offset(), wr.buf());
            case Fsync f -> {
                sqe.fsync(f.fd().num(), f.dataOnly());
                yield true;
            }
            case Open o -> {
                MemorySegment b = ringPath(sqe, o.path());
                yield b != null && sqe.openat(dirfd(o.path(), atDir), b.address(), o.flags() | Sys.O_CLOEXEC, o.mode());
            }
            case Wd wd -> {
                MemorySegment b = ringPath(sqe, wd.path());
                yield b != null && sqe.openat(dirfd(wd.path(), atDir), b.address(),
                        Sys.O_PATH | Sys.O_DIRECTORY | Sys.O_CLOEXEC | (wd.noFollow() ? Fcntl.O_NOFOLLOW : 0), 0);
            }
            // The descriptor to close is known only once the request is committed (commit).
            case Close c -> sqe.close(c.fd());
            // nop and busy stay on the workers: IO::AIO's round trip through the thread pool,
            // paused by maxParallel(0) and counted in nready like any queued request.
            default -> false;
        };
    }

    /**
     * False if {@code fd} has no positions (a pipe, socket, terminal): the ring's read and write
     * ignore the offset there, where pread and pwrite say ESPIPE, so a positional request on
     * such a descriptor goes to a worker and gets pread's answer on either backend. Learnt once
     * per descriptor with a zero-length pread (any answer but ESPIPE counts as seekable: a bad
     * descriptor then gets EBADF from the ring, as from pread).
     */
    private static boolean seekable(Fd fd) {
        if (fd.seekable == 0) {
            // A zero-length pread: ESPIPE exactly where pread takes no offset (pipes, sockets,
            // eventfd and its kin, where lseek may even succeed); no byte is read.
            fd.seekable = Sys.current().pread(fd.num(), MemorySegment.NULL, 0, 0) == -Errno.ESPIPE ? -1 : 1;
        }
        return fd.seekable > 0;
    }

    /**
     * {@code path} as a C string in native memory set as the SQE's aux, so it lives until the
     * completion: the slot's own scratch memory where it fits (no allocation), else a ring
     * buffer. Null (nothing taken) if it is too long for any: the worker reports ENAMETOOLONG.
     */
    private static MemorySegment ringPath(Sqe sqe, NPath path) {
        int n = path.bytes().length + 1;
        if (n > Scratch.PATH_MAX) {
            return null;
        }
        MemorySegment b = n <= Sqe.SCRATCH_BYTES ? sqe.scratch() : RingBuffers.take(Scratch.PATH_MAX);
        Names.cString(path.bytes(), b);
        sqe.aux(b);
        return b;
    }

    /** The directory a path resolves against through the ring: {@code atDir} (a working directory's) for a relative one. */
    private static int dirfd(NPath p, int atDir) {
        return p.relative() ? atDir : Sys.AT_FDCWD;
    }

    /**
     * A close through the ring, now that nothing can take it back: the file is marked closed
     * here, exactly once, and the SQE closes what {@link #exec} would have closed, or becomes a
     * nop (a pinned file is closed by its last request; a borrowed one closed before is not
     * closed again).
     */
    @Override
    public void commit(Task t, Sqe sqe) {
        Request r = inWd((Request) t.request);
        if (r instanceof Close c && c.file() != null) {
            int fd = c.file().markClosed();
            boolean borrowedFirst = c.file().isBorrowed() && fd != AioFile.ALREADY_CLOSED;
            if (fd >= 0 || borrowedFirst) {
                sqe.close(fd);
                sqe.aux(fd);    // for unsubmitted: the descriptor this request now owes a close(2)
            } else {
                sqe.becomeNop();
            }
        }
    }

    @Override
    public int unsubmitted(Task t, int res, Object aux) {
        if (aux instanceof Integer fd) {
            return Sys.current().close(fd);    // the file is marked closed: close it here, never retried
        }
        return res;
    }

    @Override
    public void abandon(Task t, Object aux) {
        if (aux instanceof MemorySegment b && RingBuffers.pooled(b)) {
            RingBuffers.give(b);
        }
    }

    /**
     * A read or write SQE: of {@code buf} itself if the kernel may be given it, else of a ring
     * buffer (a write's data copied in now); false if neither fits, and a worker runs it.
     */
    private static boolean ringTransfer(Sqe sqe, boolean read, int fd, long offset, MemorySegment buf) {
        long len = buf.byteSize();
        MemorySegment target = buf;
        if (!RingBuffers.inPlace(buf) || len > Integer.MAX_VALUE) {
            if (len > RingBuffers.MAX) {
                return false;
            }
            target = RingBuffers.take(len);
            if (!read) {
                try {
                    MemorySegment.copy(buf, 0, target, 0, len);
                } catch (IllegalStateException closed) {
                    RingBuffers.give(target);
                    return false;    // a worker meets the closed arena and says so
                }
            }
            sqe.aux(target);
        }
        if (read) {
            sqe.read(fd, target.address(), (int) len, offset);
        } else {
            sqe.write(fd, target.address(), (int) len, offset);
        }
        return true;
    }

    /** The request an {@link AtWd} runs in its working directory, or {@code r} itself. */
    private static Request inWd(Request r) {
        return r instanceof AtWd at ? at.request() : r;
    }

    @Override
    public Object rerun(Task t, int res) {
        if (t.owner() instanceof java.util.concurrent.Future<?> f && f.isCancelled()) {
            return null;    // its result is dropped anyway; a worker must not run it
        }
        Request r = (Request) t.request;
        Request op = inWd(r);
        if (op instanceof Open o && (o.flags() & Fcntl.O_NONBLOCK) == 0) {
            // The kernel tries an open non-blocking first and keeps what that attempt gives
            // for a fifo, where open(2) waits for the other end: ENXIO for a writer with no
            // reader (nothing was opened), a descriptor at once for a reader with no writer.
            if (res == -Errno.ENXIO) {
                return r;
            }
            if (res >= 0 && (o.flags() & Fcntl.O_ACCMODE) == Fcntl.O_RDONLY && Sys.current().pipeSize(res) >= 0) {
                return new AwaitWriter(r, res, new java.util.concurrent.atomic.AtomicBoolean());
            }
        }
        return res == -Errno.ECANCELED && !(op instanceof Close) ? r : null;
    }

    /** The result of a request {@link #prepare} sent through io_uring; errno to exception in {@link #check}, as for workers. */
    @Override
    public Object complete(Task t, int res, Object aux) throws Exception {
        Request r = (Request) t.request;
        Request op = inWd(r);
        MemorySegment bounce = aux instanceof MemorySegment m ? m : null;
        try {
            return switch (op) {
                case Read rd -> {
                    long n = check(res, rd.offset() == Aio.CURRENT_POSITION ? "read" : "pread", null, null);
                    if (bounce != null && n > 0) {
                        try {
                            MemorySegment.copy(bounce, 0, rd.buf(), 0, n);
                        } catch (IllegalStateException e) {
                            throw new IllegalStateException("jaio: the buffer's arena was closed before the read "
                                    + "completed; keep the arena open until the request completes", e);
                        }
                    }
                    yield boxed(n);
                }
                case Write wr -> boxed(check(res, wr.offset() == Aio.CURRENT_POSITION ? "write" : "pwrite", null, null));
                case Fsync f -> {
                    check(res, f.dataOnly() ? "fdatasync" : "fsync", null, null);
                    yield null;
                }
                case Open o -> new AioFile((int) check(res, "open", o.path(), null));
                case Wd wd -> new AioWd(new AioFile((int) check(res, "open", wd.path(), null)), wd.given());
                case Close c -> {
                    if (res == -Errno.ECANCELED) {
                        // Dropped unrun (its submitting thread exited): the file is marked closed
                        // (commit), so the descriptor it owed is closed here; a nop had none.
                        res = aux instanceof Integer fd ? Sys.current().close(fd) : 0;
                    }
                    check(res, "close", null, null);
                    yield null;
                }
                default -> throw new IllegalStateException("not an io_uring request: " + r);
            };
        } finally {
            if (bounce != null && RingBuffers.pooled(bounce)) {
                RingBuffers.give(bounce);
            }
            r.release();
            long[] traced = Jfr.times(t);
            if (traced != null) {
                traced[2] = System.nanoTime();
            }
        }
    }

    static Object exec(Request request, Scratch s) throws Exception {
        Sys sys = s.sys;
        return switch (request) {
            case AwaitWriter aw -> {
                // POLLHUP stays off until a writer has been seen, so this waits as open(2) would
                // (returning at the writer's first data or close rather than its open).
                int r;
                do {
                    r = sys.poll(aw.fd(), Sys.POLLIN, -1);
                } while (r == -Errno.EINTR);
                check(r, "open", ((Open) inWd(aw.request())).path(), null);
                aw.taken().set(true);
                yield new AioFile(aw.fd());
            }
            case AtWd at -> {
                int saved = s.atDir;
                s.atDir = at.wd().num();
                try {
                    yield exec(at.request(), s);
                } finally {
                    s.atDir = saved;
                }
            }
            case Wd wd -> {
                MemorySegment p = cPath(wd.path(), s.path1, "open");
                long fd;
                do {
                    fd = sys.openat(dirfd(wd.path(), s), p,
                            Sys.O_PATH | Sys.O_DIRECTORY | Sys.O_CLOEXEC | (wd.noFollow() ? Fcntl.O_NOFOLLOW : 0), 0);
                } while (fd == -Errno.EINTR);
                yield new AioWd(new AioFile((int) check(fd, "open", wd.path(), null)), wd.given());
            }
            case Nop n -> null;
            case Busy b -> {
                TimeUnit.NANOSECONDS.sleep(b.nanos());
                yield null;
            }
            case Open o -> {
                MemorySegment p = cPath(o.path(), s.path1, "open");
                long fd;
                do {
                    fd = sys.openat(dirfd(o.path(), s), p, o.flags() | Sys.O_CLOEXEC, o.mode());
                } while (fd == -Errno.EINTR);
                yield new AioFile((int) check(fd, "open", o.path(), null));
            }
            case Close c -> {
                int fd = c.file() != null ? c.file().markClosed() : c.fd();
                boolean borrowedFirst = c.file() != null && c.file().isBorrowed() && fd != AioFile.ALREADY_CLOSED;
                if (c.file() == null || fd >= 0 || borrowedFirst) {
                    // Never retried on EINTR: on Linux the descriptor is gone either way.
                    check(sys.close(fd), "close", null, null);
                }
                yield null;
            }
            case Read rd -> {
                long n = transfer(rd.fd().num(), rd.offset(), rd.buf(), true, s);
                if (rd.bb() != null) {
                    rd.bb().position(rd.bb().position() + (int) n);
                }
                yield boxed(n);
            }
            case Write wr -> {
                long n = transfer(wr.fd().num(), wr.offset(), wr.buf(), false, s);
                if (wr.bb() != null) {
                    wr.bb().position(wr.bb().position() + (int) n);
                }
                yield boxed(n);
            }
            case Sendfile sf -> sendfile(sf, s);
            case CopyFileRange cr -> copyFileRange(cr, s);
            case Rename rn -> {
                MemorySegment from = cPath(rn.from(), s.path1, "rename"), to = cPath(rn.to(), s.path2, "rename");
                String name = rn.flags() == 0 ? "rename" : "renameat2";
                int r = rn.flags() == 0 ? sys.renameat(dirfd(rn.from(), s), from, dirfd(rn.to(), s), to)
                        : sys.renameat2(dirfd(rn.from(), s), from, dirfd(rn.to(), s), to, rn.flags());
                check(r, name, rn.from(), rn.to());
                yield null;
            }
            case Link ln -> {
                check(sys.linkat(dirfd(ln.existing(), s), cPath(ln.existing(), s.path1, "link"), dirfd(ln.link(), s),
                        cPath(ln.link(), s.path2, "link"), 0), "link", ln.existing(), ln.link());
                yield null;
            }
            case Mknod mn -> {
                check(sys.mknodat(dirfd(mn.path(), s), cPath(mn.path(), s.path1, "mknod"), mn.mode(), mn.dev()),
                        "mknod", mn.path(), null);
                yield null;
            }
            case Realpath rp -> {
                long n = check(sys.realpath(cPath(viaProc(rp.path(), s), s.path1, "realpath"), s.path2),
                        "realpath", rp.path(), null);
                yield java.nio.file.Path.of(Names.decode(s.path2, 0, (int) n));
            }
            case Truncate tr -> {
                long r = tr.path() != null ? sys.truncate(cPath(viaProc(tr.path(), s), s.path1, "truncate"), tr.length())
                        : sys.ftruncate(tr.fd().num(), tr.length());
                check(r, tr.path() != null ? "truncate" : "ftruncate", tr.path(), null);
                yield null;
            }
            case Allocate al -> {
                check(sys.fallocate(al.fd().num(), al.mode(), al.offset(), al.length()), "fallocate", null, null);
                yield null;
            }
            case Seek sk -> boxed(check(sys.lseek(sk.fd().num(), sk.offset(), sk.whence()), "lseek", null, null));
            case Chown co -> {
                long r = co.path() != null
                        ? sys.fchownat(dirfd(co.path(), s), cPath(co.path(), s.path1, "chown"), co.uid(), co.gid(),
                                co.follow() ? 0 : Sys.AT_SYMLINK_NOFOLLOW)
                        : sys.fchownat(co.fd().num(), emptyPath(s), co.uid(), co.gid(), Sys.AT_EMPTY_PATH);
                check(r, co.path() != null ? (co.follow() ? "chown" : "lchown") : "fchown", co.path(), null);
                yield null;
            }
            case Fchmod fm -> {
                check(sys.fchmod(fm.fd().num(), fm.mode()), "fchmod", null, null);
                yield null;
            }
            case Futime fu -> {
                check(sys.futimens(fu.fd().num(), times(fu.atime(), fu.mtime(), s)), "futimens", null, null);
                yield null;
            }
            case Request.Statvfs sv -> {
                long r = sv.path() != null ? sys.statvfs(cPath(viaProc(sv.path(), s), s.path1, "statvfs"), s.stat)
                        : sys.fstatvfs(sv.fd().num(), s.stat);
                check(r, sv.path() != null ? "statvfs" : "fstatvfs", sv.path(), null);
                yield FileSystemStat.of(io.jaio.internal.sys.Statvfs.fields(s.stat));
            }
            case Sync sy -> {
                if (sy.fd() == null) {
                    sys.sync();
                } else {
                    check(sys.syncfs(sy.fd().num()), "syncfs", null, null);
                }
                yield null;
            }
            case SyncFileRange sr -> {
                check(sys.sync_file_range(sr.fd().num(), sr.offset(), sr.nbytes(), sr.flags()), "sync_file_range", null, null);
                yield null;
            }
            case Readahead ra -> {
                long r = sys.readahead(ra.fd().num(), ra.offset(), ra.length());
                if (r == -Errno.ENOSYS) {
                    emulateReadahead(ra, s);    // no readahead(2): read the range and drop it
                    r = 0;
                }
                check(r, "readahead", null, null);
                yield null;
            }
            case Request.Stat st -> stat(st.path(), st.follow(), s);
            case Fstat fs -> fstat(fs.fd().num(), s);
            case Unlink u -> {
                check(sys.unlinkat(dirfd(u.path(), s), cPath(u.path(), s.path1, "unlink"), 0), "unlink", u.path(), null);
                yield null;
            }
            case Mkdir mk -> {
                check(sys.mkdirat(dirfd(mk.path(), s), cPath(mk.path(), s.path1, "mkdir"), mk.mode()), "mkdir", mk.path(), null);
                yield null;
            }
            case Chmod ch -> {
                check(sys.fchmodat(dirfd(ch.path(), s), cPath(ch.path(), s.path1, "chmod"), ch.mode(), 0), "chmod", ch.path(), null);
                yield null;
            }
            case Utime ut -> {
                check(sys.utimensat(dirfd(ut.path(), s), cPath(ut.path(), s.path1, "utimensat"), times(ut.atime(), ut.mtime(), s),
                        ut.follow() ? 0 : Sys.AT_SYMLINK_NOFOLLOW), "utimensat", ut.path(), null);
                yield null;
            }
            case Readlink rl -> {
                int n = readlink(rl.path(), s);
                yield Names.decode(s.path2, 0, n);
            }
            case Rmdir rm -> {
                check(sys.unlinkat(dirfd(rm.path(), s), cPath(rm.path(), s.path1, "rmdir"), Sys.AT_REMOVEDIR),
                        "rmdir", rm.path(), null);
                yield null;
            }
            case Symlink sl -> {
                MemorySegment target = cPath(sl.target(), s.path1, "symlink");
                MemorySegment link = cPath(sl.link(), s.path2, "symlink");
                check(sys.symlinkat(target, dirfd(sl.link(), s), link), "symlink", sl.link(), sl.target());
                yield null;
            }
            case Readdir rd -> {
                DirList l = readdir(rd.path(), rd.types(), false, s);
                yield rd.types() ? l : l.names();
            }
            case Readdirx rx -> Readdirx.order(readdir(rx.path(), true, true,
                    (rx.flags() & Aio.READDIR_STAT) != 0, s), rx.flags());
            case Fsync f -> {
                int fd = f.fd().num();
                long r;
                String name = f.dataOnly() ? "fdatasync" : "fsync";
                do {
                    r = f.dataOnly() ? sys.fdatasync(fd) : sys.fsync(fd);
                    if (r == -Errno.ENOSYS && f.dataOnly()) {
                        r = sys.fsync(fd);    // no fdatasync here: fsync does more, never less
                        name = "fsync";
                    }
                } while (r == -Errno.EINTR);
                check(r, name, null, null);
                yield null;
            }
            case ScandirGroup g -> throw new IllegalStateException("a group has no work of its own");
            case Request.Group g -> throw new IllegalStateException("a group has no work of its own");
            case Request.CopyFile c -> FileOps.copy(c, s);
            case Request.Move m -> FileOps.move(m, s);
            case Request.CopyNode c -> FileOps.copyNode(c, s);
            case Request.LinkNode l -> FileOps.linkNode(l, s);
            case Request.Restore r -> {
                FileOps.restore(dirfd(r.path(), s), r.path(), r.st(), s);
                yield null;
            }
            case Request.Load l -> FileOps.load(l.path(), s);
            case Request.Slurp sl -> FileOps.slurp(sl, s);
            case Request.Pathsync ps -> FileOps.pathsync(ps.path(), s);
        };
    }

    /**
     * readlink into {@code s.path2}; returns the target's length. PATH_MAX bytes hold any target
     * the kernel stores; a result that fills the buffer may be cut, which readlink(2) cannot
     * tell apart, so it is refused.
     */
    static int readlink(NPath path, Scratch s) throws Exception {
        long n = check(s.sys.readlinkat(dirfd(path, s), cPath(path, s.path1, "readlink"), s.path2,
                Scratch.PATH_MAX), "readlink", path, null);
        if (n >= Scratch.PATH_MAX) {
            check(-Errno.ENAMETOOLONG, "readlink", path, null);
        }
        return (int) n;
    }

    /** The target of the symlink {@code path}, as bytes. */
    static byte[] readlinkBytes(NPath path, Scratch s) throws Exception {
        int n = readlink(path, s);
        return s.path2.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    /** Power-of-two counts (block-sized transfers, 1 B … 1 GiB), boxed once. */
    private static final Long[] POWERS_OF_TWO = new Long[31];

    static {
        for (int i = 0; i < POWERS_OF_TWO.length; i++) {
            POWERS_OF_TWO[i] = (long) 1 << i;
        }
    }

    /**
     * A transfer count as the Long a Req carries. Reads and writes of whole blocks return a
     * power of two, so those come from a table instead of a new box per request.
     */
    static Long boxed(long n) {
        if (n > 0 && (n & (n - 1)) == 0 && n <= 1L << 30) {
            return POWERS_OF_TWO[Long.numberOfTrailingZeros(n)];
        }
        return n;
    }

    /** A {@code struct timespec} at {@code off}: the instant, or UTIME_OMIT for null. */
    /**
     * utimensat's times: NULL (both now, as IO::AIO's utime with two undefs) when both are
     * null; otherwise each given time, and UTIME_OMIT for a null one.
     */
    static MemorySegment times(Instant atime, Instant mtime, Scratch s) {
        if (atime == null && mtime == null) {
            return MemorySegment.NULL;
        }
        setTimespec(s.times, 0, atime);
        setTimespec(s.times, 16, mtime);
        return s.times;
    }

    private static void setTimespec(MemorySegment times, long off, Instant t) {
        times.set(java.lang.foreign.ValueLayout.JAVA_LONG, off, t == null ? 0 : t.getEpochSecond());
        times.set(java.lang.foreign.ValueLayout.JAVA_LONG, off + 8, t == null ? Sys.UTIME_OMIT : t.getNano());
    }

    /** The one place an errno becomes an exception. */
    static long check(long r, String syscall, NPath path, NPath other) throws ErrnoException {
        if (r >= 0) {
            return r;
        }
        int errno = (int) -r;
        throw new ErrnoException(errno, Errno.name(errno), syscall,
                path == null ? null : path.display(), other == null ? null : other.display(),
                Errno.describe(errno));
    }

    /** The directory a path resolves against: the running AtWd's for a relative one, else none needed. */
    static int dirfd(NPath p, Scratch s) {
        return p.relative() ? s.atDir : Sys.AT_FDCWD;
    }

    /**
     * For the calls that have no *at form (truncate, statvfs, realpath): a relative path as
     * /proc/self/fd/N/path, which the kernel resolves through the working directory's descriptor.
     */
    private static NPath viaProc(NPath p, Scratch s) {
        if (!p.relative()) {
            return p;
        }
        byte[] prefix = ("/proc/self/fd/" + s.atDir + "/").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] b = new byte[prefix.length + p.bytes().length];
        System.arraycopy(prefix, 0, b, 0, prefix.length);
        System.arraycopy(p.bytes(), 0, b, prefix.length, p.bytes().length);
        return new NPath(p.display(), b);
    }

    /** An empty C string, for the *at syscalls' AT_EMPTY_PATH. */
    private static MemorySegment emptyPath(Scratch s) {
        s.path1.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) 0);
        return s.path1;
    }

    /** {@code p} as a NUL-terminated string in {@code buf}; ENAMETOOLONG if it cannot fit. */
    static MemorySegment cPath(NPath p, MemorySegment buf, String syscall) throws ErrnoException {
        if (p.bytes().length >= Scratch.PATH_MAX) {
            check(-Errno.ENAMETOOLONG, syscall, p, null);
        }
        return Names.cString(p.bytes(), buf);
    }

    /** pread/pwrite of the whole segment, through the bounce buffer for heap segments. */
    /** pread/pwrite at {@code offset}, or read/write at the descriptor's position for CURRENT_POSITION. */
    private static long rw(Sys sys, boolean read, int fd, MemorySegment buf, long len, long offset) {
        if (offset == Aio.CURRENT_POSITION) {
            return read ? sys.read(fd, buf, len) : sys.write(fd, buf, len);
        }
        return read ? sys.pread(fd, buf, len, offset) : sys.pwrite(fd, buf, len, offset);
    }

    private static long transfer(int fd, long offset, MemorySegment buf, boolean read, Scratch s) throws Exception {
        Sys sys = s.sys;
        boolean positional = offset != Aio.CURRENT_POSITION;
        String name = positional ? (read ? "pread" : "pwrite") : (read ? "read" : "write");
        long len = buf.byteSize();
        try {
            if (buf.isNative()) {
                long r;
                do {
                    r = rw(sys, read, fd, buf, len, offset);
                } while (r == -Errno.EINTR);
                return check(r, name, null, null);
            }
            long done = 0;
            while (done < len) {
                long chunk = Math.min(len - done, Scratch.BOUNCE_MAX);
                MemorySegment b = s.bounce(chunk).asSlice(0, chunk);
                if (!read) {
                    MemorySegment.copy(buf, done, b, 0, chunk);
                }
                long r;
                do {
                    r = rw(sys, read, fd, b, chunk, positional ? offset + done : offset);
                } while (r == -Errno.EINTR);
                if (r < 0 && done > 0) {
                    break;    // report what was transferred; the error recurs on the next call
                }
                check(r, name, null, null);
                if (read) {
                    MemorySegment.copy(b, 0, buf, done, r);
                }
                done += r;
                if (r < chunk) {
                    break;
                }
            }
            return done;
        } catch (IllegalStateException e) {
            throw new IllegalStateException("jaio: the buffer's arena was closed before the "
                    + (read ? "read" : "write") + " ran; keep the arena open until the request completes", e);
        }
    }

    private static long sendfile(Sendfile sf, Scratch s) throws Exception {
        Sys sys = s.sys;
        long done = 0;
        while (done < sf.length()) {
            long r;
            do {
                r = sys.sendfile(sf.out().num(), sf.in().num(), sf.inOffset() + done, sf.length() - done);
            } while (r == -Errno.EINTR);
            if (done == 0 && refusedPair(r)) {
                return emulateSendfile(sf, 0, s);    // as IO::AIO: read and write instead
            }
            if (r < 0 && done > 0) {
                break;
            }
            check(r, "sendfile", null, null);
            if (r == 0) {
                break;
            }
            done += r;
        }
        return done;
    }

    /**
     * copy_file_range until {@code length} bytes are copied or the input ends: in the kernel,
     * a reflink where the file system shares extents. Where the kernel refuses the pair before
     * anything is copied (ENOSYS, EXDEV across file systems on older kernels, EOPNOTSUPP,
     * EINVAL for special files), it reads and writes at the same offsets instead.
     */
    private static Long copyFileRange(CopyFileRange cr, Scratch s) throws Exception {
        Sys sys = s.sys;
        long done = 0;
        while (done < cr.length()) {
            long r;
            do {
                r = sys.copy_file_range(cr.in().num(), cr.inOffset() + done, cr.out().num(), cr.outOffset() + done,
                        cr.length() - done, 0);
            } while (r == -Errno.EINTR);
            if (done == 0 && (r == -Errno.ENOSYS || r == -Errno.EXDEV || r == -Errno.EOPNOTSUPP
                    || r == -Errno.EINVAL)) {
                return boxed(copyByReadWrite(cr, s));
            }
            if (r < 0 && done > 0) {
                break;    // report what was copied; the next request meets the error
            }
            check(r, "copy_file_range", null, null);
            if (r == 0) {
                break;    // end of input
            }
            done += r;
        }
        return boxed(done);
    }

    /** copyFileRange's fallback: pread and pwrite through the bounce buffer, offsets as given. */
    private static long copyByReadWrite(CopyFileRange cr, Scratch s) throws Exception {
        return copyThroughBounce(cr.in().num(), cr.inOffset(), cr.out().num(), cr.outOffset(), cr.length(), s);
    }

    /**
     * Copies by reading and writing through the worker's bounce buffer: pread from {@code in}
     * at {@code inOffset}, then pwrite to {@code out} at {@code outOffset}, or write(2) at its
     * position when outOffset is {@link Aio#CURRENT_POSITION}. Once anything is copied, an error
     * ends the copy with the count so far (the next request meets it); before, it is thrown.
     */
    static long copyThroughBounce(int in, long inOffset, int out, long outOffset, long length, Scratch s)
            throws Exception {
        Sys sys = s.sys;
        long done = 0;
        while (done < length) {
            long chunk = Math.min(length - done, Scratch.BOUNCE_MAX);
            MemorySegment b = s.bounce(chunk).asSlice(0, chunk);
            long r;
            do {
                r = sys.pread(in, b, chunk, inOffset + done);
            } while (r == -Errno.EINTR);
            if (r < 0 && done > 0) break;
            check(r, "pread", null, null);
            if (r == 0) break;
            long off = 0;
            while (off < r) {
                long w;
                do {
                    w = rw(sys, false, out, b.asSlice(off, r - off), r - off,
                            outOffset == Aio.CURRENT_POSITION ? outOffset : outOffset + done + off);
                } while (w == -Errno.EINTR);
                if (w < 0 && done + off > 0) return done + off;
                check(w, outOffset == Aio.CURRENT_POSITION ? "write" : "pwrite", null, null);
                off += w;
            }
            done += r;
        }
        return done;
    }

    /**
     * The errnos with which sendfile refuses a pair of descriptors (not a failure of the copy
     * itself), on which IO::AIO falls back to reading and writing: no sendfile at all, a
     * descriptor kind it does not take, an offset beyond what it handles.
     */
    private static boolean refusedPair(long r) {
        return r == -Errno.ENOSYS || r == -Errno.EINVAL || r == -Errno.EOPNOTSUPP || r == -Errno.ENOTSOCK
                || r == -Errno.EOVERFLOW || r == -Errno.EXDEV || r == -Errno.ESPIPE;
    }

    /** pread from in, write(2) to out at its file position, as sendfile does. */
    private static long emulateSendfile(Sendfile sf, long start, Scratch s) throws Exception {
        return copyThroughBounce(sf.in().num(), sf.inOffset() + start, sf.out().num(), Aio.CURRENT_POSITION,
                sf.length() - start, s);
    }

    private static void emulateReadahead(Readahead ra, Scratch s) throws Exception {
        long done = 0;
        while (done < ra.length()) {
            long chunk = Math.min(ra.length() - done, Scratch.BOUNCE_MAX);
            long r = check(s.sys.pread(ra.fd().num(), s.bounce(chunk), chunk, ra.offset() + done), "pread", null, null);
            if (r == 0) break;
            done += r;
        }
    }

    static FileStat stat(NPath path, boolean follow, Scratch s) throws Exception {
        MemorySegment p = cPath(path, s.path1, follow ? "stat" : "lstat");
        return statAt(dirfd(path, s), p, follow, path, s);
    }

    /** statx of {@code p} relative to {@code dirfd} (fstatat where the kernel has no statx). */
    private static FileStat statAt(int dirfd, MemorySegment p, boolean follow, NPath path, Scratch s) throws Exception {
        int flags = follow ? 0 : Sys.AT_SYMLINK_NOFOLLOW;
        if (haveStatx) {
            int r = s.sys.statx(dirfd, p, flags, Stat.STATX_BASIC_STATS, s.stat);
            if (r != -Errno.ENOSYS) {
                check(r, "statx", path, null);
                return Stat.fromStatx(s.stat, FILE_STAT);
            }
            haveStatx = false;
        }
        check(s.sys.fstatat(dirfd, p, s.stat, flags), follow ? "stat" : "lstat", path, null);
        return Stat.fromStat(s.stat, FILE_STAT);
    }

    static FileStat fstat(int fd, Scratch s) throws Exception {
        if (haveStatx) {
            MemorySegment empty = s.path1;
            empty.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) 0);
            int r = s.sys.statx(fd, empty, Sys.AT_EMPTY_PATH, Stat.STATX_BASIC_STATS, s.stat);
            if (r != -Errno.ENOSYS) {
                check(r, "statx", null, null);
                return Stat.fromStatx(s.stat, FILE_STAT);
            }
            haveStatx = false;
        }
        check(s.sys.fstat(fd, s.stat), "fstat", null, null);
        return Stat.fromStat(s.stat, FILE_STAT);
    }

    /** The whole directory through getdents64, without "." and "..". */
    static DirList readdir(NPath path, boolean types, boolean inodes, Scratch s) throws Exception {
        return readdir(path, types, inodes, false, s);
    }

    /**
     * The whole directory through getdents64, without "." and ".."; with {@code stats}, each
     * entry lstat'ed relative to the open directory (statx or fstatat on its descriptor: no
     * path lookup from the root, and no request per entry). An entry gone before its stat is
     * left out, as if the listing had been read after it went.
     */
    static DirList readdir(NPath path, boolean types, boolean inodes, boolean stats, Scratch s) throws Exception {
        Sys sys = s.sys;
        MemorySegment p = cPath(path, s.path1, "open");
        int fd;
        do {
            fd = sys.openat(dirfd(path, s), p, Sys.O_RDONLY | Sys.O_DIRECTORY | Sys.O_CLOEXEC, 0);
        } while (fd == -Errno.EINTR);
        check(fd, "open", path, null);
        List<String> names = new ArrayList<>();
        byte[][] typeList = {types ? new byte[64] : null};
        long[][] ino = {inodes ? new long[64] : null};
        try {
            for (;;) {
                long n = check(sys.getdents64(fd, s.dirents, s.dirents.byteSize()), "getdents64", path, null);
                if (n == 0) {
                    break;
                }
                Dirents.forEach(s.dirents, n, s.direntsHeap, (buf, off, len, type, inode) -> {
                    int i = names.size();
                    if (ino[0] != null) {
                        if (i == ino[0].length) {
                            ino[0] = java.util.Arrays.copyOf(ino[0], i * 2);
                        }
                        ino[0][i] = inode;
                    }
                    if (typeList[0] != null) {
                        if (i == typeList[0].length) {
                            typeList[0] = java.util.Arrays.copyOf(typeList[0], i * 2);
                        }
                        typeList[0][i] = (byte) type;
                    }
                    names.add(Names.decode(buf, off, len));
                });
            }
            DirList l = new DirList(names, types ? java.util.Arrays.copyOf(typeList[0], names.size()) : null,
                    inodes ? java.util.Arrays.copyOf(ino[0], names.size()) : null, null);
            return stats ? statEntries(fd, path, l, s) : l;
        } finally {
            sys.close(fd);
        }
    }

    /** lstats every entry of {@code l} relative to the directory descriptor {@code dirfd}. */
    private static DirList statEntries(int dirfd, NPath dir, DirList l, Scratch s) throws Exception {
        int n = l.names().size();
        List<String> names = new ArrayList<>(n);
        java.io.ByteArrayOutputStream types = new java.io.ByteArrayOutputStream(n);
        long[] inodes = new long[n];
        FileStat[] stats = new FileStat[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            String name = l.names().get(i);
            MemorySegment p = Names.cString(Names.encode(name), s.path2);
            try {
                stats[k] = statAt(dirfd, p, false, new NPath(dir.display() + "/" + name, null), s);
            } catch (ErrnoException e) {
                if (e.errno() == Errno.ENOENT) {
                    continue;    // gone since the listing
                }
                throw e;
            }
            names.add(name);
            types.write(l.types()[i]);
            inodes[k] = l.inodes()[i];
            k++;
        }
        return new DirList(names, types.toByteArray(), java.util.Arrays.copyOf(inodes, k), java.util.Arrays.copyOf(stats, k));
    }
}
