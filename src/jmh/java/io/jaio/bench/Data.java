package io.jaio.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/** Benchmark data made in a temporary directory and removed afterwards. */
final class Data {
    private Data() {}

    /** A file of {@code mib} MiB of non-zero bytes, read once so it sits in the page cache. */
    static Path file(Path dir, int mib) throws IOException {
        Path f = dir.resolve("data-" + mib + "m");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
            for (int i = 0; i < b.capacity(); i++) b.put(i, (byte) (i * 31 + 7));
            for (int i = 0; i < mib; i++) {
                b.clear();
                while (b.hasRemaining()) ch.write(b);
            }
        }
        try (FileChannel ch = FileChannel.open(f)) {
            ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
            while (ch.read(b) > 0) b.clear();
        }
        return f;
    }

    /** {@code dirs} directories of {@code files} empty files each; returns every file. */
    static List<Path> tree(Path root, int dirs, int files) throws IOException {
        List<Path> all = new ArrayList<>(dirs * files);
        for (int d = 0; d < dirs; d++) {
            Path dir = Files.createDirectories(root.resolve("d" + d));
            for (int f = 0; f < files; f++) {
                all.add(Files.createFile(dir.resolve("f" + f)));
            }
        }
        // age the directories so scandir may take its fast route, as on any settled tree
        var old = java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000);
        for (int d = 0; d < dirs; d++) Files.setLastModifiedTime(root.resolve("d" + d), old);
        Files.setLastModifiedTime(root, old);
        return all;
    }

    static void delete(Path dir) {
        try {
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
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
