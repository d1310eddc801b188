package io.jaio.cli;

import io.jaio.Aio;
import io.jaio.DirEntry;
import io.jaio.ScanResult;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** The data {@code jaio bench} and the JMH suite measure on: made in a temporary directory, then removed. */
public final class BenchData {
    private BenchData() {}

    /**
     * Set by jaio bench's shutdown hook (Ctrl-C, SIGTERM): the data makers stop at their next
     * step, so the hook's removal does not race files still being made.
     */
    static volatile boolean abort;

    private static void checkAbort() throws IOException {
        if (abort) {
            throw new java.io.InterruptedIOException("interrupted: the data is being removed");
        }
    }

    /** A file of {@code mib} MiB of non-zero bytes, read back once so it sits in the page cache. */
    public static Path file(Path dir, int mib) throws IOException {
        Path f = dir.resolve("data-" + mib + "m");
        ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int i = 0; i < b.capacity(); i++) b.put(i, (byte) (i * 31 + 7));
            for (int i = 0; i < mib; i++) {
                checkAbort();
                b.clear();
                while (b.hasRemaining()) ch.write(b);
            }
        }
        try (FileChannel ch = FileChannel.open(f)) {
            while (ch.read(b.clear()) > 0) {
                // warm the page cache
            }
        }
        return f;
    }

    /**
     * Up to {@code total} empty files, {@code perDir} to each of {@code dirs} directories under
     * {@code root}, with settled (hour-old) directory times so scandir may take its fast route,
     * as on any tree not being written. Returns every file.
     */
    public static List<Path> tree(Path root, int dirs, int perDir, int total) throws IOException {
        List<Path> all = new ArrayList<>(Math.min(total, dirs * perDir));
        Files.createDirectories(root);
        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - 3_600_000);
        for (int d = 0; d < dirs && all.size() < total; d++) {
            checkAbort();
            Path dir = Files.createDirectory(root.resolve("d" + d));
            for (int f = 0; f < perDir && all.size() < total; f++) {
                checkAbort();
                all.add(Files.createFile(dir.resolve("f" + f)));
            }
            Files.setLastModifiedTime(dir, old);
        }
        Files.setLastModifiedTime(root, old);
        return all;
    }

    /** Entries under {@code root} (not counting it), by recursive scandir; polls {@code aio} until done. */
    public static long scanJaio(Aio aio, Path root) {
        AtomicLong n = new AtomicLong();
        scan(aio, root, n);
        aio.flush();
        return n.get();
    }

    private static void scan(Aio aio, Path dir, AtomicLong n) {
        aio.scandir(dir, 0, (ScanResult r, Throwable e) -> {
            if (e != null) throw new IllegalStateException(e);
            n.addAndGet(r.dirs().size() + r.nondirs().size());
            for (String d : r.dirs()) scan(aio, dir.resolve(d), n);
        });
    }

    /**
     * treescan's algorithm: each directory listed with readdirx and recursed into where d_type
     * says DIR, every entry's path made as a string (as treescan prints them); returns the
     * entries under {@code root}, counting it. Callbacks may run on several threads (AUTO
     * delivery), so the counts are atomic.
     */
    public static long scanReaddirx(Aio aio, String root) {
        AtomicLong n = new AtomicLong(1);
        readdirx(aio, root, n);
        aio.flush();
        return n.get();
    }

    /** Characters of the paths the last {@link #scanReaddirx} made (so they are not optimized away). */
    static final AtomicLong PATH_CHARS = new AtomicLong();

    private static void readdirx(Aio aio, String dir, AtomicLong n) {
        aio.readdirx(Path.of(dir), 0, (List<DirEntry> entries, Throwable e) -> {
            if (e != null) return;    // unreadable (EACCES): skipped, as the Perl side skips it
            n.addAndGet(entries.size());
            long chars = 0;
            for (DirEntry d : entries) {
                String p = dir + "/" + d.name();
                chars += p.length();
                if (d.type() == DirEntry.Type.DIR) readdirx(aio, p, n);
            }
            PATH_CHARS.addAndGet(chars);
        });
    }

    /**
     * The same recursion in Perl with IO::AIO (aio_readdirx with READDIR_DENTS, recursing on
     * DT_DIR, each path made as a string), {@code threads} worker threads; one warm-up round then
     * three, in one perl process. Returns {entries, best round in nanoseconds}, or null where
     * perl or IO::AIO is missing.
     */
    static long[] scanIoAio(String root, int threads) {
        String script = """
                use IO::AIO; use Time::HiRes qw(time);
                IO::AIO::min_parallel($ARGV[1]); IO::AIO::max_parallel($ARGV[1]);
                my ($n, $chars);
                sub scan { my ($d) = @_;
                    aio_readdirx $d, IO::AIO::READDIR_DENTS, sub {
                        my $e = shift or return;    # unreadable: skipped, as jaio's side skips it
                        $n += @$e;
                        for (@$e) { my $p = "$d/$_->[0]"; $chars += length $p; scan($p) if $_->[1] == IO::AIO::DT_DIR }
                    } }
                my $best = 1e9;
                for my $round (0 .. 3) {
                    $n = 1; my $t0 = time; scan($ARGV[0]); IO::AIO::flush; my $t = time - $t0;
                    $best = $t if $round > 0 && $t < $best;
                }
                printf "%d %d\n", $n, $best * 1e9;
                """;
        try {
            Process p = new ProcessBuilder("perl", "-e", script, "--", root, Integer.toString(threads))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
            if (p.waitFor() != 0 || out.isEmpty()) {
                return null;
            }
            String[] f = out.split(" ");
            return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
        } catch (IOException | NumberFormatException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Directories and files under {@code root} (counting it), by Files.walkFileTree. */
    public static long scanJdk(Path root) throws IOException {
        AtomicLong n = new AtomicLong();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                n.incrementAndGet();
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                n.incrementAndGet();
                return FileVisitResult.CONTINUE;
            }
        });
        return n.get();
    }

    /** Removes {@code dir} and everything in it. */
    public static void delete(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * FileChannel's O_DIRECT option, com.sun.nio.file.ExtendedOpenOption.DIRECT, looked up by
     * name: naming the class would make javac warn of a JDK-internal API on every build.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static java.nio.file.OpenOption directOption() {
        try {
            Class<? extends Enum> c = (Class<? extends Enum>) Class.forName("com.sun.nio.file.ExtendedOpenOption");
            return (java.nio.file.OpenOption) Enum.valueOf(c, "DIRECT");
        } catch (ClassNotFoundException e) {
            throw new UnsupportedOperationException("this JDK has no O_DIRECT option for FileChannel", e);
        }
    }
}
