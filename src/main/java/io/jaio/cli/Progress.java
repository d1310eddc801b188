package io.jaio.cli;

import io.jaio.internal.sys.Sys;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress report on stderr — counts and rate, redrawn at most five times a second —
 * shown only when stderr is a terminal and the command writes to the process's own stderr.
 */
final class Progress {
    private final PrintStream err;
    private final boolean enabled;
    private final String what;
    private final long start = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    /** The progress line drawn last, if any: cleared before an interrupted command's message. */
    private static volatile Progress current;

    Progress(PrintStream err, String what) {
        this.err = err;
        this.what = what;
        this.enabled = Main.io().processStderr() && Sys.current().isatty(2) == 1;
        if (enabled) {
            current = this;
        }
    }

    /** Clears the progress line drawn last, if any (a message follows on a line of its own). */
    static void clearCurrent() {
        Progress p = current;
        if (p != null) {
            p.done();
        }
    }

    /** A byte count for a progress line: "12.3 MiB". */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    boolean enabled() {
        return enabled;
    }

    /** As {@link #update(long, String)}, with the bytes so far as the extra (formatted only when drawn). */
    void update(long count, long bytes) {
        if (enabled && System.nanoTime() - lastDraw >= 200_000_000L) {
            update(count, bytes(bytes));
        }
    }

    void update(long count, String extra) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < 200_000_000L) {
            return;
        }
        lastDraw = now;
        double secs = Math.max(1e-9, (now - start) / 1e9);
        err.printf(Locale.ROOT, "\r%s: %,d (%,.0f/s)%s\u001b[K", what, count, count / secs, extra == null ? "" : " " + extra);
        err.flush();
        drawn = true;
    }

    void done() {
        if (enabled && drawn) {
            err.print("\r\u001b[K");
            err.flush();
            drawn = false;
        }
    }

    /** Prints {@code line} on stderr on a line of its own: the progress line, if drawn, is cleared first and drawn again at the next update. */
    void println(String line) {
        done();
        err.println(line);
    }
}
