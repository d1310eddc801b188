package io.jaio;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CancellationException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The long run: engines of every kind built and closed over and over while random requests,
 * cancels and parallelism changes race each other. Runs for {@code -Djaio.soak.seconds}
 * (default 60) under {@code ./mvnw verify -Psoak}; excluded from the normal test run.
 */
@Tag("soak")
@ExtendWith(LeakCheck.class)
class SoakTest {
    @TempDir
    Path dir;

    @Test
    void soak() throws Exception {
        long seconds = Long.getLong("jaio.soak.seconds", 60);
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        byte[] data = new byte[1 << 20];
        new Random(3).nextBytes(data);
        Path f = Files.write(dir.resolve("data"), data);
        Random rnd = new Random(4);
        long requests = 0, cancelled = 0, engines = 0;
        while (System.nanoTime() < deadline) {
            ThreadKind kind = rnd.nextBoolean() ? ThreadKind.PLATFORM : ThreadKind.VIRTUAL;
            Modes.Mode mode = Modes.Mode.values()[rnd.nextInt(3)];
            Aio aio = Modes.create(kind, mode);
            engines++;
            aio.maxOutstanding(1 + rnd.nextInt(2000));
            AioFile file = Modes.get(aio, aio.open(f, Fcntl.O_RDONLY, 0));
            List<Req<?>> reqs = new ArrayList<>();
            List<long[]> reads = new ArrayList<>();
            try (Arena arena = Arena.ofShared()) {
                for (int i = 0; i < 5000; i++) {
                    int op = rnd.nextInt(10);
                    Req<?> r;
                    if (op < 4) {
                        long off = rnd.nextInt(data.length - 4096);
                        MemorySegment buf = rnd.nextBoolean() ? arena.allocate(4096) : MemorySegment.ofArray(new byte[4096]);
                        r = aio.withPriority(rnd.nextInt(9) - 4).read(file, off, 4096, buf, 0);
                        reads.add(new long[] {reqs.size(), off});
                        r.thenAccept(n -> {
                            byte[] got = buf.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                            if (!java.util.Arrays.equals(got, 0, 4096, data, (int) off, (int) off + 4096)) {
                                throw new AssertionError("read at " + off + " returned wrong bytes");
                            }
                        });
                    } else if (op < 6) {
                        r = aio.stat(f);
                    } else if (op < 7) {
                        r = aio.readdir(dir);
                    } else if (op < 8) {
                        r = aio.busy(Duration.ofNanos(rnd.nextInt(100_000)));
                    } else {
                        r = aio.nop();
                    }
                    reqs.add(r);
                    if (rnd.nextInt(20) == 0 && reqs.get(rnd.nextInt(reqs.size())).cancel(false)) {
                        cancelled++;
                    }
                    if (rnd.nextInt(1000) == 0) {
                        aio.maxParallel(rnd.nextInt(8));
                        aio.minParallel(1 + rnd.nextInt(8));
                    }
                    if (mode == Modes.Mode.MANUAL && rnd.nextInt(50) == 0) {
                        aio.pollCb();
                    }
                }
                aio.close(rnd.nextBoolean());
            }
            file.close();
            for (Req<?> r : reqs) {
                assertThat(r).isDone();
                try {
                    r.join();
                } catch (CancellationException expected) {
                    // cancelled by the test or by close(true)
                } catch (CompletionException e) {
                    if (!(e.getCause() instanceof IllegalStateException)) {    // arena closed after close(true)
                        throw e;
                    }
                }
            }
            requests += reqs.size();
        }
        System.out.printf("soak: %d engines, %d requests, %d cancelled in %d s%n", engines, requests, cancelled, seconds);
        assertThat(requests).isPositive();
    }
}
