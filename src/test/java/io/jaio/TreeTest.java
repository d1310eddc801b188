package io.jaio;

import io.jaio.Modes.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** rmtree and copyTree on real trees: exact copies, 20,000 entries, failures, cancel, limits, and a symlink race. */
@org.junit.jupiter.api.extension.ExtendWith(LeakCheck.class)
class TreeTest {
    @TempDir
    Path dir;

    static Stream<org.junit.jupiter.params.provider.Arguments> all() {
        return Modes.all();
    }

    static int sh(String... cmd) throws Exception {
        return new ProcessBuilder(cmd).inheritIO().start().waitFor();
    }

    static byte[] out(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] b = p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).as(String.join(" ", cmd)).isZero();
        return b;
    }

    /**
     * Every entry below {@code root}, as bytes, sorted: path, type, mode, size (files), mtime
     * to the nanosecond (not for directories' atime-free checks only) and symlink target. Names
     * and targets stay bytes, so non-UTF-8 ones compare exactly.
     */
    static List<String> listing(Path root) throws Exception {
        byte[] b = out("find", root.toString(), "-mindepth", "1", "-printf", "%P|%y|%m|%U:%G|%s|%T@|%l\\0");
        List<String> l = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                String rec = new String(b, start, i - start, java.nio.charset.StandardCharsets.ISO_8859_1);
                String[] f = rec.split("\\|", -1);
                if (f[1].equals("d") || f[1].equals("l")) {
                    f[4] = "-";    // a directory's size depends on its history, a symlink's is its target's length (compared anyway)
                }
                l.add(String.join("|", f));
                start = i + 1;
            }
        }
        l.sort(null);
        return l;
    }

    /** A tree of every kind, with odd names and times to the nanosecond. */
    static Path oddTree(Path base) throws Exception {
        Path t = Files.createDirectories(base.resolve("src"));
        Files.createDirectories(t.resolve("a/b/c"));
        Files.createDirectories(t.resolve("empty"));
        Files.writeString(t.resolve("a/file"), "hello");
        Files.write(t.resolve("a/b/big"), FileOpsTest.random(3 << 20, 7));
        Files.createFile(t.resolve("a/b/c/zero"));
        Files.writeString(t.resolve("sp ace"), "x");
        Files.createSymbolicLink(t.resolve("a/rel"), Path.of("../sp ace"));
        Files.createSymbolicLink(t.resolve("dangling"), Path.of("/nonexistent/target"));
        Files.createSymbolicLink(t.resolve("dirlink"), Path.of("a"));
        assertThat(sh("mkfifo", t.resolve("fifo").toString())).isZero();
        // non-UTF-8 names and link target, made with the shell so the bytes are exact
        assertThat(sh("sh", "-c", "cd '" + t + "' && printf x > \"$(printf 'bad\\377name')\" && mkdir \"$(printf 'dir\\200')\" "
                + "&& ln -s \"$(printf 'tar\\376get')\" \"$(printf 'lnk\\375')\" && printf y > \"$(printf 'dir\\200')/in\"")).isZero();
        assertThat(sh("chmod", "0640", t.resolve("a/file").toString())).isZero();
        assertThat(sh("chmod", "0711", t.resolve("a/b").toString())).isZero();
        assertThat(sh("chmod", "1777", t.resolve("empty").toString())).isZero();
        Instant when = Instant.parse("2005-06-07T08:09:10.111222333Z");
        // times: touch -h for symlinks' own, then directories last (deepest first)
        assertThat(sh("sh", "-c", "cd '" + t + "' && find . -depth -exec touch -h -d '2005-06-07 08:09:10.111222333 UTC' {} +")).isZero();
        Files.setAttribute(t.resolve("a/file"), "lastModifiedTime", FileTime.from(when.plusNanos(1)));
        return t;
    }

    @ParameterizedTest
    @MethodSource("all")
    void copyTreeCopiesEveryKindExactly(ThreadKind kind, Mode mode) throws Exception {
        Path src = oddTree(dir);
        Path dst = dir.resolve("copy");
        try (Aio aio = Modes.create(kind, mode)) {
            ConcurrentLinkedQueue<String> told = new ConcurrentLinkedQueue<>();
            Req<TreeStats> r = aio.copyTree(src, dst, TreeOptions.defaults().onError((p, e) -> told.add(p + ": " + e)), null);
            CompletableFuture.runAsync(aio::flush).get(60, TimeUnit.SECONDS);
            TreeStats st = r.join();
            assertThat(told).isEmpty();
            assertThat(st.failures()).isZero();
            assertThat(st.directories()).isEqualTo(6);    // the root, a, a/b, a/b/c, empty, dir\200
            assertThat(st.symlinks()).isEqualTo(4);
            assertThat(st.others()).isEqualTo(1);
            assertThat(st.files()).isEqualTo(6);
            aio.flush();    // join returns as the future completes, before the group leaves nreqs
            assertThat(aio.nreqs()).isZero();
        }
        assertThat(listing(dst)).isEqualTo(listing(src));
        assertThat(sh("diff", "-r", "--no-dereference", "-x", "fifo", src.toString(), dst.toString())).isZero();
    }

    /** A directory {@code root} of {@code dirs} directories of {@code files} small files each (file fN holds "N"). */
    private static Path grid(Path root, int dirs, int files) throws java.io.IOException {
        Files.createDirectory(root);
        for (int d = 0; d < dirs; d++) {
            Path sub = Files.createDirectory(root.resolve("d" + d));
            for (int f = 0; f < files; f++) {
                Files.writeString(sub.resolve("f" + f), "" + f);
            }
        }
        return root;
    }

    /**
     * Hard links stay hard links, as with cp -a: every later name of a multiply-linked file
     * links to the first one's copy, many of them in flight at once (limit 4), and a copy with
     * replace over an earlier copy keeps them linked too.
     */
    @Test
    void copyTreeKeepsHardLinks() throws Exception {
        Path src = Files.createDirectories(dir.resolve("links"));
        for (int d = 0; d < 20; d++) {
            Files.createDirectories(src.resolve("d" + d));
        }
        for (int f = 0; f < 50; f++) {
            Path first = Files.writeString(src.resolve("d0").resolve("f" + f), "file " + f);
            for (int d = 1; d < 20; d++) {
                Files.createLink(src.resolve("d" + d).resolve("f" + f), first);
            }
            Files.writeString(src.resolve("d" + (f % 20)).resolve("solo" + f), "solo " + f);
        }
        Path copy = dir.resolve("copy");
        try (Aio aio = Aio.create()) {
            int fds = EngineTest.openFds();
            for (boolean replace : new boolean[] {false, true}) {
                TreeStats st = aio.copyTree(src, copy, TreeOptions.defaults().limit(4).replace(replace), null).join();
                assertThat(st.failures()).isZero();
                assertThat(st.files()).isEqualTo(50 * 20 + 50);
                assertThat(st.bytes()).as("each linked file's data copied once").isEqualTo(50 * "file 0".length() + 40 + 50 * "solo 0".length() + 40);
                for (int f = 0; f < 50; f++) {
                    Object ino = Files.getAttribute(copy.resolve("d0").resolve("f" + f), "unix:ino");
                    assertThat(ino).isNotEqualTo(Files.getAttribute(src.resolve("d0").resolve("f" + f), "unix:ino"));
                    for (int d = 0; d < 20; d++) {
                        Path p = copy.resolve("d" + d).resolve("f" + f);
                        assertThat(Files.getAttribute(p, "unix:ino")).isEqualTo(ino);
                        assertThat(Files.getAttribute(p, "unix:nlink")).isEqualTo(20);
                    }
                    assertThat(Files.readString(copy.resolve("d7").resolve("f" + f))).isEqualTo("file " + f);
                    assertThat(Files.getAttribute(copy.resolve("d" + (f % 20)).resolve("solo" + f), "unix:nlink")).isEqualTo(1);
                }
                assertThat(EngineTest.openFds()).as("every directory held for links let go").isEqualTo(fds);
            }
            aio.flush();
            assertThat(aio.nreqs()).isZero();
        }
    }

    /**
     * Files whose other names lie outside the tree: each in-tree name is copied as a file of
     * its own (as cp -a does), a pair of names inside each directory still comes out linked,
     * the directories held open for names never met stay within the limit (lowered here to
     * 256; by default a quarter of the descriptor limit), and all are let go when the walk ends.
     */
    @Test
    void copyTreeWithLinksOutsideTheTreeHoldsABoundedNumberOfDirectories() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path src = Files.createDirectories(dir.resolve("tree"));
        for (int d = 0; d < 600; d++) {
            Path sub = Files.createDirectories(src.resolve("d" + d));
            Path f = Files.writeString(sub.resolve("f"), "data " + d);
            Files.createLink(outside.resolve("o" + d), f);
            Files.createLink(sub.resolve("b"), Files.writeString(sub.resolve("a"), "pair " + d));
        }
        int limit = Trees.Copy.maxLinkDirs;
        Trees.Copy.maxLinkDirs = 256;
        try (Aio aio = Aio.create()) {
            for (int cap : new int[] {256, limit}) {
                Trees.Copy.maxLinkDirs = cap;
                Path copy = dir.resolve("copy" + cap);
                int fds = EngineTest.openFds();
                AtomicInteger most = new AtomicInteger();
                TreeStats st = aio.copyTree(src, copy, TreeOptions.defaults().limit(16)
                        .onProgress((entries, bytes) -> most.accumulateAndGet(EngineTest.openFds(), Math::max)), null).join();
                assertThat(st.failures()).isZero();
                assertThat(st.files()).isEqualTo(600 * 3);
                // per request in flight at most a source, a destination and a directory, beside those held
                assertThat(most.get() - fds).as("descriptors open at once during the walk").isLessThanOrEqualTo(Math.min(cap, 600) + 16 * 3 + 32);
                int linkedPairs = 0;
                for (int d = 0; d < 600; d++) {
                    Path p = copy.resolve("d" + d).resolve("f");
                    assertThat(Files.readString(p)).isEqualTo("data " + d);
                    assertThat(Files.getAttribute(p, "unix:nlink")).isEqualTo(1);
                    assertThat(Files.readString(copy.resolve("d" + d).resolve("b"))).isEqualTo("pair " + d);
                    if (Files.getAttribute(copy.resolve("d" + d).resolve("a"), "unix:ino")
                            .equals(Files.getAttribute(copy.resolve("d" + d).resolve("b"), "unix:ino"))) {
                        linkedPairs++;
                    }
                }
                if (cap >= 600 + 600) {
                    assertThat(linkedPairs).as("every pair linked when the limit leaves room").isEqualTo(600);
                } else {
                    assertThat(linkedPairs).as("at least the directories held for links keep their pairs").isGreaterThanOrEqualTo(Math.min(cap, 600) / 2);
                }
                assertThat(EngineTest.openFds()).isEqualTo(fds);
            }
        } finally {
            Trees.Copy.maxLinkDirs = limit;
        }
    }

    /**
     * Where the first copy of a multiply-linked file fails (its name exists and replace is
     * off), the next name becomes the first copy and the rest link to it, as GNU cp forgets a
     * failed copy: whichever name the walk meets first, the two that could be copied share
     * one inode.
     */
    @Test
    void aFailedFirstCopyPassesToTheNextName() throws Exception {
        Path src = Files.createDirectories(dir.resolve("s"));
        Path f = Files.writeString(src.resolve("f"), "one inode");
        Files.createLink(src.resolve("g"), f);
        Files.createLink(src.resolve("h"), f);
        Path copy = Files.createDirectories(dir.resolve("c"));
        Files.writeString(copy.resolve("g"), "in the way");
        try (Aio aio = Aio.create()) {
            List<String> failed = new ArrayList<>();
            assertThatThrownBy(() -> aio.copyTree(src, copy, TreeOptions.defaults().onError((p, e) -> failed.add(p)), null).join())
                    .hasRootCauseInstanceOf(ErrnoException.class);
            assertThat(failed).containsExactly(copy.resolve("g").toString());
            assertThat(Files.readString(copy.resolve("g"))).isEqualTo("in the way");
            assertThat(Files.readString(copy.resolve("f"))).isEqualTo("one inode");
            assertThat(Files.getAttribute(copy.resolve("f"), "unix:ino")).isEqualTo(Files.getAttribute(copy.resolve("h"), "unix:ino"));
            assertThat(Files.getAttribute(copy.resolve("f"), "unix:nlink")).isEqualTo(2);
        }
    }

    @Test
    void copyTreeAndRmtreeOf20000Entries() throws Exception {
        Path src = grid(dir.resolve("big"), 200, 100);
        try (Aio aio = Aio.create()) {
            TreeStats copied = aio.copyTree(src, dir.resolve("copy"), TreeOptions.defaults().limit(32), null).join();
            assertThat(copied.entries()).isEqualTo(20_201);
            assertThat(copied.files()).isEqualTo(20_000);
            assertThat(listing(dir.resolve("copy"))).isEqualTo(listing(src));
            TreeStats removed = aio.rmtree(dir.resolve("copy")).join();
            assertThat(removed.entries()).isEqualTo(20_201);
            assertThat(Files.exists(dir.resolve("copy"))).isFalse();
            aio.flush();
            assertThat(aio.nreqs()).isZero();
        }
    }

    /**
     * The progress listener hears running totals that only grow and end within the result, for
     * a copy and a removal; one that throws does not stop the walk.
     */
    @Test
    void progressIsReportedAsTheWalkGoesAndAThrowingListenerIsIgnored() throws Exception {
        Path src = grid(dir.resolve("p"), 20, 50);
        try (Aio aio = Aio.create()) {
            List<long[]> heard = new ArrayList<>();
            TreeStats copied = aio.copyTree(src, dir.resolve("copy"),
                    TreeOptions.defaults().onProgress((n, b) -> heard.add(new long[] {n, b})), null).join();
            assertThat(copied.entries()).isEqualTo(1 + 20 + 1000);
            assertThat(heard).hasSizeGreaterThan(100);
            for (int i = 1; i < heard.size(); i++) {
                assertThat(heard.get(i)[0]).isGreaterThanOrEqualTo(heard.get(i - 1)[0]);
                assertThat(heard.get(i)[1]).isGreaterThanOrEqualTo(heard.get(i - 1)[1]);
            }
            long[] last = heard.get(heard.size() - 1);
            assertThat(last[0]).isBetween(copied.entries() / 2, copied.entries());
            assertThat(last[1]).isBetween(copied.bytes() / 2, copied.bytes());

            TreeStats removed = aio.rmtree(dir.resolve("copy"), TreeOptions.defaults().onProgress((n, b) -> {
                throw new IllegalStateException("a broken display");
            }), null).join();
            assertThat(removed.entries()).isEqualTo(copied.entries());
            assertThat(removed.failures()).isZero();
            assertThat(Files.exists(dir.resolve("copy"))).isFalse();
        }
    }

    @Test
    void theGroupLimitBoundsRequestsInFlight() throws Exception {
        Path src = oddTree(dir);
        try (Aio aio = Aio.create()) {
            AtomicInteger max = new AtomicInteger();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread sampler = Thread.ofPlatform().start(() -> {
                while (running.get()) {
                    max.accumulateAndGet(aio.nreqs(), Math::max);
                }
            });
            aio.copyTree(src, dir.resolve("copy"), TreeOptions.defaults().limit(3), null).join();
            aio.flush();
            aio.rmtree(dir.resolve("copy"), TreeOptions.defaults().limit(2), null).join();
            aio.flush();
            running.set(false);
            sampler.join();
            // The member being delivered still counts while the feeder replaces it (as in IO::AIO,
            // whose group hears of a member in poll_cb before the member is freed).
            assertThat(max.get()).as("members in flight + the one being delivered + the group").isLessThanOrEqualTo(3 + 2);
            assertThat(aio.nreqs()).isZero();
            assertThat(max.get()).isGreaterThan(1);
        }
    }

    @Test
    void failuresAreReportedWithTheirPathsAndTheWalkGoesOn() throws Exception {
        Path src = oddTree(dir);
        Path dst = dir.resolve("copy");
        try (Aio aio = Aio.create()) {
            aio.copyTree(src, dst).join();
            Files.writeString(dst.resolve("a/file"), "changed");
            ConcurrentLinkedQueue<String> told = new ConcurrentLinkedQueue<>();
            Req<TreeStats> again = aio.copyTree(src, dst, TreeOptions.defaults().onError((p, e) -> told.add(p + ": " + e.getMessage())), null);
            Throwable e = FileOpsTest.failure(again);
            // every existing file and symlink is refused (EEXIST), each named; directories are merged into
            assertThat(e).isInstanceOf(ErrnoException.class);
            assertThat(told).hasSize(6 + 4 + 1);
            assertThat(told).anySatisfy(s -> assertThat(s).startsWith(dst.resolve("a/file").toString()).contains("EEXIST"));
            assertThat(e.getSuppressed()).hasSize(10);
            assertThat(Files.readString(dst.resolve("a/file"))).isEqualTo("changed");
            // with replace, the copy is exact again
            TreeStats st = aio.copyTree(src, dst, TreeOptions.defaults().replace(true), null).join();
            assertThat(st.failures()).isZero();
            assertThat(listing(dst)).isEqualTo(listing(src));
            // a source that vanished, a destination under a file
            assertThat(((ErrnoException) FileOpsTest.failure(aio.copyTree(dir.resolve("missing"), dir.resolve("x")))).errnoName())
                    .isEqualTo("ENOENT");
            assertThatThrownBy(() -> aio.copyTree(src, src.resolve("sp ace/x"))).isInstanceOf(IllegalArgumentException.class);
            assertThat(((ErrnoException) FileOpsTest.failure(aio.copyTree(src, dst.resolve("sp ace/x")))).errnoName())
                    .isEqualTo("ENOTDIR");
            assertThat(((ErrnoException) FileOpsTest.failure(aio.rmtree(dir.resolve("missing")))).errnoName()).isEqualTo("ENOENT");
        }
    }

    @Test
    void aDestinationInsideTheSourceThroughASymlinkIsNotCopiedIntoItself() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/sub"));
        Files.writeString(src.resolve("f"), "f");
        Files.createSymbolicLink(dir.resolve("alias"), dir.resolve("src"));
        try (Aio aio = Aio.create()) {
            Throwable e = FileOpsTest.failure(aio.copyTree(dir.resolve("src"), dir.resolve("alias/copy")));
            assertThat(e).hasMessageContaining("into itself");
            assertThat(Files.readString(dir.resolve("src/copy/sub/f"))).isEqualTo("f");
            assertThat(Files.exists(dir.resolve("src/copy/copy"))).isFalse();
        }
    }

    @Test
    void rmtreeRefusesDotAndDotDotAndTheRoot() {
        try (Aio aio = Aio.create()) {
            for (String p : new String[] {"/", "/..", "/.", dir + "/..", dir + "/.", ".", ".."}) {
                assertThatThrownBy(() -> aio.rmtree(Path.of(p))).as(p).isInstanceOf(IllegalArgumentException.class);
            }
            assertThat(Files.isDirectory(dir)).isTrue();
        }
    }

    /** Replacing a file that is a hard link to its own source must not truncate the source. */
    @Test
    void replacingAHardLinkToTheSourceNeverTruncatesIt() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("f"), "precious data");
        Path dst = Files.createDirectories(dir.resolve("dst"));
        Files.createLink(dst.resolve("f"), src.resolve("f"));
        try (Aio aio = Aio.create()) {
            aio.copyTree(src, dst, TreeOptions.defaults().replace(true), null).join();
            assertThat(Files.readString(src.resolve("f"))).isEqualTo("precious data");
            assertThat(Files.readString(dst.resolve("f"))).isEqualTo("precious data");
        }
    }

    /** A group's own follow-up requests never wait for room, so a walk under maxOutstanding(1) cannot hang. */
    @Test
    void walksFinishUnderMaxOutstandingOne() throws Exception {
        Path src = oddTree(dir);
        try (Aio aio = Aio.builder().maxOutstanding(1).build()) {
            CompletableFuture.runAsync(() -> {
                aio.copyTree(src, dir.resolve("copy")).join();
                aio.flush();
                aio.rmtree(dir.resolve("copy")).join();
            }).get(60, TimeUnit.SECONDS);
            assertThat(Files.exists(dir.resolve("copy"))).isFalse();
        }
    }

    @Test
    void rmtreeRemovesASymlinkRootAndAFileRootWithoutFollowing() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("keep"), "k");
        Files.createSymbolicLink(dir.resolve("link"), outside);
        Files.writeString(dir.resolve("file"), "f");
        try (Aio aio = Aio.create()) {
            assertThat(aio.rmtree(dir.resolve("link")).join().symlinks()).isEqualTo(1);
            assertThat(aio.rmtree(dir.resolve("file")).join().files()).isEqualTo(1);
            assertThat(Files.readString(outside.resolve("keep"))).isEqualTo("k");
            assertThat(Files.exists(dir.resolve("link"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        }
    }

    @Test
    void cancellingAWalkStopsItAndLeavesNothingOutstanding() throws Exception {
        Path src = Files.createDirectory(dir.resolve("big"));
        for (int d = 0; d < 50; d++) {
            Path sub = Files.createDirectory(src.resolve("d" + d));
            for (int f = 0; f < 40; f++) {
                Files.writeString(sub.resolve("f" + f), "" + f);
            }
        }
        try (Aio aio = Aio.create()) {
            AtomicInteger errors = new AtomicInteger();
            Req<TreeStats> r = aio.copyTree(src, dir.resolve("copy"), TreeOptions.defaults().limit(4)
                    .onError((p, e) -> errors.incrementAndGet()), null);
            // cancel once the walk is under way: its first directory made (a fixed 20 ms was
            // sometimes too short on a loaded machine, and nothing had been made yet)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.exists(dir.resolve("copy")) && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            Thread.sleep(20);
            assertThat(r.cancel(false)).isTrue();
            assertThatThrownBy(r::join).isInstanceOf(CancellationException.class);
            aio.flush();
            assertThat(aio.nreqs()).isZero();
            long copied;
            try (Stream<Path> s = Files.walk(dir.resolve("copy"))) {
                copied = s.count();
            }
            assertThat(copied).isLessThan(2_051);
            // what was copied is whole: a copy is atomic, so no file is half there
            try (Stream<Path> s = Files.walk(dir.resolve("copy"))) {
                s.filter(Files::isRegularFile).forEach(p -> assertThat(p.getFileName().toString()).startsWith("f"));
            }
            // and the rest can be finished, then all removed
            aio.copyTree(src, dir.resolve("copy")).handle((v, e) -> null).join();
            aio.rmtree(dir.resolve("copy")).join();
        }
    }

    /**
     * The CVE-2022-21658 class: while rmtree runs, another thread keeps swapping a directory of
     * the tree for a symlink to a directory outside it. The outside directory must survive.
     */
    @Test
    void rmtreeNeverDeletesOutsideTheTreeWhileADirectoryIsSwappedForASymlink() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.createDirectories(outside.resolve("deep"));
        for (int i = 0; i < 20; i++) {
            Files.writeString(outside.resolve("o" + i), "precious");
            Files.writeString(outside.resolve("deep/o" + i), "precious");
        }
        int succeeded = 0;
        try (Aio aio = Aio.create()) {
            for (int round = 0; round < 200; round++) {
                Path t = Files.createDirectories(dir.resolve("t" + round));
                Path sub = Files.createDirectories(t.resolve("sub/deeper"));
                for (int i = 0; i < 10; i++) {
                    Files.writeString(sub.resolve("f" + i), "x");
                    Files.writeString(t.resolve("sub/g" + i), "x");
                    Files.writeString(t.resolve("h" + i), "x");
                }
                AtomicBoolean stop = new AtomicBoolean();
                Thread attacker = Thread.ofPlatform().start(() -> {
                    Path victim = t.resolve("sub"), away = t.resolve("away");
                    while (!stop.get()) {
                        try {
                            Files.move(victim, away);
                            Files.createSymbolicLink(victim, outside);
                            Thread.onSpinWait();
                            Files.delete(victim);
                            Files.move(away, victim);
                        } catch (Exception e) {
                            // rmtree removed part of it meanwhile: keep trying what still works
                            try {
                                Files.createSymbolicLink(victim, outside);
                            } catch (Exception ignored) {
                                // exists
                            }
                        }
                    }
                });
                try {
                    aio.rmtree(t).join();
                    succeeded++;
                } catch (Exception e) {
                    // the race may make it fail (a directory moved away under it); it must never reach outside
                } finally {
                    stop.set(true);
                    attacker.join();
                }
                for (int i = 0; i < 20; i++) {
                    assertThat(Files.readString(outside.resolve("o" + i))).as("round " + round).isEqualTo("precious");
                    assertThat(Files.readString(outside.resolve("deep/o" + i))).as("round " + round).isEqualTo("precious");
                }
                new ProcessBuilder("rm", "-rf", t.toString()).start().waitFor();
            }
            aio.flush();
            assertThat(aio.nreqs()).isZero();
        }
        assertThat(succeeded).as("rounds where rmtree won the race outright").isGreaterThanOrEqualTo(0);
        assertThat(Arrays.asList(outside.toFile().list())).hasSize(21);
    }
}
