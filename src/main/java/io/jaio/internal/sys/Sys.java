package io.jaio.internal.sys;

import io.jaio.internal.bindings.LibC;
import io.jaio.internal.bindings.iovec;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * One method per syscall, named after it. Every method returns {@code >= 0} on success or
 * {@code -errno} on failure (the kernel's own convention) and never throws for an errno.
 *
 * <p>A {@code Sys} belongs to one thread: errno is captured by
 * {@link Linker.Option#captureCallState} into {@link #errnoSegment}, and small out-parameters
 * (offsets for sendfile and copy_file_range, pollfd, the pipe pair) live in {@link #scratch};
 * both are allocated once from the owner's arena, so no call allocates. Path arguments are
 * NUL-terminated native strings; {@link Names} makes them.
 *
 * <p>Downcall handles are the generated bindings' addresses and descriptors, linked again here
 * with errno capture; the bindings themselves are never edited.
 */
// The sys layer is where jaio links native functions: its restricted calls are its purpose.
@SuppressWarnings("restricted")
public final class Sys {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    static {
        NativeAccess.check();
    }

    public static final int POLLIN = LibC.POLLIN();
    public static final int POLLERR = LibC.POLLERR();
    public static final int O_CLOEXEC = LibC.O_CLOEXEC();
    public static final int O_NONBLOCK = LibC.O_NONBLOCK();
    public static final int O_RDONLY = LibC.O_RDONLY();
    public static final int O_DIRECTORY = LibC.O_DIRECTORY();
    public static final int O_PATH = LibC.O_PATH();
    public static final int EFD_CLOEXEC = LibC.EFD_CLOEXEC();
    public static final int EFD_NONBLOCK = LibC.EFD_NONBLOCK();
    public static final int AT_FDCWD = LibC.AT_FDCWD();
    public static final int AT_SYMLINK_NOFOLLOW = LibC.AT_SYMLINK_NOFOLLOW();
    public static final int AT_EMPTY_PATH = LibC.AT_EMPTY_PATH();
    public static final int AT_REMOVEDIR = LibC.AT_REMOVEDIR();
    public static final long UTIME_OMIT = LibC.UTIME_OMIT();

    private static MethodHandle link(MemorySegment address, FunctionDescriptor d) {
        return LINKER.downcallHandle(address, d, CAPTURE_ERRNO);
    }

    private static final FunctionDescriptor OPEN_DESC =
            FunctionDescriptor.of(LibC.C_INT, LibC.C_POINTER, LibC.C_INT, LibC.C_INT);
    private static final FunctionDescriptor OPENAT_DESC =
            FunctionDescriptor.of(LibC.C_INT, LibC.C_INT, LibC.C_POINTER, LibC.C_INT, LibC.C_INT);
    // Each handle is linked on first use, in a holder class of its own: linking costs about
    // 2 ms a function, and a short command (jaio treescan) calls only a few of them.
    // open and openat are variadic (the mode); linked once with the mode as the first variadic int.
    private static final class OPEN { static final MethodHandle MH = LINKER.downcallHandle(LibC.open.address(), OPEN_DESC, Linker.Option.firstVariadicArg(2), CAPTURE_ERRNO); }
    private static final class OPENAT { static final MethodHandle MH = LINKER.downcallHandle(LibC.openat.address(), OPENAT_DESC, Linker.Option.firstVariadicArg(3), CAPTURE_ERRNO); }
    private static final class CLOSE { static final MethodHandle MH = link(LibC.close$address(), LibC.close$descriptor()); }
    private static final class READ { static final MethodHandle MH = link(LibC.read$address(), LibC.read$descriptor()); }
    private static final class WRITE { static final MethodHandle MH = link(LibC.write$address(), LibC.write$descriptor()); }
    private static final class PREAD { static final MethodHandle MH = link(LibC.pread$address(), LibC.pread$descriptor()); }
    private static final class PWRITE { static final MethodHandle MH = link(LibC.pwrite$address(), LibC.pwrite$descriptor()); }
    private static final class SENDFILE { static final MethodHandle MH = link(LibC.sendfile$address(), LibC.sendfile$descriptor()); }
    private static final class READAHEAD { static final MethodHandle MH = link(LibC.readahead$address(), LibC.readahead$descriptor()); }
    private static final class FSTATAT { static final MethodHandle MH = link(LibC.fstatat$address(), LibC.fstatat$descriptor()); }
    private static final class FSTAT { static final MethodHandle MH = link(LibC.fstat$address(), LibC.fstat$descriptor()); }
    private static final class STATX { static final MethodHandle MH = link(LibC.statx$address(), LibC.statx$descriptor()); }
    private static final class GETDENTS64 { static final MethodHandle MH = link(LibC.getdents64$address(), LibC.getdents64$descriptor()); }
    private static final class UNLINK { static final MethodHandle MH = link(LibC.unlink$address(), LibC.unlink$descriptor()); }
    private static final class UNLINKAT { static final MethodHandle MH = link(LibC.unlinkat$address(), LibC.unlinkat$descriptor()); }
    private static final class RMDIR { static final MethodHandle MH = link(LibC.rmdir$address(), LibC.rmdir$descriptor()); }
    private static final class SYMLINK { static final MethodHandle MH = link(LibC.symlink$address(), LibC.symlink$descriptor()); }
    private static final class SYMLINKAT { static final MethodHandle MH = link(LibC.symlinkat$address(), LibC.symlinkat$descriptor()); }
    private static final class MKDIRAT { static final MethodHandle MH = link(LibC.mkdirat$address(), LibC.mkdirat$descriptor()); }
    private static final class RENAMEAT { static final MethodHandle MH = link(LibC.renameat$address(), LibC.renameat$descriptor()); }
    private static final class LINKAT { static final MethodHandle MH = link(LibC.linkat$address(), LibC.linkat$descriptor()); }
    private static final class READLINKAT { static final MethodHandle MH = link(LibC.readlinkat$address(), LibC.readlinkat$descriptor()); }
    private static final class FSYNC { static final MethodHandle MH = link(LibC.fsync$address(), LibC.fsync$descriptor()); }
    private static final class FDATASYNC { static final MethodHandle MH = link(LibC.fdatasync$address(), LibC.fdatasync$descriptor()); }
    private static final class FTRUNCATE { static final MethodHandle MH = link(LibC.ftruncate$address(), LibC.ftruncate$descriptor()); }
    private static final class FALLOCATE { static final MethodHandle MH = link(LibC.fallocate$address(), LibC.fallocate$descriptor()); }
    private static final class SYNC_FILE_RANGE { static final MethodHandle MH = link(LibC.sync_file_range$address(), LibC.sync_file_range$descriptor()); }
    private static final class COPY_FILE_RANGE { static final MethodHandle MH = link(LibC.copy_file_range$address(), LibC.copy_file_range$descriptor()); }
    private static final class UTIMENSAT { static final MethodHandle MH = link(LibC.utimensat$address(), LibC.utimensat$descriptor()); }
    private static final class FCHMODAT { static final MethodHandle MH = link(LibC.fchmodat$address(), LibC.fchmodat$descriptor()); }
    private static final class FCHOWNAT { static final MethodHandle MH = link(LibC.fchownat$address(), LibC.fchownat$descriptor()); }
    private static final class FSTATVFS { static final MethodHandle MH = link(LibC.fstatvfs$address(), LibC.fstatvfs$descriptor()); }
    private static final class STATVFS { static final MethodHandle MH = link(LibC.statvfs$address(), LibC.statvfs$descriptor()); }
    private static final class RENAMEAT2 { static final MethodHandle MH = link(LibC.renameat2$address(), LibC.renameat2$descriptor()); }
    private static final class MKNODAT { static final MethodHandle MH = link(LibC.mknodat$address(), LibC.mknodat$descriptor()); }
    private static final class LSEEK { static final MethodHandle MH = link(LibC.lseek$address(), LibC.lseek$descriptor()); }
    private static final class SYNC { static final MethodHandle MH = link(LibC.sync$address(), LibC.sync$descriptor()); }
    private static final class SYNCFS { static final MethodHandle MH = link(LibC.syncfs$address(), LibC.syncfs$descriptor()); }
    private static final class TRUNCATE { static final MethodHandle MH = link(LibC.truncate$address(), LibC.truncate$descriptor()); }
    private static final class FCHMOD { static final MethodHandle MH = link(LibC.fchmod$address(), LibC.fchmod$descriptor()); }
    private static final class FUTIMENS { static final MethodHandle MH = link(LibC.futimens$address(), LibC.futimens$descriptor()); }
    private static final class REALPATH { static final MethodHandle MH = link(LibC.realpath$address(), LibC.realpath$descriptor()); }
    private static final class EVENTFD { static final MethodHandle MH = link(LibC.eventfd$address(), LibC.eventfd$descriptor()); }
    private static final class PIPE2 { static final MethodHandle MH = link(LibC.pipe2$address(), LibC.pipe2$descriptor()); }
    private static final class POLL { static final MethodHandle MH = link(LibC.poll$address(), LibC.poll$descriptor()); }
    private static final class ISATTY { static final MethodHandle MH = link(LibC.isatty$address(), LibC.isatty$descriptor()); }
    private static final class MMAP { static final MethodHandle MH = link(LibC.mmap$address(), LibC.mmap$descriptor()); }
    private static final class MUNMAP { static final MethodHandle MH = link(LibC.munmap$address(), LibC.munmap$descriptor()); }
    // syscall(2) is variadic: linked once per arity, every argument passed as a long.
    private static final class SYSCALL3 { static final MethodHandle MH = syscall(2); }
    private static final class SYSCALL5 { static final MethodHandle MH = syscall(4); }
    private static final class SYSCALL7 { static final MethodHandle MH = syscall(6); }
    /**
     * syscall(2) with six arguments and a seventh it never reads: a segment the kernel is given
     * only by address (inside an iovec). Passed as an argument, it is kept alive for the call
     * the way pread's buffer is — the linker holds its arena open, so a shared arena cannot be
     * closed under the kernel's copy. An extra argument to a variadic function is legal C.
     */
    private static final class SYSCALL7_KEEP {
        static final MethodHandle MH = LINKER.downcallHandle(LibC.syscall.address(),
                FunctionDescriptor.of(LibC.C_LONG, LibC.C_LONG, LibC.C_LONG, LibC.C_LONG, LibC.C_LONG, LibC.C_LONG,
                        LibC.C_LONG, LibC.C_LONG, LibC.C_POINTER),
                Linker.Option.firstVariadicArg(1), CAPTURE_ERRNO);
    }

    /**
     * Loads, without linking, every handle's holder class (ours and the generated bindings'
     * per-function ones, since a handle is linked from those): a class is read from a file, which
     * cannot be opened while descriptors are exhausted (EMFILE), while linking needs none.
     * Called when an engine is built, so that a syscall first made under EMFILE still fails
     * with its errno rather than a NoClassDefFoundError.
     */
    public static void loadHandleHolders() {
        for (Class<?> owner : new Class<?>[] {Sys.class, LibC.class}) {    // ours, and the bindings' own holders
            for (Class<?> c : owner.getDeclaredClasses()) {
                load(c);
                for (Class<?> lazy : c.getDeclaredClasses()) {    // a binding's Lazy holder of its handle
                    load(lazy);
                }
            }
        }
    }

    private static void load(Class<?> c) {
        try {
            Class.forName(c.getName(), false, c.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    private static MethodHandle syscall(int args) {
        java.lang.foreign.MemoryLayout[] l = new java.lang.foreign.MemoryLayout[args + 1];
        java.util.Arrays.fill(l, LibC.C_LONG);
        return LINKER.downcallHandle(LibC.syscall.address(), FunctionDescriptor.of(LibC.C_LONG, l),
                Linker.Option.firstVariadicArg(1), CAPTURE_ERRNO);
    }

    /** Size of the per-thread scratch: two off_t out-parameters, one pollfd, one int[2], one iovec. */
    private static final long SCRATCH_SIZE = 48;
    private static final long OFF_IN = 0, OFF_OUT = 8, POLLFD = 16, PIPE_FDS = 24, IOVEC = 32;

    private static final ThreadLocal<Sys> CURRENT = ThreadLocal.withInitial(() -> new Sys(Arena.ofAuto()));

    /** errno capture for this thread's calls. */
    private final MemorySegment errnoSegment;
    /** Out-parameters for this thread's calls; see SCRATCH_SIZE. */
    private final MemorySegment scratch;
    /** The iovec preadNoWait hands the kernel, a slice of scratch made once. */
    private final MemorySegment iov;

    /**
     * A Sys whose capture memory comes from {@code arena}; the arena must outlive every call,
     * and only one thread at a time may use the instance.
     */
    public Sys(Arena arena) {
        this.errnoSegment = arena.allocate(CAPTURE);
        this.scratch = arena.allocate(SCRATCH_SIZE, 8);
        this.iov = scratch.asSlice(IOVEC, iovec.layout().byteSize());
    }

    /** The calling thread's own instance, for threads that are not jaio workers. */
    public static Sys current() {
        return CURRENT.get();
    }

    private int ret(int r) {
        return r == -1 ? -(int) ERRNO.get(errnoSegment, 0L) : r;
    }

    private long ret(long r) {
        return r == -1 ? -(int) ERRNO.get(errnoSegment, 0L) : r;
    }

    private static AssertionError fail(Throwable t) {
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error e) throw e;
        return new AssertionError("downcall failed", t);
    }

    public int open(MemorySegment path, int flags, int mode) {
        try { return ret((int) OPEN.MH.invokeExact(errnoSegment, path, flags, mode)); } catch (Throwable t) { throw fail(t); }
    }

    public int openat(int dirfd, MemorySegment path, int flags, int mode) {
        try { return ret((int) OPENAT.MH.invokeExact(errnoSegment, dirfd, path, flags, mode)); } catch (Throwable t) { throw fail(t); }
    }

    public int close(int fd) {
        try { return ret((int) CLOSE.MH.invokeExact(errnoSegment, fd)); } catch (Throwable t) { throw fail(t); }
    }

    public long read(int fd, MemorySegment buf, long count) {
        try { return ret((long) READ.MH.invokeExact(errnoSegment, fd, buf, count)); } catch (Throwable t) { throw fail(t); }
    }

    public long write(int fd, MemorySegment buf, long count) {
        try { return ret((long) WRITE.MH.invokeExact(errnoSegment, fd, buf, count)); } catch (Throwable t) { throw fail(t); }
    }

    public long pread(int fd, MemorySegment buf, long count, long offset) {
        try { return ret((long) PREAD.MH.invokeExact(errnoSegment, fd, buf, count, offset)); } catch (Throwable t) { throw fail(t); }
    }

    /**
     * preadv2(2) of one buffer with RWF_NOWAIT: reads only what the page cache holds, never
     * waiting for a device — -EAGAIN when it would. Through syscall(2), so a C library without
     * the preadv2 wrapper is no obstacle; on 64-bit kernels the offset is the low word and the
     * high word is 0. The iovec lives in this thread's scratch.
     */
    public long preadNoWait(int fd, MemorySegment buf, long count, long offset) {
        MemorySegment iov = this.iov;
        iovec.iov_base(iov, buf);
        iovec.iov_len(iov, count);
        try {
            return ret((long) SYSCALL7_KEEP.MH.invokeExact(errnoSegment, (long) LibC.__NR_preadv2(), (long) fd,
                    iov.address(), 1L, offset, 0L, (long) LibC.RWF_NOWAIT(), buf));
        } catch (Throwable t) { throw fail(t); }
    }

    /** fcntl(fd, F_GETPIPE_SZ): a pipe's or fifo's capacity, or -errno (EBADF for anything else). */
    public int pipeSize(int fd) {
        try {
            return (int) ret((long) SYSCALL3.MH.invokeExact(errnoSegment, (long) LibC.__NR_fcntl(), (long) fd,
                    (long) LibC.F_GETPIPE_SZ()));
        } catch (Throwable t) { throw fail(t); }
    }

    /** fcntl(fd, F_GETFL): the descriptor's status flags (O_DIRECT, O_APPEND, ...), or -errno. */
    public int fileStatusFlags(int fd) {
        try {
            return (int) ret((long) SYSCALL3.MH.invokeExact(errnoSegment, (long) LibC.__NR_fcntl(), (long) fd,
                    (long) LibC.F_GETFL()));
        } catch (Throwable t) { throw fail(t); }
    }

    public long pwrite(int fd, MemorySegment buf, long count, long offset) {
        try { return ret((long) PWRITE.MH.invokeExact(errnoSegment, fd, buf, count, offset)); } catch (Throwable t) { throw fail(t); }
    }

    /**
     * sendfile(2) from {@code inFd} at {@code inOffset}; a negative offset passes NULL, so the
     * kernel reads at, and advances, the in descriptor's file position.
     */
    public long sendfile(int outFd, int inFd, long inOffset, long count) {
        MemorySegment off = MemorySegment.NULL;
        if (inOffset >= 0) {
            off = scratch.asSlice(OFF_IN, 8);
            off.set(JAVA_LONG, 0, inOffset);
        }
        try { return ret((long) SENDFILE.MH.invokeExact(errnoSegment, outFd, inFd, off, count)); } catch (Throwable t) { throw fail(t); }
    }

    public long readahead(int fd, long offset, long count) {
        try { return ret((long) READAHEAD.MH.invokeExact(errnoSegment, fd, offset, count)); } catch (Throwable t) { throw fail(t); }
    }

    /** {@code buf} holds a {@code struct stat}; see {@link Stat#STAT_SIZE}. */
    public int fstatat(int dirfd, MemorySegment path, MemorySegment buf, int flags) {
        try { return ret((int) FSTATAT.MH.invokeExact(errnoSegment, dirfd, path, buf, flags)); } catch (Throwable t) { throw fail(t); }
    }

    public int fstat(int fd, MemorySegment buf) {
        try { return ret((int) FSTAT.MH.invokeExact(errnoSegment, fd, buf)); } catch (Throwable t) { throw fail(t); }
    }

    /** {@code buf} holds a {@code struct statx}; see {@link Stat#STATX_SIZE}. */
    public int statx(int dirfd, MemorySegment path, int flags, int mask, MemorySegment buf) {
        try { return ret((int) STATX.MH.invokeExact(errnoSegment, dirfd, path, flags, mask, buf)); } catch (Throwable t) { throw fail(t); }
    }

    /** Fills {@code buf} with {@code struct linux_dirent64} records; see {@link Dirents}. */
    public long getdents64(int fd, MemorySegment buf, long count) {
        try { return ret((long) GETDENTS64.MH.invokeExact(errnoSegment, fd, buf, count)); } catch (Throwable t) { throw fail(t); }
    }

    public int unlink(MemorySegment path) {
        try { return ret((int) UNLINK.MH.invokeExact(errnoSegment, path)); } catch (Throwable t) { throw fail(t); }
    }

    public int unlinkat(int dirfd, MemorySegment path, int flags) {
        try { return ret((int) UNLINKAT.MH.invokeExact(errnoSegment, dirfd, path, flags)); } catch (Throwable t) { throw fail(t); }
    }

    public int rmdir(MemorySegment path) {
        try { return ret((int) RMDIR.MH.invokeExact(errnoSegment, path)); } catch (Throwable t) { throw fail(t); }
    }

    public int symlink(MemorySegment target, MemorySegment linkPath) {
        try { return ret((int) SYMLINK.MH.invokeExact(errnoSegment, target, linkPath)); } catch (Throwable t) { throw fail(t); }
    }

    public int symlinkat(MemorySegment target, int newDirfd, MemorySegment linkPath) {
        try { return ret((int) SYMLINKAT.MH.invokeExact(errnoSegment, target, newDirfd, linkPath)); } catch (Throwable t) { throw fail(t); }
    }

    public int mkdirat(int dirfd, MemorySegment path, int mode) {
        try { return ret((int) MKDIRAT.MH.invokeExact(errnoSegment, dirfd, path, mode)); } catch (Throwable t) { throw fail(t); }
    }

    public int renameat(int oldDirfd, MemorySegment oldPath, int newDirfd, MemorySegment newPath) {
        try { return ret((int) RENAMEAT.MH.invokeExact(errnoSegment, oldDirfd, oldPath, newDirfd, newPath)); } catch (Throwable t) { throw fail(t); }
    }

    public int linkat(int oldDirfd, MemorySegment oldPath, int newDirfd, MemorySegment newPath, int flags) {
        try { return ret((int) LINKAT.MH.invokeExact(errnoSegment, oldDirfd, oldPath, newDirfd, newPath, flags)); } catch (Throwable t) { throw fail(t); }
    }

    /** Returns the length written to {@code buf} (not NUL-terminated), or -errno. */
    public long readlinkat(int dirfd, MemorySegment path, MemorySegment buf, long size) {
        try { return ret((long) READLINKAT.MH.invokeExact(errnoSegment, dirfd, path, buf, size)); } catch (Throwable t) { throw fail(t); }
    }

    public int fsync(int fd) {
        try { return ret((int) FSYNC.MH.invokeExact(errnoSegment, fd)); } catch (Throwable t) { throw fail(t); }
    }

    public int fdatasync(int fd) {
        try { return ret((int) FDATASYNC.MH.invokeExact(errnoSegment, fd)); } catch (Throwable t) { throw fail(t); }
    }

    public int ftruncate(int fd, long length) {
        try { return ret((int) FTRUNCATE.MH.invokeExact(errnoSegment, fd, length)); } catch (Throwable t) { throw fail(t); }
    }

    public int fallocate(int fd, int mode, long offset, long length) {
        try { return ret((int) FALLOCATE.MH.invokeExact(errnoSegment, fd, mode, offset, length)); } catch (Throwable t) { throw fail(t); }
    }

    public int sync_file_range(int fd, long offset, long count, int flags) {
        try { return ret((int) SYNC_FILE_RANGE.MH.invokeExact(errnoSegment, fd, offset, count, flags)); } catch (Throwable t) { throw fail(t); }
    }

    /** copy_file_range(2) between explicit offsets; neither descriptor's position moves. */
    public long copy_file_range(int inFd, long inOffset, int outFd, long outOffset, long count, int flags) {
        MemorySegment in = scratch.asSlice(OFF_IN, 8), out = scratch.asSlice(OFF_OUT, 8);
        in.set(JAVA_LONG, 0, inOffset);
        out.set(JAVA_LONG, 0, outOffset);
        try { return ret((long) COPY_FILE_RANGE.MH.invokeExact(errnoSegment, inFd, in, outFd, out, count, flags)); } catch (Throwable t) { throw fail(t); }
    }

    /** {@code times} is NULL (now) or two {@code struct timespec}. */
    public int utimensat(int dirfd, MemorySegment path, MemorySegment times, int flags) {
        try { return ret((int) UTIMENSAT.MH.invokeExact(errnoSegment, dirfd, path, times, flags)); } catch (Throwable t) { throw fail(t); }
    }

    public int fchmodat(int dirfd, MemorySegment path, int mode, int flags) {
        try { return ret((int) FCHMODAT.MH.invokeExact(errnoSegment, dirfd, path, mode, flags)); } catch (Throwable t) { throw fail(t); }
    }

    public int fchownat(int dirfd, MemorySegment path, int uid, int gid, int flags) {
        try { return ret((int) FCHOWNAT.MH.invokeExact(errnoSegment, dirfd, path, uid, gid, flags)); } catch (Throwable t) { throw fail(t); }
    }

    /** {@code buf} holds a {@code struct statvfs}. */
    public int fstatvfs(int fd, MemorySegment buf) {
        try { return ret((int) FSTATVFS.MH.invokeExact(errnoSegment, fd, buf)); } catch (Throwable t) { throw fail(t); }
    }

    /** {@code buf} holds a {@code struct statvfs}. */
    public int statvfs(MemorySegment path, MemorySegment buf) {
        try { return ret((int) STATVFS.MH.invokeExact(errnoSegment, path, buf)); } catch (Throwable t) { throw fail(t); }
    }

    public int renameat2(int oldDirfd, MemorySegment oldPath, int newDirfd, MemorySegment newPath, int flags) {
        try { return ret((int) RENAMEAT2.MH.invokeExact(errnoSegment, oldDirfd, oldPath, newDirfd, newPath, flags)); } catch (Throwable t) { throw fail(t); }
    }

    public int mknodat(int dirfd, MemorySegment path, int mode, long dev) {
        try { return ret((int) MKNODAT.MH.invokeExact(errnoSegment, dirfd, path, mode, dev)); } catch (Throwable t) { throw fail(t); }
    }

    public long lseek(int fd, long offset, int whence) {
        try { return ret((long) LSEEK.MH.invokeExact(errnoSegment, fd, offset, whence)); } catch (Throwable t) { throw fail(t); }
    }

    /** sync(2) cannot fail. */
    public void sync() {
        try { SYNC.MH.invokeExact(errnoSegment); } catch (Throwable t) { throw fail(t); }
    }

    public int syncfs(int fd) {
        try { return ret((int) SYNCFS.MH.invokeExact(errnoSegment, fd)); } catch (Throwable t) { throw fail(t); }
    }

    public int truncate(MemorySegment path, long length) {
        try { return ret((int) TRUNCATE.MH.invokeExact(errnoSegment, path, length)); } catch (Throwable t) { throw fail(t); }
    }

    /** {@code times} is NULL (now) or two {@code struct timespec}. */
    public int futimens(int fd, MemorySegment times) {
        try { return ret((int) FUTIMENS.MH.invokeExact(errnoSegment, fd, times)); } catch (Throwable t) { throw fail(t); }
    }

    public int fchmod(int fd, int mode) {
        try { return ret((int) FCHMOD.MH.invokeExact(errnoSegment, fd, mode)); } catch (Throwable t) { throw fail(t); }
    }

    /**
     * realpath(3) into {@code resolved} (PATH_MAX bytes): the length of the NUL-terminated
     * result, or -errno.
     */
    public long realpath(MemorySegment path, MemorySegment resolved) {
        try {
            MemorySegment r = (MemorySegment) REALPATH.MH.invokeExact(errnoSegment, path, resolved);
            if (r.equals(MemorySegment.NULL)) {
                return -(int) ERRNO.get(errnoSegment, 0L);
            }
            long n = 0;
            while (resolved.get(java.lang.foreign.ValueLayout.JAVA_BYTE, n) != 0) {
                n++;
            }
            return n;
        } catch (Throwable t) { throw fail(t); }
    }

    public int eventfd(int initval, int flags) {
        try { return ret((int) EVENTFD.MH.invokeExact(errnoSegment, initval, flags)); } catch (Throwable t) { throw fail(t); }
    }

    /**
     * pipe2(2). On success returns 0 and the pair is read with {@link #pipeReadFd()} and
     * {@link #pipeWriteFd()} before the next call on this instance.
     */
    public int pipe2(int flags) {
        MemorySegment fds = scratch.asSlice(PIPE_FDS, 8);
        try { return ret((int) PIPE2.MH.invokeExact(errnoSegment, fds, flags)); } catch (Throwable t) { throw fail(t); }
    }

    public int pipeReadFd() {
        return scratch.get(JAVA_INT, PIPE_FDS);
    }

    public int pipeWriteFd() {
        return scratch.get(JAVA_INT, PIPE_FDS + 4);
    }

    /** poll(2) over an array of {@code struct pollfd}. */
    public int poll(MemorySegment fds, long nfds, int timeoutMillis) {
        try { return ret((int) POLL.MH.invokeExact(errnoSegment, fds, nfds, timeoutMillis)); } catch (Throwable t) { throw fail(t); }
    }

    /** isatty(3): 1 if {@code fd} is a terminal, else -errno (ENOTTY for anything else). */
    /** io_uring_setup(2): the ring's descriptor, or -errno; {@code params} is a {@code struct io_uring_params}. */
    public int ioUringSetup(int entries, MemorySegment params) {
        try {
            return (int) ret((long) SYSCALL3.MH.invokeExact(errnoSegment, (long) Uring.NR_SETUP, (long) entries, params.address()));
        } catch (Throwable t) { throw fail(t); }
    }

    /** io_uring_enter(2) without a signal mask: submitted count, or -errno. */
    public int ioUringEnter(int fd, int toSubmit, int minComplete, int flags) {
        try {
            return (int) ret((long) SYSCALL7.MH.invokeExact(errnoSegment, (long) Uring.NR_ENTER, (long) fd, (long) toSubmit,
                    (long) minComplete, (long) flags, 0L, 0L));
        } catch (Throwable t) { throw fail(t); }
    }

    /** io_uring_register(2): 0 (or a count), or -errno. */
    public int ioUringRegister(int fd, int opcode, MemorySegment arg, int nrArgs) {
        try {
            return (int) ret((long) SYSCALL5.MH.invokeExact(errnoSegment, (long) Uring.NR_REGISTER, (long) fd, (long) opcode,
                    arg.address(), (long) nrArgs));
        } catch (Throwable t) { throw fail(t); }
    }

    /**
     * mmap(2) of {@code length} bytes of {@code fd} at {@code offset}, shared, read-write:
     * the mapping as a segment of that length (its memory unmapped only by {@link #munmap}),
     * or null with the errno in {@code errnoOut[0]}.
     */
    public MemorySegment mmapShared(int fd, long length, long offset, int[] errnoOut) {
        try {
            MemorySegment m = (MemorySegment) MMAP.MH.invokeExact(errnoSegment, MemorySegment.NULL, length,
                    LibC.PROT_READ() | LibC.PROT_WRITE(), LibC.MAP_SHARED() | LibC.MAP_POPULATE(), fd, offset);
            if (m.address() == -1L) {
                errnoOut[0] = (int) ERRNO.get(errnoSegment, 0L);
                return null;
            }
            return m.reinterpret(length);
        } catch (Throwable t) { throw fail(t); }
    }

    public int munmap(MemorySegment m) {
        try { return ret((int) MUNMAP.MH.invokeExact(errnoSegment, m, m.byteSize())); } catch (Throwable t) { throw fail(t); }
    }

    public int isatty(int fd) {
        try {
            int r = (int) ISATTY.MH.invokeExact(errnoSegment, fd);
            return r == 1 ? 1 : -(int) ERRNO.get(errnoSegment, 0L);
        } catch (Throwable t) { throw fail(t); }
    }

    /** poll(2) on one descriptor: returns its revents (0 on timeout) or -errno. */
    public int poll(int fd, int events, int timeoutMillis) {
        MemorySegment p = scratch.asSlice(POLLFD, 8);
        p.set(JAVA_INT, 0, fd);
        p.set(JAVA_SHORT, 4, (short) events);
        p.set(JAVA_SHORT, 6, (short) 0);
        int r = poll(p, 1, timeoutMillis);
        return r <= 0 ? r : p.get(JAVA_SHORT, 6) & 0xffff;
    }

    /** Reads the eventfd counter or pipe byte(s) that signal readiness; see {@code eventfd(2)}. */
    public long readLong(int fd) {
        MemorySegment b = scratch.asSlice(OFF_IN, 8);
        return read(fd, b, 8) < 0 ? -1 : b.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
    }

    /** Writes the 8-byte value an eventfd expects (a pipe takes the same 8 bytes as a token). */
    public long writeLong(int fd, long value) {
        MemorySegment b = scratch.asSlice(OFF_OUT, 8);
        b.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, value);
        return write(fd, b, 8);
    }
}
