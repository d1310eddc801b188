package io.jaio.internal.sys;

import io.jaio.internal.bindings.statvfs;

import java.lang.foreign.MemorySegment;

/** Reads a {@code struct statvfs} that statvfs(3)/fstatvfs(3) filled in. */
public final class Statvfs {
    private Statvfs() {}

    /** Bytes a {@code struct statvfs} takes (a scratch buffer must hold this many). */
    public static final long SIZE = statvfs.sizeof();

    /**
     * The fields, in the order of {@code struct statvfs}: bsize, frsize, blocks, bfree, bavail,
     * files, ffree, favail, fsid, flag, namemax.
     */
    public static long[] fields(MemorySegment buf) {
        return new long[] {statvfs.f_bsize(buf), statvfs.f_frsize(buf), statvfs.f_blocks(buf), statvfs.f_bfree(buf),
                statvfs.f_bavail(buf), statvfs.f_files(buf), statvfs.f_ffree(buf), statvfs.f_favail(buf),
                statvfs.f_fsid(buf), statvfs.f_flag(buf), statvfs.f_namemax(buf)};
    }
}
