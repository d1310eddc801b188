package io.jaio.examples;

import io.jaio.Aio;
import io.jaio.Delivery;
import io.jaio.Fcntl;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The seed's SYNOPSIS in Java, with IO::AIO's own delivery model: callbacks run only when the
 * program polls. The README shows the body of {@link #run}; a test checks it is this code and
 * runs it.
 */
public final class Synopsis {
    private Synopsis() {}

    /** Runs the examples on /etc/passwd and a scratch file, printing to stdout. */
    public static void main(String[] args) throws Exception {
        Path scratch = java.nio.file.Files.createTempFile("jaio-synopsis", ".tmp");
        try {
            run(Path.of(args.length > 0 ? args[0] : "/etc/passwd"), scratch, System.out);
        } finally {
            java.nio.file.Files.deleteIfExists(scratch);    // the example unlinks it; not if it failed first
        }
    }

    /** The examples: open, read 15 bytes at offset 7, unlink, stat; then poll until done. */
    public static void run(Path passwd, Path tmpFile, PrintStream out) {
        // README:synopsis begin
        try (Aio aio = Aio.builder().delivery(Delivery.MANUAL).build()) {
            // open a file read-only, then read 15 bytes at offset 7 into a buffer at offset 0
            aio.open(passwd, Fcntl.O_RDONLY, 0, (file, err) -> {
                if (err != null) {
                    out.println("open failed: " + err.getMessage());
                    return;
                }
                MemorySegment buffer = Arena.ofAuto().allocate(15);
                aio.read(file, 7, 15, buffer, 0, (n, readErr) -> {
                    if (readErr != null) {
                        out.println("read error: " + readErr.getMessage());
                    } else {
                        String text = new String(buffer.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                                StandardCharsets.UTF_8);
                        out.println("read " + n + " bytes: <" + text + ">");
                    }
                    aio.close(file);
                });
            });

            // unlink a file
            aio.unlink(tmpFile, (ok, err) -> out.println(err == null ? "unlinked" : "unlink failed: " + err.getMessage()));

            // stat a file and print its size
            aio.stat(passwd, (st, err) -> out.println(err == null ? "size is " + st.size() : "stat failed: " + err.getMessage()));

            // an event loop would watch aio.pollFileno() for POLLIN and then call aio.pollCb();
            // without one, wait for every request as the seed does:
            while (aio.nreqs() > 0) {
                aio.pollWait();
                aio.pollCb();
            }
        }
        // README:synopsis end
    }
}
