package io.jaio.cli;

import io.jaio.Aio;
import io.jaio.ErrnoException;
import io.jaio.FileStat;
import io.jaio.Req;
import io.jaio.TreeOptions;
import io.jaio.TreeStats;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;

/**
 * Copies a file or a whole tree as GNU {@code cp -a} does: a thin wrapper over
 * {@link Aio#copyTree} (at most --in-flight requests at once), with cp's rules for where the
 * copy goes (into an existing directory, trailing slashes) and its refusals (the same file, a
 * directory into itself) decided here first.
 */
final class Copy implements Callable<Integer> {
    static final Args.Option FORCE = Args.flag("Overwrite existing files and symlinks (without it they are reported and kept).",
            "-f", "--force");
    static final Args.Option PARALLEL = Args.valued("N", "Worker threads, 1..1024 (default: 8).", "--parallel");
    static final Args.Option IN_FLIGHT = Args.valued("N",
            "Requests outstanding at most whenever results are handled, 1..1000000 (default: 256).", "--in-flight");

    static final Args.Syntax SYNTAX = new Args.Syntax("cp",
            List.of("Copy a file or a directory tree in parallel, preserving modes and times (to the nanosecond, "
                        + "symlinks' own included) and symlink targets byte for byte.",
                "As GNU cp: if DST is an existing directory, SRC is copied into it as DST/NAME (NAME: the last "
                        + "part of SRC); otherwise SRC is copied to DST. Directories that exist already are merged into.",
                "Directories, regular files, symlinks, fifos and sockets are copied (devices too, with the privilege). "
                        + "A directory is never copied into itself, and a symlink never followed, even one swapped in while the copy runs.",
                "Exit status: 0 if everything was copied; 1 if anything failed (each failure on stderr with its "
                        + "path and errno name); 2 for bad arguments."),
            List.of(FORCE, PARALLEL, IN_FLIGHT),
            List.of(new Args.Params("SRC", 1, 1, "The file, directory or symlink to copy (a symlink is copied as a symlink)."),
                    new Args.Params("DST", 1, 1, "The copy's name, or an existing directory to copy into.")));

    private final String src, dst;
    private final boolean force;
    private final int parallel, inFlight;

    Copy(Args a) {
        src = Args.path("SRC", a.positional().get(0));
        dst = Args.path("DST", a.positional().get(1));
        force = a.has(FORCE);
        parallel = a.integer(PARALLEL, 8, 1, Aio.MAX_PARALLEL);
        inFlight = a.integer(IN_FLIGHT, 256, 1, 1_000_000);
    }

    @Override
    public Integer call() throws Exception {
        PrintStream err = Main.io().err();
        // Interrupted (Ctrl-C, SIGTERM): say what is left, and how to finish.
        return Main.interruptible(err, () -> "cp: interrupted: " + finish, () -> copy(err));
    }

    /** What to tell a user who interrupts the copy: updated once the copy's place is known. */
    private volatile String finish = "nothing may have been copied yet";

    private int copy(PrintStream err) {
        try (Aio aio = Main.aio().minParallel(parallel).maxParallel(parallel).build()) {
            // As GNU cp: SRC with a trailing slash is followed if it is a symlink to a directory.
            boolean followSrc = Main.slashed(src);
            FileStat srcStat = now(followSrc ? aio.stat(Path.of(src)) : aio.lstat(Path.of(src)), src, err);
            if (srcStat == null) {
                return 1;
            }
            if (followSrc && !srcStat.isDirectory()) {
                // The kernel's stat("f/") fails so, but a Path drops the slash before it gets there.
                err.println("jaio: cp: cannot stat '" + src + "': Not a directory");
                return 1;
            }
            Path from = followSrc ? now(aio.realpath(Path.of(src)), src, err) : Path.of(src);
            if (from == null) {
                return 1;
            }
            String target = dst;
            FileStat dstStat = now(aio.stat(Path.of(dst)), null, err);
            if (dst.endsWith("/") && (dstStat == null || !dstStat.isDirectory()) && !srcStat.isDirectory()) {
                err.println("jaio: cp: cannot create '" + dst + "': Not a directory");
                return 1;
            }
            if (dstStat != null && dstStat.isDirectory()) {
                Path name = Path.of(src).getFileName();
                if (name != null && !name.toString().equals(".") && !name.toString().equals("..")) {
                    target = (dst.endsWith("/") ? dst : dst + "/") + name;    // cp SRC DIR copies into DIR/NAME
                }
                dstStat = now(aio.lstat(Path.of(target)), null, err);
            }
            if (dstStat != null && dstStat.dev() == srcStat.dev() && dstStat.ino() == srcStat.ino()) {
                err.println("jaio: cp: '" + src + "' and '" + target + "' are the same file");
                return 1;
            }
            // Rerunning the same command would copy a directory into the partial copy (DST/NAME);
            // SRC/. copies its contents into the copy itself.
            finish = srcStat.isDirectory()
                    ? target + " is incomplete (to finish it: jaio cp --force -- "
                            + Main.shellWord(Main.trimSlashes(src) + "/.") + " " + Main.shellWord(target) + ")"
                    : target + " may be incomplete (rerun with --force to finish it)";
            if (srcStat.isDirectory() && inside(aio, target, src)) {
                err.println("jaio: cp: cannot copy a directory, '" + src + "', into itself, '" + target + "'");
                return 1;
            }
            Progress progress = new Progress(err, "cp");
            String copy = target, walked = from.toString();
            TreeOptions options = TreeOptions.defaults().limit(inFlight).replace(force).onError((reported, e) -> {
                // The walk names entries by absolute path: as typed instead, as GNU cp does.
                String path = Main.asTyped(asTypedSource(reported, walked, src), copy);
                if (e instanceof ErrnoException x && x.errnoName().equals("EEXIST")) {
                    // Under --force only a non-directory in a directory's place is left standing.
                    progress.println("jaio: cp: " + path + (force ? ": exists and is not a directory (cannot overwrite it with a directory)"
                            : ": exists (use --force to overwrite)"));
                } else {
                    progress.println("jaio: cp: " + path + ": " + (e instanceof ErrnoException x ? x.getReason() : e.getMessage()));
                }
            }).onProgress(progress::update);
            TreeStats st;
            try {
                st = now(aio.copyTree(from, Path.of(target), options, null), null, err);
            } finally {
                progress.done();
            }
            return st != null && st.failures() == 0 ? 0 : 1;
        }
    }

    /**
     * A path the walk reported under the source as the user typed the source {@code src}: the
     * walk was given {@code walked}, the source's realpath when {@code SRC/} followed a symlink.
     */
    static String asTypedSource(String reported, String walked, String src) {
        if (walked.startsWith("/")) {    // SRC typed absolute, or the realpath SRC/ led to
            if (reported.equals(walked)) {
                return src;
            }
            if (reported.startsWith(walked + "/")) {
                return Main.trimSlashes(src) + reported.substring(walked.length());
            }
        }
        return Main.asTyped(reported, src);
    }

    /**
     * True if {@code target} would lie inside the directory {@code dir} (or be it). Resolved
     * through jaio's own realpath and lstat, not the JDK's: a name recovered from the command
     * line's bytes (Argv) is only meaningful to jaio's byte mapping.
     */
    private static boolean inside(Aio aio, String target, String dir) {
        try {
            Path real = aio.realpath(Path.of(dir)).join();
            Path t = Path.of(target).toAbsolutePath().normalize();
            // The deepest part of target that exists, resolved, with the rest appended.
            Path existing = t;
            while (existing != null && !exists(aio, existing)) {
                existing = existing.getParent();
            }
            if (existing == null) {
                return false;
            }
            Path resolved = aio.realpath(existing).join().resolve(existing.relativize(t));
            return resolved.startsWith(real);
        } catch (CompletionException e) {
            return false;    // the copy itself will report what is wrong
        }
    }

    /** lstat succeeds (any failure counts as missing, as Files.exists had it). */
    private static boolean exists(Aio aio, Path p) {
        try {
            aio.lstat(p).join();
            return true;
        } catch (CompletionException e) {
            return false;
        }
    }

    /** The request's result, or null after reporting (if {@code what}) its failure. */
    private static <T> T now(Req<T> r, String what, PrintStream err) {
        try {
            return r.join();
        } catch (CompletionException e) {
            if (what != null) {
                Throwable c = e.getCause();
                err.println("jaio: cp: " + what + ": " + (c instanceof ErrnoException x ? x.getReason() : c.getMessage()));
            }
            return null;
        }
    }
}
