package io.jaio.cli;

import io.jaio.Aio;
import io.jaio.ErrnoException;
import io.jaio.FileStat;
import io.jaio.TreeOptions;
import io.jaio.TreeStats;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;

/** {@code jaio rm -r}: {@link Aio#rmtree} on each argument, many requests at once. */
final class Remove implements Callable<Integer> {
    static final Args.Option RECURSIVE = Args.flag("Remove directories and everything in them.", "-r", "-R", "--recursive");
    static final Args.Option FORCE = Args.flag("Ignore paths that do not exist.", "-f", "--force");
    static final Args.Option PARALLEL = Args.valued("N", "Worker threads, 1..1024 (default: 8).", "--parallel");
    static final Args.Option IN_FLIGHT = Args.valued("N", "Requests in flight at most, 1..1000000 (default: 64).", "--in-flight");

    static final Args.Syntax SYNTAX = new Args.Syntax("rm",
            List.of("Remove files, and with -r whole directory trees, many requests at once.",
                "Symlinks are removed, never followed, even a directory swapped for a symlink while the removal runs.",
                "Exit status: 0 if everything was removed; 1 if anything failed (each failure on stderr with its path "
                        + "and errno name); 2 for bad arguments."),
            List.of(RECURSIVE, FORCE, PARALLEL, IN_FLIGHT),
            List.of(new Args.Params("PATH", 0, Integer.MAX_VALUE, "What to remove (none is an error unless -f, as in rm).")));

    private final List<String> paths;
    private final boolean recursive, force;
    private final int parallel, inFlight;

    Remove(Args a) {
        paths = List.copyOf(a.positional());
        if (paths.isEmpty() && !a.has(FORCE)) {
            throw new Args.Usage("missing operand: PATH");
        }
        for (String p : paths) {
            Args.path("PATH", p);
            Path last = Path.of(p).getFileName();
            if (last != null && (last.toString().equals(".") || last.toString().equals(".."))) {
                throw new Args.Usage("refusing to remove '.' or '..': " + p);
            }
            if (Path.of(p).toAbsolutePath().normalize().getParent() == null) {
                throw new Args.Usage("refusing to remove /");
            }
        }
        recursive = a.has(RECURSIVE);
        force = a.has(FORCE);
        parallel = a.integer(PARALLEL, 8, 1, Aio.MAX_PARALLEL);
        inFlight = a.integer(IN_FLIGHT, 64, 1, 1_000_000);
    }

    @Override
    public Integer call() throws Exception {
        PrintStream err = Main.io().err();
        return Main.interruptible(err, "rm: interrupted: some of " + String.join(" ", paths) + " may remain", () -> remove(err));
    }

    private int remove(PrintStream err) {
        int status = 0;
        try (Aio aio = Main.aio().minParallel(parallel).maxParallel(parallel).build()) {
            Progress progress = new Progress(err, "rm");
            long[] before = {0};    // entries removed under earlier arguments
            TreeOptions options = TreeOptions.defaults().limit(inFlight).onProgress(
                    (entries, bytes) -> progress.update(before[0] + entries, null));
            for (String p : paths) {
                int[] reported = {0};
                try {
                    String refused = Main.slashed(p) ? slashRefusal(aio, p) : null;
                    if (refused != null) {
                        // A Path drops the slash, which to the kernel means "a directory". As GNU
                        // rm, -f ignores ENOTDIR as it ignores ENOENT (a missing file).
                        if (!(force && refused.equals("Not a directory"))) {
                            progress.done();
                            err.println("jaio: rm: cannot remove '" + p + "': " + refused);
                            status = 1;
                        }
                        continue;
                    }
                    if (!recursive) {
                        aio.unlink(Path.of(p)).join();
                        continue;
                    }
                    TreeStats removed = aio.rmtree(Path.of(p), options.onError((path, e) -> {
                        if (!(force && isEnoent(e))) {    // -f: what is already gone is no failure
                            progress.done();
                            report(err, Main.asTyped(path, p), e);
                            reported[0]++;
                        }
                    }), null).join();
                    before[0] += removed.entries();
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
            progress.done();
        }
        return status;
    }

    /**
     * Why {@code p/} cannot be removed, or null if it can (a directory itself, or nothing
     * there: the removal reports that). A file, a symlink to one or a dangling symlink: the
     * kernel's ENOTDIR, as GNU rm says. A symlink to a directory: without -r, "Is a directory"
     * as GNU rm says; with -r, GNU rm empties the directory the link points to before it fails,
     * and jaio, which never follows a symlink in a removal, refuses it whole instead.
     */
    private String slashRefusal(Aio aio, String p) {
        FileStat own;
        try {
            own = aio.lstat(Path.of(p)).join();
        } catch (CompletionException e) {
            return null;
        }
        if (own.isDirectory()) {
            return null;
        }
        boolean toDirectory;
        try {
            toDirectory = own.isSymbolicLink() && aio.stat(Path.of(p)).join().isDirectory();
        } catch (CompletionException e) {
            toDirectory = false;    // dangling
        }
        if (!toDirectory) {
            return "Not a directory";
        }
        return recursive ? "a symlink to a directory (jaio does not follow it: '" + Main.trimSlashes(p) + "' names the link)"
                : "Is a directory";
    }

    private static boolean isEnoent(Throwable e) {
        return e instanceof ErrnoException x && x.errnoName().equals("ENOENT");
    }

    private static void report(PrintStream err, String path, Throwable e) {
        err.println("jaio: rm: " + path + ": " + (e instanceof ErrnoException x ? x.getReason() : e.getMessage()));
    }
}
