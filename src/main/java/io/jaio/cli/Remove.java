package io.jaio.cli;

import io.jaio.Aio;
import io.jaio.ErrnoException;
import io.jaio.TreeOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;

/** {@code jaio rm -r}: {@link Aio#rmtree} on each argument, many requests at once. */
@Command(name = "rm", mixinStandardHelpOptions = true,
        description = {
            "Remove files, and with -r whole directory trees, many requests at once.",
            "Symlinks are removed, never followed, even a directory swapped for a symlink while the removal runs.",
            "Exit status: 0 if everything was removed; 1 if anything failed (each failure on stderr with its path "
                    + "and errno name); 2 for bad arguments."})
final class Remove implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "What to remove.")
    List<String> paths;

    @Option(names = {"-r", "-R", "--recursive"}, description = "Remove directories and everything in them.")
    boolean recursive;

    @Option(names = {"-f", "--force"}, description = "Ignore paths that do not exist.")
    boolean force;

    @Option(names = "--parallel", defaultValue = "8", description = "Worker threads, 1..1024 (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--in-flight", defaultValue = "64",
            description = "Requests in flight at most, 1..1000000 (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @Override
    public Integer call() throws Exception {
        for (String p : paths) {
            Main.path(spec, "PATH", p);
            Path last = Path.of(p).getFileName();
            if (last != null && (last.toString().equals(".") || last.toString().equals(".."))) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "refusing to remove '.' or '..': " + p);
            }
            if (Path.of(p).toAbsolutePath().normalize().getParent() == null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "refusing to remove /");
            }
        }
        Main.inRange(spec, "--parallel", parallel, 1, Aio.MAX_PARALLEL);
        Main.inRange(spec, "--in-flight", inFlight, 1, 1_000_000);
        PrintStream err = Main.io().err();
        return Main.interruptible(err, "rm: interrupted: some of " + String.join(" ", paths) + " may remain", () -> remove(err));
    }

    private int remove(PrintStream err) {
        int status = 0;
        try (Aio aio = Aio.builder().minParallel(parallel).maxParallel(parallel).build()) {
            TreeOptions options = TreeOptions.defaults().limit(inFlight);
            for (String p : paths) {
                int[] reported = {0};
                try {
                    if (!recursive) {
                        aio.unlink(Path.of(p)).join();
                        continue;
                    }
                    aio.rmtree(Path.of(p), options.onError((path, e) -> {
                        if (!(force && isEnoent(e))) {    // -f: what is already gone is no failure
                            report(err, path, e);
                            reported[0]++;
                        }
                    }), null).join();
                } catch (CompletionException e) {
                    Throwable c = e.getCause();
                    if (!recursive && !(force && isEnoent(c))) {
                        report(err, p, c);
                        reported[0]++;
                    }
                }
                if (reported[0] > 0) {
                    status = 1;
                }
            }
        }
        return status;
    }

    private static boolean isEnoent(Throwable e) {
        return e instanceof ErrnoException x && x.errnoName().equals("ENOENT");
    }

    private static void report(PrintStream err, String path, Throwable e) {
        err.println("jaio: rm: " + path + ": " + (e instanceof ErrnoException x ? x.getReason() : e.getMessage()));
    }
}
