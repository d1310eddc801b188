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
    private long base;
    Object aux;

    Sqe(MemorySegment sqes) {
        this.sqes = sqes;
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

    /** A round trip through the kernel that does nothing. */
    public void nop() {
        sqes.set(ValueLayout.JAVA_BYTE, base + Uring.SQE_OPCODE, (byte) Uring.OP_NOP);
    }

    /** What the runner wants back at completion (a bounce buffer). */
    public void aux(Object o) {
        aux = o;
    }
}
