package io.jaio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * jaio's own native buffers for io_uring reads and writes of memory the kernel may not be
 * handed directly. The kernel touches a buffer after the submitting call has returned, and
 * Java offers no way to keep a closeable arena open meanwhile: a user's segment from
 * {@code Arena.ofShared()} closed mid-flight would have the kernel write into freed memory.
 * So only segments of the global arena (which never closes) are used in place; other reads
 * land in one of these and are copied out at completion (where a closed arena fails the
 * request, as with worker threads), other writes are copied in at submission.
 *
 * <p>Power-of-two sizes from 4 KiB to {@value #MAX} bytes, page-aligned (so O_DIRECT works),
 * kept in small per-size stacks so a steady stream of requests allocates nothing.
 */
final class RingBuffers {
    /** The largest request that goes through a ring buffer; larger ones run on a worker. */
    static final int MAX = 64 * 1024;
    private static final int MIN_SHIFT = 12, CLASSES = 5, KEEP = 64;
    private static final MemorySegment[][] STACKS = new MemorySegment[CLASSES][KEEP];
    private static final int[] TOPS = new int[CLASSES];
    private static final MemorySegment.Scope GLOBAL = Arena.global().scope();

    private RingBuffers() {}

    /** True if the kernel may be given {@code s} itself: it can never be freed. */
    static boolean inPlace(MemorySegment s) {
        return s.isNative() && GLOBAL.equals(s.scope());
    }

    /** A buffer of at least {@code size} bytes (at most {@link #MAX}). */
    static MemorySegment take(long size) {
        int c = sizeClass(size);
        synchronized (STACKS[c]) {
            if (TOPS[c] > 0) {
                MemorySegment s = STACKS[c][--TOPS[c]];
                STACKS[c][TOPS[c]] = null;
                return s;
            }
        }
        return Arena.ofAuto().allocate(1L << (c + MIN_SHIFT), 4096);    // freed by the GC once dropped
    }

    /** True if {@code s} is one of these buffers (not a ring slot's scratch memory, which is smaller). */
    static boolean pooled(MemorySegment s) {
        return s.byteSize() >= 1L << MIN_SHIFT;
    }

    /** Gives a buffer back (kept if its stack has room, else left to the GC). */
    static void give(MemorySegment s) {
        int c = sizeClass(s.byteSize());
        synchronized (STACKS[c]) {
            if (TOPS[c] < KEEP) {
                STACKS[c][TOPS[c]++] = s;
            }
        }
    }

    private static int sizeClass(long size) {
        int shift = 64 - Long.numberOfLeadingZeros(Math.max(size, 1L << MIN_SHIFT) - 1);
        return shift - MIN_SHIFT;
    }
}
