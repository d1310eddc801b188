package io.jaio.internal.sys;

import io.jaio.internal.bindings.LibC;
import io.jaio.internal.bindings.statvfs;
import io.jaio.internal.bindings.timespec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Every sys method on real files: its success path and an errno path. */
class SysTest {
    @TempDir
    Path dir;
    Arena arena;
    Sys sys;

    @BeforeEach
    void setUp() {
        arena = Arena.ofConfined();
        sys = new Sys(arena);
    }

    @AfterEach
    void tearDown() {
        arena.close();
    }

    MemorySegment c(Path p) {
        return arena.allocateFrom(p.toString());
    }

    MemorySegment c(String s) {
        return arena.allocateFrom(s);
    }

    int openFile(Path p, int flags) {
        int fd = sys.open(c(p), flags | LibC.O_CLOEXEC(), 0644);
        assertThat(fd).as("open %s", p).isGreaterThanOrEqualTo(0);
        return fd;
    }

    MemorySegment statBuf() {
        return arena.allocate(Stat.STATX_SIZE, 8);
    }

    @Test
    void openReadWriteClose() throws IOException {
        Path f = dir.resolve("f");
        int fd = openFile(f, LibC.O_CREAT() | LibC.O_RDWR());
        MemorySegment data = arena.allocateFrom("hello world", StandardCharsets.US_ASCII);
        assertThat(sys.write(fd, data, 11)).isEqualTo(11);
        assertThat(sys.pwrite(fd, arena.allocateFrom("W", StandardCharsets.US_ASCII), 1, 6)).isEqualTo(1);
        MemorySegment buf = arena.allocate(32);
        assertThat(sys.pread(fd, buf, 32, 0)).isEqualTo(11);
        assertThat(buf.getString(0, StandardCharsets.US_ASCII)).startsWith("hello World");
        assertThat(sys.read(fd, buf, 32)).as("position is at EOF after write").isZero();
        assertThat(sys.close(fd)).isZero();
        assertThat(Files.readString(f)).isEqualTo("hello World");
        // errno paths
        assertThat(sys.open(c(dir.resolve("missing")), LibC.O_RDONLY(), 0)).isEqualTo(-Errno.ENOENT);
        assertThat(sys.open(c(f), LibC.O_CREAT() | LibC.O_EXCL() | LibC.O_WRONLY(), 0644)).isEqualTo(-Errno.EEXIST);
        assertThat(sys.close(fd)).isEqualTo(-Errno.EBADF);
        assertThat(sys.read(-1, buf, 1)).isEqualTo(-Errno.EBADF);
        assertThat(sys.write(-1, buf, 1)).isEqualTo(-Errno.EBADF);
        assertThat(sys.pread(-1, buf, 1, 0)).isEqualTo(-Errno.EBADF);
        assertThat(sys.pwrite(-1, buf, 1, 0)).isEqualTo(-Errno.EBADF);
    }

    @Test
    void openatRelativeToDirectory() throws IOException {
        Files.writeString(dir.resolve("a"), "x");
        int dfd = openFile(dir, LibC.O_RDONLY() | LibC.O_DIRECTORY());
        int fd = sys.openat(dfd, c("a"), LibC.O_RDONLY(), 0);
        assertThat(fd).isGreaterThanOrEqualTo(0);
        assertThat(sys.openat(dfd, c("b"), LibC.O_RDONLY(), 0)).isEqualTo(-Errno.ENOENT);
        assertThat(sys.openat(fd, c("b"), LibC.O_RDONLY(), 0)).isEqualTo(-Errno.ENOTDIR);
        sys.close(fd);
        sys.close(dfd);
    }

    @Test
    void sendfileAndCopyFileRangeCopyExactly() throws IOException {
        byte[] data = new byte[300_000];
        new java.util.Random(7).nextBytes(data);
        Path src = dir.resolve("src");
        Files.write(src, data);
        int in = openFile(src, LibC.O_RDONLY());
        int out = openFile(dir.resolve("out1"), LibC.O_CREAT() | LibC.O_WRONLY());
        long done = 0;
        while (done < data.length) {
            long n = sys.sendfile(out, in, 1000 + done, data.length - 1000 - done);
            assertThat(n).isGreaterThanOrEqualTo(0);
            if (n == 0) break;
            done += n;
        }
        assertThat(done).isEqualTo(data.length - 1000);
        assertThat(Files.readAllBytes(dir.resolve("out1"))).isEqualTo(Arrays.copyOfRange(data, 1000, data.length));

        int out2 = openFile(dir.resolve("out2"), LibC.O_CREAT() | LibC.O_WRONLY());
        long copied = 0;
        while (copied < data.length) {
            long n = sys.copy_file_range(in, copied, out2, 5 + copied, data.length - copied, 0);
            assertThat(n).isGreaterThan(0);
            copied += n;
        }
        byte[] got = Files.readAllBytes(dir.resolve("out2"));
        assertThat(Arrays.copyOfRange(got, 5, got.length)).isEqualTo(data);
        assertThat(Arrays.copyOfRange(got, 0, 5)).containsOnly(0);
        assertThat(sys.sendfile(out, -1, 0, 10)).isEqualTo(-Errno.EBADF);
        assertThat(sys.copy_file_range(-1, 0, out2, 0, 10, 0)).isEqualTo(-Errno.EBADF);
        sys.close(in);
        sys.close(out);
        sys.close(out2);
    }

    @Test
    void readaheadFsyncFdatasyncFtruncateFallocateSyncFileRange() throws IOException {
        Path f = dir.resolve("f");
        int fd = openFile(f, LibC.O_CREAT() | LibC.O_RDWR());
        assertThat(sys.ftruncate(fd, 12345)).isZero();
        assertThat(Files.size(f)).isEqualTo(12345);
        assertThat(sys.fallocate(fd, 0, 0, 65536)).isZero();
        assertThat(Files.size(f)).isEqualTo(65536);
        assertThat(sys.readahead(fd, 0, 65536)).isZero();
        assertThat(sys.sync_file_range(fd, 0, 0, LibC.SYNC_FILE_RANGE_WRITE())).isZero();
        assertThat(sys.fsync(fd)).isZero();
        assertThat(sys.fdatasync(fd)).isZero();
        assertThat(sys.ftruncate(fd, -1)).isEqualTo(-Errno.EINVAL);
        sys.close(fd);
        for (int bad : new int[] {-1}) {
            assertThat(sys.readahead(bad, 0, 1)).isEqualTo(-Errno.EBADF);
            assertThat(sys.fsync(bad)).isEqualTo(-Errno.EBADF);
            assertThat(sys.fdatasync(bad)).isEqualTo(-Errno.EBADF);
            assertThat(sys.fallocate(bad, 0, 0, 1)).isEqualTo(-Errno.EBADF);
            assertThat(sys.sync_file_range(bad, 0, 0, 0)).isEqualTo(-Errno.EBADF);
        }
    }

    @Test
    void statFieldsMatchTheJdk() throws IOException {
        Path file = dir.resolve("file");
        Files.write(file, new byte[4321]);
        Files.setLastModifiedTime(file, FileTime.from(java.time.Instant.parse("2001-02-03T04:05:06.123456789Z")));
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), Path.of("file"));
        for (Path p : new Path[] {file, sub, link}) {
            var attrs = Files.readAttributes(p, "unix:*", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            MemorySegment b = statBuf();
            assertThat(sys.fstatat(LibC.AT_FDCWD(), c(p), b, LibC.AT_SYMLINK_NOFOLLOW())).isZero();
            assertMatches(Stat.fromStat(b), attrs, p);
            MemorySegment x = statBuf();
            assertThat(sys.statx(LibC.AT_FDCWD(), c(p), LibC.AT_SYMLINK_NOFOLLOW(), Stat.STATX_BASIC_STATS, x)).isZero();
            assertMatches(Stat.fromStatx(x), attrs, p);
        }
        int fd = openFile(file, LibC.O_RDONLY());
        MemorySegment b = statBuf();
        assertThat(sys.fstat(fd, b)).isZero();
        assertThat(Stat.fromStat(b).size()).isEqualTo(4321);
        sys.close(fd);
        assertThat(sys.fstat(fd, b)).isEqualTo(-Errno.EBADF);
        assertThat(sys.fstatat(LibC.AT_FDCWD(), c(dir.resolve("nope")), b, 0)).isEqualTo(-Errno.ENOENT);
        assertThat(sys.statx(LibC.AT_FDCWD(), c(file + "/x"), 0, Stat.STATX_BASIC_STATS, b)).isEqualTo(-Errno.ENOTDIR);
    }

    private static void assertMatches(Stat st, java.util.Map<String, Object> a, Path p) {
        assertThat(st.dev()).as("dev of %s", p).isEqualTo(a.get("dev"));
        assertThat(st.ino()).as("ino of %s", p).isEqualTo(a.get("ino"));
        assertThat(st.mode()).as("mode of %s", p).isEqualTo(a.get("mode"));
        assertThat(st.nlink()).as("nlink of %s", p).isEqualTo(((Integer) a.get("nlink")).longValue());
        assertThat(st.uid()).isEqualTo(a.get("uid"));
        assertThat(st.gid()).isEqualTo(a.get("gid"));
        assertThat(st.rdev()).isEqualTo(a.get("rdev"));
        assertThat(st.size()).as("size of %s", p).isEqualTo(a.get("size"));
        FileTime m = (FileTime) a.get("lastModifiedTime");
        assertThat(java.time.Instant.ofEpochSecond(st.mtimeSec(), st.mtimeNsec())).as("mtime of %s", p).isEqualTo(m.toInstant());
        FileTime ct = (FileTime) a.get("ctime");
        assertThat(java.time.Instant.ofEpochSecond(st.ctimeSec(), st.ctimeNsec())).isEqualTo(ct.toInstant());
    }

    @Test
    void namespaceCalls() throws IOException {
        Path f = dir.resolve("f");
        Files.writeString(f, "data");
        int dfd = openFile(dir, LibC.O_RDONLY() | LibC.O_DIRECTORY());
        // mkdirat / rmdir
        assertThat(sys.mkdirat(dfd, c("d"), 0755)).isZero();
        assertThat(Files.isDirectory(dir.resolve("d"))).isTrue();
        assertThat(sys.mkdirat(dfd, c("d"), 0755)).isEqualTo(-Errno.EEXIST);
        assertThat(sys.rmdir(c(dir.resolve("d")))).isZero();
        assertThat(sys.rmdir(c(dir.resolve("d")))).isEqualTo(-Errno.ENOENT);
        assertThat(sys.rmdir(c(f))).isEqualTo(-Errno.ENOTDIR);
        // symlink / symlinkat / readlinkat
        assertThat(sys.symlink(c("f"), c(dir.resolve("l1")))).isZero();
        assertThat(Files.readSymbolicLink(dir.resolve("l1"))).isEqualTo(Path.of("f"));
        assertThat(sys.symlink(c("f"), c(dir.resolve("l1")))).isEqualTo(-Errno.EEXIST);
        assertThat(sys.symlinkat(c("../x"), dfd, c("l2"))).isZero();
        MemorySegment buf = arena.allocate(64);
        long n = sys.readlinkat(dfd, c("l2"), buf, 64);
        assertThat(n).isEqualTo(4);
        assertThat(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE)).isEqualTo("../x".getBytes());
        assertThat(sys.readlinkat(dfd, c("f"), buf, 64)).isEqualTo(-Errno.EINVAL);
        assertThat(sys.symlinkat(c("y"), -1, c("l3"))).isEqualTo(-Errno.EBADF);
        // linkat / renameat
        assertThat(sys.linkat(dfd, c("f"), dfd, c("hard"), 0)).isZero();
        assertThat(Files.readString(dir.resolve("hard"))).isEqualTo("data");
        assertThat(sys.linkat(dfd, c("nope"), dfd, c("hard2"), 0)).isEqualTo(-Errno.ENOENT);
        assertThat(sys.renameat(dfd, c("hard"), dfd, c("moved"))).isZero();
        assertThat(Files.exists(dir.resolve("moved"))).isTrue();
        assertThat(sys.renameat(dfd, c("hard"), dfd, c("moved2"))).isEqualTo(-Errno.ENOENT);
        // unlink / unlinkat
        assertThat(sys.unlink(c(dir.resolve("moved")))).isZero();
        assertThat(sys.unlink(c(dir.resolve("moved")))).isEqualTo(-Errno.ENOENT);
        assertThat(sys.unlinkat(dfd, c("l1"), 0)).isZero();
        Files.createDirectory(dir.resolve("e"));
        assertThat(sys.unlinkat(dfd, c("e"), 0)).isEqualTo(-Errno.EISDIR);
        assertThat(sys.unlinkat(dfd, c("e"), LibC.AT_REMOVEDIR())).isZero();
        // fchmodat / fchownat / utimensat
        assertThat(sys.fchmodat(dfd, c("f"), 0600, 0)).isZero();
        assertThat(Files.getAttribute(f, "unix:mode")).isEqualTo(0100600);
        assertThat(sys.fchmodat(dfd, c("nope"), 0600, 0)).isEqualTo(-Errno.ENOENT);
        int uid = (Integer) Files.getAttribute(f, "unix:uid"), gid = (Integer) Files.getAttribute(f, "unix:gid");
        assertThat(sys.fchownat(dfd, c("f"), uid, gid, 0)).isZero();
        assertThat(sys.fchownat(dfd, c("nope"), uid, gid, 0)).isEqualTo(-Errno.ENOENT);
        MemorySegment times = arena.allocate(timespec.layout(), 2);
        timespec.tv_sec(times, 1_000_000_000L);
        timespec.tv_nsec(times, 5);
        MemorySegment second = times.asSlice(timespec.layout().byteSize());
        timespec.tv_sec(second, 1_200_000_000L);
        timespec.tv_nsec(second, 700);
        assertThat(sys.utimensat(dfd, c("f"), times, 0)).isZero();
        assertThat(Files.getLastModifiedTime(f).toInstant()).isEqualTo(java.time.Instant.ofEpochSecond(1_200_000_000L, 700));
        assertThat(sys.utimensat(dfd, c("nope"), times, 0)).isEqualTo(-Errno.ENOENT);
        sys.close(dfd);
    }

    @Test
    void fstatvfsReportsTheFileSystem() throws IOException {
        int fd = openFile(dir, LibC.O_RDONLY() | LibC.O_DIRECTORY());
        MemorySegment b = arena.allocate(statvfs.layout());
        assertThat(sys.fstatvfs(fd, b)).isZero();
        var store = Files.getFileStore(dir);
        assertThat(statvfs.f_blocks(b) * statvfs.f_frsize(b)).isEqualTo(store.getTotalSpace());
        sys.close(fd);
        assertThat(sys.fstatvfs(fd, b)).isEqualTo(-Errno.EBADF);
    }

    @Test
    void eventfdAndPipeBecomeReadableOnlyAfterAWrite() {
        int efd = sys.eventfd(0, LibC.EFD_CLOEXEC() | LibC.EFD_NONBLOCK());
        assertThat(efd).isGreaterThanOrEqualTo(0);
        assertThat(sys.poll(efd, LibC.POLLIN(), 0)).as("not readable before a write").isZero();
        assertThat(sys.writeLong(efd, 3)).isEqualTo(8);
        assertThat(sys.poll(efd, LibC.POLLIN(), 0) & LibC.POLLIN()).isEqualTo(LibC.POLLIN());
        assertThat(sys.readLong(efd)).isEqualTo(3);
        assertThat(sys.poll(efd, LibC.POLLIN(), 0)).as("drained").isZero();
        assertThat(sys.eventfd(0, -1)).isEqualTo(-Errno.EINVAL);
        sys.close(efd);

        assertThat(sys.pipe2(LibC.O_CLOEXEC())).isZero();
        int r = sys.pipeReadFd(), w = sys.pipeWriteFd();
        assertThat(sys.poll(r, LibC.POLLIN(), 0)).isZero();
        assertThat(sys.writeLong(w, 1)).isEqualTo(8);
        assertThat(sys.poll(r, LibC.POLLIN(), 0) & LibC.POLLIN()).isEqualTo(LibC.POLLIN());
        assertThat(sys.pipe2(-1)).isEqualTo(-Errno.EINVAL);
        sys.close(r);
        sys.close(w);
        assertThat(sys.poll(r, LibC.POLLIN(), 0) & LibC.POLLNVAL()).as("closed fd").isEqualTo(LibC.POLLNVAL());
        assertThat(sys.poll(MemorySegment.NULL, 1, 0)).isEqualTo(-Errno.EFAULT);
    }

    @Test
    void errnoNamesAndDescriptions() {
        assertThat(Errno.name(Errno.ENOENT)).isEqualTo("ENOENT");
        assertThat(Errno.name(Errno.EMFILE)).isEqualTo("EMFILE");
        assertThat(Errno.describe(Errno.ENOENT)).isEqualTo("No such file or directory");
        assertThat(Errno.name(99999)).isEqualTo("E99999");
    }
}
