package io.jaio.internal.sys;

import io.jaio.internal.bindings.LibC;
import io.jaio.internal.bindings.stat;
import io.jaio.internal.bindings.statx;
import io.jaio.internal.bindings.statx_timestamp;
import io.jaio.internal.bindings.timespec;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The fields of {@code struct stat} / {@code struct statx}, copied out of native memory so
 * that no address leaves the sys layer. Times are seconds plus nanoseconds.
 */
public record Stat(long dev, long ino, int mode, long nlink, int uid, int gid, long rdev,
                   long size, long blksize, long blocks,
                   long atimeSec, int atimeNsec, long mtimeSec, int mtimeNsec,
                   long ctimeSec, int ctimeNsec,
                   int mask, long btimeSec, int btimeNsec, long attributes, long attributesMask, long mountId) {

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
    /** What jaio asks statx for: everything {@code struct stat} has, birth time and mount id. */
    public static final int STATX_BASIC_STATS = LibC.STATX_BASIC_STATS() | LibC.STATX_BTIME() | LibC.STATX_MNT_ID();
    /** The fields {@code struct stat} gives: what a result from fstatat has. */
    public static final int STAT_FIELDS = LibC.STATX_BASIC_STATS();

    // Where the timestamps' fields sit in each struct, from the generated layouts: reading them
    // at these offsets spares the slice (an object) a struct-typed accessor would make.
    private static final long ST_ATIM = stat.st_atim$offset(), ST_MTIM = stat.st_mtim$offset(),
            ST_CTIM = stat.st_ctim$offset(), TS_SEC = timespec.tv_sec$offset(), TS_NSEC = timespec.tv_nsec$offset();
    private static final long STX_ATIME = statx.stx_atime$offset(), STX_MTIME = statx.stx_mtime$offset(),
            STX_CTIME = statx.stx_ctime$offset(), STX_BTIME = statx.stx_btime$offset(),
            STXT_SEC = statx_timestamp.tv_sec$offset(),
            STXT_NSEC = statx_timestamp.tv_nsec$offset();

    /** What a stat buffer's fields are copied into; {@code Stat::new} is one. */
    @FunctionalInterface
    public interface Sink<T> {
        T make(long dev, long ino, int mode, long nlink, int uid, int gid, long rdev,
               long size, long blksize, long blocks,
               long atimeSec, int atimeNsec, long mtimeSec, int mtimeNsec,
               long ctimeSec, int ctimeNsec,
               int mask, long btimeSec, int btimeNsec, long attributes, long attributesMask, long mountId);
    }

    /** Reads a filled {@code struct stat}. */
    public static Stat fromStat(MemorySegment b) {
        return fromStat(b, Stat::new);
    }

    /** Reads a filled {@code struct statx}; devices are recombined as glibc's makedev does. */
    public static Stat fromStatx(MemorySegment b) {
        return fromStatx(b, Stat::new);
    }

    /** Reads a filled {@code struct stat} into what {@code sink} makes. */
    public static <T> T fromStat(MemorySegment b, Sink<T> sink) {
        return sink.make(stat.st_dev(b), stat.st_ino(b), stat.st_mode(b), stat.st_nlink(b),
                stat.st_uid(b), stat.st_gid(b), stat.st_rdev(b), stat.st_size(b),
                stat.st_blksize(b), stat.st_blocks(b),
                b.get(JAVA_LONG, ST_ATIM + TS_SEC), (int) b.get(JAVA_LONG, ST_ATIM + TS_NSEC),
                b.get(JAVA_LONG, ST_MTIM + TS_SEC), (int) b.get(JAVA_LONG, ST_MTIM + TS_NSEC),
                b.get(JAVA_LONG, ST_CTIM + TS_SEC), (int) b.get(JAVA_LONG, ST_CTIM + TS_NSEC),
                STAT_FIELDS, 0, 0, 0, 0, 0);
    }

    /** Reads a filled {@code struct statx} into what {@code sink} makes. */
    public static <T> T fromStatx(MemorySegment b, Sink<T> sink) {
        return sink.make(makedev(statx.stx_dev_major(b), statx.stx_dev_minor(b)), statx.stx_ino(b),
                statx.stx_mode(b) & 0xffff, statx.stx_nlink(b) & 0xffffffffL,
                statx.stx_uid(b), statx.stx_gid(b),
                makedev(statx.stx_rdev_major(b), statx.stx_rdev_minor(b)), statx.stx_size(b),
                statx.stx_blksize(b) & 0xffffffffL, statx.stx_blocks(b),
                b.get(JAVA_LONG, STX_ATIME + STXT_SEC), b.get(JAVA_INT, STX_ATIME + STXT_NSEC),
                b.get(JAVA_LONG, STX_MTIME + STXT_SEC), b.get(JAVA_INT, STX_MTIME + STXT_NSEC),
                b.get(JAVA_LONG, STX_CTIME + STXT_SEC), b.get(JAVA_INT, STX_CTIME + STXT_NSEC),
                statx.stx_mask(b), b.get(JAVA_LONG, STX_BTIME + STXT_SEC), b.get(JAVA_INT, STX_BTIME + STXT_NSEC),
                statx.stx_attributes(b), statx.stx_attributes_mask(b), statx.stx_mnt_id(b));
    }

    /** glibc's {@code gnu_dev_makedev}. */
    public static long makedev(int major, int minor) {
        long ma = major & 0xffffffffL, mi = minor & 0xffffffffL;
        return ((ma & 0x00000fffL) << 8) | ((ma & 0xfffff000L) << 32)
                | (mi & 0x000000ffL) | ((mi & 0xffffff00L) << 12);
    }
}
