package io.jaio;

import io.jaio.Request.CopyFile;
import io.jaio.Request.NPath;
import io.jaio.internal.sys.Errno;
import io.jaio.internal.sys.Sys;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

import static io.jaio.Ops.check;
import static io.jaio.Ops.cPath;

/**
 * The worker bodies of the whole-file requests, IO::AIO's composite ones (aio_copy, aio_move,
 * aio_load, aio_slurp, aio_pathsync), each run as one request on one worker: a sequence of
 * syscalls with no hand-off between them. Every descriptor opened here is closed here, on
 * every path out.
 */
final class FileOps {
    private FileOps() {}

    private static final int RENAME_NOREPLACE = 1;
    /** The most one copy_file_range call is asked for (the kernel caps a call near 2 GiB anyway). */
    private static final long COPY_CHUNK = 1L << 30;
    /** Java's largest array, roughly: load refuses a file larger than this. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 16;

    /**
     * aio_copy, made atomic: opens the source (not following a final symlink if asked, and
     * never blocking on a fifo), refuses anything but a regular file, copies its data into a
     * new temporary file beside the destination (copy_file_range, else read/write), gives that
     * the source's owner (where permitted), mode and times to the nanosecond, closes it (so a
     * write-back error is seen) and renames it over the destination (or beside it with
     * RENAME_NOREPLACE, failing with EEXIST). Any failure unlinks the temporary file: the
     * destination is either the old file or the whole new one. Returns the bytes copied.
     */
    static Long copy(CopyFile c, Scratch s) throws Exception {
        Sys sys = s.sys;
        int srcDir = c.srcDir() != null ? c.srcDir().num() : Ops.dirfd(c.src(), s);
        int dstDir = c.dstDir() != null ? c.dstDir().num() : Ops.dirfd(c.dst(), s);
        int in = openAt(srcDir, c.src(), Sys.O_RDONLY | Fcntl.O_NONBLOCK | (c.followSrc() ? 0 : Fcntl.O_NOFOLLOW), 0,
                s.path1, s);
        try {
            FileStat st = Ops.fstat(in, s);
            if (st.isDirectory()) {
                check(-Errno.EISDIR, "copy", c.src(), null);
            }
            if (!st.isRegularFile()) {
                check(-Errno.EINVAL, "copy (not a regular file)", c.src(), null);
            }
            // Atomic: a temporary name, renamed over dst at the end. Otherwise dst itself
            // (O_EXCL, or O_TRUNC to replace), unlinked again if the copy fails.
            NPath tmp = c.atomic() ? temporaryName(c.dst()) : c.dst();
            int flags = Fcntl.O_WRONLY | Fcntl.O_CREAT | Fcntl.O_NOFOLLOW | Sys.O_CLOEXEC
                    | (c.atomic() || !c.replace() ? Fcntl.O_EXCL : Fcntl.O_TRUNC);
            int out = -1;
            for (int attempt = 0; out < 0; attempt++) {
                int r = sys.openat(dstDir, cPath(tmp, s.path1, "open"), flags, 0600);
                if (r == -Errno.EEXIST && c.atomic() && attempt < 8) {
                    tmp = temporaryName(c.dst());
                } else if (r != -Errno.EINTR) {
                    out = (int) check(r, "open", tmp, null);
                }
            }
            try {
                long n = st.blocks() * 512 < st.size() ? copySparse(in, out, c, s) : copyData(in, out, 0, -1, c, s);
                sys.fchownat(out, emptyPath(s), st.uid(), st.gid(), Sys.AT_EMPTY_PATH);    // where permitted
                check(sys.fchmod(out, st.permissions()), "fchmod", tmp, null);
                check(sys.futimens(out, Ops.times(st.atime(), st.mtime(), s)), "futimens", tmp, null);
                int fd = out;
                out = -1;
                check(sys.close(fd), "close", tmp, null);    // NFS reports write-back errors here
                if (c.atomic()) {
                    MemorySegment from = cPath(tmp, s.path1, "rename");
                    MemorySegment to = cPath(c.dst(), s.path2, "rename");
                    check(c.replace() ? sys.renameat(dstDir, from, dstDir, to)
                            : sys.renameat2(dstDir, from, dstDir, to, RENAME_NOREPLACE), "rename", c.dst(), null);
                }
                tmp = null;
                return Ops.boxed(n);
            } finally {
                if (out >= 0) {
                    sys.close(out);
                }
                if (tmp != null) {
                    sys.unlinkat(dstDir, cPath(tmp, s.path1, "unlink"), 0);    // leave no half file
                }
            }
        } finally {
            sys.close(in);
        }
    }

    /**
     * Recreates a symlink (its target bytes exactly) or a special file (mknod: a fifo, socket
     * or, with the privilege, a device) as {@code dst}; an existing one is replaced only if
     * asked. Then {@link #restore}s it.
     */
    static Object copyNode(Request.CopyNode c, Scratch s) throws Exception {
        Sys sys = s.sys;
        int srcDir = c.srcDir() != null ? c.srcDir().num() : Ops.dirfd(c.src(), s);
        int dstDir = c.dstDir() != null ? c.dstDir().num() : Ops.dirfd(c.dst(), s);
        FileStat st = c.st();
        for (int attempt = 0; ; attempt++) {
            int r;
            if (st.isSymbolicLink()) {
                long n = check(sys.readlinkat(srcDir, cPath(c.src(), s.path1, "readlink"), s.path2, Scratch.PATH_MAX - 1),
                        "readlink", c.src(), null);
                s.path2.set(ValueLayout.JAVA_BYTE, n, (byte) 0);
                r = sys.symlinkat(s.path2, dstDir, cPath(c.dst(), s.path1, "symlink"));
            } else {
                r = sys.mknodat(dstDir, cPath(c.dst(), s.path1, "mknod"), st.mode(), st.rdev());
            }
            if (r == -Errno.EEXIST && c.replace() && attempt == 0) {
                check(sys.unlinkat(dstDir, cPath(c.dst(), s.path1, "unlink"), 0), "unlink", c.dst(), null);
                continue;
            }
            check(r, st.isSymbolicLink() ? "symlink" : "mknod", c.dst(), null);
            break;
        }
        restore(dstDir, c.dst(), st, s);
        return null;
    }

    /**
     * A hard link: linkat(2) between two held directories, one name component each, so no
     * symlink swapped into either path can redirect it; an existing {@code dst} is unlinked and
     * the link made again, once, only if asked (as copyNode replaces).
     */
    static Object linkNode(Request.LinkNode l, Scratch s) throws Exception {
        Sys sys = s.sys;
        int from = l.existingDir() != null ? l.existingDir().num() : Ops.dirfd(l.existing(), s);
        int to = l.dstDir() != null ? l.dstDir().num() : Ops.dirfd(l.dst(), s);
        for (int attempt = 0; ; attempt++) {
            int r = sys.linkat(from, cPath(l.existing(), s.path1, "link"), to, cPath(l.dst(), s.path2, "link"), 0);
            if (r == -Errno.EEXIST && l.replace() && attempt == 0) {
                check(sys.unlinkat(to, cPath(l.dst(), s.path2, "unlink"), 0), "unlink", l.dst(), null);
                continue;
            }
            check(r, "link", l.existing(), l.dst());
            return null;
        }
    }

    /**
     * Gives {@code path} under {@code dir} (never following it) {@code st}'s owner where
     * permitted (an unprivileged copy keeps its own), its mode (not a symlink's: Linux has
     * none) and its access and modification times to the nanosecond.
     */
    static void restore(int dir, NPath path, FileStat st, Scratch s) throws Exception {
        Sys sys = s.sys;
        MemorySegment p = cPath(path, s.path1, "chown");
        sys.fchownat(dir, p, st.uid(), st.gid(), Sys.AT_SYMLINK_NOFOLLOW);    // where permitted
        if (!st.isSymbolicLink()) {
            // chmod(2) follows symlinks and Linux has no lchmod: pin the entry itself (O_PATH,
            // O_NOFOLLOW), check it is still what was made, and chmod it through its descriptor.
            int fd = openAt(dir, path, Sys.O_PATH | Fcntl.O_NOFOLLOW, 0, s.path1, s);
            try {
                FileStat now = Ops.fstat(fd, s);
                if ((now.mode() & 0170000) != (st.mode() & 0170000)) {
                    check(-Errno.ELOOP, "chmod (replaced meanwhile)", path, null);
                }
                byte[] proc = ("/proc/self/fd/" + fd).getBytes(StandardCharsets.US_ASCII);
                check(sys.fchmodat(Sys.AT_FDCWD, cPath(new NPath(path.display(), proc), s.path2, "chmod"),
                        st.permissions(), 0), "chmod", path, null);
            } finally {
                sys.close(fd);
            }
            p = cPath(path, s.path1, "utimensat");
        }
        check(sys.utimensat(dir, p, Ops.times(st.atime(), st.mtime(), s), Sys.AT_SYMLINK_NOFOLLOW), "utimensat", path, null);
    }

    /**
     * Copies {@code [from, end)} of {@code in} to the same offsets of {@code out} ({@code end}
     * -1: to the end of the file), by copy_file_range where the kernel takes this pair of
     * files, else read and write; the offset reached.
     */
    private static long copyData(int in, int out, long from, long end, CopyFile c, Scratch s) throws Exception {
        long done = from;
        boolean kernel = true;
        while (end < 0 || done < end) {
            long want = end < 0 ? COPY_CHUNK : Math.min(COPY_CHUNK, end - done);
            long r;
            if (kernel) {
                do {
                    r = s.sys.copy_file_range(in, done, out, done, want, 0);
                } while (r == -Errno.EINTR);
                if (done == from && (r == -Errno.ENOSYS || r == -Errno.EXDEV || r == -Errno.EOPNOTSUPP || r == -Errno.EINVAL)) {
                    kernel = false;    // the kernel refuses this pair: read and write instead
                    continue;
                }
                check(r, "copy_file_range", c.src(), c.dst());
            } else {
                r = Ops.copyThroughBounce(in, done, out, done, want, s);
            }
            if (r == 0) {
                break;    // the end of the file (it shrank, for a bounded range)
            }
            done += r;
        }
        return done;
    }

    /**
     * A file with holes (fewer blocks than its size needs): only its data extents are copied
     * (lseek SEEK_DATA and SEEK_HOLE), so the copy keeps the holes, as GNU cp does, and its
     * size is set at the end, which makes a trailing hole. As the plain copy reads to the end
     * of the file, this follows the file as it is while copied: to its last extent, and to the
     * size it has then (a file that shrank mid-extent ends where its data did). A file system
     * without SEEK_DATA (EINVAL) gets the plain copy. Returns the copy's size.
     */
    private static long copySparse(int in, int out, CopyFile c, Scratch s) throws Exception {
        Sys sys = s.sys;
        long pos = 0, size;
        for (;;) {
            long data = sys.lseek(in, pos, Fcntl.SEEK_DATA);
            if (data == -Errno.ENXIO) {
                size = check(sys.lseek(in, 0, Fcntl.SEEK_END), "lseek", c.src(), null);    // nothing but a hole from pos on
                break;
            }
            if (data == -Errno.EINVAL && pos == 0) {
                return copyData(in, out, 0, -1, c, s);
            }
            check(data, "lseek", c.src(), null);
            long hole = check(sys.lseek(in, data, Fcntl.SEEK_HOLE), "lseek", c.src(), null);
            pos = copyData(in, out, data, hole, c, s);
            if (pos < hole) {
                size = pos;    // the file shrank while this extent was copied: it ends here
                break;
            }
        }
        long r;
        do {
            r = sys.ftruncate(out, size);
        } while (r == -Errno.EINTR);
        check(r, "ftruncate", c.dst(), null);
        return size;
    }

    /**
     * {@code .NAME.jaio-XXXXXXXX} beside {@code dst}: hidden, recognisably jaio's, unlikely to
     * collide (opened with O_EXCL anyway), and within NAME_MAX however long NAME is.
     */
    private static NPath temporaryName(NPath dst) {
        byte[] b = dst.bytes();
        int slash = lastSlash(b);
        byte[] dir = Arrays.copyOfRange(b, 0, slash + 1);
        byte[] base = Arrays.copyOfRange(b, slash + 1, Math.min(b.length, slash + 1 + 200));
        byte[] suffix = String.format(".jaio-%08x", ThreadLocalRandom.current().nextInt()).getBytes(StandardCharsets.US_ASCII);
        byte[] t = new byte[dir.length + 1 + base.length + suffix.length];
        System.arraycopy(dir, 0, t, 0, dir.length);
        t[dir.length] = '.';
        System.arraycopy(base, 0, t, dir.length + 1, base.length);
        System.arraycopy(suffix, 0, t, dir.length + 1 + base.length, suffix.length);
        return new NPath(dst.display() + " (temporary " + new String(t, StandardCharsets.UTF_8) + ")", t, dst.relative());
    }

    private static int lastSlash(byte[] b) {
        int i = b.length - 1;
        while (i > 0 && b[i] == '/') {
            i--;    // "dir/" names dir
        }
        while (i >= 0 && b[i] != '/') {
            i--;
        }
        return i;
    }

    /**
     * aio_move: rename(2); across file systems (EXDEV) a regular file is copied (as
     * {@link #copy}, atomically) and a symlink recreated, then the source is unlinked. A
     * directory across file systems fails with EXDEV: that is copyTree plus rmtree.
     */
    static Object move(Request.Move m, Scratch s) throws Exception {
        Sys sys = s.sys;
        int fromDir = Ops.dirfd(m.from(), s), toDir = Ops.dirfd(m.to(), s);
        int r = sys.renameat(fromDir, cPath(m.from(), s.path1, "rename"), toDir, cPath(m.to(), s.path2, "rename"));
        if (r != -Errno.EXDEV) {
            check(r, "rename", m.from(), m.to());
            return null;
        }
        FileStat st = Ops.stat(m.from(), false, s);
        if (st.isRegularFile()) {
            copy(new CopyFile(null, m.from(), null, m.to(), true, false, true), s);
        } else if (st.isSymbolicLink()) {
            byte[] target = Ops.readlinkBytes(m.from(), s);
            NPath tmp = temporaryName(m.to());
            MemorySegment t = s.path2;
            t.asSlice(0, target.length).copyFrom(MemorySegment.ofArray(target));
            t.set(ValueLayout.JAVA_BYTE, target.length, (byte) 0);
            check(sys.symlinkat(t, toDir, cPath(tmp, s.path1, "symlink")), "symlink", tmp, null);
            int rr = sys.renameat(toDir, cPath(tmp, s.path1, "rename"), toDir, cPath(m.to(), s.path2, "rename"));
            if (rr < 0) {
                sys.unlinkat(toDir, cPath(tmp, s.path1, "unlink"), 0);
                check(rr, "rename", m.to(), null);
            }
        } else {
            check(r, "rename", m.from(), m.to());
        }
        check(sys.unlinkat(fromDir, cPath(m.from(), s.path1, "unlink"), 0), "unlink", m.from(), null);
        return null;
    }

    /**
     * aio_load: the whole file as a byte array, read until end of file (so files whose size
     * stat cannot tell, as in /proc, load whole too). EFBIG beyond a Java array's reach.
     */
    static byte[] load(NPath path, Scratch s) throws Exception {
        int fd = openAt(Ops.dirfd(path, s), path, Sys.O_RDONLY, 0, s.path1, s);
        try {
            long size = Ops.fstat(fd, s).size();
            if (size > MAX_ARRAY) {
                check(-Errno.EFBIG, "load", path, null);
            }
            byte[] data = new byte[(int) Math.max(size, 0) + 1];    // one more: end of file is seen in one read
            int n = 0;
            for (;;) {
                if (n == data.length) {
                    if (data.length >= MAX_ARRAY) {
                        check(-Errno.EFBIG, "load", path, null);
                    }
                    data = Arrays.copyOf(data, (int) Math.min(MAX_ARRAY, Math.max(4096, data.length * 2L)));
                }
                long r = readInto(fd, n, MemorySegment.ofArray(data).asSlice(n), path, s);
                if (r == 0) {
                    return n == data.length ? data : Arrays.copyOf(data, n);
                }
                n += (int) r;
            }
        } finally {
            s.sys.close(fd);
        }
    }

    /**
     * aio_slurp: {@code length} bytes from {@code offset} (negative: from the end) into the
     * segment; length 0 means to end of file, which must fit (EOVERFLOW otherwise). Returns the
     * bytes read, fewer only at end of file.
     */
    static Long slurp(Request.Slurp sl, Scratch s) throws Exception {
        int fd = openAt(Ops.dirfd(sl.path(), s), sl.path(), Sys.O_RDONLY, 0, s.path1, s);
        try {
            long offset = sl.offset(), length = sl.length();
            if (offset < 0 || length == 0) {
                long size = Ops.fstat(fd, s).size();
                if (offset < 0) {
                    offset = size + offset;
                    if (offset < 0) {
                        check(-Errno.EINVAL, "slurp (offset before the start of the file)", sl.path(), null);
                    }
                }
                if (length == 0) {
                    length = Math.max(0, size - offset);
                }
            }
            if (length > sl.dst().byteSize()) {
                check(-Errno.EOVERFLOW, "slurp (" + length + " bytes do not fit the segment's " + sl.dst().byteSize() + ")",
                        sl.path(), null);
            }
            long done = 0;
            while (done < length) {
                long r = readInto(fd, offset + done, sl.dst().asSlice(done, length - done), sl.path(), s);
                if (r == 0) {
                    break;
                }
                done += r;
            }
            return Ops.boxed(done);
        } finally {
            s.sys.close(fd);
        }
    }

    /** One pread into {@code dst} (through the bounce buffer for a heap segment); 0 at end of file. */
    private static long readInto(int fd, long offset, MemorySegment dst, NPath path, Scratch s) throws Exception {
        long want = dst.isNative() ? dst.byteSize() : Math.min(dst.byteSize(), Scratch.BOUNCE_MAX);
        MemorySegment b = dst.isNative() ? dst : s.bounce(want).asSlice(0, want);
        long r;
        do {
            r = s.sys.pread(fd, b, want, offset);
        } while (r == -Errno.EINTR);
        check(r, "pread", path, null);
        if (!dst.isNative()) {
            MemorySegment.copy(b, 0, dst, 0, r);
        }
        return r;
    }

    /**
     * aio_pathsync, and more: opens the path read-only, fsyncs it and closes it; then does the
     * same for the directory that contains it, so a rename or create is durable too.
     */
    static Object pathsync(NPath path, Scratch s) throws Exception {
        syncOne(path, s);
        byte[] b = path.bytes();
        int slash = lastSlash(b);
        byte[] parent = slash < 0 ? new byte[] {'.'} : slash == 0 ? new byte[] {'/'} : Arrays.copyOf(b, slash);
        syncOne(new NPath(new String(parent, StandardCharsets.UTF_8), parent, path.relative()), s);
        return null;
    }

    private static void syncOne(NPath path, Scratch s) throws Exception {
        int fd = openAt(Ops.dirfd(path, s), path, Sys.O_RDONLY, 0, s.path1, s);
        try {
            check(s.sys.fsync(fd), "fsync", path, null);
        } finally {
            s.sys.close(fd);
        }
    }

    private static int openAt(int dir, NPath path, int flags, int mode, MemorySegment buf, Scratch s) throws Exception {
        MemorySegment p = cPath(path, buf, "open");
        int fd;
        do {
            fd = s.sys.openat(dir, p, flags | Sys.O_CLOEXEC, mode);
        } while (fd == -Errno.EINTR);
        return (int) check(fd, "open", path, null);
    }

    private static MemorySegment emptyPath(Scratch s) {
        s.path2.set(ValueLayout.JAVA_BYTE, 0, (byte) 0);
        return s.path2;
    }
}
