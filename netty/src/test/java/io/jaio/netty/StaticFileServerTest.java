package io.jaio.netty;

import io.jaio.Aio;
import io.jaio.Delivery;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jaio static-file server under real clients: curl fetches byte-exact files, refused
 * paths, a bounded load from a Java client with no errors and no descriptor left open, and
 * the event loop never waiting for jaio.
 */
class StaticFileServerTest {
    @TempDir
    static Path base;
    static Path root;
    static StaticFileServer server;
    static String url;
    static int fdsBefore;
    static List<String> before;

    @BeforeAll
    static void start() throws Exception {
        fdsBefore = fds();
        before = describeFds();
        root = Files.createDirectory(base.resolve("root"));
        Random rnd = new Random(7);
        for (var e : List.of(0, 1, 4096, 10 << 20)) {
            byte[] b = new byte[e];
            rnd.nextBytes(b);
            Files.write(root.resolve("f" + e), b);
        }
        Files.createDirectory(root.resolve("dir"));
        Files.writeString(root.resolve("dir/inner"), "inner");
        Path outside = Files.writeString(base.resolve("secret"), "secret");
        Files.createSymbolicLink(root.resolve("escape"), outside);
        Files.createSymbolicLink(root.resolve("inside"), root.resolve("f4096"));
        server = new StaticFileServer(root, new InetSocketAddress("127.0.0.1", 0), 1);
        url = "http://127.0.0.1:" + server.address().getPort();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (fds() > fdsBefore && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(fds()).as("descriptors after the server closed: " + describeFds() + " before: " + before)
                .isLessThanOrEqualTo(fdsBefore);
    }

    static int fds() {
        return new File("/proc/self/fd").list().length;
    }

    static List<String> describeFds() {
        List<String> l = new ArrayList<>();
        for (String n : new File("/proc/self/fd").list()) {
            try {
                l.add(n + "->" + Files.readSymbolicLink(Path.of("/proc/self/fd", n)));
            } catch (Exception e) {
                l.add(n + "->?");
            }
        }
        return l;
    }

    record Curl(int code, byte[] body) {}

    /** curl, as a user would run it; --path-as-is keeps "..", which curl would otherwise squash. */
    static Curl curl(String path) throws Exception {
        Path out = Files.createTempFile(base, "body", "");
        Process p = new ProcessBuilder("curl", "-sS", "--path-as-is", "-o", out.toString(), "-w", "%{http_code}",
                url + path).redirectErrorStream(true).start();
        String code = new String(p.getInputStream().readAllBytes()).trim();
        assertThat(p.waitFor()).as("curl " + path + ": " + code).isZero();
        return new Curl(Integer.parseInt(code), Files.readAllBytes(out));
    }

    @Test
    void curlFetchesFilesOfEverySizeByteForByte() throws Exception {
        for (int size : List.of(0, 1, 4096, 10 << 20)) {
            Curl c = curl("/f" + size);
            assertThat(c.code()).as("size " + size).isEqualTo(200);
            assertThat(c.body()).as("size " + size).isEqualTo(Files.readAllBytes(root.resolve("f" + size)));
        }
        assertThat(curl("/dir/inner").body()).asString().isEqualTo("inner");
        assertThat(curl("/inside").body()).as("a symlink inside the root").isEqualTo(Files.readAllBytes(root.resolve("f4096")));
    }

    @Test
    void nothingOutsideTheRootIsServed() throws Exception {
        assertThat(curl("/missing").code()).isEqualTo(404);
        assertThat(curl("/dir").code()).as("a directory").isEqualTo(404);
        assertThat(curl("/escape").code()).as("a symlink out of the root").isEqualTo(404);
        assertThat(curl("/../secret").code()).isEqualTo(400);
        assertThat(curl("/dir/../../secret").code()).isEqualTo(400);
        assertThat(curl("/%2e%2e/secret").code()).isEqualTo(400);
        assertThat(curl("/dir/%2E%2E/%2e%2e/secret").code()).isEqualTo(400);
        assertThat(curl("/f1%00x").code()).isEqualTo(400);
        assertThat(curl("/").code()).isEqualTo(404);
    }

    @Test
    void aBoundedLoadHasNoErrorsAndTheLoopNeverWaitsForJaio() throws Exception {
        // 1,600 requests, 16 at a time, from one curl process (so every descriptor left open
        // in this JVM afterwards would be the server's): mostly 4 KiB, one in 25 of 10 MiB.
        StringBuilder config = new StringBuilder();
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 1600; i++) {
            boolean big = i % 25 == 0;
            config.append("url = \"").append(url).append(big ? "/f" + (10 << 20) : "/f4096").append("\"\n");
            config.append("output = \"/dev/null\"\n");
            expected.add(big ? 10L << 20 : 4096L);
        }
        Path cfg = Files.writeString(base.resolve("load.curl"), config);
        int fdsBeforeLoad = fds();
        Path errors = base.resolve("load.err");
        Process p = new ProcessBuilder("curl", "-sS", "--no-progress-meter", "--parallel", "--parallel-max", "16",
                "-K", cfg.toString(), "-w", "%{http_code} %{size_download}\n")
                .redirectError(errors.toFile()).start();
        List<String> lines = new String(p.getInputStream().readAllBytes()).lines().toList();
        assertThat(p.waitFor()).as("curl: " + Files.readString(errors)).isZero();
        assertThat(Files.readString(errors)).isEmpty();
        assertThat(lines).hasSize(1600).allMatch(l -> l.startsWith("200 "));
        assertThat(lines.stream().mapToLong(l -> Long.parseLong(l.substring(4))).sum())
                .isEqualTo(expected.stream().mapToLong(Long::longValue).sum());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (fds() > fdsBeforeLoad && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(fds()).as("the server's descriptors after the load: " + describeFds()).isLessThanOrEqualTo(fdsBeforeLoad);
        // Every jaio call made on the loop (a submission, or pollCb) returned at once: the loop
        // never waits for the disk. 50 ms is generous for a shared 2-core machine under load.
        assertThat(server.maxLoopCallNanos()).isLessThan(TimeUnit.MILLISECONDS.toNanos(50));
        for (Aio aio : server.engines()) {
            assertThat(aio.nreqs()).as("nothing left in flight").isZero();
        }
    }

    @Test
    void aSlowRequestDoesNotHoldTheLoopAndItsCallbackRunsOnTheLoop() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        IoEventLoop loop = group.next();
        try (Aio aio = Aio.builder().delivery(Delivery.MANUAL).build(); JaioEventLoop j = JaioEventLoop.register(loop, aio)) {
            CountDownLatch done = new CountDownLatch(1);
            AtomicLong ranOn = new AtomicLong(), callbackOn = new AtomicLong(), loopThread = new AtomicLong();
            long[] submittedAt = new long[1];
            loop.execute(() -> {
                loopThread.set(Thread.currentThread().threadId());
                submittedAt[0] = System.nanoTime();
                aio.busy(Duration.ofMillis(500), (v, e) -> {
                    callbackOn.set(Thread.currentThread().threadId());
                    done.countDown();
                });
            });
            // The loop is free while the request runs: this task runs long before 500 ms.
            long queuedAfter = CompletableFuture.supplyAsync(() -> {
                try {
                    return loop.submit(System::nanoTime).get();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }).get(10, TimeUnit.SECONDS);
            ranOn.set(queuedAfter);
            assertThat(ranOn.get() - submittedAt[0]).isLessThan(TimeUnit.MILLISECONDS.toNanos(200));
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(callbackOn.get()).as("the callback ran on the loop thread").isEqualTo(loopThread.get());
            assertThat(j.polls()).isPositive();
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void theRelativePathRulesRefuseEveryEscape() {
        assertThat(StaticFileServer.relative("/a//b/")).isEqualTo("a/b");
        assertThat(StaticFileServer.relative("/a/../b")).isNull();
        assertThat(StaticFileServer.relative("/./a")).isNull();
        assertThat(StaticFileServer.relative("/a\\..\\b")).isNull();
        assertThat(StaticFileServer.relative("/a\0b")).isNull();
        assertThat(StaticFileServer.relative("/")).isEmpty();
        List<String> ok = new ArrayList<>(List.of("/..a", "/a..", "/.hidden"));
        assertThat(ok).allSatisfy(p -> assertThat(StaticFileServer.relative(p)).isNotNull());
    }
}
