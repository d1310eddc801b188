package io.jaio.cli;

import io.jaio.Aio;
import io.jaio.Delivery;
import io.jaio.ErrnoException;
import io.jaio.Fcntl;
import io.jaio.FileStat;
import io.jaio.Req;
import io.jaio.ScanResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Copies a file or a whole tree, as GNU {@code cp -a} does for regular files, directories and
 * symlinks: file data through copy_file_range (in the kernel, one request per file), many
 * files at once; modes and times (to the
 * nanosecond, symlinks' own included) preserved; symlink targets copied byte for byte. The
 * whole walk runs from callbacks on one thread (MANUAL delivery), with at most --in-flight
 * requests outstanding whenever pollCb returns.
 */
@Command(name = "cp", mixinStandardHelpOptions = true,
        description = {
            "Copy a file or a directory tree in parallel, preserving modes and times (to the nanosecond, "
                    + "symlinks' own included) and symlink targets byte for byte.",
            "As GNU cp: if DST is an existing directory, SRC is copied into it as DST/NAME (NAME: the last "
                    + "part of SRC); otherwise SRC is copied to DST. Directories that exist already are merged into.",
            "Regular files, directories and symlinks are copied; a fifo, socket or device is reported and "
                    + "not copied. A directory is never copied into itself.",
            "Exit status: 0 if everything was copied; 1 if anything failed (each failure on stderr with its "
                    + "path and errno name); 2 for bad arguments."})
final class Copy implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SRC", description = "The file, directory or symlink to copy (a symlink is copied as a symlink).")
    String src;

    @Parameters(index = "1", paramLabel = "DST", description = "The copy's name, or an existing directory to copy into.")
    String dst;

    @Option(names = {"-f", "--force"}, description = "Overwrite existing files and symlinks (without it they are reported and kept).")
    boolean force;

    @Option(names = "--parallel", defaultValue = "8", description = "Worker threads, 1..1024 (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--in-flight", defaultValue = "256",
            description = "Requests outstanding at most whenever results are handled, 1..1000000 (default: ${DEFAULT-VALUE}).")
    int inFlight;

    private Aio aio;
    private PrintStream err;
    private long copiedFiles, copiedBytes, failed;
    /** Directories whose mode and times are set once everything inside them exists. */
    private final List<Object[]> dirs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Main.path(spec, "SRC", src);
        Main.path(spec, "DST", dst);
        Main.inRange(spec, "--parallel", parallel, 1, Aio.MAX_PARALLEL);
        Main.inRange(spec, "--in-flight", inFlight, 1, 1_000_000);
        err = Main.io().err();
        Progress progress = new Progress(err, "cp");
        // Interrupted (Ctrl-C, SIGTERM): files being copied are left partial; say so, and how to finish.
        PrintStream errOut = err;
        boolean[] finished = {false};
        Thread interrupted = new Thread(() -> {
            if (!finished[0]) {
                errOut.println("jaio: cp: interrupted: " + dst + " is incomplete (rerun with --force to finish it)");
            }
        }, "jaio-cp-interrupted");
        Runtime.getRuntime().addShutdownHook(interrupted);
        try {
            return copy(progress);
        } finally {
            finished[0] = true;
            try {
                Runtime.getRuntime().removeShutdownHook(interrupted);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs (or ran) and has seen finished
            }
        }
    }

    private int copy(Progress progress) throws Exception {
        try (Aio a = Aio.builder().delivery(Delivery.MANUAL).minParallel(parallel).maxParallel(parallel)
                .maxOutstanding(inFlight).build()) {
            aio = a;
            // As GNU cp: SRC with a trailing slash is followed if it is a symlink to a directory.
            boolean followSrc = src.length() > 1 && src.endsWith("/");
            FileStat srcStat = now(followSrc ? aio.stat(Path.of(src)) : aio.lstat(Path.of(src)), src);
            if (srcStat == null) {
                return 1;
            }
            String target = dst;
            FileStat dstStat = now(aio.stat(Path.of(dst)), null);
            if (dst.endsWith("/") && (dstStat == null || !dstStat.isDirectory()) && !srcStat.isDirectory()) {
                err.println("jaio: cp: cannot create '" + dst + "': Not a directory");
                return 1;
            }
            if (dstStat != null && dstStat.isDirectory()) {
                Path name = Path.of(src).getFileName();
                if (name != null && !name.toString().equals(".") && !name.toString().equals("..")) {
                    target = dst + "/" + name;    // cp SRC DIR copies into DIR/NAME
                }
                dstStat = now(aio.lstat(Path.of(target)), null);
            }
            if (dstStat != null && dstStat.dev() == srcStat.dev() && dstStat.ino() == srcStat.ino()) {
                err.println("jaio: cp: '" + src + "' and '" + target + "' are the same file");
                return 1;
            }
            if (srcStat.isDirectory() && inside(target, src)) {
                err.println("jaio: cp: cannot copy a directory, '" + src + "', into itself, '" + target + "'");
                return 1;
            }
            if (srcStat.isDirectory()) {
                copyDir(src, target, srcStat);
            } else {
                copyEntry(src, target, srcStat);
            }
            while (aio.nreqs() > 0) {
                aio.pollWait();
                aio.pollCb();
                progress.update(copiedFiles, String.format("files, %,d bytes", copiedBytes));
            }
            // Innermost directories first, so setting a parent's mtime is the last change to it.
            for (int i = dirs.size() - 1; i >= 0; i--) {
                String d = (String) dirs.get(i)[0];
                FileStat st = (FileStat) dirs.get(i)[1];
                report(d, aio.chmod(Path.of(d), st.permissions()));
                report(d, aio.utime(Path.of(d), st.atime(), st.mtime()));
            }
            aio.flush();
        }
        progress.done();
        return failed == 0 ? 0 : 1;
    }

    /** True if {@code target} would lie inside the directory {@code dir} (or be it). */
    private static boolean inside(String target, String dir) {
        try {
            Path real = Path.of(dir).toRealPath();
            Path t = Path.of(target).toAbsolutePath().normalize();
            // The deepest part of target that exists, resolved, with the rest appended.
            Path existing = t;
            while (existing != null && !java.nio.file.Files.exists(existing, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                existing = existing.getParent();
            }
            if (existing == null) {
                return false;
            }
            Path resolved = existing.toRealPath().resolve(existing.relativize(t));
            return resolved.startsWith(real);
        } catch (IOException e) {
            return false;    // the copy itself will report what is wrong
        }
    }

    /** The request's result once everything outstanding is done, or null after reporting (if {@code what}) its failure. */
    private <T> T now(Req<T> r, String what) {
        aio.flush();
        try {
            return r.join();
        } catch (CompletionException e) {
            if (what != null) {
                fail(what, e.getCause());
            }
            return null;
        }
    }

    private void copyDir(String from, String to, FileStat st) {
        aio.mkdir(Path.of(to), 0700, (v, e) -> {
            if (e instanceof ErrnoException x && x.errnoName().equals("EEXIST")) {
                // As GNU cp: an existing directory is merged into; anything else there is an error.
                aio.stat(Path.of(to), (s, e2) -> {
                    if (e2 == null && s.isDirectory()) {
                        listDir(from, to, st);
                    } else {
                        fail(to, e);
                    }
                });
                return;
            }
            if (e != null) {
                fail(to, e);
                return;
            }
            listDir(from, to, st);
        });
    }

    private void listDir(String from, String to, FileStat st) {
        dirs.add(new Object[] {to, st});
        aio.scandir(Path.of(from), 0, (ScanResult r, Throwable e2) -> {
            if (e2 != null) {
                fail(from, e2);
                return;
            }
            for (String name : r.dirs()) {
                String f = from + "/" + name, t = to + "/" + name;
                aio.lstat(Path.of(f), (s, e3) -> {
                    if (e3 != null) fail(f, e3); else if (s.isDirectory()) copyDir(f, t, s); else copyEntry(f, t, s);
                });
            }
            for (String name : r.nondirs()) {
                String f = from + "/" + name, t = to + "/" + name;
                aio.lstat(Path.of(f), (s, e3) -> {
                    if (e3 != null) fail(f, e3); else copyEntry(f, t, s);
                });
            }
        });
    }

    private void copyEntry(String from, String to, FileStat st) {
        if (st.isSymbolicLink()) {
            aio.readlink(Path.of(from), (target, e) -> {
                if (e != null) fail(from, e); else copyLink(target, to, st);
            });
        } else if (st.isRegularFile()) {
            copyFile(from, to, st);
        } else {
            failed++;
            err.println("jaio: cp: " + from + ": " + kind(st) + ": not copied (jaio cp copies regular files, "
                    + "directories and symlinks)");
        }
    }

    private static String kind(FileStat st) {
        return switch (st.mode() & 0170000) {
            case 0010000 -> "a fifo";
            case 0140000 -> "a socket";
            case 0020000 -> "a character device";
            case 0060000 -> "a block device";
            default -> "an entry of unknown type";
        };
    }

    /** Recreates a symlink with the source's target bytes, then its own times. */
    private void copyLink(String target, String to, FileStat st) {
        aio.symlink(target, Path.of(to), (v, e) -> {
            if (e instanceof ErrnoException x && x.errnoName().equals("EEXIST") && force) {
                aio.unlink(Path.of(to), (v2, e2) -> {
                    if (e2 != null) fail(to, e2); else copyLink(target, to, st);
                });
            } else if (e instanceof ErrnoException x && x.errnoName().equals("EEXIST")) {
                failed++;
                err.println("jaio: cp: " + to + ": exists (use --force to overwrite)");
            } else if (e != null) {
                fail(to, e);
            } else {
                report(to, aio.lutime(Path.of(to), st.atime(), st.mtime()));
            }
        });
    }

    private void copyFile(String from, String to, FileStat st) {
        int flags = Fcntl.O_WRONLY | Fcntl.O_CREAT | (force ? Fcntl.O_TRUNC : Fcntl.O_EXCL);
        aio.open(Path.of(from), Fcntl.O_RDONLY, 0).thenCompose(in ->
                aio.open(Path.of(to), flags, 0600).thenCompose(out ->
                        aio.copyFileRange(in, 0, out, 0, st.size())
                                .thenCompose(n -> {
                                    if (n != st.size()) {
                                        throw new CompletionException(new IOException(
                                                "short copy: " + n + " of " + st.size() + " bytes (the source changed?)"));
                                    }
                                    copiedBytes += n;
                                    return CompletableFuture.completedFuture(n);
                                })
                                .whenComplete((n, e) -> aio.close(out)))
                        .whenComplete((n, e) -> aio.close(in)))
                .thenCompose(n -> aio.chmod(Path.of(to), st.permissions()))
                .thenCompose(v -> aio.utime(Path.of(to), st.atime(), st.mtime()))
                .whenComplete((v, e) -> {
                    if (e != null) {
                        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                        if (cause instanceof ErrnoException x && x.errnoName().equals("EEXIST")) {
                            failed++;
                            err.println("jaio: cp: " + to + ": exists (use --force to overwrite)");
                        } else {
                            fail(cause instanceof ErrnoException x && x.getFile() != null ? x.getFile() : from, cause);
                        }
                    } else {
                        copiedFiles++;
                    }
                });
    }

    private void report(String path, CompletableFuture<?> r) {
        r.whenComplete((v, e) -> {
            if (e != null) fail(path, e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
        });
    }

    private void fail(String path, Throwable e) {
        failed++;
        String why = e instanceof ErrnoException x ? x.getReason() : e.getMessage();
        err.println("jaio: cp: " + path + ": " + why);
    }
}
