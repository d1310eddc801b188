package io.jaio.cli;

import io.jaio.Aio;
import io.jaio.Delivery;
import io.jaio.DirEntry;
import io.jaio.ErrnoException;
import io.jaio.Fcntl;
import io.jaio.FileStat;
import io.jaio.ScanResult;
import io.jaio.ThreadKind;
import io.jaio.internal.sys.Errno;
import io.jaio.internal.sys.Names;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * IO::AIO's treescan: a recursive parallel scan. Prints every path, the roots included, as
 * find does (in no particular order), or with --count the totals. Never follows a symlink,
 * except a root given with a trailing slash (as find DIR/); such a root that is not a
 * directory is an error (ENOTDIR), as for find.
 *
 * <p>Each directory is listed with readdirx (getdents64 alone): where the file system reports
 * each entry's type (d_type), the scan recurses on directories without any stat. A directory
 * with an entry of unknown type is scanned with scandir instead, whose nlink algorithm finds
 * its subdirectories with as few stats as possible. --count lists each directory with
 * READDIR_STAT instead: one request lists it and lstats every entry, for the sizes.
 */
final class TreeScan implements Callable<Integer> {
    static final Args.Option COUNT = Args.flag("Print the totals of directories, files and bytes instead of paths.", "--count");
    static final Args.Option PRINT0 = Args.flag("End each path with a NUL byte instead of a newline.", "-0", "--print0");
    static final Args.Option MAXREQ = Args.valued("N",
            "Stats in flight per directory scanned with scandir, 0..4096 (0: scandir's default, 4).", "--maxreq");
    static final Args.Option PARALLEL = Args.valued("N", "Worker threads, 1..1024 (default: 8).", "--parallel");
    static final Args.Option VIRTUAL = Args.flag("Use virtual worker threads.", "--virtual");
    static final Args.Option STATS = Args.flag("Print to stderr how long the scan itself took (from building the engine "
            + "to the last entry written; JVM start-up and option parsing excluded) and the entries per second.", "--stats");

    static final Args.Syntax SYNTAX = new Args.Syntax("treescan",
            List.of("Scan directory trees in parallel and print every path (like find).",
                "Directories are listed with getdents64 and recursed into by the type it reports; scandir "
                        + "(stat-based) serves directories whose entries' types are unknown. --count also lstats every "
                        + "entry for its size (one request per directory, in the worker).",
                "Exit status: 0 if every directory was read; 1 if any failed (each failure on stderr with its "
                        + "path and errno name, the scan going on); 2 for bad arguments."),
            List.of(COUNT, PRINT0, MAXREQ, PARALLEL, VIRTUAL, STATS),
            List.of(new Args.Params("DIR", 0, Integer.MAX_VALUE, "Directories to scan (default: .).")));

    private final List<String> roots;
    private final boolean count, print0, virtual, stats;
    private final int maxreq, parallel;

    TreeScan(Args a) {
        roots = a.positional().isEmpty() ? List.of(".") : List.copyOf(a.positional());
        for (String root : roots) {
            Args.path("DIR", root);
        }
        count = a.has(COUNT);
        print0 = a.has(PRINT0);
        virtual = a.has(VIRTUAL);
        stats = a.has(STATS);
        maxreq = a.integer(MAXREQ, 0, 0, Aio.MAX_PARALLEL * 4);
        parallel = a.integer(PARALLEL, 8, 1, Aio.MAX_PARALLEL);
    }

    private Lines out;
    private PrintStream err;
    private long dirs, files, bytes, failed;

    @Override
    public Integer call() {
        Main.Io io = Main.io();
        out = new Lines(io.out());
        err = io.err();
        Progress progress;
        long start = System.nanoTime();
        try (Aio aio = Main.aio().delivery(Delivery.MANUAL).threads(virtual ? ThreadKind.VIRTUAL : ThreadKind.PLATFORM)
                .minParallel(parallel).maxParallel(parallel).build()) {
            for (String root : roots) {
                // As find: a root given with a trailing slash is followed if it is a symlink.
                boolean follow = Main.slashed(root);
                // A root that opens as a directory is one; anything else is stat'ed. The open
                // saves the stat of the common case and, since the scan itself opens and
                // closes directories, linking a native handle of its own (statx's, about 6 ms
                // of a scan of /usr).
                aio.open(Path.of(root), Fcntl.O_PATH | Fcntl.O_DIRECTORY | (follow ? 0 : Fcntl.O_NOFOLLOW), 0,
                        (dir, e) -> {
                            if (e == null) {
                                aio.close(dir, (v, ignored) -> { });
                                rootDirectory(aio, root);
                            } else if (follow && e instanceof ErrnoException x && x.errno() == Errno.ENOTDIR) {
                                fail(root, e);    // "file/": as find, not a directory (Path.of drops the slash)
                            } else {
                                statRoot(aio, root, follow);
                            }
                        });
            }
            // After the roots are submitted: the workers start on them while this thread asks
            // whether stderr is a terminal (the progress line), which links a native handle.
            progress = new Progress(err, "treescan");
            while (aio.nreqs() > 0) {
                aio.pollWait();
                aio.pollCb();
                progress.update(dirs + files, null);
            }
        }
        progress.done();
        if (count) {
            out.bytes(String.format(Locale.ROOT, "directories %d%nfiles %d%nbytes %d%n", dirs, files, bytes)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        out.flush();
        io.out().flush();
        if (stats && !out.lost) {
            double secs = (System.nanoTime() - start) / 1e9;
            err.printf(Locale.ROOT, "jaio: treescan: %,d entries in %.3f s, %,.0f entries/s (the scan itself: "
                    + "JVM start-up and option parsing excluded)%n", dirs + files, secs, (dirs + files) / secs);
        }
        return failed == 0 ? 0 : 1;
    }

    /** A root that did not open as a directory: what lstat (stat, if followed) says it is. */
    private void statRoot(Aio aio, String root, boolean follow) {
        (follow ? aio.stat(Path.of(root)) : aio.lstat(Path.of(root))).whenComplete((st, e) -> {
            if (e != null) {
                fail(root, e);
            } else if (st.isDirectory()) {
                rootDirectory(aio, root);
            } else {
                file(aio, root, st);
            }
        });
    }

    private void rootDirectory(Aio aio, String root) {
        dirs++;
        emit(root);
        scan(aio, root);
    }

    private void scan(Aio aio, String dir) {
        if (out.lost) {
            return;    // the output is gone: see Lines.lost
        }
        if (count) {
            scanWithStats(aio, dir);
            return;
        }
        aio.readdirx(Path.of(dir), 0, (List<DirEntry> entries, Throwable e) -> listed(aio, dir, entries, e, false));
    }

    private void listed(Aio aio, String dir, List<DirEntry> entries, Throwable e, boolean deep) {
        if (e != null && !deep && isTooLong(e)) {
            listDeep(aio, dir, 0, (entries2, e2) -> listed(aio, dir, entries2, e2, true));
            return;
        }
        if (e != null) {
            fail(dir, e);
            return;
        }
        for (DirEntry d : entries) {
            if (d.type() == DirEntry.Type.UNKNOWN) {
                scandir(aio, dir);    // no d_type here: let scandir's nlink algorithm classify
                return;
            }
        }
        String prefix = dir.endsWith("/") ? dir : dir + "/";
        byte[] prefixBytes = Names.encode(prefix);    // once per directory, not once per entry
        for (DirEntry d : entries) {
            if (d.type() == DirEntry.Type.DIR) {
                String p = prefix + d.name();
                dirs++;
                emit(p);
                scan(aio, p);
            } else {
                files++;
                emit(prefixBytes, d.name());
            }
        }
    }

    private static boolean isTooLong(Throwable e) {
        return e instanceof ErrnoException x && x.errno() == Errno.ENAMETOOLONG;
    }

    /** Each step of a chain of working directories encodes to at most this many bytes (PATH_MAX is 4,096). */
    static final int STEP_BYTES = 3000;

    /**
     * Lists a directory whose path is longer than the kernel takes (PATH_MAX, 4,096 bytes), as
     * find lists one at any depth: opened through a chain of working directories, each step
     * at most STEP_BYTES, and listed relative to the last. Only such directories pay for it.
     */
    private void listDeep(Aio aio, String dir, int flags, java.util.function.BiConsumer<List<DirEntry>, Throwable> cb) {
        chain(aio, null, steps(dir), 0, flags, cb);
    }

    private void chain(Aio aio, io.jaio.AioWd wd, List<String> steps, int i, int flags,
                       java.util.function.BiConsumer<List<DirEntry>, Throwable> cb) {
        Aio view = wd == null ? aio : aio.at(wd);
        if (i == steps.size() - 1) {
            view.readdirx(Path.of(steps.get(i)), flags, (entries, e) -> {
                if (wd != null) {
                    wd.close();
                }
                cb.accept(entries, e);
            });
            return;
        }
        view.wd(Path.of(steps.get(i)), (next, e) -> {
            if (wd != null) {
                wd.close();
            }
            if (e != null) {
                cb.accept(null, e);
            } else {
                chain(aio, next, steps, i + 1, flags, cb);
            }
        });
    }

    /**
     * {@code dir} cut at slashes into steps of at most STEP_BYTES encoded bytes (a name is at
     * most 255); a relative first step also counts the working directory's bytes, since a
     * relative path is made absolute when it is submitted. Empty names ("//", a trailing
     * slash) are dropped, so no step after the first is absolute or empty.
     */
    static List<String> steps(String dir) {
        return steps(dir, dir.startsWith("/") ? 0 : Names.encode(Path.of("").toAbsolutePath().toString()).length + 1);
    }

    static List<String> steps(String dir, int prefixBytes) {
        List<String> steps = new java.util.ArrayList<>();
        StringBuilder step = new StringBuilder();
        boolean absolute = dir.startsWith("/");
        if (absolute) {
            step.append('/');
        }
        int bytes = prefixBytes + (absolute ? 1 : 0);
        boolean named = false;    // the current step holds a name
        for (String name : dir.split("/")) {
            if (name.isEmpty()) {
                continue;
            }
            int n = Names.encode(name).length + 1;
            if (named && bytes + n > STEP_BYTES) {
                steps.add(step.toString());
                step.setLength(0);
                bytes = 0;
                named = false;
            }
            if (named) {
                step.append('/');
            }
            step.append(name);
            bytes += n;
            named = true;
        }
        steps.add(step.toString());
        return steps;
    }

    /** --count: one request per directory lists it and lstats every entry (READDIR_STAT). */
    private void scanWithStats(Aio aio, String dir) {
        aio.readdirx(Path.of(dir), Aio.READDIR_STAT, (List<DirEntry> entries, Throwable e) -> counted(aio, dir, entries, e, false));
    }

    private void counted(Aio aio, String dir, List<DirEntry> entries, Throwable e, boolean deep) {
        if (e != null && !deep && isTooLong(e)) {
            listDeep(aio, dir, Aio.READDIR_STAT, (entries2, e2) -> counted(aio, dir, entries2, e2, true));
            return;
        }
        if (e instanceof ErrnoException x && ("statx".equals(x.syscall()) || "lstat".equals(x.syscall()))) {
            // Listed, but an entry could not be stat'ed (a directory readable and not
            // searchable): count entry by entry, as find does, each failure named by its path.
            scanEntryByEntry(aio, dir);
            return;
        }
        if (e != null) {
            fail(dir, e);
            return;
        }
        String prefix = dir.endsWith("/") ? dir : dir + "/";
        for (DirEntry d : entries) {
            if (d.stat().isDirectory()) {
                dirs++;
                scanWithStats(aio, prefix + d.name());
            } else {
                files++;
                bytes += d.stat().size();
            }
        }
    }

    /**
     * --count for a directory whose entries could not all be stat'ed in one request: lists it
     * and lstats each entry on its own, recursing into directories. An entry whose lstat fails
     * counts as a non-directory, as for find (which cannot tell either), and is reported with
     * its own path, its bytes left out.
     */
    private void scanEntryByEntry(Aio aio, String dir) {
        aio.readdirx(Path.of(dir), Aio.READDIR_DENTS, (List<DirEntry> entries, Throwable e) -> {
            if (e != null) {
                fail(dir, e);
                return;
            }
            String prefix = dir.endsWith("/") ? dir : dir + "/";
            for (DirEntry d : entries) {
                String p = prefix + d.name();
                aio.lstat(Path.of(p), (st, e2) -> {
                    if (e2 == null && st.isDirectory()) {
                        dirs++;
                        scanWithStats(aio, p);
                        return;
                    }
                    files++;
                    if (e2 != null) {
                        fail(p, e2);
                    } else {
                        bytes += st.size();
                    }
                });
            }
        });
    }

    private void scandir(Aio aio, String dir) {
        aio.scandir(Path.of(dir), maxreq, (ScanResult r, Throwable e) -> {
            if (e != null) {
                fail(dir, e);
                return;
            }
            String prefix = dir.endsWith("/") ? dir : dir + "/";
            for (String d : r.dirs()) {
                dirs++;
                emit(prefix + d);
                scan(aio, prefix + d);
            }
            for (String n : r.nondirs()) {
                nondir(aio, prefix + n);
            }
        });
    }

    private void nondir(Aio aio, String p) {
        if (count) {
            aio.lstat(Path.of(p), (st, e2) -> {
                if (e2 != null) fail(p, e2); else file(aio, p, st);
            });
        } else {
            files++;
            emit(p);
        }
    }

    private void file(Aio aio, String path, FileStat st) {
        files++;
        bytes += st.size();
        emit(path);
    }

    private void emit(String path) {
        if (count) {
            return;
        }
        out.name(path);    // the name's own bytes, whatever they are
        out.end(print0 ? 0 : '\n');
    }

    /** Prints a directory's encoded prefix and one entry's name (the non-count path only). */
    private void emit(byte[] prefix, String name) {
        out.bytes(prefix);
        out.name(name);
        out.end(print0 ? 0 : '\n');
    }

    /**
     * The output, buffered without a lock (only the polling thread writes): a path is copied
     * into the buffer a character at a time when it is ASCII, the common case, and encoded
     * otherwise — a short scan runs mostly uncompiled, where a locked stream write per part of
     * each path cost more than the scan's own work for the entry.
     */
    private static final class Lines {
        private final OutputStream to;
        private final byte[] buf = new byte[1 << 16];
        private int len;

        Lines(OutputStream to) {
            this.to = to;
        }

        void bytes(byte[] b) {
            if (len + b.length > buf.length) {
                flush();
                if (b.length > buf.length) {
                    write(b, b.length);
                    return;
                }
            }
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
        }

        void name(String s) {
            int n = s.length();
            if (len + n > buf.length) {
                flush();
            }
            if (n <= buf.length) {
                int at = len;
                for (int i = 0; i < n; i++) {
                    char c = s.charAt(i);
                    if (c >= 0x80) {
                        len = at;    // not ASCII: the escaping encoder decides the bytes
                        bytes(Names.encode(s));
                        return;
                    }
                    buf[at + i] = (byte) c;
                }
                len = at + n;
            } else {
                bytes(Names.encode(s));
            }
        }

        void end(int b) {
            if (len == buf.length) {
                flush();
            }
            buf[len++] = (byte) b;
        }

        /**
         * Set once a write fails (a full disk, a reader gone from the pipe: System.out does not
         * throw, it only records the error): the scan then stops starting directories, since
         * nothing it finds can be printed, reports no more failures, and the command exits 141
         * quietly (the reader left) or 1 with the write error (Main.writeChecked).
         */
        boolean lost;

        void flush() {
            write(buf, len);
            len = 0;
        }

        private void write(byte[] b, int n) {
            if (lost) {
                return;
            }
            try {
                to.write(b, 0, n);
                lost = to instanceof PrintStream ps && ps.checkError();
            } catch (IOException e) {
                lost = true;
            }
        }
    }

    private void fail(String path, Throwable e) {
        failed++;
        if (out.lost) {
            return;    // the output is gone (a reader left the pipe: the scan is over, as find's on
                       // SIGPIPE; or a full disk, which Main.writeChecked reports)
        }
        String why = e instanceof ErrnoException x ? x.getReason() : e.toString();
        err.println("jaio: treescan: " + path + ": " + why);
    }
}
