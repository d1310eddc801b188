package io.jaio;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

/** Run by FaultsTest in a child JVM with a low descriptor limit; prints what it saw. */
public final class EmfileChild {
    private EmfileChild() {}

    static String errnoOf(CompletionException e) {
        return e.getCause() instanceof ErrnoException x ? x.errnoName() : String.valueOf(e.getCause());
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Files.writeString(dir.resolve("f"), "hello");
        try (Aio aio = Aio.create()) {
            List<AioFile> open = new ArrayList<>();
            String failure = null;
            for (int i = 0; i < 10_000 && failure == null; i++) {
                try {
                    open.add(aio.open(dir.resolve("f"), Fcntl.O_RDONLY, 0).join());
                } catch (CompletionException e) {
                    failure = errnoOf(e);
                }
            }
            System.out.println("failure=" + failure + " opened=" + open.size());
            // other requests keep working while descriptors are exhausted
            System.out.println("stat-while-full=" + aio.stat(dir.resolve("f")).join().size());
            for (AioFile f : open) {
                aio.close(f).join();
            }
            AioFile again = aio.open(dir.resolve("f"), Fcntl.O_RDONLY, 0).join();
            byte[] b = new byte[5];
            long n = aio.read(again, 0, 5, MemorySegment.ofArray(b), 0).join();
            System.out.println("after-free=" + new String(b, 0, (int) n));
            again.close();
        }
    }
}
