package io.jaio;

import io.jaio.Modes.Mode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.jaio.Modes.failure;
import static io.jaio.Modes.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** scandir's answer is exact on every kind of entry, by the fast route and the slow one. */
@org.junit.jupiter.api.extension.ExtendWith(LeakCheck.class)
class ScandirTest {
    @TempDir
    Path dir;
    Aio aio;

    @AfterEach
    void tearDown() {
        Scandir.afterReaddirHook = null;
        Scandir.routeHook = null;
        if (aio != null) aio.close();
    }

    /** 12 files, 7 directories, symlinks to a dir, to a file, dangling, and to outside the tree. */
    Path tree() throws IOException {
        Path root = Files.createDirectory(dir.resolve("root"));
        for (int i = 0; i < 12; i++) Files.writeString(root.resolve("file" + i), "x");
        for (int i = 0; i < 7; i++) Files.createDirectories(root.resolve("dir" + i).resolve("nested"));
        Files.createDirectory(root.resolve("odd name\nwith newline"));
        Files.createSymbolicLink(root.resolve("link-to-dir"), Path.of("dir0"));
        Files.createSymbolicLink(root.resolve("link-to-file"), Path.of("file0"));
        Files.createSymbolicLink(root.resolve("dangling"), Path.of("nowhere"));
        Files.createSymbolicLink(root.resolve("escape"), dir);
        Files.createFile(root.resolve("fifo-like-but-file"));
        return root;
    }

    static List<String> expectedDirs() {
        var l = new java.util.ArrayList<String>();
        for (int i = 0; i < 7; i++) l.add("dir" + i);
        l.add("odd name\nwith newline");
        return l;
    }

    static List<String> expectedNondirs() {
        var l = new java.util.ArrayList<String>();
        for (int i = 0; i < 12; i++) l.add("file" + i);
        l.addAll(List.of("link-to-dir", "link-to-file", "dangling", "escape", "fifo-like-but-file"));
        return l;
    }

    void age(Path p) throws IOException {
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(3600)));
    }

    @ParameterizedTest
    @MethodSource("io.jaio.Modes#all")
    void fastRouteIsExact(ThreadKind kind, Mode mode) throws Exception {
        aio = Modes.create(kind, mode);
        Path root = tree();
        age(root);
        List<Boolean> routes = new CopyOnWriteArrayList<>();
        Scandir.routeHook = routes::add;
        ScanResult r = get(aio, aio.scandir(root, 0));
        assertThat(routes).containsExactly(false);
        assertThat(r.dirs()).containsExactlyInAnyOrderElementsOf(expectedDirs());
        assertThat(r.nondirs()).containsExactlyInAnyOrderElementsOf(expectedNondirs());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 64})
    void slowRouteWhenTheDirectoryChangesBetweenTheTwoStats(int maxreq) throws Exception {
        aio = Aio.create();
        Path root = tree();
        age(root);
        List<Boolean> routes = new CopyOnWriteArrayList<>();
        Scandir.routeHook = routes::add;
        AtomicBoolean once = new AtomicBoolean();
        Scandir.afterReaddirHook = () -> {
            if (once.compareAndSet(false, true)) {
                try {
                    Files.createDirectory(root.resolve("made-after-readdir"));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
        ScanResult r = get(aio, aio.scandir(root, maxreq));
        assertThat(routes).containsExactly(true);
        // the listing is the one readdir saw; everything in it is classified exactly
        assertThat(r.dirs()).containsExactlyInAnyOrderElementsOf(expectedDirs());
        assertThat(r.nondirs()).containsExactlyInAnyOrderElementsOf(expectedNondirs());
    }

    @ParameterizedTest
    @MethodSource("io.jaio.Modes#all")
    void aDirectoryModifiedThisSecondTakesTheSlowRoute(ThreadKind kind, Mode mode) throws Exception {
        aio = Modes.create(kind, mode);
        Path root = tree();
        List<Boolean> routes = new CopyOnWriteArrayList<>();
        Scandir.routeHook = routes::add;
        ScanResult r;
        for (;;) {    // retry if the clock ticked into the next second during the scan
            routes.clear();
            long before = Instant.now().getEpochSecond();
            Files.setLastModifiedTime(root, FileTime.from(Instant.now()));
            r = get(aio, aio.scandir(root, 3));
            if (Instant.now().getEpochSecond() == before) break;
        }
        assertThat(routes).containsExactly(true);
        assertThat(r.dirs()).containsExactlyInAnyOrderElementsOf(expectedDirs());
        assertThat(r.nondirs()).containsExactlyInAnyOrderElementsOf(expectedNondirs());
    }

    @ParameterizedTest
    @MethodSource("io.jaio.Modes#all")
    void noSubdirectoriesAndEmptyDirectories(ThreadKind kind, Mode mode) throws Exception {
        aio = Modes.create(kind, mode);
        Path flat = Files.createDirectory(dir.resolve("flat"));
        for (int i = 0; i < 5; i++) Files.writeString(flat.resolve("f" + i), "");
        Files.createSymbolicLink(flat.resolve("l"), dir);
        age(flat);
        ScanResult r = get(aio, aio.scandir(flat, 0));
        assertThat(r.dirs()).isEmpty();
        assertThat(r.nondirs()).containsExactlyInAnyOrder("f0", "f1", "f2", "f3", "f4", "l");
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertThat(get(aio, aio.scandir(empty, 0))).isEqualTo(new ScanResult(List.of(), List.of()));
    }

    @ParameterizedTest
    @MethodSource("io.jaio.Modes#all")
    void errorsAndBadInput(ThreadKind kind, Mode mode) throws Exception {
        aio = Modes.create(kind, mode);
        Throwable t = failure(aio, aio.scandir(dir.resolve("missing"), 0));
        assertThat(t).isInstanceOf(ErrnoException.class);
        assertThat(((ErrnoException) t).errnoName()).isEqualTo("ENOENT");
        Path file = Files.writeString(dir.resolve("file"), "");
        assertThat(((ErrnoException) failure(aio, aio.scandir(file, 0))).errnoName()).isEqualTo("ENOTDIR");
        assertThatThrownBy(() -> aio.scandir(dir, 1_000_000)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxreq");
        assertThatThrownBy(() -> aio.scandir(null, 0)).isInstanceOf(NullPointerException.class);
    }

    @ParameterizedTest
    @MethodSource("io.jaio.Modes#all")
    void aScandirAndItsChildrenCountInNreqsUntilDelivered(ThreadKind kind, Mode mode) throws Exception {
        aio = Modes.create(kind, mode);
        aio.maxParallel(0);    // paused: the group and its first stat wait, deterministically
        Path root = tree();
        Req<ScanResult> r = aio.scandir(root, 2);
        assertThat(aio.nreqs()).as("the group and its first child").isEqualTo(2);
        aio.minParallel(2);
        aio.flush();
        assertThat(r.join().dirs()).hasSize(8);
        assertThat(aio.nreqs()).isZero();
    }

    @ParameterizedTest
    @MethodSource("io.jaio.Modes#all")
    void cancellingAScandirCancelsItsChildrenAndSkipsItsCallback(ThreadKind kind, Mode mode) throws Exception {
        aio = Modes.create(kind, mode);
        aio.maxParallel(0);
        Path root = tree();
        java.util.concurrent.atomic.AtomicInteger callbacks = new java.util.concurrent.atomic.AtomicInteger();
        Req<ScanResult> r = aio.scandir(root, 2, (res, e) -> callbacks.incrementAndGet());
        assertThat(r.cancel(false)).isTrue();
        assertThat(r).isCancelled();
        assertThat(aio.nready()).as("its queued child was cancelled").isZero();
        aio.minParallel(2);
        aio.flush();
        assertThat(callbacks).hasValue(0);
        assertThat(r.cancel(false)).isFalse();
        assertThat(aio.nreqs()).isZero();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aScandirsProbesStayWithinMaxOutstanding(boolean virtual) throws Exception {
        Path root = Files.createDirectory(dir.resolve("wide"));
        for (int i = 0; i < 300; i++) Files.createDirectory(root.resolve("d" + i));
        for (int i = 0; i < 300; i++) Files.createFile(root.resolve("f" + i));
        aio = Aio.builder().threads(virtual ? ThreadKind.VIRTUAL : ThreadKind.PLATFORM)
                .minParallel(2).maxParallel(2).maxOutstanding(8).build();
        Scandir.routeHook = slow -> { };
        java.util.concurrent.atomic.AtomicInteger maxSeen = new java.util.concurrent.atomic.AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        Thread sampler = Thread.ofPlatform().start(() -> {
            while (!stop.get()) maxSeen.accumulateAndGet(aio.nreqs(), Math::max);
        });
        Req<ScanResult> r = aio.scandir(root, 64);
        ScanResult res = r.join();
        stop.set(true);
        sampler.join();
        assertThat(res.dirs()).hasSize(300);
        assertThat(res.nondirs()).hasSize(300);
        // maxOutstanding, plus per worker one continuation queueing its successor before its
        // own child stops counting and one racing the room check (the Scandir class comment).
        assertThat(maxSeen.get()).isLessThanOrEqualTo(8 + 2 * 2);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void closeRacingTwoHundredScandirsNeverGivesAWrongAnswer(boolean virtual) throws Exception {
        Path root = Files.createDirectory(dir.resolve("race"));
        for (int d = 0; d < 200; d++) {
            Path sub = Files.createDirectory(root.resolve("d" + d));
            Files.createDirectory(sub.resolve("a"));
            Files.createDirectory(sub.resolve("b"));
            Files.createFile(sub.resolve("x"));
            Files.createFile(sub.resolve("y"));
            Files.createSymbolicLink(sub.resolve("l"), Path.of("a"));
        }
        java.util.Random rnd = new java.util.Random(42);
        int failed = 0, succeeded = 0;
        for (int round = 0; round < 100; round++) {
            Aio a = Aio.builder().threads(virtual ? ThreadKind.VIRTUAL : ThreadKind.PLATFORM).build();
            java.util.List<Req<ScanResult>> reqs = new java.util.ArrayList<>();
            for (int d = 0; d < 200; d++) reqs.add(a.scandir(root.resolve("d" + d), 2));
            if (rnd.nextBoolean()) Thread.sleep(0, rnd.nextInt(500_000));
            a.close(true);
            for (Req<ScanResult> r : reqs) {
                assertThat(r).isDone();
                if (r.isCompletedExceptionally()) {
                    failed++;
                    continue;
                }
                succeeded++;
                ScanResult res = r.join();
                assertThat(res.dirs()).containsExactlyInAnyOrder("a", "b");
                assertThat(res.nondirs()).containsExactlyInAnyOrder("x", "y", "l");
            }
            assertThat(a.nreqs()).isZero();
        }
        assertThat(failed + succeeded).isEqualTo(200 * 100);
    }
}
