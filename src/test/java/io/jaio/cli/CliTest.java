package io.jaio.cli;

import io.jaio.internal.sys.Sys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Each command run in-process against generated trees. */
class CliTest {
    @TempDir
    Path dir;

    record Result(int code, byte[] out, String err) {
        String outText() {
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(out, true), new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    /** Creates {@code name} (raw bytes) under {@code parent} through the sys layer. */
    static void rawFile(Path parent, byte[] name, String content) {
        try (Arena a = Arena.ofConfined()) {
            byte[] p = (parent + "/").getBytes(StandardCharsets.UTF_8);
            MemorySegment c = a.allocate(p.length + name.length + 1);
            MemorySegment.copy(p, 0, c, ValueLayout.JAVA_BYTE, 0, p.length);
            MemorySegment.copy(name, 0, c, ValueLayout.JAVA_BYTE, p.length, name.length);
            Sys sys = Sys.current();
            int fd = sys.open(c, io.jaio.Fcntl.O_CREAT | io.jaio.Fcntl.O_WRONLY | io.jaio.Fcntl.O_CLOEXEC, 0644);
            assertThat(fd).isGreaterThanOrEqualTo(0);
            byte[] b = content.getBytes(StandardCharsets.UTF_8);
            assertThat(sys.write(fd, a.allocateFrom(content), b.length)).isEqualTo(b.length);
            sys.close(fd);
        }
    }

    /** A tree with nesting, odd names, symlinks (to a dir, a file, dangling, out of the tree). */
    Path tree() throws Exception {
        Path root = Files.createDirectory(dir.resolve("tree"));
        Random r = new Random(5);
        for (int d = 0; d < 6; d++) {
            Path sub = Files.createDirectories(root.resolve("d" + d).resolve("inner " + d));
            for (int f = 0; f < 20; f++) {
                byte[] data = new byte[r.nextInt(5000)];
                r.nextBytes(data);
                Files.write(sub.resolve("f" + f), data);
                Files.write(root.resolve("d" + d).resolve("g" + f), data);
            }
        }
        Files.writeString(root.resolve("new\nline"), "x");
        Files.writeString(root.resolve("sp ace"), "y");
        rawFile(root.resolve("d0"), new byte[] {'b', 'a', 'd', (byte) 0xff, (byte) 0xfe}, "raw");
        Files.createSymbolicLink(root.resolve("to-dir"), Path.of("d1"));
        Files.createSymbolicLink(root.resolve("to-file"), Path.of("sp ace"));
        Files.createSymbolicLink(root.resolve("dangling"), Path.of("nowhere"));
        Files.createSymbolicLink(root.resolve("out"), dir);
        Files.setPosixFilePermissions(root.resolve("sp ace"), java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x---"));
        return root;
    }

    static Set<String> split0(byte[] b) {
        Set<String> s = new HashSet<>();
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                s.add(HexFormat.of().formatHex(Arrays.copyOfRange(b, start, i)));
                start = i + 1;
            }
        }
        return s;
    }

    static byte[] exec(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        p.getOutputStream().close();
        byte[] out;
        try (var in = p.getInputStream(); var err = p.getErrorStream()) {
            out = in.readAllBytes();
            err.readAllBytes();
        }
        assertThat(p.waitFor()).isZero();
        return out;
    }

    @Test
    void treescanPrintsExactlyWhatFindPrints() throws Exception {
        Path root = tree();
        for (String parallel : new String[] {"1", "8"}) {
            Result r = run("treescan", "-0", "--parallel", parallel, "--maxreq", "3", root.toString());
            assertThat(r.code()).as(r.err()).isZero();
            Set<String> jaio = split0(r.out());
            Set<String> find = split0(exec("find", root.toString(), "-print0"));
            assertThat(jaio).hasSize(find.size()).isEqualTo(find);
        }
        Result nl = run("treescan", "--virtual", root.resolve("d2").toString());
        assertThat(nl.outText().lines().count()).isEqualTo(new String(exec("find", root.resolve("d2").toString()), StandardCharsets.UTF_8).lines().count());
    }

    @Test
    void treescanCountsDirectoriesFilesAndBytes() throws Exception {
        Path root = tree();
        Result r = run("treescan", "--count", root.toString());
        assertThat(r.code()).isZero();
        long dirs = Long.parseLong(new String(exec("sh", "-c", "find \"$1\" -type d | wc -l", "sh", root.toString())).trim());
        long files = Long.parseLong(new String(exec("sh", "-c", "find \"$1\" ! -type d -printf x | wc -c", "sh", root.toString())).trim());
        long bytes = Long.parseLong(new String(exec("sh", "-c", "find \"$1\" ! -type d -printf '%s\\n' | awk '{s+=$1} END {print s}'", "sh", root.toString())).trim());
        assertThat(r.outText()).isEqualTo("directories " + dirs + "\nfiles " + files + "\nbytes " + bytes + "\n");
    }

    @Test
    void treescanReportsAFailedPathAndGoesOn() throws Exception {
        Path root = tree();
        Result r = run("treescan", dir.resolve("missing").toString(), root.resolve("d3").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("missing").contains("ENOENT");
        assertThat(r.outText()).contains(root.resolve("d3").resolve("g7").toString());
        assertThat(run("treescan", "--count", root.resolve("to-dir").toString()).outText())
                .as("a symlink root is not followed").startsWith("directories 0\nfiles 1\n");
    }

    @Test
    void cpCopiesATreeByteForByteWithModesAndTimes() throws Exception {
        Path root = tree();
        Instant old = Instant.parse("2012-03-04T05:06:07.123456789Z");
        Files.setLastModifiedTime(root.resolve("d4").resolve("g3"), FileTime.from(old));
        Files.setLastModifiedTime(root.resolve("d5"), FileTime.from(old));
        Path copy = dir.resolve("copy");
        Result r = run("cp", root.toString(), copy.toString());
        assertThat(r.code()).as(r.err()).isZero();
        Set<String> a = split0(exec("sh", "-c", "cd \"$1\" && find . -print0", "sh", root.toString()));
        Set<String> b = split0(exec("sh", "-c", "cd \"$1\" && find . -print0", "sh", copy.toString()));
        assertThat(b).isEqualTo(a);
        try (var walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (p.toString().contains("\uFFFD")) {
                    continue;    // java.nio cannot name it again from a String; find checked it above
                }
                Path q = copy.resolve(root.relativize(p).toString());
                assertThat(Files.getAttribute(q, "unix:mode", LinkOption.NOFOLLOW_LINKS))
                        .as("mode of %s", q).isEqualTo(Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS));
                if (Files.isSymbolicLink(p)) {
                    assertThat(Files.readSymbolicLink(q)).isEqualTo(Files.readSymbolicLink(p));
                } else {
                    assertThat(Files.getLastModifiedTime(q)).as("mtime of %s", q).isEqualTo(Files.getLastModifiedTime(p));
                    if (Files.isRegularFile(p)) {
                        assertThat(Files.readAllBytes(q)).as("bytes of %s", q).isEqualTo(Files.readAllBytes(p));
                    }
                }
            }
        }
        assertThat(Files.getLastModifiedTime(copy.resolve("d4/g3")).toInstant()).isEqualTo(old);
        byte[] bad = {'b', 'a', 'd', (byte) 0xff, (byte) 0xfe};
        assertThat(split0(exec("sh", "-c", "cd \"$1\"/d0 && find . -maxdepth 1 -name 'bad*' -print0", "sh", copy.toString())))
                .containsExactly(HexFormat.of().formatHex(("./" + new String(bad, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void cpRefusesToOverwriteUnlessForced() throws Exception {
        Path a = Files.writeString(dir.resolve("a"), "new contents");
        Path b = Files.writeString(dir.resolve("b"), "old");
        Result refused = run("cp", a.toString(), b.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("exists").contains("--force");
        assertThat(Files.readString(b)).isEqualTo("old");
        Result forced = run("cp", "--force", a.toString(), b.toString());
        assertThat(forced.code()).as(forced.err()).isZero();
        assertThat(Files.readString(b)).isEqualTo("new contents");
        Path into = Files.createDirectory(dir.resolve("into"));
        assertThat(run("cp", a.toString(), into.toString()).code()).isZero();
        assertThat(Files.readString(into.resolve("a"))).isEqualTo("new contents");
        Result missing = run("cp", dir.resolve("nope").toString(), dir.resolve("x").toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("ENOENT");
    }

    @Test
    void benchRunsInATinyModeAndCleansUp() throws Exception {
        Path base = Files.createDirectory(dir.resolve("bench"));
        Result r = run("bench", "--size", "2", "--files", "300", "--reads", "2000", "--depth", "8", "--threads", "2",
                "--dir", base.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.outText()).contains("random 4 KiB read").contains("stat").contains("tree scan").contains("x  (JDK:");
        try (var s = Files.list(base)) {
            assertThat(s).as("temporary data removed").isEmpty();
        }
        assertThat(r.err()).as("no progress when stderr is not a terminal").isEmpty();
        assertThat(r.outText()).contains("delivery AUTO");
        boolean perl = new ProcessBuilder("perl", "-MIO::AIO", "-e", "1").start().waitFor() == 0;
        assertThat(r.outText()).contains("readdirx scan").contains(perl ? "IO::AIO readdirx in Perl, 2 threads)" : "not installed");
        Result manual = run("bench", "--size", "2", "--files", "300", "--reads", "2000", "--depth", "8", "--threads", "2",
                "--delivery", "MANUAL", "--dir", base.toString());
        assertThat(manual.code()).as(manual.err()).isZero();
        assertThat(manual.outText()).contains("delivery MANUAL").contains("O_DIRECT 4 KiB read");
        Result bad = run("bench", "--delivery", "SOMETIMES", "--dir", base.toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--delivery").contains("SOMETIMES");
    }

    @Test
    void everyCommandHasHelp() {
        for (String cmd : new String[] {"treescan", "cp", "bench"}) {
            Result r = run(cmd, "--help");
            assertThat(r.code()).isZero();
            assertThat(r.outText()).contains("Usage: jaio " + cmd);
        }
        Result bad = run("treescan", "--no-such-option");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown option");
    }

    /** bin/jaio's cache training runs both short commands for real: the copy it makes is the tree. */
    @Test
    void trainingCopiesTheTreeItScans() throws Exception {
        Path src = Files.createDirectories(dir.resolve("train-src/a/b"));
        Files.writeString(src.resolve("f"), "data");
        Files.writeString(dir.resolve("train-src/g"), "more");
        Path work = dir.resolve("train-work");
        Training.main(new String[] {dir.resolve("train-src").toString(), work.toString()});
        assertThat(Files.readString(work.resolve("copy/a/b/f"))).isEqualTo("data");
        assertThat(Files.readString(work.resolve("copy/g"))).isEqualTo("more");
    }

    /** --stats reports the scan's own time on stderr; the paths on stdout are what they are without it. */
    @Test
    void treescanStatsGoToStderrAndLeaveTheListingAlone() throws Exception {
        Path root = Files.createDirectories(dir.resolve("stats/a"));
        Files.createDirectories(dir.resolve("stats/b"));
        Files.writeString(root.resolve("x"), "1");
        Files.writeString(dir.resolve("stats/b/y"), "2");
        Files.writeString(dir.resolve("stats/z"), "3");
        Result plain = run("treescan", dir.resolve("stats").toString());
        Result withStats = run("treescan", "--stats", dir.resolve("stats").toString());
        assertThat(withStats.code()).isZero();
        assertThat(new HashSet<>(Arrays.asList(withStats.outText().split("\n"))))
                .isEqualTo(new HashSet<>(Arrays.asList(plain.outText().split("\n"))));
        assertThat(plain.outText().split("\n")).hasSize(6);
        assertThat(withStats.err()).matches("(?s)jaio: treescan: 6 entries in \\d+\\.\\d{3} s, [\\d,]+ entries/s .*\\n");
        assertThat(plain.err()).isEmpty();
    }

    /**
     * A trailing slash means "a directory" to the kernel, but a Path drops it: cp, mv and rm
     * refuse a file (or a symlink to one) named so, as GNU's do, and touch nothing.
     */
    @Test
    void aTrailingSlashOnAFileIsRefused(@TempDir Path d) throws Exception {
        Path f = Files.writeString(d.resolve("f"), "data");
        Files.createSymbolicLink(d.resolve("lf"), f);
        Result cp = run("cp", f + "/", d.resolve("x").toString());
        assertThat(cp.code()).isEqualTo(1);
        assertThat(cp.err()).contains("cannot stat '" + f + "/': Not a directory");
        assertThat(run("cp", d.resolve("lf") + "/", d.resolve("y").toString()).code()).isEqualTo(1);
        Result mv = run("mv", f + "/", d.resolve("z").toString());
        assertThat(mv.code()).isEqualTo(1);
        assertThat(mv.err()).contains("Not a directory");
        Result rm = run("rm", f + "/");
        assertThat(rm.code()).isEqualTo(1);
        assertThat(rm.err()).contains("cannot remove '" + f + "/': Not a directory");
        assertThat(f).hasContent("data");
        assertThat(d.resolve("x")).doesNotExist();
        assertThat(d.resolve("y")).doesNotExist();
        assertThat(d.resolve("z")).doesNotExist();
        // A dangling symlink named with a slash is not a directory either, and stays; -f
        // ignores that as GNU rm -f does (ENOTDIR is "missing" to it), and still removes nothing.
        Path dangling = Files.createSymbolicLink(d.resolve("dangling"), d.resolve("nowhere"));
        Result rmDangling = run("rm", "-r", dangling + "/");
        assertThat(rmDangling.code()).isEqualTo(1);
        assertThat(rmDangling.err()).contains("cannot remove '" + dangling + "/': Not a directory");
        // A symlink to a directory: GNU rm -r empties the target and then fails; jaio refuses
        // it whole, even under -f, and without -r says what GNU rm says.
        Path target = Files.createDirectory(d.resolve("target"));
        Files.writeString(target.resolve("kept"), "k");
        Path toDir = Files.createSymbolicLink(d.resolve("todir"), target);
        for (String flags : new String[] {"-r", "-rf"}) {
            Result rmToDir = run("rm", flags, toDir + "/");
            assertThat(rmToDir.code()).isEqualTo(1);
            assertThat(rmToDir.err()).contains("cannot remove '" + toDir + "/': a symlink to a directory");
        }
        Result plain = run("rm", "-f", toDir + "/");
        assertThat(plain.code()).isEqualTo(1);
        assertThat(plain.err()).contains("cannot remove '" + toDir + "/': Is a directory");
        assertThat(toDir).isSymbolicLink();
        assertThat(target.resolve("kept")).hasContent("k");
        Result rmForced = run("rm", "-rf", dangling + "/", f + "/");
        assertThat(rmForced.code()).as(rmForced.err()).isZero();
        assertThat(rmForced.err()).isEmpty();
        assertThat(dangling).isSymbolicLink();
        assertThat(toDir).isSymbolicLink();
        assertThat(f).hasContent("data");
        // DST/ must be a directory to move into: a missing one, or a file, is not renamed onto.
        Result mvInto = run("mv", f.toString(), d.resolve("nodir") + "/");
        assertThat(mvInto.code()).isEqualTo(1);
        assertThat(mvInto.err()).contains("cannot move '" + f + "' to '" + d.resolve("nodir") + "/': Not a directory");
        assertThat(run("mv", f.toString(), f + "/").err()).contains("Not a directory");
        assertThat(d.resolve("nodir")).doesNotExist();
        Files.createDirectory(d.resolve("adir"));
        assertThat(run("mv", d.resolve("adir").toString(), d.resolve("renamed") + "/").code()).as("a directory may be renamed to DST/").isZero();
        assertThat(d.resolve("renamed")).isDirectory();
        Files.delete(d.resolve("renamed"));
        // A directory named with a slash still moves and is still removed.
        Files.createDirectory(d.resolve("dir"));
        assertThat(run("mv", d.resolve("dir") + "/", d.resolve("dir2").toString()).code()).isZero();
        assertThat(run("rm", "-r", d.resolve("dir2") + "/").code()).isZero();
        assertThat(d.resolve("dir2")).doesNotExist();
    }

    /** rename(2) between two names of one file does nothing and succeeds: mv refuses, as GNU mv. */
    @Test
    void mvBetweenTwoNamesOfOneFileIsRefused(@TempDir Path d) throws Exception {
        Path h1 = Files.writeString(d.resolve("h1"), "x");
        Path h2 = Files.createLink(d.resolve("h2"), h1);
        Result r = run("mv", h1.toString(), h2.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("are the same file");
        assertThat(h1).exists();
        assertThat(h2).exists();
        assertThat(run("mv", h1.toString(), h1.toString()).code()).isEqualTo(1);
    }

    /** Under --force, the one thing cp leaves standing is a non-directory where a directory goes: said so, not "use --force". */
    @Test
    void cpForceOverANonDirectorySaysWhy(@TempDir Path d) throws Exception {
        Files.createDirectory(d.resolve("s"));
        Files.writeString(d.resolve("afile"), "keep");
        Result r = run("cp", "-f", d.resolve("s").toString(), d.resolve("afile").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("exists and is not a directory").doesNotContain("use --force");
        assertThat(d.resolve("afile")).hasContent("keep");
    }
}
