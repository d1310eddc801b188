package io.jaio.cli;

import io.jaio.Aio;

import java.nio.file.Path;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The {@code jaio} command line: {@code treescan}, {@code cp}, {@code rm}, {@code mv} and {@code bench}. Run it with
 * {@code bin/jaio}, which builds the project and finds a JDK by itself.
 *
 * <p>Exit status: what the command returns (0 success, 1 failure); 2 for a usage error, which is
 * reported before anything is touched. The arguments are parsed by {@link Args}.
 */
public final class Main {
    /** A command: its syntax, and how to make it from parsed arguments (raising {@link Args.Usage} on bad ones). */
    record Command(Args.Syntax syntax, Function<Args, Callable<Integer>> make) {}

    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("treescan", new Command(TreeScan.SYNTAX, TreeScan::new));
        COMMANDS.put("cp", new Command(Copy.SYNTAX, Copy::new));
        COMMANDS.put("rm", new Command(Remove.SYNTAX, Remove::new));
        COMMANDS.put("mv", new Command(Move.SYNTAX, Move::new));
        COMMANDS.put("bench", new Command(Bench.SYNTAX, Bench::new));
    }

    private static final Args.Syntax ROOT = new Args.Syntax("COMMAND",
            List.of("Asynchronous file I/O for Java, from the command line.",
                    "Commands: " + String.join(", ", COMMANDS.keySet()) + ". 'jaio COMMAND --help' describes each."),
            List.of(), List.of(new Args.Params("ARGS", 0, Integer.MAX_VALUE, "The command's options and arguments.")));

    /**
     * Where commands write: their output and their diagnostics; {@code processStderr}: err is the
     * process's own; {@code faults}: failures of the command's own callbacks (see {@link #aio()}).
     */
    record Io(PrintStream out, PrintStream err, boolean processStderr, AtomicInteger faults) {
        Io(PrintStream out, PrintStream err, boolean processStderr) {
            this(out, err, processStderr, new AtomicInteger());
        }
    }

    static final ThreadLocal<Io> IO = ThreadLocal.withInitial(() -> new Io(System.out, new NameBytes(System.err), true));

    /**
     * An engine builder for a command. What one of the command's callbacks throws reaches the
     * engine's error handler, not the command: the work that callback was to do (a subtree
     * to scan, say) is lost. So it is reported, and the command exits 1 however the rest ended.
     */
    static Aio.Builder aio() {
        Io io = io();
        return Aio.builder().errorHandler(e -> {
            io.faults().incrementAndGet();
            Progress.clearCurrent();
            StackTraceElement[] at = e.getStackTrace();
            io.err().println("jaio: internal error, some work was not done: " + e
                    + (at.length > 0 ? " (at " + at[0] + ")" : ""));
        });
    }

    /**
     * Diagnostics that print each string's own bytes: a file name that is not UTF-8 (held in
     * a String through jaio's escapes, see {@code Names}) appears as it is on disk, as find
     * prints it, not as the characters it is escaped to.
     */
    static final class NameBytes extends PrintStream {
        NameBytes(PrintStream to) {
            super(to, true);
        }

        @Override
        public void print(String s) {
            byte[] b = io.jaio.internal.sys.Names.encode(String.valueOf(s));
            write(b, 0, b.length);
        }
    }

    /**
     * The process's standard output, remembering why its first write failed: PrintStream
     * keeps only that one did (checkError), and "write error" alone does not tell a full disk
     * from an I/O error.
     */
    static final class Stdout extends java.io.FilterOutputStream {
        static volatile java.io.IOException failure;

        Stdout() {
            super(new java.io.FileOutputStream(java.io.FileDescriptor.out));
        }

        @Override
        public void write(int b) throws java.io.IOException {
            try {
                out.write(b);
            } catch (java.io.IOException e) {
                throw failed(e);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            try {
                out.write(b, off, len);
            } catch (java.io.IOException e) {
                throw failed(e);
            }
        }

        private static java.io.IOException failed(java.io.IOException e) {
            if (failure == null) {
                failure = e;
            }
            return e;
        }
    }

    private Main() {}

    public static void main(String[] args) {
        ownStdout = true;
        PrintStream out = new PrintStream(new java.io.BufferedOutputStream(new Stdout(), 1 << 13), false, StandardCharsets.UTF_8);
        int status = run(out, System.err, Argv.exact(args));
        if (status != 0) {
            System.exit(status);
        }
        // Success returns instead: Runtime.exit looks up the System.Logger "java.lang.Runtime"
        // to log the exit, and starting the logging framework cost about 10 ms of a treescan's
        // 0.4 s (async-profiler). Every thread still alive here is a daemon (the engine's; a
        // command's own pools are closed before it returns), so the JVM ends with status 0
        // once the shutdown hooks have run, as System.exit(0) would.
    }

    /** True once {@link #main} writes to the process's own standard output (not a test's stream). */
    private static boolean ownStdout;

    /**
     * Whether standard output is a pipe whose reader has gone: poll(2) reports POLLERR on the
     * write end then. (The exception System.out swallowed carries only strerror's text, which
     * the locale translates.)
     */
    private static boolean readerLeft() {
        int revents = io.jaio.internal.sys.Sys.current().poll(1, 0, 0);
        return revents > 0 && (revents & io.jaio.internal.sys.Sys.POLLERR) != 0;
    }

    /** Runs one command line in-process; returns its exit code. */
    public static int run(PrintStream out, PrintStream rawErr, String... args) {
        if (args.length > 1 && args[0].equals("--")) {
            args = java.util.Arrays.copyOfRange(args, 1, args.length);    // "jaio -- treescan": the command after --
        }
        PrintStream err = rawErr instanceof NameBytes ? rawErr : new NameBytes(rawErr);
        IO.set(new Io(out, err, rawErr == System.err));
        try {
            if (args.length == 0 || !COMMANDS.containsKey(args[0])) {
                return root(out, err, args);
            }
            Command command = COMMANDS.get(args[0]);
            String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
            Callable<Integer> work;
            try {
                Args parsed = Args.parse(command.syntax, rest);
                if (parsed.has(Args.HELP)) {
                    Args.help(command.syntax, out);
                    return writeChecked(out, err, args[0], 0);
                }
                if (parsed.has(Args.VERSION)) {
                    out.println(version());
                    return writeChecked(out, err, args[0], 0);
                }
                work = command.make.apply(parsed);
            } catch (Args.Usage u) {
                Args.explain(u, args[0], err);
                return 2;
            }
            try {
                int code = work.call();
                return writeChecked(out, err, args[0], code == 0 && IO.get().faults().get() > 0 ? 1 : code);
            } catch (Args.Usage u) {
                Args.explain(u, args[0], err);
                return 2;
            } catch (Exception | LinkageError e) {    // a library that cannot load reports as any failure
                err.println("jaio: " + args[0] + ": " + (e.getMessage() != null ? e.getMessage() : e.toString()));
                return 1;
            }
        } finally {
            out.flush();
            err.flush();
            IO.remove();
        }
    }

    /** No command, or not a known one: help, version, or a usage error. */
    private static int root(PrintStream out, PrintStream err, String[] args) {
        java.util.List<String> a = java.util.Arrays.asList(args);
        java.util.Set<String> rootOptions = java.util.Set.of("-h", "--help", "-V", "--version");
        if (!a.isEmpty() && rootOptions.containsAll(a)) {    // help wins over version, as on every command
            if (a.contains("-h") || a.contains("--help")) {
                Args.help(ROOT, out);
            } else {
                out.println(version());
            }
            return writeChecked(out, err, null, 0);
        }
        if (a.size() == 2 && (a.get(0).equals("-h") || a.get(0).equals("--help")) && COMMANDS.containsKey(a.get(1))) {
            return run(out, err, a.get(1), "--help");    // "jaio --help treescan": that command's help
        }
        // run() has dropped a leading "--" before a command, so one left here stands alone.
        String bad = a.stream().filter(x -> !rootOptions.contains(x)).findFirst().orElse("--");
        String why = bad.equals("--") ? "missing COMMAND (one of " + String.join(", ", COMMANDS.keySet()) + ")"
                : bad.startsWith("-") ? "unknown option: '" + bad + "'"
                : "unknown command '" + bad + "'";
        Args.explain(new Args.Usage(why), null, err);
        return 2;
    }

    /** {@code s} as one shell word: as is when it is plain, else single-quoted. */
    static String shellWord(String s) {
        if (!s.isEmpty() && s.chars().allMatch(c -> c < 0x80 && (Character.isLetterOrDigit(c) || "/._-+=:,@%".indexOf(c) >= 0))) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /**
     * Whether {@code arg} ends in a slash that means "a directory" to the kernel (not "/"
     * itself): a Path drops it, so each command checks what it names first.
     */
    static boolean slashed(String arg) {
        return arg.length() > 1 && arg.endsWith("/");
    }

    /** {@code dir} with its trailing slashes removed (but "/" stays "/"). */
    static String trimSlashes(String dir) {
        int end = dir.length();
        while (end > 1 && dir.charAt(end - 1) == '/') {
            end--;
        }
        return dir.substring(0, end);
    }

    /**
     * {@code code}, or 1 when the output could not be written (a full disk): System.out
     * swallows write errors, so a command that printed into /dev/full would otherwise exit 0.
     * A reader that left the pipe gets what GNU tools give it: no message, status 141.
     */
    private static int writeChecked(PrintStream out, PrintStream err, String command, int code) {
        if (out.checkError()) {
            if (ownStdout && readerLeft()) {
                return 128 + 13;    // the reader left (jaio ... | head): quiet, as a process killed by SIGPIPE
            }
            java.io.IOException why = ownStdout ? Stdout.failure : null;
            err.println("jaio: " + (command == null ? "" : command + ": ") + "write error on standard output"
                    + (why != null && why.getMessage() != null ? ": " + why.getMessage() : ""));
            return 1;
        }
        return code;
    }

    static Io io() {
        return IO.get();
    }

    /** The build's version, from a resource Maven fills in. */
    static String version() {
        try (var in = Main.class.getResourceAsStream("version.txt")) {
            return "jaio " + (in == null ? "unknown" : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim());
        } catch (java.io.IOException e) {
            return "jaio unknown";
        }
    }

    /**
     * A path a tree operation reported (absolute) as the user typed the argument it lies under:
     * {@code typed} in place of its absolute form, the rest unchanged; other paths as they are.
     */
    static String asTyped(String reported, String typed) {
        String t = trimSlashes(typed);
        if (t.isEmpty() || t.equals("/") || t.startsWith("/")) {
            return reported;    // typed absolute: reported as typed already
        }
        String abs = Path.of(t).toAbsolutePath().toString();    // as the walk makes it (Aio.path)
        if (reported.equals(abs)) {
            return t;
        }
        if (reported.startsWith(abs + "/")) {
            return t + reported.substring(abs.length());
        }
        return reported;
    }

    /**
     * Runs {@code work}; if the JVM is stopped meanwhile (Ctrl-C, SIGTERM), prints
     * {@code "jaio: " + message} on the way out, so an interrupted command says what it left.
     */
    static int interruptible(PrintStream err, String message, java.util.concurrent.Callable<Integer> work) throws Exception {
        return interruptible(err, () -> message, work);
    }

    /** As above, with a message made when the JVM stops (a command may know more by then). */
    static int interruptible(PrintStream err, java.util.function.Supplier<String> message,
                             java.util.concurrent.Callable<Integer> work) throws Exception {
        java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
        Thread hook = new Thread(() -> {
            if (!finished.get()) {
                Progress.clearCurrent();
                err.println("jaio: " + message.get());
            }
        }, "jaio-interrupted");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return work.call();
        } finally {
            finished.set(true);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs (or ran) and has seen finished
            }
        }
    }
}
