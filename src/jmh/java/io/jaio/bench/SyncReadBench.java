package io.jaio.bench;

import io.jaio.cli.BenchData;

import io.jaio.internal.sys.Sys;
import org.openjdk.jmh.annotations.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The same random 4 KiB read, single-threaded and synchronous: jaio's sys-layer pread downcall
 * against FileChannel.read(ByteBuffer, long), and the preadv2(RWF_NOWAIT) downcall that jaio's
 * cached fast path makes on the submitting thread (the page cache warm, so it always succeeds):
 * the kernel's floor for that path. Scores are reads per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SyncReadBench {
    @Param("256")
    public int fileMiB;

    Path dir, file;
    long blocks;
    Arena arena;
    Sys sys;
    int fd;
    MemorySegment segment;
    FileChannel fc;
    ByteBuffer buffer;
    final SplittableRandom random = new SplittableRandom(7);

    @Setup
    public void setup() throws Exception {
        dir = Files.createTempDirectory("jaio-bench");
        file = BenchData.file(dir, fileMiB);
        blocks = (long) fileMiB * (1 << 20) / 4096;
        arena = Arena.ofConfined();
        sys = new Sys(arena);
        fd = sys.open(arena.allocateFrom(file.toString()), Sys.O_RDONLY | Sys.O_CLOEXEC, 0);
        if (fd < 0) throw new IllegalStateException("open: " + fd);
        segment = arena.allocate(4096, 4096);
        fc = FileChannel.open(file);
        buffer = ByteBuffer.allocateDirect(4096);
    }

    @TearDown
    public void tearDown() throws Exception {
        sys.close(fd);
        fc.close();
        arena.close();
        BenchData.delete(dir);
    }

    @Benchmark
    public long jaioSysPread() {
        return sys.pread(fd, segment, 4096, random.nextLong(blocks) * 4096);
    }

    @Benchmark
    public long jaioSysPreadNoWait() {
        long n = sys.preadNoWait(fd, segment, 4096, random.nextLong(blocks) * 4096);
        if (n != 4096) throw new IllegalStateException("preadv2(RWF_NOWAIT): " + n + " (the file is not cached?)");
        return n;
    }

    @Benchmark
    public long fileChannelRead() throws Exception {
        buffer.clear();
        return fc.read(buffer, random.nextLong(blocks) * 4096);
    }
}
