package io.jaio.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The command line's own parser: GNU syntax, and every mistake a usage error (exit 2) before anything runs. */
class ArgsTest {
    @TempDir
    Path dir;

    private static final Args.Option FLAG_A = Args.flag("a", "-a", "--alpha");
    private static final Args.Option FLAG_B = Args.flag("b", "-b");
    private static final Args.Option N = Args.valued("N", "n", "-n", "--number");
    private static final Args.Syntax SYNTAX = new Args.Syntax("t", List.of("test"), List.of(FLAG_A, FLAG_B, N),
            List.of(new Args.Params("X", 1, 1, "x"), new Args.Params("Y", 0, Integer.MAX_VALUE, "y")));

    @Test
    void gnuSyntax() {
        Args a = Args.parse(SYNTAX, "-ab", "-n5", "one", "two");
        assertThat(a.has(FLAG_A)).isTrue();
        assertThat(a.has(FLAG_B)).isTrue();
        assertThat(a.integer(N, 0, 0, 10)).isEqualTo(5);
        assertThat(a.positional()).containsExactly("one", "two");

        Args b = Args.parse(SYNTAX, "--number=7", "x", "--alpha", "--", "-b", "--number", "-");
        assertThat(b.integer(N, 0, 0, 10)).isEqualTo(7);
        assertThat(b.has(FLAG_A)).isTrue();
        assertThat(b.has(FLAG_B)).as("after --, options are arguments").isFalse();
        assertThat(b.positional()).containsExactly("x", "-b", "--number", "-");

        Args c = Args.parse(SYNTAX, "-bn", "-3", "x");
        assertThat(c.string(N, null)).as("a value is the next argument, whatever it looks like").isEqualTo("-3");
        assertThat(Args.parse(SYNTAX, "x").integer(N, 4, 0, 10)).as("the default").isEqualTo(4);
    }

    @Test
    void mistakesAreUsageErrors() {
        assertThatThrownBy(() -> Args.parse(SYNTAX, "--nope", "x")).isInstanceOf(Args.Usage.class).hasMessageContaining("unknown option: '--nope'");
        assertThatThrownBy(() -> Args.parse(SYNTAX, "-az", "x")).isInstanceOf(Args.Usage.class).hasMessageContaining("'-z'");
        assertThatThrownBy(() -> Args.parse(SYNTAX, "x", "-n")).isInstanceOf(Args.Usage.class).hasMessageContaining("missing value");
        assertThatThrownBy(() -> Args.parse(SYNTAX, "--alpha=1", "x")).isInstanceOf(Args.Usage.class).hasMessageContaining("takes no value");
        assertThatThrownBy(() -> Args.parse(SYNTAX)).isInstanceOf(Args.Usage.class).hasMessageContaining("'X'");
        assertThatThrownBy(() -> Args.parse(SYNTAX, "x", "-n", "ten").integer(N, 0, 0, 10))
                .isInstanceOf(Args.Usage.class).hasMessageContaining("'ten' is not an int");
        assertThatThrownBy(() -> Args.parse(SYNTAX, "x", "-n", "11").integer(N, 0, 0, 10))
                .isInstanceOf(Args.Usage.class).hasMessageContaining("--number must be in 0..10, was 11");
        assertThatThrownBy(() -> Args.path("DIR", "")).isInstanceOf(Args.Usage.class);
        assertThatThrownBy(() -> Args.path("DIR", "a\0b")).isInstanceOf(Args.Usage.class);
        assertThat(Args.parse(SYNTAX, "--help").has(Args.HELP)).as("help wins over missing parameters").isTrue();
    }

    @Test
    void everyCommandAnswersHelpAndVersionAndRefusesStrayArguments() throws Exception {
        for (String cmd : new String[] {"treescan", "cp", "rm", "mv", "bench"}) {
            Run help = run(cmd, "-h");
            assertThat(help.code).isZero();
            assertThat(help.out).startsWith("Usage: jaio " + cmd).contains("--help").contains("--version");
            Run version = run(cmd, "--version");
            assertThat(version.code).isZero();
            assertThat(version.out).startsWith("jaio ");
        }
        assertThat(run("--version").out).startsWith("jaio ");
        assertThat(run("--help").out).contains("treescan").contains("bench");
        assertThat(run().code).isEqualTo(2);
        Run unknown = run("frobnicate");
        assertThat(unknown.code).isEqualTo(2);
        assertThat(unknown.err).contains("unknown command 'frobnicate'");
        Run extra = run("mv", "a", "b", "c");
        assertThat(extra.code).isEqualTo(2);
        assertThat(extra.err).contains("unexpected argument: 'c'").contains("jaio mv --help");
    }

    @Test
    void theRootTakesHelpAndVersionAnywhereAndDoubleDash() {
        assertThat(run("--help", "treescan").out).as("that command's help").startsWith("Usage: jaio treescan");
        assertThat(run("bogus", "-h").code).as("an unknown command is an error, help or not").isEqualTo(2);
        assertThat(run("--").err).contains("missing COMMAND");
        assertThat(run("-h", "-V").code).isZero();
        assertThat(run("--", "treescan", "--version").out).startsWith("jaio ");
        assertThat(run("rm", "-f").code).as("rm -f with nothing to remove, as rm").isZero();
        Run none = run("rm");
        assertThat(none.code).isEqualTo(2);
        assertThat(none.err).contains("missing operand");
        assertThat(run("bench", "--scan", dir.resolve("none").toString()).err).contains("no such directory");
    }

    /** System.out swallows write errors; the command line does not (a full disk, a closed pipe). */
    @Test
    void aFailedWriteToStandardOutputIsExitOne() throws Exception {
        Files.createDirectories(dir.resolve("w/a/b"));
        java.io.OutputStream broken = new java.io.OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
                throw new java.io.IOException("No space left on device");
            }
        };
        var err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertThat(Main.run(new PrintStream(broken, true), errStream, "treescan", dir.resolve("w").toString())).isEqualTo(1);
        assertThat(Main.run(new PrintStream(broken, true), errStream, "cp", "--help")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("jaio: treescan: write error on standard output")
                .contains("jaio: cp: write error");
    }

    /** An error about the destination names the destination, and a failed rename both paths. */
    @Test
    void errorsNameThePathTheyConcern() throws Exception {
        Path src = Files.writeString(dir.resolve("src-file"), "data");
        Run cp = run("cp", src.toString(), dir.resolve("nodir/copy").toString());
        assertThat(cp.code).isEqualTo(1);
        assertThat(cp.err).contains(dir.resolve("nodir/copy").toString()).contains("ENOENT").doesNotContain(src + ":");
        Run mv = run("mv", src.toString(), dir.resolve("nodir/moved").toString());
        assertThat(mv.code).isEqualTo(1);
        assertThat(mv.err).contains("cannot move '" + src + "' to '" + dir.resolve("nodir/moved") + "'").contains("ENOENT");
        // a directory into itself, in GNU mv's words; a file onto itself through DIR/, one slash
        Path d = Files.createDirectories(dir.resolve("d"));
        Files.createDirectory(d.resolve("inner"));
        Run into = run("mv", d.toString(), d.resolve("inner").toString());
        assertThat(into.code).isEqualTo(1);
        assertThat(into.err).contains("cannot move '" + d + "' to a subdirectory of itself, '" + d.resolve("inner/d") + "'");
        Files.writeString(d.resolve("f"), "f");
        Run same = run("cp", "-f", d.resolve("f").toString(), d + "/");
        assertThat(same.code).isEqualTo(1);
        assertThat(same.err).contains("'" + d.resolve("f") + "' and '" + d.resolve("f") + "' are the same file");
        assertThat(Main.shellWord("/plain/path-1.txt")).isEqualTo("/plain/path-1.txt");
        assertThat(Main.shellWord("it's here")).isEqualTo("'it'\\''s here'");
        assertThat(Main.trimSlashes("/usr/share/doc//")).isEqualTo("/usr/share/doc");
        assertThat(Main.trimSlashes("/")).isEqualTo("/");
        String cwd = Path.of("").toAbsolutePath().toString();
        assertThat(Main.asTyped(cwd + "/rel/dir/f", "rel/dir/")).isEqualTo("rel/dir/f");
        assertThat(Main.asTyped(cwd + "/rel/dir", "rel/dir")).isEqualTo("rel/dir");
        assertThat(Main.asTyped(cwd + "/rel/dirx/f", "rel/dir")).isEqualTo(cwd + "/rel/dirx/f");
        assertThat(Main.asTyped("/abs/f", "/abs")).isEqualTo("/abs/f");
        // cp SRC/ through a symlink: the walk had the realpath; named under the link as typed
        assertThat(Copy.asTypedSource("/real/dir/sub/f", "/real/dir", "lnk/")).isEqualTo("lnk/sub/f");
        assertThat(Copy.asTypedSource("/real/dir", "/real/dir", "lnk/")).isEqualTo("lnk/");
        assertThat(Copy.asTypedSource("/real/dirx/f", "/real/dir", "lnk/")).isEqualTo("/real/dirx/f");
        assertThat(Copy.asTypedSource(cwd + "/rel/dir/f", "rel/dir", "rel/dir")).isEqualTo("rel/dir/f");
    }

    /** A name that is not UTF-8 is reported with its own bytes, as find prints it. */
    @Test
    void diagnosticsCarryTheNamesOwnBytes() {
        String missing = dir.resolve("bad\uEFFF\uEFFEname").toString();    // jaio's escapes of the bytes 0xff 0xfe
        var err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true), "treescan", missing);
        assertThat(code).isEqualTo(1);
        byte[] b = err.toByteArray();
        assertThat(indexOf(b, new byte[] {'b', 'a', 'd', (byte) 0xff, (byte) 0xfe, 'n'})).as(err.toString()).isNotNegative();
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        return -1;
    }

    /** rm -rf: clustered short flags, as a user types them. */
    @Test
    void clusteredFlagsReachTheCommand() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("t/a/b"));
        Files.writeString(tree.resolve("f"), "x");
        Run rm = run("rm", "-rf", dir.resolve("t").toString(), dir.resolve("missing").toString());
        assertThat(rm.code).as(rm.err).isZero();
        assertThat(dir.resolve("t")).doesNotExist();
    }

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** /proc/self/cmdline's layout: every argument NUL-terminated, an empty one included. */
    @Test
    void cmdlineSplitsIntoTheExactArguments() {
        byte[] cmdline = {'j', 0, 0, 'd', (byte) 0xff, 0, 'x', 0};
        List<byte[]> parts = Argv.split(cmdline);
        assertThat(parts).hasSize(4);
        assertThat(parts.get(1)).isEmpty();
        assertThat(parts.get(2)).containsExactly('d', (byte) 0xff);
        // Arguments the JVM decoded without loss are returned as they are, with no /proc read.
        String[] plain = {"treescan", "/tmp/é"};
        assertThat(Argv.exact(plain)).isSameAs(plain);
    }

}
