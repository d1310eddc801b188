package io.jaio;

import io.jaio.internal.bindings.LibC;

/**
 * The platform's open(2) flags, {@code AT_*} flags and file-type bits, as Linux defines them
 * on this architecture (read from the generated bindings, never retyped). Pass them to
 * {@link Aio#open(java.nio.file.Path, int, int)}; jaio always adds {@link #O_CLOEXEC}.
 */
public final class Fcntl {
    private Fcntl() {}

    /** {@code O_RDONLY} */
    public static final int O_RDONLY = LibC.O_RDONLY();
    /** {@code O_WRONLY} */
    public static final int O_WRONLY = LibC.O_WRONLY();
    /** {@code O_RDWR} */
    public static final int O_RDWR = LibC.O_RDWR();
    /** {@code O_ACCMODE} */
    public static final int O_ACCMODE = LibC.O_ACCMODE();
    /** {@code O_CREAT} */
    public static final int O_CREAT = LibC.O_CREAT();
    /** {@code O_EXCL} */
    public static final int O_EXCL = LibC.O_EXCL();
    /** {@code O_NOCTTY} */
    public static final int O_NOCTTY = LibC.O_NOCTTY();
    /** {@code O_TRUNC} */
    public static final int O_TRUNC = LibC.O_TRUNC();
    /** {@code O_APPEND} */
    public static final int O_APPEND = LibC.O_APPEND();
    /** {@code O_NONBLOCK} */
    public static final int O_NONBLOCK = LibC.O_NONBLOCK();
    /** {@code O_DSYNC} */
    public static final int O_DSYNC = LibC.O_DSYNC();
    /** {@code O_SYNC} */
    public static final int O_SYNC = LibC.O_SYNC();
    /** {@code O_DIRECTORY} */
    public static final int O_DIRECTORY = LibC.O_DIRECTORY();
    /** {@code O_NOFOLLOW} */
    public static final int O_NOFOLLOW = LibC.O_NOFOLLOW();
    /** {@code O_CLOEXEC} */
    public static final int O_CLOEXEC = LibC.O_CLOEXEC();
    /** {@code O_DIRECT} */
    public static final int O_DIRECT = LibC.O_DIRECT();
    /** {@code O_NOATIME} */
    public static final int O_NOATIME = LibC.O_NOATIME();
    /** {@code O_PATH} */
    public static final int O_PATH = LibC.O_PATH();
    /** {@code O_TMPFILE} */
    public static final int O_TMPFILE = LibC.O_TMPFILE();
    /** {@code AT_FDCWD} */
    public static final int AT_FDCWD = LibC.AT_FDCWD();
    /** {@code AT_SYMLINK_NOFOLLOW} */
    public static final int AT_SYMLINK_NOFOLLOW = LibC.AT_SYMLINK_NOFOLLOW();
    /** {@code AT_SYMLINK_FOLLOW} */
    public static final int AT_SYMLINK_FOLLOW = LibC.AT_SYMLINK_FOLLOW();
    /** {@code AT_REMOVEDIR} */
    public static final int AT_REMOVEDIR = LibC.AT_REMOVEDIR();
    /** {@code AT_EMPTY_PATH} */
    public static final int AT_EMPTY_PATH = LibC.AT_EMPTY_PATH();
    /** {@code S_IFMT} */
    public static final int S_IFMT = LibC.S_IFMT();
    /** {@code S_IFDIR} */
    public static final int S_IFDIR = LibC.S_IFDIR();
    /** {@code S_IFCHR} */
    public static final int S_IFCHR = LibC.S_IFCHR();
    /** {@code S_IFBLK} */
    public static final int S_IFBLK = LibC.S_IFBLK();
    /** {@code S_IFREG} */
    public static final int S_IFREG = LibC.S_IFREG();
    /** {@code S_IFIFO} */
    public static final int S_IFIFO = LibC.S_IFIFO();
    /** {@code S_IFLNK} */
    public static final int S_IFLNK = LibC.S_IFLNK();
    /** {@code S_IFSOCK} */
    public static final int S_IFSOCK = LibC.S_IFSOCK();
    /** {@code RENAME_NOREPLACE}: rename2: fail with EEXIST rather than replace the target. */
    public static final int RENAME_NOREPLACE = LibC.RENAME_NOREPLACE();
    /** {@code RENAME_EXCHANGE}: rename2: exchange the two paths atomically. */
    public static final int RENAME_EXCHANGE = LibC.RENAME_EXCHANGE();
    /** {@code RENAME_WHITEOUT}: rename2: leave a whiteout at the source (overlay and union file systems). */
    public static final int RENAME_WHITEOUT = LibC.RENAME_WHITEOUT();
    /** {@code SEEK_SET}: seek: from the start. */
    public static final int SEEK_SET = LibC.SEEK_SET();
    /** {@code SEEK_CUR}: seek: from the current position. */
    public static final int SEEK_CUR = LibC.SEEK_CUR();
    /** {@code SEEK_END}: seek: from the end. */
    public static final int SEEK_END = LibC.SEEK_END();
    /** {@code SEEK_DATA}: seek: the next data at or after the offset. */
    public static final int SEEK_DATA = LibC.SEEK_DATA();
    /** {@code SEEK_HOLE}: seek: the next hole at or after the offset. */
    public static final int SEEK_HOLE = LibC.SEEK_HOLE();
    /** {@code FALLOC_FL_KEEP_SIZE}: allocate: do not change the file size. */
    public static final int FALLOC_FL_KEEP_SIZE = LibC.FALLOC_FL_KEEP_SIZE();
    /** {@code FALLOC_FL_PUNCH_HOLE}: allocate: deallocate the range (with KEEP_SIZE). */
    public static final int FALLOC_FL_PUNCH_HOLE = LibC.FALLOC_FL_PUNCH_HOLE();
    /** {@code FALLOC_FL_ZERO_RANGE}: allocate: zero the range. */
    public static final int FALLOC_FL_ZERO_RANGE = LibC.FALLOC_FL_ZERO_RANGE();
    /** {@code FALLOC_FL_COLLAPSE_RANGE}: allocate: remove the range, closing the gap. */
    public static final int FALLOC_FL_COLLAPSE_RANGE = LibC.FALLOC_FL_COLLAPSE_RANGE();
    /** {@code FALLOC_FL_INSERT_RANGE}: allocate: insert a hole, shifting the rest. */
    public static final int FALLOC_FL_INSERT_RANGE = LibC.FALLOC_FL_INSERT_RANGE();
    /** {@code FALLOC_FL_UNSHARE_RANGE}: allocate: unshare shared extents. */
    public static final int FALLOC_FL_UNSHARE_RANGE = LibC.FALLOC_FL_UNSHARE_RANGE();
    /** {@code SYNC_FILE_RANGE_WAIT_BEFORE}: syncFileRange: wait for earlier writeback of the range. */
    public static final int SYNC_FILE_RANGE_WAIT_BEFORE = LibC.SYNC_FILE_RANGE_WAIT_BEFORE();
    /** {@code SYNC_FILE_RANGE_WRITE}: syncFileRange: start writeback of the range. */
    public static final int SYNC_FILE_RANGE_WRITE = LibC.SYNC_FILE_RANGE_WRITE();
    /** {@code SYNC_FILE_RANGE_WAIT_AFTER}: syncFileRange: wait for the writeback to finish. */
    public static final int SYNC_FILE_RANGE_WAIT_AFTER = LibC.SYNC_FILE_RANGE_WAIT_AFTER();
}
