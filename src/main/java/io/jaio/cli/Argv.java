package io.jaio.cli;

import io.jaio.internal.sys.Names;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line's arguments as the bytes the process was given. The JVM decodes argv with
 * the platform encoding and replaces bytes it cannot decode with U+FFFD, so
 * a file name that is not valid UTF-8 cannot be named on the command line through
 * {@code main}'s Strings. Where that happened, the bytes are read back from
 * /proc/self/cmdline (the process's argv, NUL-terminated, main's arguments last) and decoded
 * as jaio decodes every file name ({@link Names}: UTF-8, other bytes escaped), so they reach
 * the system calls unchanged.
 */
final class Argv {
    private Argv() {}

    /** {@code args} with lossily decoded arguments replaced by their exact bytes; {@code args} itself when none was. */
    static String[] exact(String[] args) {
        Charset platform = platform();
        boolean lossy = false;
        for (String a : args) {
            if (a.indexOf('\uFFFD') >= 0) {
                lossy = true;
                break;
            }
        }
        if (!lossy) {
            return args;
        }
        List<byte[]> raw;
        try {
            raw = split(Files.readAllBytes(Path.of("/proc/self/cmdline")));
        } catch (IOException | RuntimeException e) {
            return args;    // no /proc: the JVM's decoding is all there is
        }
        if (raw.size() < args.length) {
            return args;
        }
        List<byte[]> mine = raw.subList(raw.size() - args.length, raw.size());
        String[] out = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            byte[] b = mine.get(i);
            if (!new String(b, platform).equals(args[i])) {
                return args;    // not the same arguments (a launcher that rewrote them): leave them be
            }
            out[i] = Names.decode(b);
        }
        return out;
    }

    /** The encoding the JVM decoded argv with. */
    private static Charset platform() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }

    /** /proc/self/cmdline's NUL-terminated strings (an empty argument is an empty array). */
    static List<byte[]> split(byte[] cmdline) {
        List<byte[]> l = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < cmdline.length; i++) {
            if (cmdline[i] == 0) {
                l.add(java.util.Arrays.copyOfRange(cmdline, start, i));
                start = i + 1;
            }
        }
        if (start < cmdline.length) {
            l.add(java.util.Arrays.copyOfRange(cmdline, start, cmdline.length));
        }
        return l;
    }
}
