package io.jaio.internal.sys;

import io.jaio.internal.bindings.LibC;
import io.jaio.internal.bindings.io_cqring_offsets;
import io.jaio.internal.bindings.io_sqring_offsets;
import io.jaio.internal.bindings.io_uring_cqe;
import io.jaio.internal.bindings.io_uring_params;
import io.jaio.internal.bindings.io_uring_probe;
import io.jaio.internal.bindings.io_uring_probe_op;
import io.jaio.internal.bindings.io_uring_sqe;

/**
 * The io_uring ABI as numbers: syscall numbers, opcodes, flags, and the byte offsets of the
 * structures the engine's ring reads and writes (all from the generated bindings of
 * {@code <linux/io_uring.h>}). The syscalls themselves are {@link Sys} methods.
 */
public final class Uring {
    private Uring() {}

    public static final int NR_SETUP = LibC.__NR_io_uring_setup();
    public static final int NR_ENTER = LibC.__NR_io_uring_enter();
    public static final int NR_REGISTER = LibC.__NR_io_uring_register();

    public static final long OFF_SQ_RING = LibC.IORING_OFF_SQ_RING();
    public static final long OFF_CQ_RING = LibC.IORING_OFF_CQ_RING();
    public static final long OFF_SQES = LibC.IORING_OFF_SQES();
    public static final int SETUP_SUBMIT_ALL = LibC.IORING_SETUP_SUBMIT_ALL();
    public static final long PARAMS_FLAGS = io_uring_params.flags$offset();
    public static final int ENTER_GETEVENTS = LibC.IORING_ENTER_GETEVENTS();
    public static final int REGISTER_EVENTFD = LibC.IORING_REGISTER_EVENTFD();
    public static final int REGISTER_PROBE = LibC.IORING_REGISTER_PROBE();
    public static final int FEAT_SINGLE_MMAP = LibC.IORING_FEAT_SINGLE_MMAP();
    public static final int FEAT_NODROP = LibC.IORING_FEAT_NODROP();
    public static final int OP_SUPPORTED = LibC.IO_URING_OP_SUPPORTED();

    public static final int OP_NOP = LibC.IORING_OP_NOP();
    public static final int OP_READ = LibC.IORING_OP_READ();
    public static final int OP_WRITE = LibC.IORING_OP_WRITE();
    public static final int OP_FSYNC = LibC.IORING_OP_FSYNC();
    public static final int OP_OPENAT = LibC.IORING_OP_OPENAT();
    public static final int OP_CLOSE = LibC.IORING_OP_CLOSE();
    public static final int OP_LAST = LibC.IORING_OP_LAST();
    public static final int FSYNC_DATASYNC = LibC.IORING_FSYNC_DATASYNC();

    // struct io_uring_params
    public static final long PARAMS_SIZE = io_uring_params.sizeof();
    public static final long PARAMS_SQ_ENTRIES = io_uring_params.sq_entries$offset();
    public static final long PARAMS_CQ_ENTRIES = io_uring_params.cq_entries$offset();
    public static final long PARAMS_FEATURES = io_uring_params.features$offset();
    public static final long PARAMS_SQ_OFF = io_uring_params.sq_off$offset();
    public static final long PARAMS_CQ_OFF = io_uring_params.cq_off$offset();
    // struct io_sqring_offsets, io_cqring_offsets (relative to sq_off / cq_off)
    public static final long SQ_HEAD = io_sqring_offsets.head$offset();
    public static final long SQ_TAIL = io_sqring_offsets.tail$offset();
    public static final long SQ_RING_MASK = io_sqring_offsets.ring_mask$offset();
    public static final long SQ_ARRAY = io_sqring_offsets.array$offset();
    public static final long CQ_HEAD = io_cqring_offsets.head$offset();
    public static final long CQ_TAIL = io_cqring_offsets.tail$offset();
    public static final long CQ_RING_MASK = io_cqring_offsets.ring_mask$offset();
    public static final long CQ_CQES = io_cqring_offsets.cqes$offset();
    // struct io_uring_sqe
    public static final long SQE_SIZE = io_uring_sqe.sizeof();
    public static final long SQE_OPCODE = io_uring_sqe.opcode$offset();
    public static final long SQE_FD = io_uring_sqe.fd$offset();
    public static final long SQE_OFF = io_uring_sqe.off$offset();
    public static final long SQE_ADDR = io_uring_sqe.addr$offset();
    public static final long SQE_LEN = io_uring_sqe.len$offset();
    public static final long SQE_OP_FLAGS = io_uring_sqe.rw_flags$offset();
    public static final long SQE_USER_DATA = io_uring_sqe.user_data$offset();
    // struct io_uring_cqe
    public static final long CQE_SIZE = io_uring_cqe.sizeof();
    public static final long CQE_USER_DATA = io_uring_cqe.user_data$offset();
    public static final long CQE_RES = io_uring_cqe.res$offset();
    // struct io_uring_probe, io_uring_probe_op
    public static final long PROBE_SIZE = io_uring_probe.sizeof();
    public static final long PROBE_LAST_OP = io_uring_probe.last_op$offset();
    public static final long PROBE_OPS = io_uring_probe.ops$offset();
    public static final long PROBE_OP_SIZE = io_uring_probe_op.sizeof();
    public static final long PROBE_OP_FLAGS = io_uring_probe_op.flags$offset();
}
