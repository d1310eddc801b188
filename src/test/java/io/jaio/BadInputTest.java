package io.jaio;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad input is refused when the request is made, clearly, with nothing queued or disturbed. */
@ExtendWith(LeakCheck.class)
class BadInputTest {
    @TempDir
    Path dir;
    Aio aio;
    AioFile file;

    @BeforeEach
    void setUp() throws Exception {
        aio = Aio.create();
        Files.write(dir.resolve("f"), new byte[64]);
        file = aio.open(dir.resolve("f"), Fcntl.O_RDWR, 0).join();
        // join returns once the future completes; the open leaves nreqs when its delivery ends.
        EngineTest.await(() -> aio.nreqs() == 0, "the open's delivery to end");
    }

    @AfterEach
    void tearDown() {
        assertThat(aio.nreqs()).as("nothing was queued by refused requests").isZero();
        assertThat(aio.nop().join()).as("the engine still works").isNull();
        file.close();
        aio.close();
    }

    @Test
    void nullArguments() {
        MemorySegment seg = MemorySegment.ofArray(new byte[8]);
        assertThatThrownBy(() -> aio.stat((Path) null)).isInstanceOf(NullPointerException.class).hasMessageContaining("path");
        assertThatThrownBy(() -> aio.stat((AioFile) null)).isInstanceOf(NullPointerException.class).hasMessageContaining("file");
        assertThatThrownBy(() -> aio.read(file, 0, 8, null, 0)).isInstanceOf(NullPointerException.class).hasMessageContaining("buffer");
        assertThatThrownBy(() -> aio.write(null, 0, 8, seg, 0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> aio.symlink(null, dir.resolve("l"))).isInstanceOf(NullPointerException.class).hasMessageContaining("target");
        assertThatThrownBy(() -> aio.open(dir.resolve("f"), (Set<java.nio.file.OpenOption>) null, 0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> aio.busy(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Aio.builder().delivery(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Delivery.executor(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void offsetsAndLengths() {
        MemorySegment seg = MemorySegment.ofArray(new byte[8]);
        assertThatThrownBy(() -> aio.read(file, -5, 8, seg, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset");
        assertThatThrownBy(() -> aio.write(file, 0, -8, seg, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length");
        assertThatThrownBy(() -> aio.read(file, Long.MAX_VALUE - 2, 8, seg, 0)).hasMessageContaining("overflows");
        assertThatThrownBy(() -> aio.sendfile(file, file, Long.MAX_VALUE, 2)).hasMessageContaining("overflows");
        assertThatThrownBy(() -> aio.read(file, 0, 8, seg, 1)).hasMessageContaining("exceeds the segment's size 8");
        assertThatThrownBy(() -> aio.read(file, 0, 8, seg, -1)).hasMessageContaining("bufferOffset");
        assertThatThrownBy(() -> aio.busy(Duration.ofMillis(-1))).hasMessageContaining("negative");
    }

    @Test
    void segments() throws Exception {
        try (Arena confined = Arena.ofConfined()) {
            MemorySegment mine = confined.allocate(8);
            assertThatThrownBy(() -> aio.write(file, 0, 8, mine, 0)).hasMessageContaining("confined");
        }
        Arena closed = Arena.ofShared();
        MemorySegment dead = closed.allocate(8);
        closed.close();
        assertThatThrownBy(() -> aio.read(file, 0, 8, dead, 0)).hasMessageContaining("closed");
        assertThatThrownBy(() -> aio.read(file, 0, 8, MemorySegment.ofArray(new byte[8]).asReadOnly(), 0)).hasMessageContaining("read-only");
        assertThatThrownBy(() -> aio.read(file, 0, ByteBuffer.allocateDirect(8).asReadOnlyBuffer())).hasMessageContaining("read-only");
    }

    @Test
    void pathsAndNames() {
        assertThatThrownBy(() -> aio.symlink("a\0b", dir.resolve("l"))).hasMessageContaining("NUL");
        assertThatThrownBy(() -> aio.symlink("", dir.resolve("l"))).hasMessageContaining("empty");
        assertThatThrownBy(() -> Path.of("a\0b")).as("java.nio refuses NUL in a Path itself")
                .isInstanceOf(java.nio.file.InvalidPathException.class);
        assertThatThrownBy(() -> aio.open(dir.resolve("f"), Set.of(java.nio.file.StandardOpenOption.DELETE_ON_CLOSE), 0))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> aio.open(dir.resolve("f"), Fcntl.O_RDONLY, -1)).hasMessageContaining("mode");
    }

    @Test
    void limitsOutOfRange() {
        assertThatThrownBy(() -> aio.maxParallel(-1)).hasMessageContaining("parallelism must be in 0..1024");
        assertThatThrownBy(() -> aio.minParallel(5000)).hasMessageContaining("parallelism");
        assertThatThrownBy(() -> Aio.builder().maxParallel(-3)).hasMessageContaining("parallelism");
        assertThatThrownBy(() -> aio.maxOutstanding(0)).hasMessageContaining("maxOutstanding");
        assertThatThrownBy(() -> aio.maxPollReqs(-1)).hasMessageContaining("maxPollReqs");
        assertThatThrownBy(() -> aio.maxPollTime(Duration.ofSeconds(-1))).hasMessageContaining("maxPollTime");
        assertThatThrownBy(() -> aio.maxIdle(-1)).hasMessageContaining("maxIdle");
        assertThatThrownBy(() -> aio.idleTimeout(Duration.ZERO)).hasMessageContaining("idleTimeout");
        assertThatThrownBy(() -> aio.scandir(dir, 100_000)).hasMessageContaining("maxreq");
        assertThatThrownBy(() -> aio.withPriority(9)).hasMessageContaining("priority");
    }

    @Test
    void badDescriptorsAreEbadfFromTheKernel() {
        Throwable t = Modes.failure(aio, aio.fsync(AioFile.borrow(-1)));
        assertThat(t).isInstanceOf(ErrnoException.class);
        assertThat(((ErrnoException) t).errno()).isEqualTo(9);
        assertThat(((ErrnoException) t).syscall()).isEqualTo("fsync");
    }

    /**
     * A ByteBuffer request refused by a closed engine releases its pin on the file once, not
     * twice: the file, still in use by a request queued on another engine, is not closed
     * under it (a second unpin let close(2) run at once, and the queued read got EBADF).
     */
    @Test
    void aByteBufferRequestOnAClosedEngineReleasesItsPinOnce() throws Exception {
        Files.write(dir.resolve("g"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        AioFile g = aio.open(dir.resolve("g"), Fcntl.O_RDWR, 0).join();
        EngineTest.await(() -> aio.nreqs() == 0, "the open's delivery to end");
        try (Aio other = Aio.builder().delivery(Delivery.MANUAL).minParallel(0).maxParallel(0).build();
             Arena arena = Arena.ofShared()) {
            MemorySegment seg = arena.allocate(8);
            Req<Long> queued = other.read(g, 0, 8, seg, 0);    // held: maxParallel(0); pins g
            Aio closed = Aio.create();
            closed.close();
            assertThatThrownBy(() -> closed.read(g, 0, ByteBuffer.allocateDirect(8)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            assertThatThrownBy(() -> closed.write(g, 0, ByteBuffer.allocateDirect(8)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            g.close();    // the queued read still holds it: close(2) waits for that read
            other.minParallel(1);
            while (other.nreqs() > 0) {
                other.pollWait();
                other.pollCb();
            }
            assertThat(queued.join()).isEqualTo(8);
            assertThat(seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 7)).isEqualTo((byte) 8);
        }
    }
}
