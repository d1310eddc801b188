package io.jaio.cli;

import io.jaio.Aio;
import io.jaio.AioFile;
import io.jaio.Delivery;
import io.jaio.ErrnoException;
import io.jaio.Fcntl;
import io.jaio.FileStat;
import io.jaio.Req;
import io.jaio.ScanResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Copies a file or a whole tree: files through sendfile (zero-copy in the kernel, emulated
 * where it refuses), many at once; directories, modes and modification times preserved;
 * symlinks recreated as they are. Refuses to overwrite anything unless --force.
 */
@Command(name = "cp", mixinStandardHelpOptions = true,
        description = "Copy a file or a directory tree in parallel, preserving modes and modification times.")
final class Copy implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SRC")
    String src;

    @Parameters(index = "1", paramLabel = "DST")
    String dst;

    @Option(names = {"-f", "--force"}, description = "Overwrite existing files.")
    boolean force;

    @Option(names = "--parallel", defaultValue = "8", description = "Worker threads (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--in-flight", defaultValue = "256", description = "Requests in flight at most (default: ${DEFAULT-VALUE}).")
    int inFlight;

    private Aio aio;
    private PrintStream err;
    private long copiedFiles, copiedBytes, failed;
    /** Directories whose mode and times are set once everything inside them exists. */
    private final List<Object[]> dirs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        err = Main.io().err();
        Progress progress = new Progress(err, "cp");
        try (Aio a = Aio.builder().delivery(Delivery.MANUAL).minParallel(parallel).maxParallel(parallel)
                .maxOutstanding(inFlight).build()) {
            aio = a;
            String target = dst;
            FileStat dstStat = stat(target);
            FileStat srcStat = lstatNow(src);
            if (srcStat == null) {
                return 1;
            }
            if (dstStat != null && dstStat.isDirectory() && !srcStat.isDirectory()) {
                target = dst + "/" + Path.of(src).getFileName();    // cp FILE DIR copies into DIR
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

    private FileStat stat(String p) {
        Req<FileStat> r = aio.stat(Path.of(p));
        aio.flush();
        try {
            return r.join();
        } catch (CompletionException e) {
            return null;
        }
    }

    private FileStat lstatNow(String p) {
        Req<FileStat> r = aio.lstat(Path.of(p));
        aio.flush();
        try {
            return r.join();
        } catch (CompletionException e) {
            fail(p, e.getCause());
            return null;
        }
    }

    private void copyDir(String from, String to, FileStat st) {
        aio.mkdir(Path.of(to), 0700, (v, e) -> {
            if (e instanceof ErrnoException x && x.errnoName().equals("EEXIST") && force) {
                e = null;    // with --force, copy into the existing directory
            }
            if (e != null) {
                fail(to, e);
                return;
            }
            dirs.add(new Object[] {to, st});
            aio.scandir(Path.of(from), 0, (ScanResult r, Throwable e2) -> {
                if (e2 != null) {
                    fail(from, e2);
                    return;
                }
                for (String name : r.dirs()) {
                    String f = from + "/" + name, t = to + "/" + name;
                    aio.lstat(Path.of(f), (s, e3) -> {
                        if (e3 != null) fail(f, e3); else copyDir(f, t, s);
                    });
                }
                for (String name : r.nondirs()) {
                    String f = from + "/" + name, t = to + "/" + name;
                    aio.lstat(Path.of(f), (s, e3) -> {
                        if (e3 != null) fail(f, e3); else copyEntry(f, t, s);
                    });
                }
            });
        });
    }

    private void copyEntry(String from, String to, FileStat st) {
        if (st.isSymbolicLink()) {
            copyLink(from, to);
        } else if (st.isRegularFile()) {
            copyFile(from, to, st);
        } else {
            err.println("jaio: cp: " + from + ": not a regular file, directory or symlink; skipped");
        }
    }

    private void copyLink(String from, String to) {
        String target;
        try {
            target = Files.readSymbolicLink(Path.of(from)).toString();
        } catch (IOException e) {
            fail(from, e);
            return;
        }
        aio.symlink(target, Path.of(to), (v, e) -> {
            if (e instanceof ErrnoException x && x.errnoName().equals("EEXIST") && force) {
                aio.unlink(Path.of(to), (v2, e2) -> {
                    if (e2 != null) fail(to, e2); else copyLink(from, to);
                });
            } else if (e != null) {
                fail(to, e);
            }
        });
    }

    private void copyFile(String from, String to, FileStat st) {
        int flags = Fcntl.O_WRONLY | Fcntl.O_CREAT | (force ? Fcntl.O_TRUNC : Fcntl.O_EXCL);
        aio.open(Path.of(from), Fcntl.O_RDONLY, 0).thenCompose(in ->
                aio.open(Path.of(to), flags, 0600).thenCompose(out ->
                        aio.sendfile(out, in, 0, st.size())
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
                            fail(from, cause);
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
