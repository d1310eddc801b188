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
}
