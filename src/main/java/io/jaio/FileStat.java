package io.jaio;

import java.time.Instant;

/**
 * What stat, lstat and fstat return: the fields of {@code struct stat}, with times to the
 * nanosecond.
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
 * @param atime   last access
 * @param mtime   last modification
 * @param ctime   last status change
 */
public record FileStat(long dev, long ino, int mode, long nlink, int uid, int gid, long rdev,
                       long size, long blksize, long blocks, Instant atime, Instant mtime, Instant ctime) {

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
