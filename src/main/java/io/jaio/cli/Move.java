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

/**
 * {@code jaio mv}: {@link Aio#move} (rename, or copy and unlink across file systems); a
 * directory across file systems is {@link Aio#copyTree} then {@link Aio#rmtree}.
 */
final class Move implements Callable<Integer> {
    static final Args.Syntax SYNTAX = new Args.Syntax("mv",
            List.of("Move (rename) a file, symlink or directory. Into an existing directory DST, SRC moves to DST/NAME.",
                "Across file systems a file is copied and then removed; a directory tree is copied whole (as jaio cp) "
                        + "and the source removed only if every entry was copied.",
                "Exit status: 0 on success; 1 on failure (on stderr with its path and errno name); 2 for bad arguments."),
            List.of(),
            List.of(new Args.Params("SRC", 1, 1, "What to move."),
                    new Args.Params("DST", 1, 1, "Its new name, or an existing directory to move it into.")));

    private final String src, dst;

    Move(Args a) {
        src = Args.path("SRC", a.positional().get(0));
        dst = Args.path("DST", a.positional().get(1));
    }

    @Override
    public Integer call() throws Exception {
        PrintStream err = Main.io().err();
        return Main.interruptible(err, () -> "mv: interrupted: " + state, () -> move(err));
    }

    /** What an interrupt leaves, for the message: updated as the move goes from one step to the next. */
    private volatile String state = "nothing moved yet";

    private int move(PrintStream err) {
        try (Aio aio = Main.aio().build()) {
            Path from = Path.of(src);
            Path to = Path.of(dst);
            // A Path drops a trailing slash, which to the kernel means "a directory": as GNU mv,
            // SRC/ must be a directory itself (GNU mv refuses a symlink named so, too).
            FileStat own = join(aio.lstat(from));    // what is moved: null if it is not there (aio.move says why)
            if (Main.slashed(src)) {
                if (own != null && !own.isDirectory()) {
                    err.println("jaio: mv: cannot move '" + src + "': Not a directory");
                    return 1;
                }
            }
            FileStat target = join(aio.stat(to));
            if (Main.slashed(dst) && (target == null ? own == null || !own.isDirectory() : !target.isDirectory())) {
                // DST/ names a directory: a directory may be renamed to it, nothing else (rename(2)'s
                // ENOTDIR, as GNU mv says); a Path drops the slash, which would rename a file onto DST.
                err.println("jaio: mv: cannot move '" + src + "' to '" + dst + "': Not a directory");
                return 1;
            }
            if (target != null && target.isDirectory() && from.getFileName() != null) {
                to = to.resolve(from.getFileName());
            }
            // rename(2) between two names of one file succeeds and does nothing: GNU mv refuses.
            FileStat b = join(aio.lstat(to));
            if (own != null && b != null && own.dev() == b.dev() && own.ino() == b.ino()) {
                err.println("jaio: mv: '" + src + "' and '" + to + "' are the same file");
                return 1;
            }
            state = src + " is where it was, or moved whole (a file is moved in one step)";
            try {
                aio.move(from, to).join();
                return 0;
            } catch (CompletionException e) {
                if (!(e.getCause() instanceof ErrnoException x && x.errnoName().equals("EXDEV"))) {
                    // rename(2) names two paths and its errno may concern either: say both.
                    Throwable c = e.getCause();
                    if (c instanceof ErrnoException x && x.errnoName().equals("EINVAL")) {
                        // rename(2)'s EINVAL: a directory into itself or below it (GNU mv's words)
                        err.println("jaio: mv: cannot move '" + src + "' to a subdirectory of itself, '" + to + "'");
                        return 1;
                    }
                    err.println("jaio: mv: cannot move '" + src + "' to '" + to + "': "
                            + (c instanceof ErrnoException x ? x.getReason() : c.getMessage()));
                    return 1;
                }
            }
            // A directory across file systems: copy the tree, and remove the source only if all of it arrived.
            Path dest = to;
            if (own != null && !own.isDirectory()) {
                // A fifo, socket or device (files and symlinks are moved by aio.move): rename(2)'s EXDEV stands.
                err.println("jaio: mv: cannot move '" + src + "' to '" + dest + "': rename: EXDEV (Invalid cross-device link)");
                return 1;
            }
            FileStat existing = join(aio.lstat(dest));
            if (existing != null && !existing.isDirectory()) {
                err.println("jaio: mv: cannot overwrite non-directory '" + dest + "' with directory '" + src + "'");
                return 1;
            }
            if (existing != null) {
                // As rename(2) would: an empty directory is replaced, a non-empty one refused
                // (merging two trees is not a move).
                try {
                    aio.rmdir(dest).join();
                } catch (CompletionException e) {
                    Throwable c = e.getCause();
                    err.println("jaio: mv: cannot move '" + src + "' to '" + dest + "': "
                            + (c instanceof ErrnoException x ? x.getReason() : c.getMessage()));
                    return 1;
                }
            }
            String typedDest = dest.toString();
            TreeOptions options = TreeOptions.defaults().onError((path, e) ->
                    report(err, Main.asTyped(Main.asTyped(path, src), typedDest), e));    // as typed, as GNU mv
            String from0 = Main.shellWord(src), dest0 = Main.shellWord(dest.toString());
            state = dest + " is a partial copy and " + src + " is whole (to finish the move: jaio cp --force -- "
                    + Main.shellWord(Main.trimSlashes(src) + "/.") + " " + dest0 + " && jaio rm -r -- " + from0 + ")";
            try {
                TreeStats copied = aio.copyTree(from, dest, options, null).join();
                if (copied.failures() > 0) {
                    return 1;
                }
                if (Main.io().faults().get() > 0) {
                    // A callback failed (reported as an internal error): the walk may have lost
                    // work without counting a failure, so the source stays.
                    err.println("jaio: mv: " + src + " not removed: its copy at " + dest + " may be incomplete");
                    return 1;
                }
            } catch (CompletionException e) {
                err.println("jaio: mv: " + src + " not removed: its copy at " + dest + " is incomplete");
                return 1;
            }
            state = dest + " is complete and " + src + " partly removed (to finish the move: jaio rm -r -- " + from0 + ")";
            try {
                aio.rmtree(from, options, null).join();
                return 0;
            } catch (CompletionException e) {
                return 1;
            }
        }
    }

    private static <T> T join(io.jaio.Req<T> r) {
        try {
            return r.join();
        } catch (CompletionException e) {
            return null;
        }
    }

    private static void report(PrintStream err, String path, Throwable e) {
        err.println("jaio: mv: " + path + ": " + (e instanceof ErrnoException x ? x.getReason() : e.getMessage()));
    }
}
