package io.jaio.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The workload {@code bin/jaio} trains its start-up cache on, after each build: one JVM runs
 * {@code treescan} and {@code cp} of a small tree (output discarded), so the cache holds the
 * classes, linked call sites and profiles of both short commands — JDK 25's AOT cache records
 * one run, and a cache trained on one command alone leaves the other cold. Not a command.
 *
 * <p>Arguments: a source tree to scan and copy, and a directory to copy it into (created; the
 * caller removes it). Exits 0 whatever the commands return: a failed training only costs the
 * cache some classes.
 */
public final class Training {
    private Training() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: Training SOURCE-TREE WORK-DIR");
        }
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
        Path work = Files.createDirectories(Path.of(args[1]));
        Main.run(sink, sink, "treescan", args[0]);
        Main.run(sink, sink, "treescan", "--count", args[0]);
        Main.run(sink, sink, "cp", args[0], work.resolve("copy").toString());
    }
}
