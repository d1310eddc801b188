package io.jaio;

/**
 * What statvfs(3) says of a file system, as {@link Aio#statvfs} returns it (IO::AIO's
 * aio_statvfs hash, as a record). Sizes in bytes are {@code blocks × frsize} and so on; see
 * {@link #totalBytes()} and {@link #availableBytes()}.
 *
 * @param bsize   the preferred I/O block size
 * @param frsize  the fundamental block size (the unit of the block counts)
 * @param blocks  blocks in all
 * @param bfree   free blocks
 * @param bavail  free blocks an unprivileged user may use
 * @param files   inodes in all
 * @param ffree   free inodes
 * @param favail  free inodes an unprivileged user may use
 * @param fsid    the file system id
 * @param flag    mount flags (ST_RDONLY = 1, ST_NOSUID = 2, …)
 * @param namemax the longest file name
 */
public record FileSystemStat(long bsize, long frsize, long blocks, long bfree, long bavail, long files,
                             long ffree, long favail, long fsid, long flag, long namemax) {
    static FileSystemStat of(long[] f) {
        return new FileSystemStat(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10]);
    }

    /** The file system's size in bytes. */
    public long totalBytes() {
        return blocks * frsize;
    }

    /** Bytes an unprivileged user may still write. */
    public long availableBytes() {
        return bavail * frsize;
    }

    /** True if mounted read-only (ST_RDONLY). */
    public boolean readOnly() {
        return (flag & 1) != 0;
    }
}
