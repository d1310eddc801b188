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
    void aScandirCountsAsOneRequestUntilDelivered(ThreadKind kind, Mode mode) throws Exception {
        aio = Modes.create(kind, mode);
        Path root = tree();
        Req<ScanResult> r = aio.scandir(root, 2);
        if (mode == Mode.MANUAL) {
            assertThat(aio.nreqs()).as("counted until pollCb hands it over").isEqualTo(1);
        }
        assertThat(r.cancel(false)).as("a group cannot be cancelled").isFalse();
        aio.flush();
        assertThat(r.join().dirs()).hasSize(8);
        assertThat(aio.nreqs()).isZero();
    }
}
