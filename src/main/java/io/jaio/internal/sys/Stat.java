package io.jaio.internal.sys;

import io.jaio.internal.bindings.LibC;
import io.jaio.internal.bindings.stat;
import io.jaio.internal.bindings.statx;
import io.jaio.internal.bindings.statx_timestamp;
import io.jaio.internal.bindings.timespec;

import java.lang.foreign.MemorySegment;

/**
 * The fields of {@code struct stat} / {@code struct statx}, copied out of native memory so
 * that no address leaves the sys layer. Times are seconds plus nanoseconds.
 */
public record Stat(long dev, long ino, int mode, long nlink, int uid, int gid, long rdev,
                   long size, long blksize, long blocks,
                   long atimeSec, int atimeNsec, long mtimeSec, int mtimeNsec,
                   long ctimeSec, int ctimeNsec) {

    /** Bytes a {@code struct stat} buffer needs. */
    public static final long STAT_SIZE = stat.layout().byteSize();
    /** Bytes a {@code struct statx} buffer needs. */
    public static final long STATX_SIZE = statx.layout().byteSize();
    /** Alignment for both buffers. */
    public static final long ALIGN = 8;

    public static final int S_IFMT = LibC.S_IFMT();
    public static final int S_IFDIR = LibC.S_IFDIR();
    public static final int S_IFREG = LibC.S_IFREG();
    public static final int S_IFLNK = LibC.S_IFLNK();
    /** What jaio asks statx for: everything {@code struct stat} has. */
    public static final int STATX_BASIC_STATS = LibC.STATX_BASIC_STATS();

    /** Reads a filled {@code struct stat}. */
    public static Stat fromStat(MemorySegment b) {
        MemorySegment a = stat.st_atim(b), m = stat.st_mtim(b), c = stat.st_ctim(b);
        return new Stat(stat.st_dev(b), stat.st_ino(b), stat.st_mode(b), stat.st_nlink(b),
                stat.st_uid(b), stat.st_gid(b), stat.st_rdev(b), stat.st_size(b),
                stat.st_blksize(b), stat.st_blocks(b),
                timespec.tv_sec(a), (int) timespec.tv_nsec(a),
                timespec.tv_sec(m), (int) timespec.tv_nsec(m),
                timespec.tv_sec(c), (int) timespec.tv_nsec(c));
    }

    /** Reads a filled {@code struct statx}; devices are recombined as glibc's makedev does. */
    public static Stat fromStatx(MemorySegment b) {
        MemorySegment a = statx.stx_atime(b), m = statx.stx_mtime(b), c = statx.stx_ctime(b);
        return new Stat(makedev(statx.stx_dev_major(b), statx.stx_dev_minor(b)), statx.stx_ino(b),
                statx.stx_mode(b) & 0xffff, statx.stx_nlink(b) & 0xffffffffL,
                statx.stx_uid(b), statx.stx_gid(b),
                makedev(statx.stx_rdev_major(b), statx.stx_rdev_minor(b)), statx.stx_size(b),
                statx.stx_blksize(b) & 0xffffffffL, statx.stx_blocks(b),
                statx_timestamp.tv_sec(a), statx_timestamp.tv_nsec(a),
                statx_timestamp.tv_sec(m), statx_timestamp.tv_nsec(m),
                statx_timestamp.tv_sec(c), statx_timestamp.tv_nsec(c));
    }

    /** glibc's {@code gnu_dev_makedev}. */
    public static long makedev(int major, int minor) {
        long ma = major & 0xffffffffL, mi = minor & 0xffffffffL;
        return ((ma & 0x00000fffL) << 8) | ((ma & 0xfffff000L) << 32)
                | (mi & 0x000000ffL) | ((mi & 0xffffff00L) << 12);
    }

    public boolean isDirectory() {
        return (mode & S_IFMT) == S_IFDIR;
    }
}
