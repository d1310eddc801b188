package io.jaio;

import io.jaio.internal.sys.Sys;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The io_uring backend's own cases: which memory goes to the kernel, a read still in flight
 * when its arena closes or it is cancelled, and the fallback when the kernel refuses
 * io_uring. (The whole suite also runs on this backend: see the pom's io_uring execution.)
 */
@org.junit.jupiter.api.extension.ExtendWith(LeakCheck.class)
class RingTest {
    @TempDir
    Path dir;

    @BeforeEach
    void ringAvailable() {
        try (Aio aio = Aio.builder().backend(Backend.IO_URING).build()) {
            Assumptions.assumeTrue(aio.backend() == Backend.IO_URING, "io_uring refused here: " + aio.backendFallbackReason());
        }
    }

    static Aio ring(Delivery d) {
        return Aio.builder().backend(Backend.IO_URING).delivery(d).build();
    }

    @Test
    void readsAndWritesOfEveryKindOfMemoryAreExact() throws Exception {
        byte[] data = new byte[1 << 20];
        new Random(3).nextBytes(data);
        Files.write(dir.resolve("f"), data);
        try (Aio aio = ring(Delivery.AUTO); Arena shared = Arena.ofShared()) {
            AioFile f = aio.open(dir.resolve("f"), Fcntl.O_RDWR, 0).join();
            MemorySegment[] bufs = {
                Arena.global().allocate(4096),        // handed to the kernel in place
                shared.allocate(4096),                // through a ring buffer
                MemorySegment.ofArray(new byte[4096]), // heap: through a ring buffer
                shared.allocate(200_000),             // larger than a ring buffer: a worker
                Arena.ofAuto().allocate(65536),
            };
            List<Req<Long>> reads = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                MemorySegment b = bufs[i % bufs.length];
                reads.add(aio.read(f, (i * 4099L) % (data.length - b.byteSize()), b.byteSize(), b, 0));
                if (i % bufs.length == bufs.length - 1) {
                    for (int k = reads.size() - bufs.length; k < reads.size(); k++) {
                        MemorySegment bk = bufs[k % bufs.length];
                        long off = (k * 4099L) % (data.length - bk.byteSize());
                        assertThat(reads.get(k).join()).isEqualTo(bk.byteSize());
                        assertThat(bk.toArray(ValueLayout.JAVA_BYTE))
                                .isEqualTo(Arrays.copyOfRange(data, (int) off, (int) (off + bk.byteSize())));
                    }
                }
            }
            MemorySegment w = shared.allocate(4096);
            w.fill((byte) 7);
            assertThat(aio.write(f, 8192, 4096, w, 0).join()).isEqualTo(4096);
            assertThat(aio.fdatasync(f).join()).isNull();
            assertThat(aio.fsync(f).join()).isNull();
            assertThat(aio.nop().join()).isNull();
            byte[] now = Files.readAllBytes(dir.resolve("f"));
            assertThat(Arrays.copyOfRange(now, 8192, 8192 + 4096)).containsOnly((byte) 7);
            Throwable bad = Modes.failure(aio, aio.fsync(AioFile.borrow(-1)));
            assertThat(((ErrnoException) bad).errnoName()).isEqualTo("EBADF");
            aio.close(f).join();
        }
    }

    /**
     * A read the kernel holds (a pipe with nothing in it) whose arena is closed meanwhile:
     * the kernel wrote into jaio's own buffer, and the copy into the closed segment fails the
     * request cleanly instead of writing freed memory.
     */
    @Test
    void anArenaClosedWhileTheKernelHoldsTheReadFailsItCleanly() throws Exception {
        Sys sys = Sys.current();
        assertThat(sys.pipe2(Sys.O_CLOEXEC)).isZero();
        int r = sys.pipeReadFd(), w = sys.pipeWriteFd();
        try (Aio aio = ring(Delivery.AUTO)) {
            Arena arena = Arena.ofShared();
            Req<Long> read = aio.read(AioFile.borrow(r), Aio.CURRENT_POSITION, 64, arena.allocate(64), 0);
            Thread.sleep(50);
            assertThat(read).isNotDone();
            arena.close();
            MemorySegment data = Arena.ofAuto().allocate(8);
            assertThat(sys.write(w, data, 8)).isEqualTo(8);
            assertThatThrownBy(() -> read.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("arena was closed");
            aio.flush();
            assertThat(aio.nreqs()).isZero();
        } finally {
            sys.close(r);
            sys.close(w);
        }
    }

    @Test
    void aReadInFlightCanBeCancelledAndItsResultIsDropped() throws Exception {
        Sys sys = Sys.current();
        assertThat(sys.pipe2(Sys.O_CLOEXEC)).isZero();
        int r = sys.pipeReadFd(), w = sys.pipeWriteFd();
        try (Aio aio = ring(Delivery.MANUAL)) {
            boolean[] called = {false};
            Req<Long> read = aio.read(AioFile.borrow(r), Aio.CURRENT_POSITION, 64, Arena.ofAuto().allocate(64), 0, (n, e) -> called[0] = true);
            assertThat(read.cancel(false)).isTrue();
            assertThatThrownBy(read::join).isInstanceOf(CancellationException.class);
            assertThat(aio.nreqs()).as("in flight until the kernel answers").isEqualTo(1);
            assertThat(sys.write(w, Arena.ofAuto().allocate(8), 8)).isEqualTo(8);
            aio.flush();
            assertThat(called[0]).isFalse();
            assertThat(aio.nreqs()).isZero();
        } finally {
            sys.close(r);
            sys.close(w);
        }
    }

    /**
     * Open (of a file and of a working directory), write, fsync and close complete through the
     * ring with no worker started (workers start on demand); then the path operations that
     * stay on the workers (the kernel would hand them to its io-wq threads) work on the files
     * the ring made: exact results and the kernel's errnos.
     */
    @Test
    void openAndCloseGoThroughTheRingWithoutAWorker() throws Exception {
        Files.createDirectory(dir.resolve("d"));
        try (Aio aio = Aio.builder().backend(Backend.IO_URING).delivery(Delivery.AUTO).build();
             Arena a = Arena.ofShared()) {
            AioWd wd = aio.wd(dir.resolve("d")).join();
            Aio in = aio.at(wd);
            AioFile f = in.open(Path.of("f"), Fcntl.O_CREAT | Fcntl.O_RDWR | Fcntl.O_EXCL, 0640).join();
            MemorySegment b = a.allocate(10_000);
            b.fill((byte) 'x');
            assertThat(aio.write(f, 0, 10_000, b, 0).join()).isEqualTo(10_000);
            assertThat(aio.fsync(f).join()).isNull();
            assertThatThrownBy(() -> in.open(Path.of("f"), Fcntl.O_CREAT | Fcntl.O_EXCL | Fcntl.O_RDWR, 0640).join())
                    .hasRootCauseInstanceOf(ErrnoException.class).hasMessageContaining("EEXIST").hasMessageContaining("d/f");
            assertThatThrownBy(() -> aio.open(dir.resolve("missing"), Fcntl.O_RDONLY, 0).join())
                    .hasRootCauseInstanceOf(ErrnoException.class).hasMessageContaining("ENOENT").hasMessageContaining("missing");
            AioFile again = aio.open(dir.resolve("d/f"), Fcntl.O_RDONLY, 0).join();
            MemorySegment r = a.allocate(10_000);
            assertThat(aio.read(again, 0, 10_000, r, 0).join()).isEqualTo(10_000);
            assertThat(r.mismatch(b)).isEqualTo(-1);
            assertThat(aio.close(again).join()).isNull();
            assertThat(aio.nthreads()).as("workers started by open, write, fsync, close").isZero();

            FileStat fs = aio.stat(f).join();
            assertThat(fs.size()).isEqualTo(10_000);
            assertThat(fs.mode() & 0777).isEqualTo(0640);
            assertThat(in.symlink("f", Path.of("s")).join()).isNull();
            assertThat(in.link(Path.of("f"), Path.of("h")).join()).isNull();
            assertThat(in.stat(Path.of("s")).join().nlink()).isEqualTo(2);
            assertThat(in.lstat(Path.of("s")).join().isSymbolicLink()).isTrue();
            assertThat(aio.close(f).join()).isNull();
            assertThat(f.isClosed()).isTrue();
            for (String n : new String[] {"f", "h", "s"}) {
                assertThat(in.unlink(Path.of(n)).join()).isNull();
            }
            wd.close();
            assertThat(aio.rmdir(dir.resolve("d")).join()).isNull();
            aio.flush();    // join returns once the future completes, a moment before nreqs counts it out
            assertThat(aio.nreqs()).isZero();
        }
    }

    /**
     * A close whose file a read still pins is done by that read's release, not by the ring: a
     * read from a fifo waits in the kernel until the test writes, and the descriptor stays
     * open (the same fifo) until it completes. A borrowed descriptor is closed once. Whether a
     * number is closed is read from /proc/self/fd, where a number reused by then names
     * another file; the leak check counts descriptors.
     */
    @Test
    void closeThroughTheRingClosesEachDescriptorExactlyOnce() throws Exception {
        Files.write(dir.resolve("f"), new byte[8192]);
        Path fifo = dir.resolve("fifo");
        try (Aio aio = ring(Delivery.AUTO)) {
            assertThat(aio.mknod(fifo, Fcntl.S_IFIFO | 0600, 0).join()).isNull();
            for (int i = 0; i < 20; i++) {
                AioFile f = aio.open(fifo, Fcntl.O_RDWR, 0).join();    // O_RDWR: the open does not wait for a writer
                int n = f.fd();
                MemorySegment buf = Arena.ofAuto().allocate(8);
                Req<Long> read = aio.read(f, Aio.CURRENT_POSITION, 8, buf, 0);
                // The writer opens at once (f reads), and whatever fails below, the read gets its
                // data before Aio.close waits for it.
                try (var w = new java.io.FileOutputStream(fifo.toFile())) {
                    try {
                        Req<Void> close = aio.close(f);
                        assertThat(close.get(10, TimeUnit.SECONDS)).isNull();
                        assertThat(f.isClosed()).isTrue();
                        assertThat(read.isDone()).as("the read still waits for data").isFalse();
                        assertThat(openFile(n)).as("pinned by the read: still open").isEqualTo(fifo);
                    } finally {
                        w.write("12345678".getBytes());
                    }
                }
                assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(8);
                assertThat(new String(buf.toArray(ValueLayout.JAVA_BYTE))).isEqualTo("12345678");
                aio.flush();
                assertThat(openFile(n)).as("closed by the read's release").isNotEqualTo(fifo);
            }
            for (int i = 0; i < 200; i++) {
                AioFile f = aio.open(dir.resolve("f"), Fcntl.O_RDONLY, 0).join();
                Req<Long> read = aio.read(f, 0, 4096, Arena.ofAuto().allocate(4096), 0);
                Req<Void> close = aio.close(f);
                assertThat(read.join()).isEqualTo(4096);
                assertThat(close.join()).isNull();
                assertThat(f.isClosed()).isTrue();
            }
            int raw = (int) Sys.current().openat(Sys.AT_FDCWD, Arena.ofAuto().allocateFrom(dir.resolve("f").toString()),
                    Sys.O_RDONLY | Sys.O_CLOEXEC, 0);
            assertThat(raw).isNotNegative();
            AioFile borrowed = AioFile.borrow(raw);
            assertThat(aio.close(borrowed).join()).isNull();
            assertThat(openFile(raw)).as("closed by the ring").isNotEqualTo(dir.resolve("f"));
            assertThat(aio.close(borrowed).join()).as("a second close of a borrowed file closes nothing").isNull();
        }
    }

    /**
     * io_uring cancels what a thread submitted when that thread exits (-ECANCELED): a fifo read
     * submitted through the ring by a thread that is gone before data comes must still get the
     * data (a worker runs it again), under either delivery.
     */
    @Test
    void aRequestWhoseSubmittingThreadExitsStillCompletes() throws Exception {
        Path fifo = dir.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        for (Delivery d : new Delivery[] {Delivery.AUTO, Delivery.MANUAL}) {
            try (Aio aio = ring(d)) {
                Req<AioFile> opened = aio.open(fifo, Fcntl.O_RDWR, 0);
                aio.flush();
                try (AioFile f = opened.join()) {
                    for (int i = 0; i < 10; i++) {
                        MemorySegment buf = Arena.ofAuto().allocate(8);
                        List<Req<Long>> read = new ArrayList<>();
                        Thread t = new Thread(() -> read.add(aio.read(f, Aio.CURRENT_POSITION, 8, buf, 0)));
                        t.start();
                        t.join();
                        Thread.sleep(20);    // the kernel's cancel runs as the thread exits
                        try (var w = new java.io.FileOutputStream(fifo.toFile())) {
                            w.write(("abcdefg" + i).getBytes());
                        }
                        aio.flush();
                        assertThat(read.get(0).get(10, TimeUnit.SECONDS)).as(d.toString()).isEqualTo(8);
                        assertThat(new String(buf.toArray(ValueLayout.JAVA_BYTE))).isEqualTo("abcdefg" + i);
                        assertThat(aio.nreqs()).isZero();
                    }
                }
            }
        }
    }

    /**
     * Where the ring's answer differs from the syscall's, jaio gives the syscall's on both
     * backends: a positional read of a pipe is ESPIPE (the ring would ignore the offset), a
     * read at the current position reads it; a fifo opened for writing waits for a reader (the
     * kernel's non-blocking first attempt says ENXIO), and one opened for reading for a writer.
     */
    @Test
    void pipesAndFifosGetTheSyscallsAnswerOnBothBackends() throws Exception {
        Path fifo = dir.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        Sys sys = Sys.current();
        for (Backend b : Backend.values()) {
            try (Aio aio = Aio.builder().backend(b).build()) {
                AioFile f = aio.open(fifo, Fcntl.O_RDWR, 0).join();
                try (var w = new java.io.FileOutputStream(fifo.toFile())) {
                    w.write("12345678".getBytes());
                }
                MemorySegment buf = Arena.ofAuto().allocate(8);
                for (long off : new long[] {0, 4096}) {
                    assertThatThrownBy(() -> aio.read(f, off, 8, buf, 0).join()).as(b + " at " + off)
                            .hasRootCauseInstanceOf(ErrnoException.class).hasMessageContaining("ESPIPE");
                }
                assertThat(aio.read(f, Aio.CURRENT_POSITION, 8, buf, 0).join()).isEqualTo(8);
                assertThat(new String(buf.toArray(ValueLayout.JAVA_BYTE))).isEqualTo("12345678");
                f.close();
                // an eventfd: lseek works on it, pread does not
                int efd = sys.eventfd(5, Sys.EFD_CLOEXEC);
                try {
                    assertThatThrownBy(() -> aio.read(AioFile.borrow(efd), 0, 8, buf, 0).join()).as(b + " eventfd")
                            .hasRootCauseInstanceOf(ErrnoException.class).hasMessageContaining("ESPIPE");
                    assertThat(aio.read(AioFile.borrow(efd), Aio.CURRENT_POSITION, 8, buf, 0).join()).isEqualTo(8);
                    assertThat(buf.get(ValueLayout.JAVA_LONG_UNALIGNED, 0)).isEqualTo(5);
                } finally {
                    sys.close(efd);
                }

                Req<AioFile> writer = aio.open(fifo, Fcntl.O_WRONLY, 0);
                int reader = waitsForPeer(writer, fifo, Sys.O_RDONLY, b + ": waits for a reader");
                try {
                    writer.get(10, TimeUnit.SECONDS).close();
                } finally {
                    sys.close(reader);
                }

                // and one opened for reading waits for a writer (the kernel's first try opens it
                // at once; a worker then waits on that descriptor); the writer finds its reader
                Req<AioFile> readerOpen = aio.open(fifo, Fcntl.O_RDONLY, 0);
                int w = waitsForPeer(readerOpen, fifo, Fcntl.O_WRONLY, b + ": waits for a writer");
                assertThat(w).as("a reader is there for the writer").isNotNegative();
                MemorySegment msg = Arena.ofAuto().allocateFrom("fifo!");
                // written before the open is awaited: through the ring it completes at the
                // writer's first data (or close), on threads at the writer's open
                assertThat(sys.write(w, msg, 5)).isEqualTo(5);
                try (AioFile r = readerOpen.get(10, TimeUnit.SECONDS)) {
                    MemorySegment got = Arena.ofAuto().allocate(5);
                    assertThat(aio.read(r, Aio.CURRENT_POSITION, 5, got, 0).get(10, TimeUnit.SECONDS)).isEqualTo(5);
                    assertThat(new String(got.toArray(ValueLayout.JAVA_BYTE))).isEqualTo("fifo!");
                } finally {
                    sys.close(w);
                }
                aio.flush();
                assertThat(aio.nreqs()).isZero();

                // a writer already waiting when the open comes, which writes and leaves at once
                Thread early = new Thread(() -> {
                    try (var out = new java.io.FileOutputStream(fifo.toFile())) {    // waits for a reader
                        out.write("early".getBytes());
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                early.start();
                Thread.sleep(50);    // the writer waits in open(2)
                try (AioFile r2 = aio.open(fifo, Fcntl.O_RDONLY, 0).get(10, TimeUnit.SECONDS)) {
                    early.join(10_000);
                    MemorySegment got = Arena.ofAuto().allocate(5);
                    assertThat(aio.read(r2, Aio.CURRENT_POSITION, 5, got, 0).get(10, TimeUnit.SECONDS)).isEqualTo(5);
                    assertThat(new String(got.toArray(ValueLayout.JAVA_BYTE))).isEqualTo("early");
                }
                assertThat(early.isAlive()).isFalse();

                // cancelled while it waits: once a writer comes, every descriptor is closed
                Req<AioFile> gone = aio.open(fifo, Fcntl.O_RDONLY, 0);
                Thread.sleep(50);
                assertThat(gone.cancel(false)).isTrue();
                int w2 = openNonBlocking(fifo, Fcntl.O_WRONLY);
                assertThat(w2).as(b + ": the waiting open is a reader").isNotNegative();
                sys.close(w2);
                aio.flush();
                assertThat(aio.nreqs()).isZero();
            }
        }
    }

    /** open(2) of {@code p} with {@code access} | O_NONBLOCK, past jaio: the descriptor, or -errno. */
    /**
     * Asserts that {@code open} of a fifo is still waiting 50 ms on, then opens the other end
     * non-blocking with {@code peerFlags} (whether or not the assertion held, so a failure never
     * leaves the open waiting for ever) and returns that descriptor.
     */
    private static int waitsForPeer(Req<AioFile> open, Path fifo, int peerFlags, String what)
            throws InterruptedException {
        Thread.sleep(50);
        int peer = -1;
        try {
            assertThat(open.isDone()).as(what).isFalse();
        } finally {
            peer = openNonBlocking(fifo, peerFlags);
        }
        return peer;
    }

    private static int openNonBlocking(Path p, int access) {
        return (int) Sys.current().openat(Sys.AT_FDCWD, Arena.ofAuto().allocateFrom(p.toString()),
                access | Sys.O_CLOEXEC | Fcntl.O_NONBLOCK, 0);
    }

    /** The file descriptor {@code n} of this process names, or null if {@code n} is not open. */
    private static Path openFile(int n) throws java.io.IOException {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + n));
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        }
    }

    /** Open requests cancelled while the kernel runs them: each descriptor is closed, none leaks. */
    @Test
    void cancelledOpensThroughTheRingLeakNoDescriptor() throws Exception {
        Files.write(dir.resolve("f"), new byte[1]);
        try (Aio aio = ring(Delivery.MANUAL)) {
            List<Req<AioFile>> opens = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                Req<AioFile> o = aio.open(dir.resolve("f"), Fcntl.O_RDONLY, 0);
                if (i % 2 == 0) {
                    o.cancel(false);
                }
                opens.add(o);
            }
            aio.flush();
            for (int i = 0; i < opens.size(); i++) {
                if (i % 2 == 0) {
                    assertThatThrownBy(opens.get(i)::join).isInstanceOf(CancellationException.class);
                } else {
                    opens.get(i).join().close();
                }
            }
        }
    }

    /**
     * A request the ring could run does not overtake requests waiting for a worker: with both
     * workers busy, an unlink queues, and the exclusive create of the same name submitted after
     * it must see the name gone (through the ring it would run first and fail EEXIST). The
     * second worker stays busy longer, so the first one free runs the two in order (two free
     * workers would run them at once, in no order: a flaky EEXIST seen once).
     */
    @Test
    void theRingNeverOvertakesQueuedRequests() throws Exception {
        Path p = Files.writeString(dir.resolve("f"), "old");
        try (Aio aio = Aio.builder().backend(Backend.IO_URING).maxParallel(2).build()) {
            Req<Void> b1 = aio.busy(java.time.Duration.ofMillis(200)), b2 = aio.busy(java.time.Duration.ofMillis(1000));
            Req<Void> unlink = aio.unlink(p);    // waits: both workers are busy
            Req<AioFile> create = aio.open(p, Fcntl.O_CREAT | Fcntl.O_EXCL | Fcntl.O_WRONLY, 0600);
            assertThat(unlink.join()).isNull();
            create.join().close();
            b1.join();
            b2.join();
            assertThat(Files.size(p)).isZero();
        }
    }

    /**
     * Requests that wait in the kernel (pipe reads here, device reads in use) queued by one
     * callback of a pollCb batch are handed to the kernel before the batch's later callbacks
     * run, not at its end: a later callback's write into the pipe is taken by the read at once.
     * Handed over at the batch's end, the read would meet those bytes only after that callback
     * had returned, and the pipe would stay readable meanwhile.
     */
    @Test
    void readsThatWaitInTheKernelAreHandedOverBeforeTheBatchEnds() throws Exception {
        Sys sys = Sys.current();
        int[][] pipes = new int[3][];
        for (int i = 0; i < pipes.length; i++) {
            assertThat(sys.pipe2(Sys.O_CLOEXEC)).isZero();
            pipes[i] = new int[] {sys.pipeReadFd(), sys.pipeWriteFd()};
        }
        MemorySegment data = Arena.ofAuto().allocate(8);
        try (Aio aio = ring(Delivery.MANUAL)) {
            // A read the kernel holds: the ring learns that what it hands over waits.
            Req<Long> first = aio.read(AioFile.borrow(pipes[0][0]), Aio.CURRENT_POSITION, 8, Arena.ofAuto().allocate(8), 0);
            List<Req<Long>> queued = new ArrayList<>();
            boolean[] stillReadable = {true};
            aio.nop((v, e) -> {
                for (int i = 1; i <= 2; i++) {
                    queued.add(aio.read(AioFile.borrow(pipes[i][0]), Aio.CURRENT_POSITION, 8, Arena.ofAuto().allocate(8), 0));
                }
            });
            while (aio.npending() < 1) {
                Thread.sleep(1);    // the first nop done before the second is submitted: delivered in that order
            }
            aio.nop((v, e) -> {
                // The same pollCb batch: the reads above are in the kernel if they were handed over.
                assertThat(sys.write(pipes[1][1], data, 8)).isEqualTo(8);
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                while ((stillReadable[0] = sys.poll(pipes[1][0], Sys.POLLIN, 10) > 0) && System.nanoTime() < end) {
                    // the kernel's retry of the read runs as task work of this thread, on a syscall's return
                }
            });
            try {
                while (aio.npending() < 2) {
                    Thread.sleep(1);    // both nops done, so one pollCb delivers them together
                }
                assertThat(aio.pollCb()).isGreaterThanOrEqualTo(2);
                assertThat(stillReadable[0]).as("the read took the bytes while the batch ran").isFalse();
            } finally {
                // Whatever happened above, the reads the kernel holds get their bytes, or
                // closing the Aio would wait for them.
                assertThat(sys.write(pipes[0][1], data, 8)).isEqualTo(8);
                assertThat(sys.write(pipes[2][1], data, 8)).isEqualTo(8);
            }
            aio.flush();
            assertThat(first.join()).isEqualTo(8);
            assertThat(queued).hasSize(2);
            for (Req<Long> q : queued) {
                assertThat(q.join()).isEqualTo(8);
            }
        } finally {
            for (int[] p : pipes) {
                sys.close(p[0]);
                sys.close(p[1]);
            }
        }
    }

    /** The result descriptor works for an event loop: readable when a ring completion waits, not after pollCb. */
    @Test
    void theResultDescriptorSignalsRingCompletions() throws Exception {
        Sys sys = Sys.current();
        assertThat(sys.pipe2(Sys.O_CLOEXEC)).isZero();
        int r = sys.pipeReadFd(), w = sys.pipeWriteFd();
        try (Aio aio = ring(Delivery.MANUAL)) {
            Req<Long> read = aio.read(AioFile.borrow(r), Aio.CURRENT_POSITION, 8, Arena.ofAuto().allocate(8), 0);
            assertThat(sys.poll(aio.pollFileno(), Sys.POLLIN, 50)).as("nothing yet").isZero();
            assertThat(sys.write(w, Arena.ofAuto().allocate(8), 8)).isEqualTo(8);
            assertThat(sys.poll(aio.pollFileno(), Sys.POLLIN, 5_000)).as("the kernel's completion").isPositive();
            assertThat(aio.pollCb()).isEqualTo(1);
            assertThat(read.join()).isEqualTo(8);
            assertThat(sys.poll(aio.pollFileno(), Sys.POLLIN, 0)).as("drained").isZero();
        } finally {
            sys.close(r);
            sys.close(w);
        }
    }

    /**
     * With io_uring disabled (kernel.io_uring_disabled = 2, as root), IO_URING falls back to
     * worker threads and says why; restored (and io_uring usable again) afterwards.
     */
    @Test
    void whereTheKernelRefusesIoUringTheEngineRunsOnThreadsAndSaysWhy() throws Exception {
        Path sysctl = Path.of("/proc/sys/kernel/io_uring_disabled");
        Assumptions.assumeTrue(Files.isWritable(sysctl), "cannot set kernel.io_uring_disabled here; skipped");
        String before = Files.readString(sysctl).trim();
        try {
            Files.writeString(sysctl, "2");
        } catch (Exception e) {
            Assumptions.abort("cannot set kernel.io_uring_disabled here: " + e.getMessage());
        }
        try {
            try (Aio aio = Aio.builder().backend(Backend.IO_URING).build()) {
                assertThat(aio.backend()).isEqualTo(Backend.THREADS);
                assertThat(aio.backendFallbackReason()).contains("io_uring_setup").contains("EPERM");
                Files.writeString(dir.resolve("f"), "works anyway");
                assertThat(new String(aio.load(dir.resolve("f")).join())).isEqualTo("works anyway");
                MemorySegment b = Arena.ofAuto().allocate(5);
                AioFile f = aio.open(dir.resolve("f"), Fcntl.O_RDONLY, 0).join();
                assertThat(aio.read(f, 0, 5, b, 0).join()).isEqualTo(5);
                aio.close(f).join();
            }
        } finally {
            Files.writeString(sysctl, before);
        }
        try (Aio aio = Aio.builder().backend(Backend.IO_URING).build()) {
            assertThat(aio.backend()).isEqualTo(Backend.IO_URING);
        }
    }

    @Test
    void theBackendPropertyIsCheckedAndTheDefaultIsThreads() {
        String was = System.getProperty("io.jaio.backend");
        try {
            System.setProperty("io.jaio.backend", "bogus");
            assertThatThrownBy(Aio::builder).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("io.jaio.backend");
            System.clearProperty("io.jaio.backend");
            try (Aio aio = Aio.create()) {
                assertThat(aio.backend()).isEqualTo(Backend.THREADS);
                assertThat(aio.backendFallbackReason()).isNull();
            }
        } finally {
            if (was == null) {
                System.clearProperty("io.jaio.backend");
            } else {
                System.setProperty("io.jaio.backend", was);
            }
        }
    }
}
