package io.jaio;

import io.jaio.Modes.Mode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static io.jaio.Modes.failure;
import static io.jaio.Modes.get;
import static io.jaio.RequestsTest.errno;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * IO::AIO 4.80's further requests — rename/rename2, link, mknod, realpath, truncate, allocate,
 * seek, chown, fchmod, futime, statvfs, sync, syncfs, syncFileRange — against the syscalls'
 * own behaviour, and where Perl's IO::AIO is installed, against its answer on the same files.
 */
@org.junit.jupiter.api.extension.ExtendWith(LeakCheck.class)
class ParityRequestsTest {
    @TempDir
    Path dir;
    Aio aio;

    @AfterEach
    void tearDown() {
        if (aio != null) aio.close();
    }

    @ParameterizedTest
    @MethodSource("io.jaio.Modes#all")
    void renameRename2AndLink(ThreadKind kind, Mode mode) throws Exception {
        aio = Modes.create(kind, mode);
        Path a = Files.writeString(dir.resolve("a"), "A"), b = Files.writeString(dir.resolve("b"), "B");
        ErrnoException e = errno(failure(aio, aio.rename2(a, b, Fcntl.RENAME_NOREPLACE)), "EEXIST");
        assertThat(e.syscall()).isEqualTo("renameat2");
        assertThat(get(aio, aio.rename2(a, b, Fcntl.RENAME_EXCHANGE))).isNull();
        assertThat(Files.readString(a)).isEqualTo("B");
        assertThat(Files.readString(b)).isEqualTo("A");
        assertThat(get(aio, aio.rename(a, b))).isNull();    // replaces b atomically
        assertThat(Files.exists(a)).isFalse();
        assertThat(Files.readString(b)).isEqualTo("B");
        errno(failure(aio, aio.rename(a, b)), "ENOENT");
        assertThat(get(aio, aio.link(b, dir.resolve("hard")))).isNull();
        assertThat(Files.getAttribute(b, "unix:nlink")).isEqualTo(2);
        errno(failure(aio, aio.link(b, dir.resolve("hard"))), "EEXIST");
        assertThatThrownBy(() -> aio.rename2(a, b, 0x100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> aio.rename(null, b)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void mknodMakesFifosAndFilesAndRefusesAModeWithoutAType() throws Exception {
        aio = Aio.create();
        Path fifo = dir.resolve("fifo");
        assertThat(aio.mknod(fifo, Fcntl.S_IFIFO | 0640, 0).join()).isNull();
        assertThat(Files.getAttribute(fifo, "unix:mode")).isEqualTo(Fcntl.S_IFIFO | 0640);
        assertThat(aio.mknod(dir.resolve("plain"), Fcntl.S_IFREG | 0600, 0).join()).isNull();
        assertThat(Files.isRegularFile(dir.resolve("plain"))).isTrue();
        errno(failure(aio, aio.mknod(fifo, Fcntl.S_IFIFO | 0640, 0)), "EEXIST");
        assertThatThrownBy(() -> aio.mknod(dir.resolve("x"), 0644, 0)).hasMessageContaining("type");
        assertThatThrownBy(() -> aio.mknod(dir.resolve("x"), Fcntl.S_IFDIR | 0755, 0)).hasMessageContaining("type");
    }

    @Test
    void realpathResolvesLinksDotsAndDotDots() throws Exception {
        aio = Aio.create();
        Path real = Files.createDirectories(dir.resolve("real/sub"));
        Files.createSymbolicLink(dir.resolve("link"), dir.resolve("real"));
        assertThat(aio.realpath(dir.resolve("link/sub/../sub/.")).join()).isEqualTo(real.toRealPath());
        errno(failure(aio, aio.realpath(dir.resolve("none/x"))), "ENOENT");
    }

    @Test
    void truncateAllocateAndSeekOverDataAndHoles() throws Exception {
        aio = Aio.create();
        Path f = Files.writeString(dir.resolve("f"), "0123456789");
        assertThat(aio.truncate(f, 4).join()).isNull();
        assertThat(Files.readString(f)).isEqualTo("0123");
        try (AioFile file = aio.open(f, Fcntl.O_RDWR, 0).join()) {
            assertThat(aio.truncate(file, 1 << 20).join()).isNull();
            assertThat(Files.size(f)).isEqualTo(1 << 20);
            // Data at the start, a hole after the first block (ext4, xfs, btrfs and tmpfs report holes).
            assertThat(aio.seek(file, 0, Fcntl.SEEK_DATA).join()).isZero();
            long hole = aio.seek(file, 0, Fcntl.SEEK_HOLE).join();
            assertThat(hole).isBetween(4L, 1L << 20);
            assertThat(aio.seek(file, 100, Fcntl.SEEK_SET).join()).isEqualTo(100);
            assertThat(aio.seek(file, 5, Fcntl.SEEK_CUR).join()).isEqualTo(105);
            assertThat(aio.seek(file, 0, Fcntl.SEEK_END).join()).isEqualTo(1 << 20);
            errno(failure(aio, aio.seek(file, 2 << 20, Fcntl.SEEK_DATA)), "ENXIO");
            assertThat(aio.allocate(file, 0, 0, 2 << 20).join()).isNull();
            assertThat(Files.size(f)).isEqualTo(2 << 20);
            assertThat(aio.allocate(file, Fcntl.FALLOC_FL_KEEP_SIZE, 0, 4 << 20).join()).isNull();
            assertThat(Files.size(f)).as("KEEP_SIZE").isEqualTo(2 << 20);
            assertThat(aio.allocate(file, Fcntl.FALLOC_FL_PUNCH_HOLE | Fcntl.FALLOC_FL_KEEP_SIZE, 0, 4096).join()).isNull();
            assertThat(Files.readAllBytes(f)[0]).as("the punched hole reads as zeros").isZero();
            assertThatThrownBy(() -> aio.seek(file, 0, 99)).hasMessageContaining("whence");
            assertThatThrownBy(() -> aio.allocate(file, 0x1000, 0, 1)).hasMessageContaining("FALLOC_FL");
            assertThatThrownBy(() -> aio.truncate(file, -1)).isInstanceOf(IllegalArgumentException.class);
        }
        errno(failure(aio, aio.truncate(dir.resolve("none"), 0)), "ENOENT");
    }

    @Test
    void chownFchmodAndFutimeOnDescriptorsAndPaths() throws Exception {
        aio = Aio.create();
        Path f = Files.writeString(dir.resolve("f"), "x");
        int uid = (int) Files.getAttribute(f, "unix:uid"), gid = (int) Files.getAttribute(f, "unix:gid");
        assertThat(aio.chown(f, -1, -1).join()).isNull();
        assertThat(aio.chown(f, uid, gid).join()).isNull();
        try (AioFile file = aio.open(f, Fcntl.O_RDWR, 0).join()) {
            assertThat(aio.chown(file, -1, gid).join()).isNull();
            assertThat(aio.chmod(file, 0612).join()).isNull();
            assertThat(Files.getAttribute(f, "unix:mode")).isEqualTo(0100612);
            Instant t = Instant.parse("2004-05-06T07:08:09.123456789Z");
            assertThat(aio.utime(file, t, t).join()).isNull();
            assertThat(Files.getLastModifiedTime(f).toInstant()).isEqualTo(t);
            Instant before = Instant.now().minusSeconds(5);
            assertThat(aio.utime(file, null, null).join()).isNull();
            assertThat(Files.getLastModifiedTime(f).toInstant()).as("both null: now").isAfter(before);
            assertThatThrownBy(() -> aio.chmod(file, 070000)).hasMessageContaining("mode");
            assertThatThrownBy(() -> aio.chown(file, -2, 0)).hasMessageContaining("uid");
        }
        Instant t2 = Instant.parse("2005-01-01T00:00:00Z");
        assertThat(aio.utime(f, t2, t2).join()).isNull();
        assertThat(aio.utime(f, null, null).join()).isNull();
        assertThat(Files.getLastModifiedTime(f).toInstant()).as("utime(path, null, null) sets now").isAfter(t2);
        errno(failure(aio, aio.chown(dir.resolve("none"), 0, 0)), "ENOENT");
        AioFile closed = aio.open(f, Fcntl.O_RDONLY, 0).join();
        closed.close();
        errno(failure(aio, aio.chmod(closed, 0600)), "EBADF");
    }

    @Test
    void statvfsSyncSyncfsAndSyncFileRange() throws Exception {
        aio = Aio.create();
        Path f = Files.writeString(dir.resolve("f"), "data");
        FileSystemStat st = aio.statvfs(f).join();
        java.nio.file.FileStore store = Files.getFileStore(f);
        assertThat(st.totalBytes()).isEqualTo(store.getTotalSpace());
        assertThat(st.namemax()).isEqualTo(255);
        try (AioFile file = aio.open(f, Fcntl.O_RDWR, 0).join()) {
            assertThat(aio.statvfs(file).join().blocks()).isEqualTo(st.blocks());
            assertThat(aio.syncfs(file).join()).isNull();
            assertThat(aio.syncFileRange(file, 0, 0, Fcntl.SYNC_FILE_RANGE_WRITE | Fcntl.SYNC_FILE_RANGE_WAIT_AFTER).join()).isNull();
            assertThatThrownBy(() -> aio.syncFileRange(file, 0, 0, 0x80)).hasMessageContaining("SYNC_FILE_RANGE");
        }
        assertThat(aio.sync().join()).isNull();
        errno(failure(aio, aio.statvfs(dir.resolve("none"))), "ENOENT");
    }

    /** Perl's IO::AIO 4.80 (Debian's libio-aio-perl) on the same paths: the same answers. */
    @Test
    void theSameAnswersAsPerlsIoAio() throws Exception {
        Assumptions.assumeTrue(new ProcessBuilder("perl", "-MIO::AIO", "-e", "1").start().waitFor() == 0,
                "Perl's IO::AIO is not installed (apt-get install libio-aio-perl); skipped");
        aio = Aio.create();
        Path real = Files.createDirectories(dir.resolve("r"));
        Files.createDirectories(real.resolve("s"));
        Files.createSymbolicLink(dir.resolve("l"), real);
        Path f = Files.writeString(real.resolve("f"), "x".repeat(10_000));
        String script = """
                use IO::AIO;
                my ($p, $f) = @ARGV;
                aio_realpath $p, sub { print "realpath=$_[0]\\n" };
                aio_statvfs $f, sub { my $h = shift; print "$_=$h->{$_}\\n" for qw(bsize frsize blocks files namemax flag fsid) };
                aio_readlink $ARGV[2], sub { print "readlink=$_[0]\\n" };
                IO::AIO::flush;
                """;
        Process p = new ProcessBuilder("perl", "-e", script, dir.resolve("l/s/..").toString(), f.toString(),
                dir.resolve("l").toString()).start();
        Map<String, String> perl = new HashMap<>();
        for (String line : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) perl.put(line.substring(0, eq), line.substring(eq + 1));
        }
        assertThat(p.waitFor()).isZero();
        assertThat(aio.realpath(dir.resolve("l/s/..")).join().toString()).isEqualTo(perl.get("realpath"));
        assertThat(aio.readlink(dir.resolve("l")).join()).isEqualTo(perl.get("readlink"));
        FileSystemStat st = aio.statvfs(f).join();
        assertThat(st.bsize()).isEqualTo(Long.parseLong(perl.get("bsize")));
        assertThat(st.frsize()).isEqualTo(Long.parseLong(perl.get("frsize")));
        assertThat(st.blocks()).isEqualTo(Long.parseLong(perl.get("blocks")));
        assertThat(st.files()).isEqualTo(Long.parseLong(perl.get("files")));
        assertThat(st.namemax()).isEqualTo(Long.parseLong(perl.get("namemax")));
        assertThat(st.flag()).isEqualTo(Long.parseLong(perl.get("flag")));
        // The same 64 bits: IO::AIO prints the fsid as a signed integer when its top bit is set.
        assertThat(st.fsid()).isEqualTo(new java.math.BigInteger(perl.get("fsid")).longValue());
        assertThat(Files.readSymbolicLink(dir.resolve("l"))).isEqualTo(real);
        assertThat(Files.isSymbolicLink(dir.resolve("l"))).isTrue();
        assertThat(Files.exists(dir.resolve("l"), LinkOption.NOFOLLOW_LINKS)).isTrue();
    }

    @ParameterizedTest
    @MethodSource("io.jaio.Modes#all")
    void readAndWriteAtTheDescriptorsOwnPosition(ThreadKind kind, Mode mode) throws Exception {
        aio = Modes.create(kind, mode);
        Path f = dir.resolve("pos");
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofShared()) {
            AioFile out = get(aio, aio.open(f, Fcntl.O_WRONLY | Fcntl.O_CREAT | Fcntl.O_APPEND, 0644));
            var hello = arena.allocateFrom("hello ", StandardCharsets.UTF_8).asSlice(0, 6);
            var world = arena.allocateFrom("world", StandardCharsets.UTF_8).asSlice(0, 5);
            assertThat(get(aio, aio.write(out, Aio.CURRENT_POSITION, 6, hello, 0))).isEqualTo(6);
            assertThat(get(aio, aio.write(out, Aio.CURRENT_POSITION, 5, world, 0))).isEqualTo(5);
            assertThat(Files.readString(f)).isEqualTo("hello world");
            AioFile in = get(aio, aio.open(f, Fcntl.O_RDONLY, 0));
            var buf = arena.allocate(6);
            assertThat(get(aio, aio.read(in, Aio.CURRENT_POSITION, 6, buf, 0))).isEqualTo(6);
            assertThat(get(aio, aio.seek(in, 0, Fcntl.SEEK_CUR))).as("read moved the position").isEqualTo(6);
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(10);
            assertThat(get(aio, aio.read(in, Aio.CURRENT_POSITION, bb))).isEqualTo(5);
            assertThat(new String(bb.array(), 0, 5, StandardCharsets.UTF_8)).isEqualTo("world");
            assertThatThrownBy(() -> aio.read(in, -2, 6, buf, 0)).isInstanceOf(IllegalArgumentException.class);
            get(aio, aio.close(in));
            get(aio, aio.close(out));
        }
    }

    @Test
    void sendfileFallsBackToReadAndWriteWhereTheKernelRefusesThePair() throws Exception {
        aio = Aio.create();
        byte[] data = new byte[200_000];
        new java.util.Random(5).nextBytes(data);
        Path src = Files.write(dir.resolve("src"), data);
        // Into a pipe's write end opened through /proc: sendfile takes it; from a pipe (ESPIPE/EINVAL
        // for sendfile's input): the fallback reads and writes.
        Path dst = dir.resolve("dst");
        try (AioFile in = aio.open(src, Fcntl.O_RDONLY, 0).join();
             AioFile out = aio.open(dst, Fcntl.O_WRONLY | Fcntl.O_CREAT | Fcntl.O_APPEND, 0644).join()) {
            assertThat(aio.sendfile(out, in, 0, data.length).join()).isEqualTo(data.length);
        }
        assertThat(Files.readAllBytes(dst)).isEqualTo(data);
        Path fifo = dir.resolve("fifo");
        aio.mknod(fifo, Fcntl.S_IFIFO | 0600, 0).join();
        Path fromPipe = dir.resolve("from-pipe");
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                Files.write(fifo, java.util.Arrays.copyOf(data, 4096));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try (AioFile in = aio.open(fifo, Fcntl.O_RDONLY, 0).join();
             AioFile out = aio.open(fromPipe, Fcntl.O_WRONLY | Fcntl.O_CREAT, 0644).join()) {
            Throwable t = aio.sendfile(out, in, 0, 4096).handle((n, e) -> e).join();
            // A pipe has no offsets: the kernel refuses it (ESPIPE or EINVAL), and so does the
            // fallback's pread (ESPIPE), which is the error the caller sees.
            errno(t, "ESPIPE");
        }
        writer.join();
    }

    @Test
    void statGivesStatxsBirthTimeAttributesAndMountId() throws Exception {
        aio = Aio.create();
        Instant before = Instant.now().minusSeconds(2);
        Path f = Files.writeString(dir.resolve("born"), "x");
        FileStat st = aio.stat(f).join();
        if (st.hasBirthTime()) {    // ext4, xfs, btrfs and tmpfs record it
            assertThat(st.birthtime()).isAfter(before).isBeforeOrEqualTo(st.mtime());
        } else {
            assertThat(st.birthtime()).isNull();
        }
        assertThat(st.hasMountId()).isTrue();
        // The mount id is the first field of the mount's line in /proc/self/mountinfo.
        String[] mount = mountOf(f.toRealPath().toString());
        assertThat(st.mountId()).isEqualTo(Long.parseLong(mount[0]));
        assertThat((st.attributes() & ~st.attributesMask())).as("only supported attributes are set").isZero();
        // dev's major and minor, as /proc/self/mountinfo's third field says them.
        assertThat(st.devMajor() + ":" + st.devMinor()).isEqualTo(mount[2]);
    }

    /** The fields of the /proc/self/mountinfo line of the mount holding {@code real} (the deepest). */
    static String[] mountOf(String real) throws Exception {
        String[] best = null;
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] fields = line.split(" ");
            String mp = fields[4];
            boolean under = real.equals(mp) || real.startsWith(mp.endsWith("/") ? mp : mp + "/");
            if (under && (best == null || mp.length() > best[4].length())) {
                best = fields;
            }
        }
        return best;
    }

    @Test
    void scandirAgreesWithPerlsIoAio() throws Exception {
        Assumptions.assumeTrue(new ProcessBuilder("perl", "-MIO::AIO", "-e", "1").start().waitFor() == 0,
                "Perl's IO::AIO is not installed (apt-get install libio-aio-perl); skipped");
        aio = Aio.create();
        Path root = Files.createDirectory(dir.resolve("tree"));
        for (int i = 0; i < 30; i++) Files.writeString(root.resolve("file" + i + ".txt"), "x");
        for (int i = 0; i < 12; i++) Files.createDirectories(root.resolve("dir" + i).resolve("inner"));
        Files.createDirectory(root.resolve(".hidden"));
        Files.createSymbolicLink(root.resolve("link-to-dir"), Path.of("dir0"));
        Files.createSymbolicLink(root.resolve("dangling"), Path.of("nowhere"));
        // Old enough that both take the fast route (nlink), as a settled tree does.
        Files.setLastModifiedTime(root, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 10_000));
        String script = """
                use IO::AIO;
                aio_scandir $ARGV[0], 0, sub { print "D $_\n" for sort @{$_[0]}; print "N $_\n" for sort @{$_[1]} };
                IO::AIO::flush;
                """;
        Process p = new ProcessBuilder("perl", "-e", script, root.toString()).start();
        java.util.List<String> perl = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(p.waitFor()).isZero();
        ScanResult r = aio.scandir(root, 0).join();
        java.util.List<String> mine = new java.util.ArrayList<>();
        r.dirs().stream().sorted().forEach(d -> mine.add("D " + d));
        r.nondirs().stream().sorted().forEach(n -> mine.add("N " + n));
        assertThat(mine).isEqualTo(perl);
        assertThat(r.dirs()).hasSize(13);
    }

    /** readdirx's entries, types, inodes and DIRS_FIRST / STAT_ORDER orders as Perl's IO::AIO gives them. */
    @Test
    void readdirxAgreesWithPerlsIoAio() throws Exception {
        Assumptions.assumeTrue(new ProcessBuilder("perl", "-MIO::AIO", "-e", "1").start().waitFor() == 0,
                "Perl's IO::AIO is not installed (apt-get install libio-aio-perl); skipped");
        aio = Aio.create();
        Path d = Files.createDirectory(dir.resolve("rx"));
        for (int i = 0; i < 20; i++) Files.writeString(d.resolve("f" + i + ".txt"), "x");
        for (String n : new String[] {"a", "bin", "lib64", ".cfg", "docs.d"}) Files.createDirectory(d.resolve(n));
        Files.createSymbolicLink(d.resolve("ln"), Path.of("a"));
        for (int[] flags : new int[][] {{Aio.READDIR_DIRS_FIRST, 3}, {Aio.READDIR_STAT_ORDER, 5}, {0, 1}}) {
            String script = "use IO::AIO; aio_readdirx $ARGV[0], " + flags[1]
                    + ", sub { print \"$_->[0] $_->[1] $_->[2]\\n\" for @{$_[0]} }; IO::AIO::flush;";
            Process p = new ProcessBuilder("perl", "-e", script, d.toString()).start();
            java.util.List<String> perl = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            assertThat(p.waitFor()).isZero();
            java.util.List<String> mine = aio.readdirx(d, flags[0]).join().stream()
                    .map(e -> e.name() + " " + dtype(e.type()) + " " + e.inode()).toList();
            if (flags[0] == 0) {
                // Directory order is the kernel's either way; compare as sets.
                assertThat(mine).containsExactlyInAnyOrderElementsOf(perl);
            } else {
                assertThat(mine).as("flags " + flags[0]).isEqualTo(perl);
            }
        }
    }

    static int dtype(DirEntry.Type t) {
        return switch (t) {
            case UNKNOWN -> 0; case FIFO -> 1; case CHR -> 2; case DIR -> 4; case BLK -> 6;
            case REG -> 8; case LNK -> 10; case SOCK -> 12; case WHT -> 14;
        };
    }

    @Test
    void sendfileCopiesAcrossFileSystems() throws Exception {
        Path shm = Path.of("/dev/shm");
        Assumptions.assumeTrue(Files.isDirectory(shm), "no /dev/shm (tmpfs); skipped");
        aio = Aio.create();
        byte[] data = new byte[300_000];
        new java.util.Random(11).nextBytes(data);
        Path src = Files.write(Files.createTempFile(shm, "jaio", ""), data);
        try (AioFile in = aio.open(src, Fcntl.O_RDONLY, 0).join();
             AioFile out = aio.open(dir.resolve("x"), Fcntl.O_WRONLY | Fcntl.O_CREAT, 0644).join()) {
            assertThat(aio.sendfile(out, in, 0, data.length).join()).isEqualTo(data.length);
        } finally {
            Files.delete(src);
        }
        assertThat(Files.readAllBytes(dir.resolve("x"))).isEqualTo(data);
    }
}
