package io.jaio.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
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

    /** Where commands write: their output and their diagnostics; {@code processStderr}: err is the process's own. */
    record Io(PrintStream out, PrintStream err, boolean processStderr) {}

    static final ThreadLocal<Io> IO = ThreadLocal.withInitial(() -> new Io(System.out, new NameBytes(System.err), true));

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

    private Main() {}

    public static void main(String[] args) {
        var stdout = new Recording(new java.io.FileOutputStream(java.io.FileDescriptor.out));
        recording = stdout;
        PrintStream out = new PrintStream(new java.io.BufferedOutputStream(stdout, 1 << 13), false, StandardCharsets.UTF_8);
        System.exit(run(out, System.err, args));
    }

    /** The process's standard output when run from {@link #main}: it knows why a write failed. */
    private static Recording recording;

    /** An output stream that keeps the first exception a write threw (PrintStream keeps only that one did). */
    static final class Recording extends java.io.FilterOutputStream {
        volatile java.io.IOException failure;

        Recording(java.io.OutputStream to) {
            super(to);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            try {
                out.write(b, off, len);
            } catch (java.io.IOException e) {
                if (failure == null) {
                    failure = e;
                }
                throw e;
            }
        }
    }

    /** Runs one command line in-process; returns its exit code. */
    public static int run(PrintStream out, PrintStream rawErr, String... args) {
        PrintStream err = new NameBytes(rawErr);
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
                return writeChecked(out, err, args[0], work.call());
            } catch (Args.Usage u) {
                Args.explain(u, args[0], err);
                return 2;
            } catch (Exception e) {
                err.println("jaio: " + args[0] + ": " + e.getMessage());
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
        int first = args.length > 0 && args[0].equals("--") ? 1 : 0;    // "jaio -- treescan": the command after --
        if (first == 1 && args.length > 1) {
            return run(out, err, java.util.Arrays.copyOfRange(args, 1, args.length));
        }
        // Help first, then version, wherever they come before a command, as in "jaio --help treescan".
        if (java.util.Arrays.asList(args).contains("-h") || java.util.Arrays.asList(args).contains("--help")) {
            Args.help(ROOT, out);
            return writeChecked(out, err, null, 0);
        }
        if (args.length > 0 && (args[0].equals("-V") || args[0].equals("--version"))) {
            out.println(version());
            return writeChecked(out, err, null, 0);
        }
        Args.explain(new Args.Usage(args.length == 0 ? "missing COMMAND (one of " + String.join(", ", COMMANDS.keySet()) + ")"
                : args[0].startsWith("-") ? "unknown option: '" + args[0] + "'" : "unknown command '" + args[0] + "'"), null, err);
        return 2;
    }

    /** {@code s} as one shell word: as is when it is plain, else single-quoted. */
    static String shellWord(String s) {
        if (!s.isEmpty() && s.chars().allMatch(c -> c < 0x80 && (Character.isLetterOrDigit(c) || "/._-+=:,@%".indexOf(c) >= 0))) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
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
            Recording r = recording;
            if (r != null && r.failure != null && "Broken pipe".equals(r.failure.getMessage())) {
                return 128 + 13;    // the reader left (jaio ... | head): quiet, as a process killed by SIGPIPE
            }
            err.println("jaio: " + (command == null ? "" : command + ": ") + "write error on standard output");
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
