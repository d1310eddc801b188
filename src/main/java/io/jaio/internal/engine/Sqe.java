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
    /** Per-slot native memory, made on first use (see {@link #scratch}); index = slot. */
    private final MemorySegment[] scratch;
    private int slot;

    /** Bytes of {@link #scratch} memory each slot has. */
    public static final int SCRATCH_BYTES = 1024;

    Sqe(MemorySegment sqes, boolean[] supported, int slots) {
        this.sqes = sqes;
        this.supported = supported;
        this.scratch = new MemorySegment[slots];
    }

    /** The slot this SQE will take if it is committed (set by the ring before each prepare). */
    void slot(int slot) {
        this.slot = slot;
    }

    /**
     * {@value #SCRATCH_BYTES} bytes of native memory that belong to this SQE's slot: valid
     * until its completion has been made into a result, and never used by another request
     * meanwhile, so a request's C strings and the kernel's output can live there with no
     * allocation. Not zeroed between requests. Made once per slot, freed with the ring.
     */
    public MemorySegment scratch() {
        MemorySegment m = scratch[slot];
        if (m == null) {
            m = scratch[slot] = java.lang.foreign.Arena.ofAuto().allocate(SCRATCH_BYTES, 8);
        }
        return m;
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
     * The operations below return false, and fill nothing, where the kernel lacks the opcode
     * (a worker then runs the request). Their C strings must stay valid until the completion:
     * put them in {@link #scratch} or pass them as the {@link #aux} the completion gets back.
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
