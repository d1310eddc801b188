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

    /** A descriptor, pinned when it came from an AioFile. */
    record Fd(AioFile file, int fd) {
        void release() {
            if (file != null && fd >= 0) {
                file.release();
            }
        }
    }

    record Nop() implements Request {}

    record Busy(long nanos) implements Request {}

    record Open(NPath path, int flags, int mode) implements Request {}

    /** Closes {@code file} (if not null) or the raw descriptor. Not pinned: it ends the pin. */
    record Close(AioFile file, int fd) implements Request {}

    /** {@code buf} is exactly the bytes to fill; {@code bb} (or null) gets its position moved. */
    record Read(Fd fd, long offset, MemorySegment buf, ByteBuffer bb, int bbPosition) implements Request {
        @Override public void release() { fd.release(); }
    }

    record Write(Fd fd, long offset, MemorySegment buf, ByteBuffer bb, int bbPosition) implements Request {
        @Override public void release() { fd.release(); }
    }

    record Sendfile(Fd out, Fd in, long inOffset, long length) implements Request {
        @Override public void release() { out.release(); in.release(); }
    }

    record Readahead(Fd fd, long offset, long length) implements Request {
        @Override public void release() { fd.release(); }
    }

    /** stat ({@code follow}) or lstat. */
    record Stat(NPath path, boolean follow) implements Request {}

    record Fstat(Fd fd) implements Request {
        @Override public void release() { fd.release(); }
    }

    record Unlink(NPath path) implements Request {}

    record Mkdir(NPath path, int mode) implements Request {}

    record Chmod(NPath path, int mode) implements Request {}

    /** utimensat with nanosecond times; null leaves that time as it is (UTIME_OMIT). */
    record Utime(NPath path, java.time.Instant atime, java.time.Instant mtime) implements Request {}

    record Rmdir(NPath path) implements Request {}

    record Symlink(NPath target, NPath link) implements Request {}

    /** The names in a directory; with {@code types}, a {@link DirList} with d_type too. */
    record Readdir(NPath path, boolean types) implements Request {}

    record Fsync(Fd fd, boolean dataOnly) implements Request {
        @Override public void release() { fd.release(); }
    }

    /** The group record of a scandir; its work is done by {@link Scandir} through children. */
    record ScandirGroup(NPath path, int maxreq) implements Request {}

    /** A directory listing with each entry's d_type, for scandir's ordering. */
    record DirList(java.util.List<String> names, byte[] types) {}
}
