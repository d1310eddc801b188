package io.jaio.internal.sys;

import io.jaio.internal.bindings.dirent64;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Walks the {@code struct linux_dirent64} records that {@link Sys#getdents64} leaves in a
 * buffer. Records are variable-length: {@code d_reclen} gives the stride, {@code d_name} is
 * NUL-terminated within the record.
 */
public final class Dirents {
    private Dirents() {}

    private static final int RECLEN = (int) dirent64.d_reclen$offset();
    private static final int TYPE = (int) dirent64.d_type$offset();
    private static final int NAME = (int) dirent64.d_name$offset();
    private static final int INO = (int) dirent64.d_ino$offset();

    /** Receives one entry: its name's bytes are {@code buf[nameOffset, nameOffset+nameLength)}. */
    @FunctionalInterface
    public interface Visitor {
        void entry(byte[] buf, int nameOffset, int nameLength, int type, long ino);
    }

    /**
     * Calls {@code v} for each record in {@code buf[0, length)}, skipping "." and "..".
     * Returns how many entries were visited. The records are first copied in one piece into
     * {@code heap} (at least {@code length} bytes), and parsed there: a bulk copy and array
     * reads cost less than a segment access per byte, above all before the JIT's second tier
     * (short commands never reach it).
     */
    public static int forEach(MemorySegment buf, long length, byte[] heap, Visitor v) {
        int end = Math.toIntExact(length);
        MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, heap, 0, end);
        int n = 0;
        for (int pos = 0; pos < end; ) {
            int reclen = (heap[pos + RECLEN] & 0xff) | (heap[pos + RECLEN + 1] & 0xff) << 8;    // little-endian, as x86-64 and arm64 Linux
            int name = pos + NAME;
            int max = reclen - NAME;
            int len = 0;
            while (len < max && heap[name + len] != 0) {
                len++;
            }
            boolean dot = heap[name] == '.' && (len == 1 || (len == 2 && heap[name + 1] == '.'));
            if (!dot) {
                v.entry(heap, name, len, heap[pos + TYPE] & 0xff, littleEndianLong(heap, pos + INO));
                n++;
            }
            pos += reclen;
        }
        return n;
    }

    private static long littleEndianLong(byte[] b, int i) {
        long x = 0;
        for (int k = 7; k >= 0; k--) {
            x = x << 8 | (b[i + k] & 0xff);
        }
        return x;
    }
}
