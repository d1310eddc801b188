package io.jaio.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The {@code jaio} command line: {@code treescan}, {@code cp}, {@code rm}, {@code mv} and {@code bench}. Run it with
 * {@code bin/jaio}, which builds the project and finds a JDK by itself.
 *
 * <p>This package is the only user of picocli; the library ({@code io.jaio} and its internals)
 * never touches it, and the module reads it only statically ({@code requires static}).
 */
@Command(name = "jaio", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Asynchronous file I/O for Java, from the command line.")
public final class Main {
    /**
     * The subcommands, added in {@link #run}: only the one named, when it is, since picocli
     * reflects over each command's options when it is added (`treescan --help`: 0.19 s -> 0.16 s).
     */
    private static final java.util.Map<String, java.util.function.Supplier<Object>> COMMANDS = commands();

    private static java.util.Map<String, java.util.function.Supplier<Object>> commands() {
        var m = new java.util.LinkedHashMap<String, java.util.function.Supplier<Object>>();
        m.put("treescan", TreeScan::new);
        m.put("cp", Copy::new);
        m.put("rm", Remove::new);
        m.put("mv", Move::new);
        m.put("bench", Bench::new);
        return m;
    }

    /** Where commands write: their output and their diagnostics. */
    record Io(PrintStream out, PrintStream err) {}

    static final ThreadLocal<Io> IO = ThreadLocal.withInitial(() -> new Io(System.out, System.err));

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    /** Runs one command line in-process; returns its exit code. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        IO.set(new Io(out, err));
        try {
            CommandLine cl = new CommandLine(new Main());
            var named = args.length > 0 ? COMMANDS.get(args[0]) : null;
            if (named != null) {
                cl.addSubcommand(args[0], named.get());
            } else {
                COMMANDS.forEach((name, make) -> cl.addSubcommand(name, make.get()));    // help, errors
            }
            cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
            cl.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
            cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
                err.println("jaio: " + cmd.getCommandName() + ": " + e.getMessage());
                return 1;
            });
            return cl.execute(args);
        } finally {
            IO.remove();
        }
    }

    static Io io() {
        return IO.get();
    }

    /** The build's version, from a resource Maven fills in. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws Exception {
            try (var in = Main.class.getResourceAsStream("version.txt")) {
                String v = in == null ? "unknown" : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
                return new String[] {"jaio " + v};
            }
        }
    }

    /**
     * Checks an option's value against its range; picocli turns the exception into a usage
     * error (exit 2) before anything is touched.
     */
    static int inRange(CommandLine.Model.CommandSpec spec, String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    option + " must be in " + min + ".." + max + ", was " + value);
        }
        return value;
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

    /** Refuses an empty path argument (it would mean the current directory, or "/" once joined). */
    static String path(CommandLine.Model.CommandSpec spec, String what, String p) {
        if (p.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), what + " must not be empty");
        }
        return p;
    }
}
