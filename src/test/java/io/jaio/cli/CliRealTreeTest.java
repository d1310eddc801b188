package io.jaio.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.jaio.cli.CliTest.rawFile;
import static io.jaio.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line against the real tools on real trees: {@code jaio cp} against
 * {@code cp -a} on a copy of a system directory with odd names added, {@code jaio treescan}
 * against {@code find}, and the permission cases as an unprivileged user.
 */
class CliRealTreeTest {
    /** A system tree of thousands of entries; the tests that need it skip without it. */
    static final Path SYSTEM_TREE = Path.of("/usr/share/doc");

    @TempDir
    static Path shared;
    static Path source;

    /** /usr/share/doc copied by cp -a (so the test owns it), plus names and targets that are not UTF-8. */
    @BeforeAll
    static void source() throws Exception {
        source = shared.resolve("src");
        Files.createDirectory(source);
        if (Files.isDirectory(SYSTEM_TREE)) {
            sh("cp", "-a", SYSTEM_TREE.toString(), source.resolve("doc").toString());
        }
        Path odd = Files.createDirectory(source.resolve("odd"));
        rawFile(odd, new byte[] {'n', (byte) 0xff, 'x'}, "not utf-8");
        rawFile(odd, "new\nline".getBytes(StandardCharsets.UTF_8), "newline");
        sh("ln", "-s", "tgt\u00ff-is-utf8", odd.resolve("utf8-link").toString());
        // A target whose bytes are not UTF-8: made by the shell, byte for byte.
        sh("bash", "-c", "ln -s $'tgt\\xff\\xfe' '" + odd.resolve("raw-link") + "'");
        sh("bash", "-c", "touch -h -d '2001-02-03 04:05:06.123456789' '" + odd.resolve("raw-link") + "'");
        Files.createDirectories(odd.resolve("deep/er/still"));
    }

    static byte[] sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        int code = p.waitFor();
        if (code != 0) {
            throw new AssertionError(String.join(" ", cmd) + " exited " + code + ": " + new String(out, StandardCharsets.UTF_8));
        }
        return out;
    }

    static int exit(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor();
    }

    /** NUL-separated records, sorted as bytes: a listing two trees can be compared by. */
    static List<String> records(byte[] out) {
        List<String> l = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0) {
                l.add(new String(out, start, i - start, StandardCharsets.ISO_8859_1));    // bytes, unchanged
                start = i + 1;
            }
        }
        l.sort(null);
        return l;
    }

    /** Every entry's path, type, mode, mtime to the nanosecond, symlink target bytes, and size for non-directories. */
    static List<String> describe(Path root) throws Exception {
        List<String> l = records(sh("find", root.toString(), "-mindepth", "1", "!", "-type", "d",
                "-printf", "%P\t%y %m %s %T@\t%l\\0"));
        l.addAll(records(sh("find", root.toString(), "-mindepth", "1", "-type", "d", "-printf", "%P\t%y %m %T@\\0")));
        return l;
    }

    @Test
    void cpOfASystemTreeIsExactlyWhatCpADoes(@TempDir Path out) throws Exception {
        Path mine = out.resolve("jaio"), theirs = out.resolve("gnu");
        CliTest.Result r = run("cp", source.toString(), mine.toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        sh("cp", "-a", source.toString(), theirs.toString());
        assertThat(exit("diff", "-r", "--no-dereference", mine.toString(), theirs.toString()))
                .as("diff -r --no-dereference").isZero();
        List<String> a = describe(mine), b = describe(theirs);
        assertThat(a).hasSizeGreaterThan(Files.isDirectory(SYSTEM_TREE) ? 1000 : 5);
        assertThat(a).isEqualTo(b);
    }

    @Test
    void cpWithOneRequestInFlightFinishes(@TempDir Path out) throws Exception {
        CliTest.Result r = run("cp", "--in-flight", "1", "--parallel", "2", source.resolve("odd").toString(),
                out.resolve("c").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(describe(out.resolve("c"))).isEqualTo(describe(source.resolve("odd")));
    }

    @Test
    void treescanPrintsWhatFindPrintsByteForByte() throws Exception {
        CliTest.Result r = run("treescan", "-0", source.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(records(r.out())).isEqualTo(records(sh("find", source.toString(), "-print0")));
    }

    @Test
    void treescanCountsWhatFindCounts() throws Exception {
        CliTest.Result r = run("treescan", "--count", source.toString());
        assertThat(r.code()).as(r.err()).isZero();
        long dirs = records(sh("find", source.toString(), "-type", "d", "-print0")).size();
        List<String> sizes = records(sh("find", source.toString(), "!", "-type", "d", "-printf", "%s\\0"));
        long bytes = sizes.stream().mapToLong(Long::parseLong).sum();
        assertThat(r.outText()).isEqualTo("directories " + dirs + "\nfiles " + sizes.size() + "\nbytes " + bytes + "\n");
    }

    /**
     * A tree deeper than PATH_MAX (40 levels of 200-byte names, 8 KiB of path, with a
     * non-UTF-8 name near the bottom): treescan lists and counts it as find does, where a
     * directory opened by its whole path fails with ENAMETOOLONG. Made and removed by the
     * shell, a step at a time (the JDK's own walk cannot reach the bottom either).
     */
    @Test
    void treescanGoesBeyondPathMaxAsFindDoes() throws Exception {
        Path top = Files.createTempDirectory("jaio-deep");
        try {
            sh("bash", "-c", "cd '" + top + "' && for i in $(seq 40); do d=$(printf 'd%03d%0196d' $i 0); "
                    + "mkdir $d && cd $d && echo $i > f$i; done && mkdir $'n\\xff' && touch $'n\\xff/leaf'");
            CliTest.Result r = run("treescan", "-0", top.toString());
            assertThat(r.code()).as(r.err()).isZero();
            List<String> found = records(sh("find", top.toString(), "-print0"));
            assertThat(found).hasSize(1 + 40 * 2 + 2);
            assertThat(records(r.out())).isEqualTo(found);
            CliTest.Result c = run("treescan", "--count", top.toString());
            assertThat(c.code()).as(c.err()).isZero();
            long bytes = records(sh("find", top.toString(), "!", "-type", "d", "-printf", "%s\\0")).stream()
                    .mapToLong(Long::parseLong).sum();
            assertThat(c.outText()).isEqualTo("directories 42\nfiles 41\nbytes " + bytes + "\n");
        } finally {
            sh("rm", "-rf", top.toString());
        }
    }

    @Test
    void oddArgumentsAreRefusedBeforeAnythingIsTouched(@TempDir Path out) throws Exception {
        Path d = Files.createDirectory(out.resolve("d"));
        Files.writeString(d.resolve("f"), "x");
        assertThat(run("treescan", "").code()).isEqualTo(2);
        assertThat(run("cp", d.toString(), "").code()).isEqualTo(2);
        assertThat(run("cp", "", d.toString()).code()).isEqualTo(2);
        assertThat(run("treescan", "--maxreq", "5000", d.toString()).code()).isEqualTo(2);
        assertThat(run("treescan", "--maxreq", "-1", d.toString()).code()).isEqualTo(2);
        assertThat(run("treescan", "--parallel", "0", d.toString()).code()).isEqualTo(2);
        assertThat(run("cp", "--parallel", "0", d.toString(), out.resolve("x").toString()).code()).isEqualTo(2);
        assertThat(run("cp", "--in-flight", "0", d.toString(), out.resolve("x").toString()).code()).isEqualTo(2);
        CliTest.Result self = run("cp", d.toString(), d.resolve("sub").toString());
        assertThat(self.code()).isEqualTo(1);
        assertThat(self.err()).contains("into itself");
        CliTest.Result same = run("cp", "-f", d.resolve("f").toString(), d.resolve("f").toString());
        assertThat(same.code()).isEqualTo(1);
        assertThat(same.err()).contains("same file");
        assertThat(Files.readString(d.resolve("f"))).isEqualTo("x");
        try (var s = Files.list(d)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("f");
        }
        assertThat(Files.exists(out.resolve("x"))).isFalse();
    }

    @Test
    void cpIntoAnExistingDirectoryCopiesAsItsBasename(@TempDir Path out) throws Exception {
        Path existing = Files.createDirectory(out.resolve("existing"));
        assertThat(run("cp", "-f", source.resolve("odd").toString(), existing.toString()).code()).isZero();
        assertThat(describe(existing.resolve("odd"))).isEqualTo(describe(source.resolve("odd")));
        // Again: the copy's directories exist, so they are merged into; files exist, so --force.
        assertThat(run("cp", "-f", source.resolve("odd").toString(), existing.toString()).code()).isZero();
        CliTest.Result again = run("cp", source.resolve("odd").toString(), existing.toString());
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("exists (use --force");
        // Typed relative, reported relative, as GNU cp names entries inside the tree.
        String cwd = Path.of("").toAbsolutePath().toString();
        String relative = Path.of(cwd).relativize(existing).toString();
        CliTest.Result typed = run("cp", source.resolve("odd").toString(), relative + "/");
        assertThat(typed.code()).isEqualTo(1);
        assertThat(typed.err()).contains("jaio: cp: " + relative + "/odd/utf8-link: exists (use --force")
                .doesNotContain(cwd + "/");
    }

    @Test
    void aFifoIsCopiedAsAFifoAsCpADoes(@TempDir Path out) throws Exception {
        Path d = Files.createDirectory(out.resolve("withfifo"));
        Files.writeString(d.resolve("f"), "x");
        sh("mkfifo", "-m", "0604", d.resolve("fifo").toString());
        CliTest.Result r = run("cp", d.toString(), out.resolve("copy").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readString(out.resolve("copy/f"))).isEqualTo("x");
        assertThat(Files.readAttributes(out.resolve("copy/fifo"), java.nio.file.attribute.PosixFileAttributes.class,
                java.nio.file.LinkOption.NOFOLLOW_LINKS).isOther()).isTrue();
        assertThat(Files.getPosixFilePermissions(out.resolve("copy/fifo"))).isEqualTo(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw----r--"));
    }

    @Test
    void rmRecursiveRemovesACopyOfASystemTreeAndRefusesBadArguments(@TempDir Path out) throws Exception {
        Path copy = out.resolve("copy");
        sh("cp", "-a", source.toString(), copy.toString());
        long entries = records(sh("find", copy.toString(), "-print0")).size();
        assertThat(entries).isGreaterThan(10);
        CliTest.Result r = run("rm", "-r", "--in-flight", "16", copy.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.exists(copy, java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
        // without -r a directory is refused; -f ignores what does not exist
        Path d = Files.createDirectories(out.resolve("d"));
        CliTest.Result notR = run("rm", d.toString());
        assertThat(notR.code()).isEqualTo(1);
        assertThat(notR.err()).contains(d.toString()).contains("EISDIR");
        assertThat(run("rm", "-r", "-f", out.resolve("missing").toString()).code()).isZero();
        CliTest.Result missing = run("rm", "-r", out.resolve("missing").toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains(out.resolve("missing").toString()).contains("ENOENT");
        assertThat(run("rm", "-r", "").code()).isEqualTo(2);
        assertThat(run("rm", "-r", "/").code()).isEqualTo(2);
        assertThat(run("rm", "-r", "--in-flight", "0", d.toString()).code()).isEqualTo(2);
        assertThat(Files.isDirectory(d)).isTrue();
    }

    @Test
    void mvRenamesAndMovesATreeAcrossFileSystems(@TempDir Path out) throws Exception {
        Path shm = Path.of("/dev/shm");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shm), "no /dev/shm; skipped");
        Path tree = out.resolve("tree");
        sh("cp", "-a", source.resolve("odd").toString(), tree.toString());
        List<String> before = describe(tree);
        CliTest.Result renamed = run("mv", tree.toString(), out.resolve("renamed").toString());
        assertThat(renamed.code()).as(renamed.err()).isZero();
        assertThat(describe(out.resolve("renamed"))).isEqualTo(before);
        Path other = Files.createTempDirectory(shm, "jaio-mv");
        try {
            CliTest.Result across = run("mv", out.resolve("renamed").toString(), other.toString());    // into the directory
            assertThat(across.code()).as(across.err()).isZero();
            assertThat(Files.exists(out.resolve("renamed"))).isFalse();
            assertThat(describe(other.resolve("renamed"))).isEqualTo(before);
            CliTest.Result missing = run("mv", out.resolve("missing").toString(), other.toString());
            assertThat(missing.code()).isEqualTo(1);
            assertThat(missing.err()).contains("ENOENT");
            assertThat(run("mv", "", other.toString()).code()).isEqualTo(2);
            // Back across, onto what is there: an empty directory is replaced (as rename(2)
            // would), a non-empty one and a file are refused and kept.
            Files.createDirectory(out.resolve("renamed"));
            CliTest.Result ontoEmpty = run("mv", other.resolve("renamed").toString(), out.toString());
            assertThat(ontoEmpty.code()).as(ontoEmpty.err()).isZero();
            assertThat(describe(out.resolve("renamed"))).isEqualTo(before);
            Path again = Files.createDirectory(other.resolve("again"));
            Files.writeString(again.resolve("f"), "f");
            Files.createDirectory(out.resolve("again"));
            Files.writeString(out.resolve("again/keep"), "keep");
            CliTest.Result ontoFull = run("mv", again.toString(), out.toString());
            assertThat(ontoFull.code()).isEqualTo(1);
            assertThat(ontoFull.err()).contains("ENOTEMPTY");
            assertThat(out.resolve("again/keep")).hasContent("keep");
            assertThat(again.resolve("f")).hasContent("f");
            Files.delete(out.resolve("again/keep"));
            Files.delete(out.resolve("again"));
            Files.writeString(out.resolve("again"), "a file");
            CliTest.Result ontoFile = run("mv", again.toString(), out.toString());
            assertThat(ontoFile.code()).isEqualTo(1);
            assertThat(ontoFile.err()).contains("cannot overwrite non-directory");
            assertThat(out.resolve("again")).hasContent("a file");
        } finally {
            sh("rm", "-rf", other.toString());
        }
    }

    @Test
    void aTrailingSlashFollowsASymlinkAsGnuToolsDo(@TempDir Path out) throws Exception {
        Path real = Files.createDirectories(out.resolve("real/sub"));
        Files.writeString(real.resolve("../f"), "f");
        Path link = Files.createSymbolicLink(out.resolve("link"), out.resolve("real"));
        CliTest.Result r = run("treescan", "-0", link + "/");
        assertThat(r.code()).isZero();
        assertThat(records(r.out())).isEqualTo(records(sh("find", link + "/", "-print0")));
        assertThat(run("treescan", "-0", link.toString()).outText()).as("without the slash: the link itself")
                .isEqualTo(link + "\0");
        assertThat(run("cp", link + "/", out.resolve("copy").toString()).code()).isZero();
        assertThat(Files.isDirectory(out.resolve("copy/sub"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isTrue();
        CliTest.Result notDir = run("cp", out.resolve("real/f").toString(), out.resolve("none") + "/");
        assertThat(notDir.code()).isEqualTo(1);
        assertThat(notDir.err()).contains("Not a directory");
        assertThat(Files.exists(out.resolve("none"))).isFalse();
        // A file named with a trailing slash is not a directory, for treescan as for find.
        Path fileLink = Files.createSymbolicLink(out.resolve("flink"), out.resolve("real/f"));
        for (Path p : new Path[] {out.resolve("real/f"), fileLink}) {
            CliTest.Result file = run("treescan", p + "/");
            assertThat(file.code()).as(p + "/").isEqualTo(1);
            assertThat(file.outText()).as(p + "/").isEmpty();
            assertThat(file.err()).as(p + "/").contains(p + "/: ").contains("ENOTDIR");
        }
    }

    @Test
    void benchRefusesBadNumbersAndPathsWithExitTwo() {
        assertThat(run("bench", "--size", "0").code()).isEqualTo(2);
        assertThat(run("bench", "--threads", "-1").code()).isEqualTo(2);
        assertThat(run("bench", "--dir", "").code()).isEqualTo(2);
        assertThat(run("bench", "--dir", "/nonexistent").code()).isEqualTo(2);
        assertThat(run("bench", "--scan", "/nonexistent").code()).isEqualTo(2);
        // --whole-process times bin/jaio, which names itself in JAIO_LAUNCHER; in-process there is none
        assertThat(run("bench", "--whole-process").code()).isEqualTo(2);
    }

    /** The CLI as a child process of an unprivileged user, on a class path that user can read. */
    @Test
    void unreadableDirectoriesAreReportedAsFindReportsThem(@TempDir Path out) throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "permission cases need root to run the CLI as nobody; skipped");
        Assumptions.assumeTrue(exit("setpriv", "--version") == 0, "setpriv is missing; skipped");
        Path base = Files.createTempDirectory(Path.of("/tmp"), "jaio-perm");
        try {
            Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path cp = Files.createDirectory(base.resolve("cp"));
            sh("cp", "-r", Path.of("target/classes").toAbsolutePath().toString(), cp.resolve("classes").toString());
            sh("chmod", "-R", "a+rX", cp.toString());
            Path tree = Files.createDirectories(base.resolve("tree/locked/inner"));
            Files.writeString(base.resolve("tree/a"), "a");
            Files.setPosixFilePermissions(base.resolve("tree"), PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(base.resolve("tree/locked"), PosixFilePermissions.fromString("---------"));
            String java = ProcessHandle.current().info().command().orElseThrow();
            List<String> jaio = List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", java,
                    "--enable-native-access=ALL-UNNAMED", "-cp", cp.resolve("classes").toString(),
                    "io.jaio.cli.Main");
            String t = base.resolve("tree").toString();
            Outcome find = outcome(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "find", t, "-print0"));
            Outcome scan = outcome(concat(jaio, "treescan", "-0", t));
            assertThat(find.code).isEqualTo(1);
            assertThat(scan.code).isEqualTo(1);
            assertThat(records(scan.out)).isEqualTo(records(find.out));
            assertThat(scan.err).contains(t + "/locked").contains("EACCES");
            Outcome count = outcome(concat(jaio, "treescan", "--count", t));
            assertThat(count.code).isEqualTo(1);
            assertThat(new String(count.out, StandardCharsets.UTF_8)).startsWith("directories 2\nfiles 1\n");
            // a directory nobody may list but not enter: its entries still count, as for
            // find ! -type d (a subdirectory it cannot stat counts as a non-directory), each
            // failed stat named by the entry's own path
            Path listable = Files.createDirectories(base.resolve("tree/listable/sub"));
            Files.writeString(base.resolve("tree/listable/h"), "hh");
            Files.setPosixFilePermissions(base.resolve("tree/listable"), PosixFilePermissions.fromString("r--r--r--"));
            Outcome nondirs = outcome(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                    "find", t, "!", "-type", "d", "-print0"));
            Outcome alldirs = outcome(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                    "find", t, "-type", "d", "-print0"));
            Outcome count2 = outcome(concat(jaio, "treescan", "--count", t));
            assertThat(count2.code).isEqualTo(1);
            assertThat(new String(count2.out, StandardCharsets.UTF_8)).startsWith(
                    "directories " + records(alldirs.out).size() + "\nfiles " + records(nondirs.out).size() + "\n");
            assertThat(records(nondirs.out)).hasSize(3);
            assertThat(count2.err).contains(listable.getParent().resolve("h") + ": statx: EACCES")
                    .contains(listable + ": statx: EACCES");
            Outcome scan2 = outcome(concat(jaio, "treescan", "-0", t));
            Outcome find2 = outcome(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "find", t, "-print0"));
            assertThat(records(scan2.out)).isEqualTo(records(find2.out));
            Files.setPosixFilePermissions(base.resolve("tree/listable"), PosixFilePermissions.fromString("rwxr-xr-x"));
            sh("rm", "-rf", base.resolve("tree/listable").toString());
            Path writable = Files.createDirectory(base.resolve("out"));
            Files.setPosixFilePermissions(writable, PosixFilePermissions.fromString("rwxrwxrwx"));
            Outcome copy = outcome(concat(jaio, "cp", t, writable.resolve("copy").toString()));
            assertThat(copy.code).isEqualTo(1);
            assertThat(copy.err).contains(t + "/locked").contains("EACCES");
            assertThat(Files.readString(writable.resolve("copy/a"))).isEqualTo("a");
            // a destination nobody may write: each failure named, nothing half-written
            Path readOnly = Files.createDirectory(base.resolve("ro"));
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
            Outcome denied = outcome(concat(jaio, "cp", t, readOnly.resolve("copy").toString()));
            assertThat(denied.code).isEqualTo(1);
            assertThat(denied.err).contains(readOnly.resolve("copy").toString()).contains("EACCES");
            assertThat(Files.exists(readOnly.resolve("copy"))).isFalse();
            // rm -r of a tree with a directory nobody may enter: that one is reported, the rest removed
            Outcome rm = outcome(concat(jaio, "rm", "-r", writable.resolve("copy").toString()));
            assertThat(rm.code).isEqualTo(1);
            assertThat(rm.err).contains(writable.resolve("copy/locked").toString()).contains("EACCES");
            assertThat(Files.exists(writable.resolve("copy/a"))).isFalse();
            // A reader that leaves the pipe ends the scan quietly, as SIGPIPE ends find's: the
            // root's 10,000 names (far more than a pipe holds) are written before any of its
            // 40 locked subdirectories' listings is delivered, so each of those fails after the
            // output was lost, and none is reported (before: an EACCES line for each locked
            // directory listed before the output was lost; they are spread through the
            // listing, so some always are, in hash order as in creation order).
            Path wide = Files.createDirectory(base.resolve("wide"));
            for (int i = 0; i < 10_000; i++) {
                Files.createFile(wide.resolve("a-file-with-a-longish-name-" + i));
                if (i % 250 == 0) {
                    Files.setPosixFilePermissions(Files.createDirectory(wide.resolve("locked-" + i)),
                            PosixFilePermissions.fromString("---------"));
                }
            }
            Outcome gone = outcome(concat(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                    "bash", "-c", "set -o pipefail; \"$@\" | head -c 1 >/dev/null", "bash"),
                    concat(jaio.subList(4, jaio.size()), "treescan", wide.toString()).toArray(String[]::new)));    // jaio without its setpriv
            assertThat(gone.code).as(gone.err).isEqualTo(128 + 13);
            assertThat(gone.err).isEmpty();
        } finally {
            if (Files.exists(base.resolve("tree/locked"))) {
                Files.setPosixFilePermissions(base.resolve("tree/locked"), PosixFilePermissions.fromString("rwx------"));
            }
            sh("rm", "-rf", base.toString());
        }
    }

    /** A copy that fails on the destination (a size limit: EFBIG) names the destination, not the source. */
    @Test
    void aCopyThatFailsOnItsDestinationNamesIt(@TempDir Path d) throws Exception {
        Path big = d.resolve("big");
        Files.write(big, new byte[3 << 20]);
        Path copy = d.resolve("copy");
        String java = ProcessHandle.current().info().command().orElseThrow();
        // A signal ignored at exec stays ignored: the shell ignores SIGXFSZ, then becomes the JVM.
        Outcome o = outcome(List.of("sh", "-c", "trap '' XFSZ; exec prlimit --fsize=1048576 -- \"$@\"", "sh", java,
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "io.jaio.cli.Main",
                "cp", big.toString(), copy.toString()));
        assertThat(o.code).as(o.err).isEqualTo(1);
        assertThat(o.err).contains("jaio: cp: " + copy + ": ").contains("EFBIG").doesNotContain(big + ":");
    }

    /**
     * Arguments whose bytes are not UTF-8 name their files exactly: the JVM hands main such an
     * argument with U+FFFD in place of each bad byte, so treescan and cp read the bytes back
     * (from /proc/self/cmdline). The shell passes the raw bytes, as a user's would.
     */
    @Test
    void argumentsThatAreNotUtf8NameTheirFilesExactly() throws Exception {
        Path base = Files.createDirectory(shared.resolve("argv"));
        String dir = "'" + base + "'/$'d\\xff\\xfe'";
        sh("bash", "-c", "mkdir " + dir + " && touch " + dir + "/$'f\\xfa' " + dir + "/plain");
        String java = ProcessHandle.current().info().command().orElseThrow();
        // The child's JVM must map names as UTF-8 whatever this test's locale (bin/jaio sees to that).
        List<String> jaio = List.of("bash", "-c", "export LC_ALL=C.UTF-8; exec \"$@\" " + "treescan -0 " + dir, "bash", java,
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "io.jaio.cli.Main");
        Outcome scan = outcome(jaio);
        Outcome find = outcome(List.of("bash", "-c", "find " + dir + " -print0"));
        assertThat(scan.code).as(scan.err).isZero();
        assertThat(records(scan.out)).hasSize(3).isEqualTo(records(find.out));

        String copy = "'" + base + "'/$'c\\xff'";
        List<String> cp = new ArrayList<>(jaio);
        cp.set(2, "export LC_ALL=C.UTF-8; exec \"$@\" cp " + dir + " " + copy);
        Outcome o = outcome(cp);
        assertThat(o.code).as(o.err).isZero();
        assertThat(exit("bash", "-c", "test -f " + copy + "/$'f\\xfa' && test -f " + copy + "/plain")).isZero();
        // The guard against copying a directory into itself resolves such names too.
        cp.set(2, "export LC_ALL=C.UTF-8; exec \"$@\" cp " + dir + " " + dir + "/sub");
        Outcome into = outcome(cp);
        assertThat(into.code).isEqualTo(1);
        assertThat(into.err).contains("into itself");
        assertThat(exit("bash", "-c", "test ! -e " + dir + "/sub")).isZero();
    }

    /**
     * A command whose own callback fails exits 1 and says so: the engine hands what a callback
     * throws to its error handler, and the work it was to do is lost. Reproduced as a user met
     * it: the JVM run directly (not through bin/jaio, which sets a UTF-8 locale) under the C
     * locale cannot make a Path of a non-ASCII name, so scanning such a subtree throws.
     */
    @Test
    void aCallbackThatFailsMakesTheCommandFail() throws Exception {
        Path base = Files.createDirectory(shared.resolve("fault"));
        // Made by the shell: this test's own JVM may run in the C locale too.
        sh("bash", "-c", "mkdir -p '" + base + "'/$'d\\xc3\\xa9j\\xc3\\xa0/deep' && touch '" + base + "'/$'d\\xc3\\xa9j\\xc3\\xa0/deep/f'");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Outcome o = outcome(List.of("env", "LC_ALL=C", java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), "io.jaio.cli.Main", "treescan", base.toString()));
        assertThat(o.code).as(o.err).isEqualTo(1);
        assertThat(o.err).contains("jaio: internal error, some work was not done: ").contains("InvalidPathException");
    }

    /** Output to a full device: the command fails and says why, as find does (No space left on device). */
    @Test
    void aFullOutputIsReportedWithItsCause() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "io.jaio.cli.Main", "treescan", source.toString())
                .redirectOutput(new java.io.File("/dev/full")).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(err).isEqualTo(1);
        assertThat(err).contains("jaio: treescan: write error on standard output: No space left on device");
    }

    record Outcome(int code, byte[] out, String err) {}

    static Outcome outcome(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).start();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (IOException ignored) {
            }
        });
        byte[] out = p.getInputStream().readAllBytes();
        int code = p.waitFor();
        t.join();
        return new Outcome(code, out, err.toString(StandardCharsets.UTF_8));
    }

    static List<String> concat(List<String> a, String... b) {
        List<String> l = new ArrayList<>(a);
        l.addAll(Arrays.asList(b));
        return l;
    }
}
