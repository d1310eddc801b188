package io.jaio;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The whole-file requests: copy, move, load, slurp, pathsync, on real files. */
@org.junit.jupiter.api.extension.ExtendWith(LeakCheck.class)
class FileOpsTest {
    @TempDir
    Path dir;

    static Throwable failure(Req<?> r) {
        try {
            r.join();
        } catch (CompletionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected " + r + " to fail");
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Every name in {@code d}: a temporary file left behind would show here. */
    static String[] names(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }

    @Test
    void copyCopiesDataModeAndTimesToTheNanosecondAndReplacesTheDestination() throws Exception {
        Path src = dir.resolve("src"), dst = dir.resolve("dst");
        byte[] data = random(5 << 20 | 123, 1);
        Files.write(src, data);
        Files.setPosixFilePermissions(src, PosixFilePermissions.fromString("rwxr-x---"));
        Instant mtime = Instant.parse("2001-02-03T04:05:06.123456789Z");
        Instant atime = Instant.parse("2002-02-03T04:05:06.987654321Z");
        Files.setAttribute(src, "lastModifiedTime", FileTime.from(mtime));
        Files.setAttribute(src, "lastAccessTime", FileTime.from(atime));
        Files.writeString(dst, "old contents");
        try (Aio aio = Aio.create()) {
            assertThat(aio.copy(src, dst).join()).isEqualTo(data.length);
            FileStat st = aio.stat(dst).join();    // before reading it, which moves its atime
            assertThat(st.permissions()).isEqualTo(0750);
            assertThat(st.mtime()).isEqualTo(mtime);
            assertThat(st.atime()).isEqualTo(atime);
            assertThat(Files.readAllBytes(dst)).isEqualTo(data);
            assertThat(names(dir)).containsExactly("dst", "src");
            // an empty file too
            Path empty = Files.createFile(dir.resolve("empty"));
            assertThat(aio.copy(empty, dir.resolve("empty2")).join()).isZero();
            assertThat(Files.size(dir.resolve("empty2"))).isZero();
        }
    }

    /**
     * A sparse file is copied with its holes, as GNU cp keeps them: data in the middle, a
     * leading and a trailing hole, and a file that is all hole. Holes read back as zeros.
     */
    @Test
    void copyKeepsAFilesHoles() throws Exception {
        Path src = dir.resolve("sparse"), dst = dir.resolve("copy");
        byte[] data = random(1 << 20, 7);
        long size = 256L << 20;
        try (var f = new java.io.RandomAccessFile(src.toFile(), "rw")) {
            f.seek(64L << 20);
            f.write(data);
            f.setLength(size);
        }
        try (Aio aio = Aio.create()) {
            FileStat s = aio.stat(src).join();
            Assumptions.assumeTrue(s.blocks() * 512 < 8L << 20, "this file system keeps holes");
            assertThat(aio.copy(src, dst).join()).isEqualTo(size);
            FileStat d = aio.stat(dst).join();
            assertThat(d.size()).isEqualTo(size);
            assertThat(d.blocks() * 512).as("allocated bytes").isLessThan(8L << 20);
            try (var ch = java.nio.channels.FileChannel.open(dst)) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(data.length);
                ch.read(b, 64L << 20);
                assertThat(b.array()).isEqualTo(data);
                java.nio.ByteBuffer z = java.nio.ByteBuffer.allocate(4096);
                ch.read(z, size - 4096);
                assertThat(z.array()).containsOnly((byte) 0);
            }
            Path hole = dir.resolve("hole");
            try (var f = new java.io.RandomAccessFile(hole.toFile(), "rw")) {
                f.setLength(10L << 20);
            }
            assertThat(aio.copy(hole, dir.resolve("hole2")).join()).isEqualTo(10L << 20);
            assertThat(Files.size(dir.resolve("hole2"))).isEqualTo(10L << 20);
            assertThat(aio.stat(dir.resolve("hole2")).join().blocks()).isZero();
        }
    }

    @Test
    void aFailedCopyLeavesTheDestinationAsItWasAndNoTemporaryFile() throws Exception {
        Path src = dir.resolve("src");
        Files.write(src, random(1 << 20, 2));
        Path dstDir = Files.createDirectories(dir.resolve("dst/inner"));    // rename over a non-empty directory fails
        Files.writeString(dstDir.resolve("keep"), "k");
        try (Aio aio = Aio.create()) {
            assertThat(failure(aio.copy(src, dir.resolve("dst")))).isInstanceOf(ErrnoException.class)
                    .hasMessageContaining(dir.resolve("dst").toString());
            assertThat(names(dir)).containsExactly("dst", "src");
            assertThat(Files.readString(dstDir.resolve("keep"))).isEqualTo("k");
            // a directory, and a fifo (which must not block a worker), are refused
            assertThat(((ErrnoException) failure(aio.copy(dir.resolve("dst"), dir.resolve("x")))).errnoName()).isEqualTo("EISDIR");
            Path fifo = dir.resolve("fifo");
            assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
            assertThat(((ErrnoException) failure(aio.copy(fifo, dir.resolve("x")))).errnoName()).isEqualTo("EINVAL");
            assertThat(((ErrnoException) failure(aio.copy(dir.resolve("missing"), dir.resolve("x")))).errnoName())
                    .isEqualTo("ENOENT");
            assertThat(((ErrnoException) failure(aio.copy(src, dir.resolve("no/such/dir/x")))).errnoName()).isEqualTo("ENOENT");
            assertThat(names(dir)).containsExactly("dst", "fifo", "src");
        }
    }

    @Test
    void moveRenamesAndAcrossFileSystemsCopiesThenUnlinks() throws Exception {
        Path shm = Path.of("/dev/shm");
        Assumptions.assumeTrue(Files.isDirectory(shm), "no /dev/shm (tmpfs); skipped");
        Path src = dir.resolve("src");
        byte[] data = random(300_000, 3);
        Files.write(src, data);
        Instant mtime = Instant.parse("2011-01-01T00:00:00.000000001Z");
        Files.setAttribute(src, "lastModifiedTime", FileTime.from(mtime));
        Path other = Files.createTempDirectory(shm, "jaio-move");
        try (Aio aio = Aio.create()) {
            aio.move(src, dir.resolve("renamed")).join();
            assertThat(Files.exists(src)).isFalse();
            aio.move(dir.resolve("renamed"), other.resolve("moved")).join();
            assertThat(Files.exists(dir.resolve("renamed"))).isFalse();
            assertThat(Files.readAllBytes(other.resolve("moved"))).isEqualTo(data);
            assertThat(aio.stat(other.resolve("moved")).join().mtime()).isEqualTo(mtime);
            Files.createSymbolicLink(dir.resolve("link"), Path.of("some/target"));
            aio.move(dir.resolve("link"), other.resolve("link")).join();
            assertThat(Files.readSymbolicLink(other.resolve("link"))).isEqualTo(Path.of("some/target"));
            assertThat(Files.exists(dir.resolve("link"), LinkOption.NOFOLLOW_LINKS)).isFalse();
            Files.createDirectory(dir.resolve("d"));
            assertThat(((ErrnoException) failure(aio.move(dir.resolve("d"), other.resolve("d")))).errnoName()).isEqualTo("EXDEV");
            assertThat(((ErrnoException) failure(aio.move(dir.resolve("missing"), dir.resolve("x")))).errnoName()).isEqualTo("ENOENT");
        } finally {
            new ProcessBuilder("rm", "-rf", other.toString()).start().waitFor();
        }
    }

    @Test
    void loadReadsWholeFilesIncludingOnesStatCannotSize() throws Exception {
        byte[] data = random(1_000_003, 4);
        Files.write(dir.resolve("f"), data);
        Files.createFile(dir.resolve("empty"));
        try (Aio aio = Aio.create()) {
            assertThat(aio.load(dir.resolve("f")).join()).isEqualTo(data);
            assertThat(aio.load(dir.resolve("empty")).join()).isEmpty();
            assertThat(new String(aio.load(Path.of("/proc/self/status")).join())).contains("Pid:");
            assertThat(((ErrnoException) failure(aio.load(dir.resolve("missing")))).errnoName()).isEqualTo("ENOENT");
            assertThat(((ErrnoException) failure(aio.load(dir))).errnoName()).isEqualTo("EISDIR");
        }
    }

    @Test
    void slurpReadsARangeFromTheStartOrTheEnd() throws Exception {
        byte[] data = random(10_000, 5);
        Files.write(dir.resolve("f"), data);
        try (Aio aio = Aio.create(); Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(20_000);
            assertThat(aio.slurp(dir.resolve("f"), 100, 500, buf).join()).isEqualTo(500);
            assertThat(buf.asSlice(0, 500).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(java.util.Arrays.copyOfRange(data, 100, 600));
            assertThat(aio.slurp(dir.resolve("f"), -1000, 0, buf).join()).isEqualTo(1000);
            assertThat(buf.asSlice(0, 1000).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(java.util.Arrays.copyOfRange(data, 9000, 10000));
            assertThat(aio.slurp(dir.resolve("f"), 0, 0, buf).join()).isEqualTo(10_000);
            assertThat(aio.slurp(dir.resolve("f"), 9_990, 100, buf).join()).isEqualTo(10);    // short at end of file
            byte[] heap = new byte[10_000];
            assertThat(aio.slurp(dir.resolve("f"), 0, 0, MemorySegment.ofArray(heap)).join()).isEqualTo(10_000);
            assertThat(heap).isEqualTo(data);
            MemorySegment small = arena.allocate(100);
            assertThat(((ErrnoException) failure(aio.slurp(dir.resolve("f"), 0, 0, small))).errnoName()).isEqualTo("EOVERFLOW");
            assertThat(((ErrnoException) failure(aio.slurp(dir.resolve("f"), -20_000, 10, buf))).errnoName()).isEqualTo("EINVAL");
            assertThatThrownBy(() -> aio.slurp(dir.resolve("f"), 0, -1, buf)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> aio.slurp(dir.resolve("f"), 0, 101, small)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> aio.slurp(dir.resolve("f"), 0, 10, small.asReadOnly())).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void pathsyncSyncsAFileAndItsDirectory() throws Exception {
        Files.writeString(dir.resolve("f"), "x");
        try (Aio aio = Aio.create(); AioWd wd = aio.wd(dir).join()) {
            aio.pathsync(dir.resolve("f")).join();
            aio.pathsync(dir).join();
            aio.pathsync(Path.of("/")).join();
            aio.at(wd).pathsync(Path.of("f")).join();
            assertThat(((ErrnoException) failure(aio.pathsync(dir.resolve("missing")))).errnoName()).isEqualTo("ENOENT");
        }
    }

    @Test
    void badPathsAreRefusedAtSubmission() {
        try (Aio aio = Aio.create()) {
            assertThatThrownBy(() -> aio.copy(null, dir)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> aio.rmtree(Path.of(""))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> aio.rmtree(Path.of("/"))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> aio.copyTree(Path.of(""), dir)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> aio.copyTree(dir, Path.of(""))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> aio.copyTree(dir, dir.resolve("sub/copy"))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("into itself");
            assertThatThrownBy(() -> aio.copyTree(dir, dir)).isInstanceOf(IllegalArgumentException.class);
            assertThat(aio.nreqs()).isZero();
        }
    }
}
