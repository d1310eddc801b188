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

    private static final long RECLEN = dirent64.d_reclen$offset();
    private static final long TYPE = dirent64.d_type$offset();
    private static final long NAME = dirent64.d_name$offset();
    private static final long INO = dirent64.d_ino$offset();

    /** Receives one entry: its name's bytes are {@code buf[nameOffset, nameOffset+nameLength)}. */
    @FunctionalInterface
    public interface Visitor {
        void entry(MemorySegment buf, long nameOffset, int nameLength, int type, long ino);
    }

    /**
     * Calls {@code v} for each record in {@code buf[0, length)}, skipping "." and "..".
     * Returns how many entries were visited.
     */
    public static int forEach(MemorySegment buf, long length, Visitor v) {
        int n = 0;
        for (long pos = 0; pos < length; ) {
            int reclen = buf.get(ValueLayout.JAVA_SHORT_UNALIGNED, pos + RECLEN) & 0xffff;
            long name = pos + NAME;
            int len = 0;
            long max = reclen - NAME;
            while (len < max && buf.get(ValueLayout.JAVA_BYTE, name + len) != 0) {
                len++;
            }
            boolean dot = buf.get(ValueLayout.JAVA_BYTE, name) == '.'
                    && (len == 1 || (len == 2 && buf.get(ValueLayout.JAVA_BYTE, name + 1) == '.'));
            if (!dot) {
                v.entry(buf, name, len, buf.get(ValueLayout.JAVA_BYTE, pos + TYPE) & 0xff,
                        buf.get(ValueLayout.JAVA_LONG_UNALIGNED, pos + INO));
                n++;
            }
            pos += reclen;
        }
        return n;
    }
}
