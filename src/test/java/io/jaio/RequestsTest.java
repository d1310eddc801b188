package io.jaio;

import io.jaio.Modes.Mode;
import io.jaio.internal.sys.Sys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static io.jaio.Modes.failure;
import static io.jaio.Modes.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each of the seed's requests on real files, in every delivery mode and thread kind. */
@org.junit.jupiter.api.extension.ExtendWith(LeakCheck.class)
class RequestsTest {
    @TempDir
    Path dir;
    Aio aio;

    @AfterEach
    void close() {
        if (aio != null) aio.close();
    }

    static ErrnoException errno(Throwable t, String name) {
        assertThat(t).isInstanceOf(ErrnoException.class);
        ErrnoException e = (ErrnoException) t;
        assertThat(e.errnoName()).isEqualTo(name);
        return e;
    }

    AioFile open(Path p, int flags) {
        return get(aio, aio.open(p, flags, 0644));
    }

    @ParameterizedTest
    @MethodSource("io.jaio.Modes#all")
    void openAndClose(ThreadKind kind, Mode mode) throws Exception {
        aio = Modes.create(kind, mode);
        Path f = dir.resolve("f");
        AioFile file = open(f, Fcntl.O_CREAT | Fcntl.O_WRONLY);
        assertThat(file.fd()).isGreaterThanOrEqualTo(0);
        String fdinfo = Files.readString(Path.of("/proc/self/fdinfo/" + file.fd()));
        int flags = Integer.parseInt(fdinfo.lines().filter(l -> l.startsWith("flags:")).findFirst().orElseThrow()
                .substring(6).trim(), 8);
        assertThat(flags & Fcntl.O_CLOEXEC).as("always close-on-exec").isEqualTo(Fcntl.O_CLOEXEC);
        assertThat(Files.exists(f)).isTrue();
        assertThat(get(aio, aio.close(file))).isNull();
        assertThat(file.isClosed()).isTrue();
        assertThat(get(aio, aio.close(file))).as("closing twice is harmless").isNull();

        ErrnoException e = errno(failure(aio, aio.open(dir.resolve("missing"), Fcntl.O_RDONLY, 0)), "ENOENT");
        assertThat(e.errno()).isEqualTo(2);
        assertThat(e.syscall()).isEqualTo("open");
        assertThat(e.getFile()).isEqualTo(dir.resolve("missing").toString());
        assertThat(e.getMessage()).contains("ENOENT").contains("No such file or directory");
        errno(failure(aio, aio.open(f, Fcntl.O_CREAT | Fcntl.O_EXCL | Fcntl.O_WRONLY, 0644)), "EEXIST");
        errno(failure(aio, aio.close(AioFile.borrow(-1))), "EBADF");

        AioFile viaOptions = get(aio, aio.open(dir.resolve("g"), Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 0600));
        assertThat(Files.getAttribute(dir.resolve("g"), "unix:mode")).isEqualTo(0100600);
        viaOptions.close();
        assertThatThrownBy(() -> aio.open(f, 0, 010000)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mode");
        assertThatThrownBy(() -> aio.open(null, 0, 0)).isInstanceOf(NullPointerException.class);
    }

    @ParameterizedTest
    @MethodSource("io.jaio.Modes#all")
    void closingAnAioFileTwiceNeverClosesAReusedNumber(ThreadKind kind, Mode mode) throws Exception {
        aio = Modes.create(kind, mode);
        Files.writeString(dir.resolve("a"), "a");
        AioFile a = open(dir.resolve("a"), Fcntl.O_RDONLY);
        int number = a.fd();
        a.close();
        AioFile b = open(dir.resolve("a"), Fcntl.O_RDONLY);
        assertThat(b.fd()).as("the kernel reuses the lowest number").isEqualTo(number);
        a.close();
        get(aio, aio.close(a));
        assertThat(get(aio, aio.stat(b)).size()).as("b is still open").isEqualTo(1);
        errno(failure(aio, aio.stat(a)), "EBADF");
        b.close();
    }

    @ParameterizedTest
    @MethodSource("io.jaio.Modes#all")
    void readAndWriteWithNativeHeapAndByteBuffers(ThreadKind kind, Mode mode) throws Exception {
        aio = Modes.create(kind, mode);
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(1).nextBytes(data);
        Path f = dir.resolve("data");
        AioFile w = open(f, Fcntl.O_CREAT | Fcntl.O_RDWR);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment src = arena.allocate(data.length + 10);
            MemorySegment.copy(data, 0, src, ValueLayout.JAVA_BYTE, 10, data.length);
            assertThat(get(aio, aio.write(w, 0, data.length, src, 10))).isEqualTo(data.length);
            assertThat(Files.readAllBytes(f)).isEqualTo(data);

            MemorySegment dst = arena.allocate(100);
            assertThat(get(aio, aio.read(w, 7, 15, dst, 3))).isEqualTo(15);
            assertThat(dst.asSlice(3, 15).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(Arrays.copyOfRange(data, 7, 22));
            assertThat(get(aio, aio.read(AioFile.borrow(w.fd()), data.length, 10, dst, 0))).as("0 at end of file").isZero();
        }
        // heap segments go through worker memory, in chunks larger than one bounce buffer
        byte[] heap = new byte[data.length];
        assertThat(get(aio, aio.read(w, 0, heap.length, MemorySegment.ofArray(heap), 0))).isEqualTo(data.length);
        assertThat(heap).isEqualTo(data);
        byte[] patch = "PATCH".getBytes(StandardCharsets.US_ASCII);
        assertThat(get(aio, aio.write(w, 100, 5, MemorySegment.ofArray(patch), 0))).isEqualTo(5);
        // ByteBuffers: position advances by the count
        ByteBuffer direct = ByteBuffer.allocateDirect(64).position(4);
        assertThat(get(aio, aio.read(w, 98, direct))).isEqualTo(60);
        assertThat(direct.position()).isEqualTo(64);
        assertThat(direct.get(6)).isEqualTo((byte) 'P');
        ByteBuffer onHeap = ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII));
        assertThat(get(aio, aio.write(AioFile.borrow(w.fd()), 0, onHeap))).isEqualTo(5);
        assertThat(onHeap.hasRemaining()).isFalse();
        assertThat(new String(Files.readAllBytes(f), 0, 5, StandardCharsets.US_ASCII)).isEqualTo("hello");
        errno(failure(aio, aio.read(AioFile.borrow(-1), 0, 1, MemorySegment.ofArray(new byte[1]), 0)), "EBADF");
        AioFile ro = open(f, Fcntl.O_RDONLY);
        errno(failure(aio, aio.write(ro, 0, 1, MemorySegment.ofArray(new byte[1]), 0)), "EBADF");
        ro.close();
        w.close();
    }

    @ParameterizedTest
    @MethodSource("io.jaio.Modes#all")
    void badBuffersFailAtSubmissionWithTheFix(ThreadKind kind, Mode mode) throws Exception {
        aio = Modes.create(kind, mode);
        Files.write(dir.resolve("f"), new byte[100]);
        AioFile f = open(dir.resolve("f"), Fcntl.O_RDWR);
        try (Arena confined = Arena.ofConfined()) {
            MemorySegment seg = confined.allocate(16);
            assertThatThrownBy(() -> aio.read(f, 0, 16, seg, 0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Arena.ofShared()");
        }
        MemorySegment readOnly = MemorySegment.ofArray(new byte[16]).asReadOnly();
        assertThatThrownBy(() -> aio.read(f, 0, 16, readOnly, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("read-only");
        assertThat(get(aio, aio.write(f, 0, 16, readOnly, 0))).as("a read-only segment is fine to write from").isEqualTo(16);
        MemorySegment small = MemorySegment.ofArray(new byte[16]);
        assertThatThrownBy(() -> aio.read(f, 0, 10, small, 8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceeds the segment's size 16");
        assertThatThrownBy(() -> aio.read(f, -2, 1, small, 0)).hasMessageContaining("offset must not be negative");
        assertThatThrownBy(() -> aio.read(f, 0, -1, small, 0)).hasMessageContaining("length must not be negative");
        assertThatThrownBy(() -> aio.readahead(f, Long.MAX_VALUE, 10)).hasMessageContaining("overflows");
        assertThatThrownBy(() -> aio.read(f, 0, ByteBuffer.allocate(4).asReadOnlyBuffer())).hasMessageContaining("read-only");
        Arena gone = Arena.ofShared();
        MemorySegment closed = gone.allocate(8);
        gone.close();
        assertThatThrownBy(() -> aio.read(f, 0, 8, closed, 0)).hasMessageContaining("closed");
        assertThat(aio.nreqs()).as("nothing was queued").isZero();
        // the AioFile was not left pinned by the refused requests: closing it really closes it
        int number = f.fd();
        f.close();
        assertThat(Files.exists(Path.of("/proc/self/fd/" + number))).isFalse();
    }

    @ParameterizedTest
    @MethodSource("io.jaio.Modes#all")
    void closingTheArenaWhileTheReadIsQueuedFailsThatReadCleanly(ThreadKind kind, Mode mode) throws Exception {
        // The cached fast path (inlineReadMax) would complete the read on this thread before the
        // arena closes: this test is about a read that waits in the queue, so it is off here.
        aio = Aio.builder().threads(kind).delivery(Modes.delivery(mode)).inlineReadMax(0).build();
        // Under io_uring the read is not queued behind the busy request: the kernel completes it
        // inside the submitting call, before the arena closes (RingTest covers closing in flight).
        org.junit.jupiter.api.Assumptions.assumeTrue(aio.backend() == Backend.THREADS, "queued only on worker threads");
        aio.maxParallel(1);
        Files.write(dir.resolve("f"), new byte[100]);
        AioFile f = open(dir.resolve("f"), Fcntl.O_RDONLY);
        Req<Void> hold = aio.busy(Duration.ofMillis(200));
        Arena arena = Arena.ofShared();
        Req<Long> read = aio.read(f, 0, 64, arena.allocate(64), 0);
        arena.close();
        Throwable t = failure(aio, read);
        assertThat(t).isInstanceOf(IllegalStateException.class).hasMessageContaining("arena was closed");
        get(aio, hold);
        assertThat(get(aio, aio.nop())).isNull();
        f.close();
    }

    @ParameterizedTest
    @MethodSource("io.jaio.Modes#all")
    void sendfileCopiesExactlyAndEmulatesWhereTheKernelRefuses(ThreadKind kind, Mode mode) throws Exception {
        aio = Modes.create(kind, mode);
        byte[] data = new byte[2_500_000];
        new Random(2).nextBytes(data);
        Files.write(dir.resolve("in"), data);
        AioFile in = open(dir.resolve("in"), Fcntl.O_RDONLY);
        AioFile out = open(dir.resolve("out"), Fcntl.O_CREAT | Fcntl.O_WRONLY);
        assertThat(get(aio, aio.sendfile(out, in, 100, data.length))).as("short at end of file").isEqualTo(data.length - 100);
        assertThat(Files.readAllBytes(dir.resolve("out"))).isEqualTo(Arrays.copyOfRange(data, 100, data.length));
        // sendfile(2) refuses an O_APPEND destination with EINVAL; jaio copies anyway
        Files.writeString(dir.resolve("app"), "head:");
        AioFile app = open(dir.resolve("app"), Fcntl.O_WRONLY | Fcntl.O_APPEND);
        assertThat(get(aio, aio.sendfile(AioFile.borrow(app.fd()), AioFile.borrow(in.fd()), 0, 1000))).isEqualTo(1000);
        byte[] got = Files.readAllBytes(dir.resolve("app"));
        assertThat(new String(got, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("head:");
        assertThat(Arrays.copyOfRange(got, 5, got.length)).isEqualTo(Arrays.copyOf(data, 1000));
        errno(failure(aio, aio.sendfile(AioFile.borrow(out.fd()), AioFile.borrow(-1), 0, 10)), "EBADF");
        in.close();
        out.close();
        app.close();
    }

    @ParameterizedTest
    @MethodSource("io.jaio.Modes#all")
    void readaheadFsyncFdatasync(ThreadKind kind, Mode mode) throws Exception {
        aio = Modes.create(kind, mode);
        Files.write(dir.resolve("f"), new byte[1 << 20]);
        AioFile f = open(dir.resolve("f"), Fcntl.O_RDWR);
        assertThat(get(aio, aio.readahead(f, 0, 1 << 20))).isNull();
        assertThat(get(aio, aio.fsync(f))).isNull();
        assertThat(get(aio, aio.fdatasync(AioFile.borrow(f.fd())))).isNull();
        errno(failure(aio, aio.readahead(AioFile.borrow(-1), 0, 10)), "EBADF");
        errno(failure(aio, aio.fsync(AioFile.borrow(-1))), "EBADF");
        errno(failure(aio, aio.fdatasync(AioFile.borrow(-1))), "EBADF");
        assertThat(Sys.current().pipe2(Sys.O_CLOEXEC)).isZero();
        int r = Sys.current().pipeReadFd(), w = Sys.current().pipeWriteFd();
        errno(failure(aio, aio.readahead(AioFile.borrow(r), 0, 10)), "EINVAL");
        Sys.current().close(r);
        Sys.current().close(w);
        f.close();
    }

    @ParameterizedTest
    @MethodSource("io.jaio.Modes#all")
    void statLstatFstatAgreeWithTheJdk(ThreadKind kind, Mode mode) throws Exception {
        aio = Modes.create(kind, mode);
        Path file = dir.resolve("file");
        Files.write(file, new byte[777]);
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2010-01-02T03:04:05.987654321Z")));
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), Path.of("file"));

        FileStat st = get(aio, aio.stat(file));
        Map<String, Object> a = Files.readAttributes(file, "unix:*");
        assertThat(st.size()).isEqualTo(777);
        assertThat(st.isRegularFile()).isTrue();
        assertThat(st.ino()).isEqualTo(a.get("ino"));
        assertThat(st.dev()).isEqualTo(a.get("dev"));
        assertThat(st.mode()).isEqualTo(a.get("mode"));
        assertThat(st.uid()).isEqualTo(a.get("uid"));
        assertThat(st.nlink()).isEqualTo(1);
        assertThat(st.mtime()).isEqualTo(Instant.parse("2010-01-02T03:04:05.987654321Z"));
        assertThat(st.ctime()).isEqualTo(((FileTime) a.get("ctime")).toInstant());
        assertThat(st.blksize()).isPositive();

        assertThat(get(aio, aio.stat(sub)).isDirectory()).isTrue();
        assertThat(get(aio, aio.stat(link)).isRegularFile()).as("stat follows").isTrue();
        FileStat l = get(aio, aio.lstat(link));
        assertThat(l.isSymbolicLink()).isTrue();
        assertThat(l.ino()).isEqualTo(Files.getAttribute(link, "unix:ino", LinkOption.NOFOLLOW_LINKS));
        assertThat(l.size()).isEqualTo(4);

        AioFile f = open(file, Fcntl.O_RDONLY);
        assertThat(get(aio, aio.stat(f))).isEqualTo(st);
        assertThat(get(aio, aio.stat(AioFile.borrow(f.fd()))).ino()).isEqualTo(st.ino());
        f.close();

        ErrnoException e = errno(failure(aio, aio.stat(dir.resolve("none"))), "ENOENT");
        assertThat(e.getFile()).isEqualTo(dir.resolve("none").toString());
        errno(failure(aio, aio.lstat(file.resolve("x"))), "ENOTDIR");
        errno(failure(aio, aio.stat(AioFile.borrow(-1))), "EBADF");
    }

    @ParameterizedTest
    @MethodSource("io.jaio.Modes#all")
    void unlinkRmdirSymlink(ThreadKind kind, Mode mode) throws Exception {
        aio = Modes.create(kind, mode);
        Path f = Files.writeString(dir.resolve("f"), "x");
        Path d = Files.createDirectory(dir.resolve("d"));
        Files.writeString(d.resolve("inner"), "y");
        assertThat(get(aio, aio.unlink(f))).isNull();
        assertThat(Files.exists(f)).isFalse();
        errno(failure(aio, aio.unlink(f)), "ENOENT");
        errno(failure(aio, aio.rmdir(d)), "ENOTEMPTY");
        errno(failure(aio, aio.unlink(d)), "EISDIR");
        get(aio, aio.unlink(d.resolve("inner")));
        assertThat(get(aio, aio.rmdir(d))).isNull();
        assertThat(Files.exists(d)).isFalse();
        errno(failure(aio, aio.rmdir(d)), "ENOENT");

        assertThat(get(aio, aio.symlink("../relative/target", dir.resolve("l")))).isNull();
        assertThat(Files.readSymbolicLink(dir.resolve("l"))).isEqualTo(Path.of("../relative/target"));
        ErrnoException e = errno(failure(aio, aio.symlink("x", dir.resolve("l"))), "EEXIST");
        assertThat(e.getFile()).isEqualTo(dir.resolve("l").toString());
        assertThat(e.getOtherFile()).isEqualTo("x");
        assertThatThrownBy(() -> aio.symlink("a\0b", dir.resolve("m"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NUL");
    }

    @ParameterizedTest
    @MethodSource("io.jaio.Modes#all")
    void readdirReturnsEveryNameAndOddNamesRoundTrip(ThreadKind kind, Mode mode) throws Exception {
        aio = Modes.create(kind, mode);
        for (int i = 0; i < 300; i++) Files.writeString(dir.resolve("n " + i), "");
        Files.createDirectory(dir.resolve("sub"));
        Files.writeString(dir.resolve("new\nline"), "");
        // a name that is not valid UTF-8, made through the sys layer since java.nio cannot
        byte[] odd = {'o', 'd', 'd', (byte) 0xff, (byte) 0xc3};
        try (Arena arena = Arena.ofConfined()) {
            byte[] full = (dir + "/").getBytes(StandardCharsets.UTF_8);
            MemorySegment c = arena.allocate(full.length + odd.length + 1);
            MemorySegment.copy(full, 0, c, ValueLayout.JAVA_BYTE, 0, full.length);
            MemorySegment.copy(odd, 0, c, ValueLayout.JAVA_BYTE, full.length, odd.length);
            int fd = Sys.current().open(c, Fcntl.O_CREAT | Fcntl.O_WRONLY | Fcntl.O_CLOEXEC, 0644);
            assertThat(fd).isGreaterThanOrEqualTo(0);
            assertThat(Sys.current().write(fd, arena.allocateFrom("12345"), 5)).isEqualTo(5);
            Sys.current().close(fd);
        }
        var names = get(aio, aio.readdir(dir));
        assertThat(names).hasSize(303).doesNotContain(".", "..").contains("sub", "new\nline", "n 0", "n 299");
        String oddName = names.stream().filter(n -> n.startsWith("odd")).findFirst().orElseThrow();
        assertThat(get(aio, aio.stat(dir.resolve(oddName))).size()).as("the returned name finds the file").isEqualTo(5);
        errno(failure(aio, aio.readdir(dir.resolve("none"))), "ENOENT");
        errno(failure(aio, aio.readdir(dir.resolve("n 0"))), "ENOTDIR");
    }

    @ParameterizedTest
    @MethodSource("io.jaio.Modes#all")
    void mkdirChmodUtime(ThreadKind kind, Mode mode) throws Exception {
        aio = Modes.create(kind, mode);
        Path d = dir.resolve("d");
        assertThat(get(aio, aio.mkdir(d, 0750))).isNull();
        assertThat(Files.isDirectory(d)).isTrue();
        errno(failure(aio, aio.mkdir(d, 0750)), "EEXIST");
        errno(failure(aio, aio.mkdir(dir.resolve("x/y"), 0750)), "ENOENT");
        Path f = Files.writeString(dir.resolve("f"), "x");
        assertThat(get(aio, aio.chmod(f, 0604))).isNull();
        assertThat(Files.getAttribute(f, "unix:mode")).isEqualTo(0100604);
        errno(failure(aio, aio.chmod(dir.resolve("none"), 0600)), "ENOENT");
        Instant mtime = Instant.parse("2003-04-05T06:07:08.123456789Z");
        Instant before = Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class).lastAccessTime().toInstant();
        assertThat(get(aio, aio.utime(f, null, mtime))).isNull();
        assertThat(Files.getLastModifiedTime(f).toInstant()).isEqualTo(mtime);
        assertThat(Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class).lastAccessTime().toInstant())
                .as("a null time is left alone").isEqualTo(before);
        errno(failure(aio, aio.utime(dir.resolve("none"), mtime, mtime)), "ENOENT");
        assertThatThrownBy(() -> aio.mkdir(d, 070000)).hasMessageContaining("mode");
    }

    @ParameterizedTest
    @MethodSource("io.jaio.Modes#all")
    void readlinkRoundTripsTargetBytesAndLutimeSetsTheLinksOwnTimes(ThreadKind kind, Mode mode) throws Exception {
        aio = Modes.create(kind, mode);
        Path file = Files.writeString(dir.resolve("target-file"), "x");
        Path link = dir.resolve("link");
        Files.createSymbolicLink(link, file);
        assertThat(get(aio, aio.readlink(link))).isEqualTo(file.toString());
        // A target that is not UTF-8: readlink gives the escaped form, which symlink stores back as bytes.
        String raw = get(aio, aio.readlink(makeRawLink("raw", new byte[] {'t', (byte) 0xff, 'x'})));
        assertThat(raw).hasSize(3).startsWith("t").endsWith("x");
        Path copy = dir.resolve("raw-copy");
        assertThat(get(aio, aio.symlink(raw, copy))).isNull();
        assertThat(get(aio, aio.readlink(copy))).isEqualTo(raw);
        errno(failure(aio, aio.readlink(file)), "EINVAL");
        errno(failure(aio, aio.readlink(dir.resolve("none"))), "ENOENT");
        Instant t = Instant.parse("2001-02-03T04:05:06.123456789Z");
        Instant fileBefore = Files.getLastModifiedTime(file).toInstant();
        assertThat(get(aio, aio.lutime(link, t, t))).isNull();
        assertThat(Files.getLastModifiedTime(link, java.nio.file.LinkOption.NOFOLLOW_LINKS).toInstant()).isEqualTo(t);
        assertThat(Files.getLastModifiedTime(file).toInstant()).as("the target is untouched").isEqualTo(fileBefore);
        assertThat(get(aio, aio.utime(link, t, t))).isNull();
        assertThat(Files.getLastModifiedTime(file).toInstant()).as("utime follows the link").isEqualTo(t);
    }

    /** A symlink whose target bytes are {@code target}, made through the sys layer. */
    Path makeRawLink(String name, byte[] target) {
        try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
            var t = a.allocate(target.length + 1);
            java.lang.foreign.MemorySegment.copy(target, 0, t, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, target.length);
            Path link = dir.resolve(name);
            assertThat(io.jaio.internal.sys.Sys.current().symlink(t, a.allocateFrom(link.toString()))).isZero();
            return link;
        }
    }

    @ParameterizedTest
    @MethodSource("io.jaio.Modes#all")
    void readdirxGivesTypesAndInodesWithoutAStat(ThreadKind kind, Mode mode) throws Exception {
        aio = Modes.create(kind, mode);
        Path d = Files.createDirectory(dir.resolve("x"));
        Files.writeString(d.resolve("file.txt"), "x");
        Files.createDirectory(d.resolve("sub"));
        Files.createDirectory(d.resolve(".hidden"));
        Files.createSymbolicLink(d.resolve("link"), Path.of("sub"));
        var entries = get(aio, aio.readdirx(d, 0));
        assertThat(entries).extracting(DirEntry::name).containsExactlyInAnyOrder("file.txt", "sub", ".hidden", "link");
        for (DirEntry e : entries) {
            assertThat(e.inode()).as(e.name()).isEqualTo(Files.getAttribute(d.resolve(e.name()), "unix:ino",
                    java.nio.file.LinkOption.NOFOLLOW_LINKS));
            DirEntry.Type expected = switch (e.name()) {
                case "file.txt" -> DirEntry.Type.REG;
                case "link" -> DirEntry.Type.LNK;
                default -> DirEntry.Type.DIR;
            };
            assertThat(e.type()).as(e.name()).isIn(expected, DirEntry.Type.UNKNOWN);
        }
        var dirsFirst = get(aio, aio.readdirx(d, Aio.READDIR_DIRS_FIRST | Aio.READDIR_DENTS));
        if (dirsFirst.stream().noneMatch(e -> e.type() == DirEntry.Type.UNKNOWN)) {
            assertThat(dirsFirst.subList(0, 2)).extracting(DirEntry::name).containsExactlyInAnyOrder("sub", ".hidden");
            assertThat(dirsFirst.get(0).inode()).isLessThan(dirsFirst.get(1).inode());
        }
        var statOrder = get(aio, aio.readdirx(d, Aio.READDIR_STAT_ORDER));
        assertThat(statOrder).extracting(DirEntry::inode).isSorted();
        var withStats = get(aio, aio.readdirx(d, Aio.READDIR_STAT));
        assertThat(withStats).hasSize(4).allSatisfy(e -> {
            FileStat expected = get(aio, aio.lstat(d.resolve(e.name())));
            assertThat(e.stat()).as(e.name()).isEqualTo(expected);
        });
        assertThat(entries).allSatisfy(e -> assertThat(e.stat()).as("no stat unless asked").isNull());
        errno(failure(aio, aio.readdirx(dir.resolve("none"), 0)), "ENOENT");
        errno(failure(aio, aio.readdirx(d.resolve("file.txt"), 0)), "ENOTDIR");
        assertThatThrownBy(() -> aio.readdirx(d, Aio.READDIR_FOUND_UNKNOWN)).hasMessageContaining("output flag");
        assertThatThrownBy(() -> aio.readdirx(d, 0x200)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @MethodSource("io.jaio.Modes#all")
    void copyFileRangeCopiesBetweenOffsetsInTheKernelOrByReadAndWrite(ThreadKind kind, Mode mode) throws Exception {
        aio = Modes.create(kind, mode);
        byte[] data = new byte[3 << 20];
        new java.util.Random(3).nextBytes(data);
        Path src = Files.write(dir.resolve("src"), data);
        Path dst = dir.resolve("dst");
        AioFile in = get(aio, aio.open(src, Fcntl.O_RDONLY, 0));
        AioFile out = get(aio, aio.open(dst, Fcntl.O_RDWR | Fcntl.O_CREAT, 0644));
        assertThat(get(aio, aio.copyFileRange(in, 0, out, 0, data.length))).isEqualTo(data.length);
        assertThat(Files.readAllBytes(dst)).isEqualTo(data);
        // Offsets on both sides; a range past the end of the input is cut short.
        assertThat(get(aio, aio.copyFileRange(in, data.length - 100, out, 10, 1000))).isEqualTo(100);
        byte[] now = Files.readAllBytes(dst);
        assertThat(java.util.Arrays.copyOfRange(now, 10, 110)).isEqualTo(java.util.Arrays.copyOfRange(data, data.length - 100, data.length));
        assertThat(get(aio, aio.copyFileRange(in, data.length, out, 0, 10))).isZero();
        errno(failure(aio, aio.copyFileRange(out, 0, in, 0, 10)), "EBADF");    // in is read-only
        // Across file systems (tmpfs to this one), where the kernel may refuse: the same bytes.
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm)) {
            Path tmp = Files.write(Files.createTempFile(shm, "jaio", ""), data);
            try {
                AioFile t = get(aio, aio.open(tmp, Fcntl.O_RDONLY, 0));
                AioFile out2 = get(aio, aio.open(dir.resolve("dst2"), Fcntl.O_WRONLY | Fcntl.O_CREAT, 0644));
                assertThat(get(aio, aio.copyFileRange(t, 0, out2, 0, data.length))).isEqualTo(data.length);
                assertThat(Files.readAllBytes(dir.resolve("dst2"))).isEqualTo(data);
                get(aio, aio.close(t));
                get(aio, aio.close(out2));
            } finally {
                Files.delete(tmp);
            }
        }
        get(aio, aio.close(in));
        get(aio, aio.close(out));
        errno(failure(aio, aio.copyFileRange(in, 0, out, 0, 1)), "EBADF");    // closed
        assertThatThrownBy(() -> aio.copyFileRange(in, -1, out, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> aio.copyFileRange(null, 0, out, 0, 1)).isInstanceOf(NullPointerException.class);
    }

    @ParameterizedTest
    @MethodSource("io.jaio.Modes#all")
    void relativePathsAreMadeAbsoluteAtSubmission(ThreadKind kind, Mode mode) throws Exception {
        aio = Modes.create(kind, mode);
        Path rel = Path.of("pom.xml");
        assertThat(get(aio, aio.stat(rel)).size()).isEqualTo(Files.size(rel));
        ErrnoException e = errno(failure(aio, aio.stat(Path.of("no-such-file"))), "ENOENT");
        assertThat(e.getFile()).isEqualTo(Path.of("no-such-file").toAbsolutePath().toString());
    }
}
