package io.jaio;

import java.nio.file.FileSystemException;

/**
 * A syscall failed with an errno. Carries the errno, its symbolic name ("ENOENT") and the
 * syscall; {@link #getFile()} and {@link #getOtherFile()} name the path(s) involved, when
 * there were any.
 *
 * <p>jaio turns an errno into this exception in exactly one place, when a request's syscall
 * returns {@code -errno}; every request that fails with an errno fails with this type.
 */
public final class ErrnoException extends FileSystemException {
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String errnoName;
    private final String syscall;

    /**
     * @param errno     the errno value (positive)
     * @param errnoName its symbolic name
     * @param syscall   the syscall that failed, such as {@code "open"}
     * @param file      the path involved, or null
     * @param other     the second path (rename, link, symlink), or null
     * @param reason    the errno's description
     */
    public ErrnoException(int errno, String errnoName, String syscall, String file, String other, String reason) {
        super(file, other, syscall + ": " + errnoName + " (" + reason + ")");
        this.errno = errno;
        this.errnoName = errnoName;
        this.syscall = syscall;
    }

    /** The errno value, such as 2 for ENOENT. */
    public int errno() {
        return errno;
    }

    /** The errno's symbolic name, such as {@code "ENOENT"}. */
    public String errnoName() {
        return errnoName;
    }

    /** The syscall that failed, such as {@code "openat"} or {@code "statx"}. */
    public String syscall() {
        return syscall;
    }
}
