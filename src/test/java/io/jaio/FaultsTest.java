package io.jaio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Faults survived: descriptor exhaustion, file size limits, close racing submitters, load. */
@ExtendWith(LeakCheck.class)
class FaultsTest {
    @TempDir
    Path dir;

    static String runChild(List<String> prefix, Class<?> main, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out;
        try (var in = p.getInputStream()) {
            out = new String(in.readAllBytes());
        }
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("child output:\n%s", out).isZero();
        return out;
    }

    @Test
    void emfileFailsRequestsCleanlyAndEverythingWorksOnceDescriptorsAreFreed() throws Exception {
        String out = runChild(List.of("prlimit", "--nofile=256:256", "--"), EmfileChild.class, dir.toString());
        assertThat(out).contains("failure=EMFILE").contains("stat-while-full=5").contains("after-free=hello");
    }

    @Test
    void efbigUnderRlimitFsizeWithSigxfszIgnored() throws Exception {
        // A signal ignored at exec stays ignored: the shell ignores SIGXFSZ, then becomes the JVM.
        String out = runChild(List.of("sh", "-c", "trap '' XFSZ; exec prlimit --fsize=6000 -- \"$@\"", "sh"),
                EfbigChild.class, dir.resolve("big").toString());
        assertThat(out).contains("first=4096").contains("short=1904").contains("second=EFBIG").contains("third=100");
    }

    @Test
    void signalsDeliveredWhileWorkersAreInSyscallsLoseNothing() throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                SignalChild.class.getName(), dir.resolve("f").toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out;
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
            assertThat(in.readLine()).isEqualTo("ready");
            int sent = 0;
            while (p.isAlive() && sent < 300) {
                // SIGHUP to the whole process: some land on workers inside pread/statx/nanosleep,
                // some on the dispatcher inside poll(2), which returns EINTR and must retry.
                new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor();
                sent++;
            }
            out = in.lines().collect(java.util.stream.Collectors.joining("\n"));
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("failures=0");
        int signals = Integer.parseInt(out.replaceAll("(?s).*signals=(\\d+).*", "$1"));
        assertThat(signals).as(out).isGreaterThan(10);
    }

    @Test
    void closeRacingTenThousandSubmissionsFromEightThreadsLeavesNothingHanging() throws Exception {
        for (boolean cancel : new boolean[] {false, true}) {
            Aio aio = Aio.builder().maxParallel(2).build();
            ConcurrentLinkedQueue<Req<Void>> reqs = new ConcurrentLinkedQueue<>();
            AtomicInteger refused = new AtomicInteger();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < 1250; i++) {
                        try {
                            reqs.add(i % 100 == 0 ? aio.busy(Duration.ofMillis(1)) : aio.nop());
                        } catch (IllegalStateException closed) {
                            refused.incrementAndGet();
                        }
                    }
                }));
            }
            start.countDown();
            Thread.sleep(2);
            aio.close(cancel);
            for (Thread t : threads) t.join();
            for (Req<Void> r : reqs) {
                assertThat(r).as("every accepted request completes or is cancelled").isDone();
                if (!cancel) assertThat(r.isCancelled()).isFalse();
            }
            assertThat(reqs.size() + refused.get()).isEqualTo(10_000);
            assertThat(aio.nreqs()).isZero();
        }
    }

    @Test
    void aMillionRequestsUnderMaxOutstandingKeepTheHeapFlat() throws Exception {
        try (Aio aio = Aio.builder().maxOutstanding(1000).build()) {
            AtomicInteger done = new AtomicInteger();
            Runtime rt = Runtime.getRuntime();
            long[] used = new long[4];
            for (int round = 0; round < 4; round++) {
                for (int i = 0; i < 250_000; i++) {
                    aio.nop((v, e) -> done.incrementAndGet());
                }
                aio.flush();
                System.gc();
                Thread.sleep(50);
                used[round] = rt.totalMemory() - rt.freeMemory();
            }
            assertThat(done).hasValue(1_000_000);
            // After the first quarter, the retained heap may not grow by more than 8 MiB.
            assertThat(used[3] - used[0]).as("heap after each 250k: %s", java.util.Arrays.toString(used))
                    .isLessThan(8L << 20);
        }
    }

    @Test
    void anExceptionFromTheErrorHandlerItselfHarmsNothing() {
        try (Aio aio = Aio.builder().errorHandler(t -> {
            throw new IllegalStateException("handler fails too");
        }).build()) {
            aio.nop((v, e) -> {
                throw new IllegalStateException("callback fails");
            });
            aio.flush();
            assertThat(aio.nop().join()).isNull();
        }
    }

    @Test
    void anErrnoFromAClosedDescriptorIsEbadf() throws Exception {
        try (Aio aio = Aio.create()) {
            Files.writeString(dir.resolve("f"), "x");
            AioFile f = aio.open(dir.resolve("f"), Fcntl.O_RDONLY, 0).join();
            int number = f.fd();
            f.close();
            for (Req<?> r : List.of(aio.stat(f), aio.fsync(f), aio.read(f, 0, java.nio.ByteBuffer.allocate(1)))) {
                try {
                    r.join();
                    throw new AssertionError("expected EBADF");
                } catch (CompletionException e) {
                    assertThat(((ErrnoException) e.getCause()).errnoName()).isEqualTo("EBADF");
                }
            }
            assertThat(number).isGreaterThanOrEqualTo(0);
        }
    }
}
