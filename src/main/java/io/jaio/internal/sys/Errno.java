package io.jaio.internal.sys;

import io.jaio.internal.bindings.LibC;

import java.lang.foreign.MemorySegment;

/**
 * errno values and their names. The values come from the generated bindings; the names and
 * descriptions come from glibc ({@code strerrorname_np}, {@code strerrordesc_np}), so every
 * errno the kernel can return has a name, not only the ones listed here.
 */
public final class Errno {
    private Errno() {}

    public static final int EPERM = LibC.EPERM();
    public static final int ENOENT = LibC.ENOENT();
    public static final int EINTR = LibC.EINTR();
    public static final int EIO = LibC.EIO();
    public static final int EBADF = LibC.EBADF();
    public static final int EAGAIN = LibC.EAGAIN();
    public static final int ENOMEM = LibC.ENOMEM();
    public static final int EACCES = LibC.EACCES();
    public static final int EFAULT = LibC.EFAULT();
    public static final int EEXIST = LibC.EEXIST();
    public static final int EXDEV = LibC.EXDEV();
    public static final int ENOTDIR = LibC.ENOTDIR();
    public static final int EISDIR = LibC.EISDIR();
    public static final int EINVAL = LibC.EINVAL();
    public static final int EMFILE = LibC.EMFILE();
    public static final int ENFILE = LibC.ENFILE();
    public static final int EFBIG = LibC.EFBIG();
    public static final int ENOSPC = LibC.ENOSPC();
    public static final int ESPIPE = LibC.ESPIPE();
    public static final int ENXIO = LibC.ENXIO();
    public static final int EROFS = LibC.EROFS();
    public static final int ENAMETOOLONG = LibC.ENAMETOOLONG();
    public static final int ENOSYS = LibC.ENOSYS();
    public static final int ENOTEMPTY = LibC.ENOTEMPTY();
    public static final int ELOOP = LibC.ELOOP();
    public static final int EOVERFLOW = LibC.EOVERFLOW();
    public static final int EOPNOTSUPP = LibC.EOPNOTSUPP();
    public static final int ENOTSOCK = LibC.ENOTSOCK();
    public static final int ECANCELED = LibC.ECANCELED();
    public static final int EBUSY = LibC.EBUSY();

    /** The symbolic name, such as {@code "ENOENT"}; {@code "E<n>"} for a value glibc does not know. */
    public static String name(int errno) {
        String s = cString(LibC.strerrorname_np(errno));
        return s != null ? s : "E" + errno;
    }

    /** The description, such as {@code "No such file or directory"}. */
    public static String describe(int errno) {
        String s = cString(LibC.strerrordesc_np(errno));
        return s != null ? s : "Unknown error " + errno;
    }

    @SuppressWarnings("restricted")    // a static string of glibc's, bounded below
    private static String cString(MemorySegment p) {
        if (p.equals(MemorySegment.NULL)) {
            return null;
        }
        // glibc's tables hold short static strings; 256 bytes bounds the read.
        return p.reinterpret(256).getString(0);
    }
}
