package io.jaio;

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

    /** A path as the user gave it (for messages) and as the kernel wants it (bytes, no NUL). */
    record NPath(String display, byte[] bytes) {}

    /**
     * A descriptor a request uses: an {@link AioFile} pinned for the request (so a pinned
     * request costs no object of its own), or a raw number. A class, not an interface, so
     * that its methods stay package-private on the public AioFile.
     */
    abstract sealed class Fd permits AioFile, RawFd {
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

    record Fsync(Fd fd, boolean dataOnly) implements Request {
        @Override public void release() { fd.unpin(); }
    }

    /** The group record of a scandir; its work is done by {@link Scandir} through children. */
    record ScandirGroup(NPath path, int maxreq, Scandir scan) implements Request {}

    /** A directory listing with each entry's d_type, for scandir's ordering. */
    record DirList(java.util.List<String> names, byte[] types) {}
}
