package io.jaio;

import io.jaio.internal.sys.Sys;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * Every request jaio can run, as immutable records; {@link Ops#run} executes them with one
 * exhaustive switch. Arguments are validated and paths made absolute before a record is built,
 * so a record is always runnable. Descriptors given as {@link AioFile} are pinned ({@link Fd})
 * from submission until {@link #release()}.
 */
sealed interface Request {

    /** Lets go of pinned descriptors; called once, after the run or on cancel. */
    default void release() {}

    /**
     * A path as the user gave it (for messages) and as the kernel wants it (bytes, no NUL).
     * Absolute, or with {@code relative}, relative to the working directory of the {@link AtWd}
     * the request runs in (never to the process's current directory).
     */
    record NPath(String display, byte[] bytes, boolean relative) {
        NPath(String display, byte[] bytes) {
            this(display, bytes, false);
        }
    }

    /**
     * {@code request} run relative to the working directory {@code wd} (pinned from submission
     * until release): its relative paths go to the *at syscalls with wd's descriptor.
     */
    record AtWd(Request request, Fd wd) implements Request {
        @Override public void release() { request.release(); wd.unpin(); }
    }

    /**
     * An open of a fifo for reading that the ring completed at once with descriptor {@code fd},
     * where open(2) waits for a writer (the kernel's first attempt is non-blocking): a worker
     * waits on that descriptor until a writer has come (data, or a writer come and gone), and
     * it becomes the result. Opening again instead could wait for ever: a writer the first
     * open let through may have written and left by then. Release closes {@code fd} unless it
     * was handed over ({@code taken}), so a cancel or a failure leaks nothing.
     */
    record AwaitWriter(Request request, int fd, java.util.concurrent.atomic.AtomicBoolean taken) implements Request {
        @Override public void release() {
            try {
                request.release();
            } finally {
                if (!taken.get()) {
                    Sys.current().close(fd);
                }
            }
        }
    }

    /**
     * A descriptor a request uses: an {@link AioFile} pinned for the request (so a pinned
     * request costs no object of its own), or a raw number. A class, not an interface, so
     * that its methods stay package-private on the public AioFile.
     */
    abstract sealed class Fd permits AioFile, RawFd {
        /**
         * Whether a read may be tried inline with RWF_NOWAIT (see Ops.tryInline): 0 not known
         * yet, 1 yes, -1 never (opened with O_DIRECT, where RWF_NOWAIT may still wait for the
         * device, or the kernel refused the flag). A plain field: a hint, and two threads that
         * both find it 0 both ask, and write the same answer.
         */
        int inlineReads;

        /**
         * Whether the descriptor has positions (lseek works), for io_uring: 0 not known yet, 1
         * yes, -1 no (a pipe, socket or terminal, where pread says ESPIPE but the ring's read
         * ignores the offset). A hint in a plain field, as above.
         */
        int seekable;

        /** The descriptor number the syscall gets; -1 makes it fail with EBADF. */
        abstract int num();

        /** Ends the pin; called once, by {@link Request#release()}. */
        abstract void unpin();
    }

    /** A raw descriptor the caller owns; nothing to pin. */
    final class RawFd extends Fd {
        /** What a request on an already-closed AioFile gets: the syscall fails with EBADF. */
        static final RawFd CLOSED = new RawFd(-1);

        private final int num;

        RawFd(int num) {
            this.num = num;
        }

        @Override
        int num() {
            return num;
        }

        @Override
        void unpin() {}

        @Override
        public String toString() {
            return "fd " + num;
        }
    }

    record Nop() implements Request {}

    record Busy(long nanos) implements Request {}

    record Open(NPath path, int flags, int mode) implements Request {}

    /** Opens a working directory (O_PATH|O_DIRECTORY) as an {@link AioWd}. */
    record Wd(NPath path, java.nio.file.Path given, boolean noFollow) implements Request {}

    /** Closes {@code file} (if not null) or the raw descriptor. Not pinned: it ends the pin. */
    record Close(AioFile file, int fd) implements Request {}

    /**
     * {@code buf} is exactly the bytes to fill; {@code bb} (or null) is the buffer it views,
     * whose position moves on by the count transferred (nobody else touches it meanwhile).
     */
    record Read(Fd fd, long offset, MemorySegment buf, ByteBuffer bb) implements Request {
        @Override public void release() { fd.unpin(); }
    }

    record Write(Fd fd, long offset, MemorySegment buf, ByteBuffer bb) implements Request {
        @Override public void release() { fd.unpin(); }
    }

    record Sendfile(Fd out, Fd in, long inOffset, long length) implements Request {
        @Override public void release() { out.unpin(); in.unpin(); }
    }

    /** copy_file_range between explicit offsets; neither descriptor's position moves. */
    record CopyFileRange(Fd in, long inOffset, Fd out, long outOffset, long length) implements Request {
        @Override public void release() { in.unpin(); out.unpin(); }
    }

    record Readahead(Fd fd, long offset, long length) implements Request {
        @Override public void release() { fd.unpin(); }
    }

    /** stat ({@code follow}) or lstat. */
    record Stat(NPath path, boolean follow) implements Request {}

    record Fstat(Fd fd) implements Request {
        @Override public void release() { fd.unpin(); }
    }

    record Unlink(NPath path) implements Request {}

    record Mkdir(NPath path, int mode) implements Request {}

    record Chmod(NPath path, int mode) implements Request {}

    /**
     * utimensat with nanosecond times; null leaves that time as it is (UTIME_OMIT). Without
     * {@code follow}, a symlink's own times are set (AT_SYMLINK_NOFOLLOW).
     */
    record Utime(NPath path, java.time.Instant atime, java.time.Instant mtime, boolean follow) implements Request {}

    /** readlink(2) of a symlink: its target's bytes, decoded as names are. */
    record Readlink(NPath path) implements Request {}

    record Rmdir(NPath path) implements Request {}

    record Symlink(NPath target, NPath link) implements Request {}

    /** The names in a directory; with {@code types}, a {@link DirList} with d_type too. */
    record Readdir(NPath path, boolean types) implements Request {}

    /** IO::AIO's readdirx: the entries with d_type and d_ino, ordered as {@code flags} ask. */
    record Readdirx(NPath path, int flags) implements Request {
        /**
         * libeio's order, exactly: with READDIR_STAT_ORDER, by inode (by likelihood of being a
         * directory first, then inode, if READDIR_DIRS_FIRST is set too); with READDIR_DIRS_FIRST
         * alone, where some type is unknown, by likelihood (DT_DIR; of unknown types, names
         * starting with "." and then dotless names, shorter first) then inode; where every type
         * is known, directories are swapped to the front (libeio's two-ended partition, which
         * moves some non-directories) and only they are sorted by inode; with neither flag, as
         * the directory lists them.
         */
        static java.util.List<DirEntry> order(DirList l, int flags) {
            int n = l.names().size();
            DirEntry[] out = new DirEntry[n];
            boolean unknown = false;
            for (int i = 0; i < n; i++) {
                out[i] = new DirEntry(l.names().get(i), DirEntry.Type.of(l.types()[i] & 0xff), l.inodes()[i],
                        l.stats() == null ? null : l.stats()[i]);
                unknown |= out[i].type() == DirEntry.Type.UNKNOWN;
            }
            boolean dirsFirst = (flags & Aio.READDIR_DIRS_FIRST) != 0;
            java.util.Comparator<DirEntry> byInode = java.util.Comparator.comparing(DirEntry::inode, Long::compareUnsigned);
            if ((flags & Aio.READDIR_STAT_ORDER) != 0 || (dirsFirst && unknown)) {
                java.util.Arrays.sort(out, dirsFirst ? java.util.Comparator.comparingInt(Readdirx::score).thenComparing(byInode)
                        : byInode);
            } else if (dirsFirst) {
                int dir = 0, oth = n;
                while (oth > dir) {
                    if (out[dir].type() == DirEntry.Type.DIR) {
                        dir++;
                    } else if (out[--oth].type() == DirEntry.Type.DIR) {
                        DirEntry t = out[dir];
                        out[dir] = out[oth];
                        out[oth] = t;
                        dir++;
                    }
                }
                java.util.Arrays.sort(out, 0, dir, byInode);
            }
            return java.util.List.of(out);
        }

        /** libeio's score: lower is more likely a directory. */
        private static int score(DirEntry e) {
            return switch (e.type()) {
                case DIR -> 0;
                case UNKNOWN -> {
                    String name = e.name();
                    int len = name.length();
                    if (name.startsWith(".")) {
                        yield 1;    // rare, and often directories
                    }
                    if (name.indexOf('.') < 0) {
                        yield len <= 2 ? 4 - len : len <= 4 ? 4 : len <= 7 ? 5 : 6;    // shorter: likelier a directory
                    }
                    yield 7;
                }
                default -> 7;
            };
        }
    }

    /** renameat2 ({@code flags} 0: plain rename). */
    record Rename(NPath from, NPath to, int flags) implements Request {}

    record Link(NPath existing, NPath link) implements Request {}

    record Mknod(NPath path, int mode, long dev) implements Request {}

    /** realpath(3). */
    record Realpath(NPath path) implements Request {}

    /** truncate(2) of a path, or ftruncate(2) of {@code fd} when {@code path} is null. */
    record Truncate(NPath path, Fd fd, long length) implements Request {
        @Override public void release() { if (fd != null) fd.unpin(); }
    }

    record Allocate(Fd fd, int mode, long offset, long length) implements Request {
        @Override public void release() { fd.unpin(); }
    }

    record Seek(Fd fd, long offset, int whence) implements Request {
        @Override public void release() { fd.unpin(); }
    }

    /** fchownat of a path (no symlink following when {@code follow} is false), or of {@code fd}. */
    record Chown(NPath path, Fd fd, int uid, int gid, boolean follow) implements Request {
        @Override public void release() { if (fd != null) fd.unpin(); }
    }

    record Fchmod(Fd fd, int mode) implements Request {
        @Override public void release() { fd.unpin(); }
    }

    /** futimens: utimensat on the descriptor itself; null leaves that time (UTIME_OMIT). */
    record Futime(Fd fd, java.time.Instant atime, java.time.Instant mtime) implements Request {
        @Override public void release() { fd.unpin(); }
    }

    /** statvfs of a path, or fstatvfs of {@code fd} when {@code path} is null. */
    record Statvfs(NPath path, Fd fd) implements Request {
        @Override public void release() { if (fd != null) fd.unpin(); }
    }

    /** sync(2) when {@code fd} is null, else syncfs(2). */
    record Sync(Fd fd) implements Request {
        @Override public void release() { if (fd != null) fd.unpin(); }
    }

    record SyncFileRange(Fd fd, long offset, long nbytes, int flags) implements Request {
        @Override public void release() { fd.unpin(); }
    }

    record Fsync(Fd fd, boolean dataOnly) implements Request {
        @Override public void release() { fd.unpin(); }
    }

    /**
     * aio_copy of one regular file (see FileOps.copy): atomically through a temporary file, or
     * straight into {@code dst} (the tree walks: half the metadata updates). {@code srcDir}/{@code dstDir}:
     * the directories relative names resolve against (pinned until release), or null for the
     * usual rule (absolute, or the running view's working directory).
     */
    record CopyFile(Fd srcDir, NPath src, Fd dstDir, NPath dst, boolean replace, boolean followSrc, boolean atomic)
            implements Request {
        @Override public void release() {
            if (srcDir != null) srcDir.unpin();
            if (dstDir != null) dstDir.unpin();
        }
    }

    /**
     * A symlink (same target bytes) or special file (mknod) recreated as {@code dst}, with
     * {@code st}'s owner (where permitted), mode and times; dirs as in CopyFile.
     */
    record CopyNode(Fd srcDir, NPath src, Fd dstDir, NPath dst, FileStat st, boolean replace) implements Request {
        @Override public void release() {
            if (srcDir != null) srcDir.unpin();
            if (dstDir != null) dstDir.unpin();
        }
    }

    /**
     * A hard link {@code dst} under {@code dstDir} to {@code existing} under {@code existingDir}
     * (both pinned until release): the tree copy's later names of a multiply-linked file. An
     * existing {@code dst} is replaced only if asked.
     */
    record LinkNode(Fd existingDir, NPath existing, Fd dstDir, NPath dst, boolean replace) implements Request {
        @Override public void release() {
            if (existingDir != null) existingDir.unpin();
            if (dstDir != null) dstDir.unpin();
        }
    }

    /** Gives {@code path} (never followed) {@code st}'s owner where permitted, its mode and its times. */
    record Restore(NPath path, FileStat st) implements Request {}

    /** aio_move: rename, or copy and unlink across file systems. */
    record Move(NPath from, NPath to) implements Request {}

    /** aio_load: the whole file as a byte array. */
    record Load(NPath path) implements Request {}

    /** aio_slurp: part of a file into a segment. */
    record Slurp(NPath path, long offset, long length, MemorySegment dst) implements Request {}

    /** aio_pathsync: fsync a path and its directory. */
    record Pathsync(NPath path) implements Request {}

    /** The record of an {@link AioGroup}: its work is done by its members. */
    record Group() implements Request {}

    /** The group record of a scandir; its work is done by {@link Scandir} through children. */
    record ScandirGroup(NPath path, int maxreq, Scandir scan) implements Request {}

    /** A directory listing with each entry's d_type (and d_ino, when asked for), for scandir's ordering. */
    record DirList(java.util.List<String> names, byte[] types, long[] inodes, FileStat[] stats) {}
}
