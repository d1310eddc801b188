package io.jaio;

import java.time.Instant;

/**
 * What stat, lstat and fstat return: the fields of {@code struct stat}, with times to the
 * nanosecond. Times are kept as seconds and nanoseconds; {@link #atime()}, {@link #mtime()}
 * and {@link #ctime()} make an {@link Instant} of them when asked.
 *
 * @param dev     device of the containing file system
 * @param ino     inode number
 * @param mode    file type and permission bits ({@code st_mode})
 * @param nlink   number of hard links
 * @param uid     owner
 * @param gid     group
 * @param rdev    device, for special files
 * @param size    size in bytes
 * @param blksize preferred I/O block size
 * @param blocks  512-byte blocks allocated
 * @param atimeSec  last access, seconds since the epoch
 * @param atimeNsec last access, nanoseconds within that second
 * @param mtimeSec  last modification, seconds since the epoch
 * @param mtimeNsec last modification, nanoseconds within that second
 * @param ctimeSec  last status change, seconds since the epoch
 * @param ctimeNsec last status change, nanoseconds within that second
 * @param mask      which fields statx filled in ({@code STATX_*} bits; {@link #hasBirthTime()}
 *                  and {@link #hasMountId()} test the two that file systems may lack); from
 *                  fstatat (no statx), only {@code struct stat}'s
 * @param btimeSec  creation ("birth"), seconds since the epoch, if {@link #hasBirthTime()}
 * @param btimeNsec creation, nanoseconds within that second
 * @param attributes     {@code STATX_ATTR_*} flags: compressed, immutable, append-only, …
 * @param attributesMask which attribute flags the file system supports
 * @param mountId   the mount's id (as in /proc/self/mountinfo), if {@link #hasMountId()}
 */
public record FileStat(long dev, long ino, int mode, long nlink, int uid, int gid, long rdev,
                       long size, long blksize, long blocks,
                       long atimeSec, int atimeNsec, long mtimeSec, int mtimeNsec,
                       long ctimeSec, int ctimeNsec,
                       int mask, long btimeSec, int btimeNsec, long attributes, long attributesMask, long mountId) {
    /** statx's STATX_BTIME bit. */
    private static final int STATX_BTIME = 0x800;
    /** statx's STATX_MNT_ID bit. */
    private static final int STATX_MNT_ID = 0x1000;

    /** True if the file system reported a birth time. */
    public boolean hasBirthTime() {
        return (mask & STATX_BTIME) != 0;
    }

    /** Creation time, or null where the file system does not record it. */
    public Instant birthtime() {
        return hasBirthTime() ? Instant.ofEpochSecond(btimeSec, btimeNsec) : null;
    }

    /** True if statx reported the mount id. */
    public boolean hasMountId() {
        return (mask & STATX_MNT_ID) != 0;
    }

    /** The major number of {@link #dev()} (glibc's gnu_dev_major). */
    public int devMajor() {
        return (int) (((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0x00000fffL));
    }

    /** The minor number of {@link #dev()} (glibc's gnu_dev_minor). */
    public int devMinor() {
        return (int) (((dev >>> 12) & 0xffffff00L) | (dev & 0x000000ffL));
    }

    /** Last access. */
    public Instant atime() {
        return Instant.ofEpochSecond(atimeSec, atimeNsec);
    }

    /** Last modification. */
    public Instant mtime() {
        return Instant.ofEpochSecond(mtimeSec, mtimeNsec);
    }

    /** Last status change. */
    public Instant ctime() {
        return Instant.ofEpochSecond(ctimeSec, ctimeNsec);
    }

    /** True for a directory. */
    public boolean isDirectory() {
        return (mode & Fcntl.S_IFMT) == Fcntl.S_IFDIR;
    }

    /** True for a regular file. */
    public boolean isRegularFile() {
        return (mode & Fcntl.S_IFMT) == Fcntl.S_IFREG;
    }

    /** True for a symbolic link (only lstat can see one). */
    public boolean isSymbolicLink() {
        return (mode & Fcntl.S_IFMT) == Fcntl.S_IFLNK;
    }

    /** The permission bits, {@code mode & 07777}. */
    public int permissions() {
        return mode & 07777;
    }
}
