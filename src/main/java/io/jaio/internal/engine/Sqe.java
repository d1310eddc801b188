package io.jaio.internal.engine;

import io.jaio.internal.sys.Uring;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The io_uring submission entry being filled, lent to {@link Runner#prepare} under the ring's
 * submission lock; valid only during that call. Every field not set is zero.
 */
public final class Sqe {
    private final MemorySegment sqes;
    /** Opcode → whether this kernel supports it (IORING_REGISTER_PROBE). */
    private final boolean[] supported;
    private long base;
    Object aux;

    Sqe(MemorySegment sqes, boolean[] supported) {
        this.sqes = sqes;
        this.supported = supported;
    }

    void at(long base) {
        this.base = base;
        this.aux = null;
        for (long o = 0; o < Uring.SQE_SIZE; o += 8) {
            sqes.set(ValueLayout.JAVA_LONG, base + o, 0L);
        }
    }

    /** A read of {@code len} bytes at {@code off} into native memory at {@code addr}. */
    public void read(int fd, long addr, int len, long off) {
        rw(Uring.OP_READ, fd, addr, len, off);
    }

    /** A write of {@code len} bytes at {@code off} from native memory at {@code addr}. */
    public void write(int fd, long addr, int len, long off) {
        rw(Uring.OP_WRITE, fd, addr, len, off);
    }

    private void rw(int op, int fd, long addr, int len, long off) {
        sqes.set(ValueLayout.JAVA_BYTE, base + Uring.SQE_OPCODE, (byte) op);
        sqes.set(ValueLayout.JAVA_INT, base + Uring.SQE_FD, fd);
        sqes.set(ValueLayout.JAVA_LONG, base + Uring.SQE_OFF, off);
        sqes.set(ValueLayout.JAVA_LONG, base + Uring.SQE_ADDR, addr);
        sqes.set(ValueLayout.JAVA_INT, base + Uring.SQE_LEN, len);
    }

    /** fsync, or fdatasync. */
    public void fsync(int fd, boolean dataOnly) {
        sqes.set(ValueLayout.JAVA_BYTE, base + Uring.SQE_OPCODE, (byte) Uring.OP_FSYNC);
        sqes.set(ValueLayout.JAVA_INT, base + Uring.SQE_FD, fd);
        sqes.set(ValueLayout.JAVA_INT, base + Uring.SQE_OP_FLAGS, dataOnly ? Uring.FSYNC_DATASYNC : 0);
    }

    /**
     * The path operations below return false, and fill nothing, where the kernel lacks the
     * opcode (a worker then runs the request). Their C strings and buffers must stay valid
     * until the completion: pass them as the {@link #aux} the completion gets back.
     */
    private boolean op(int op, int fd, long addr, int len, long off, int opFlags) {
        if (op >= supported.length || !supported[op]) {
            return false;
        }
        sqes.set(ValueLayout.JAVA_BYTE, base + Uring.SQE_OPCODE, (byte) op);
        sqes.set(ValueLayout.JAVA_INT, base + Uring.SQE_FD, fd);
        sqes.set(ValueLayout.JAVA_LONG, base + Uring.SQE_ADDR, addr);
        sqes.set(ValueLayout.JAVA_INT, base + Uring.SQE_LEN, len);
        sqes.set(ValueLayout.JAVA_LONG, base + Uring.SQE_OFF, off);    // addr2 for the two-path operations
        sqes.set(ValueLayout.JAVA_INT, base + Uring.SQE_OP_FLAGS, opFlags);
        return true;
    }

    /** openat(dirfd, path, flags, mode). */
    public boolean openat(int dirfd, long path, int flags, int mode) {
        return op(Uring.OP_OPENAT, dirfd, path, mode, 0, flags);
    }

    /** close(fd). */
    public boolean close(int fd) {
        return op(Uring.OP_CLOSE, fd, 0, 0, 0, 0);
    }

    /** statx(dirfd, path, flags, mask, buf). */
    public boolean statx(int dirfd, long path, int flags, int mask, long buf) {
        return op(Uring.OP_STATX, dirfd, path, mask, buf, flags);
    }

    /** unlinkat(dirfd, path, flags). */
    public boolean unlinkat(int dirfd, long path, int flags) {
        return op(Uring.OP_UNLINKAT, dirfd, path, 0, 0, flags);
    }

    /** mkdirat(dirfd, path, mode). */
    public boolean mkdirat(int dirfd, long path, int mode) {
        return op(Uring.OP_MKDIRAT, dirfd, path, mode, 0, 0);
    }

    /** symlinkat(target, dirfd, link). */
    public boolean symlinkat(long target, int dirfd, long link) {
        return op(Uring.OP_SYMLINKAT, dirfd, target, 0, link, 0);
    }

    /** renameat2(olddirfd, from, newdirfd, to, flags). */
    public boolean renameat(int fromDir, long from, int toDir, long to, int flags) {
        return op(Uring.OP_RENAMEAT, fromDir, from, toDir, to, flags);
    }

    /** linkat(olddirfd, existing, newdirfd, link, flags). */
    public boolean linkat(int fromDir, long existing, int toDir, long link, int flags) {
        return op(Uring.OP_LINKAT, fromDir, existing, toDir, link, flags);
    }

    /**
     * Turns the SQE filled by {@link Runner#prepare} into a nop, from {@link Runner#commit}:
     * the request turned out to have nothing for the kernel to do.
     */
    public void becomeNop() {
        at(base);
    }

    /** A round trip through the kernel that does nothing. */
    public void nop() {
        sqes.set(ValueLayout.JAVA_BYTE, base + Uring.SQE_OPCODE, (byte) Uring.OP_NOP);
    }

    /** What the runner wants back at completion (a bounce buffer). */
    public void aux(Object o) {
        aux = o;
    }
}
