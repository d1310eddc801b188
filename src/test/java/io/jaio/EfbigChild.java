package io.jaio;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

/** Run by FaultsTest in a child JVM under RLIMIT_FSIZE with SIGXFSZ ignored; prints what it saw. */
public final class EfbigChild {
    private EfbigChild() {}

    public static void main(String[] args) throws Exception {
        Path f = Path.of(args[0]);
        try (Aio aio = Aio.create()) {
            AioFile file = aio.open(f, Fcntl.O_CREAT | Fcntl.O_WRONLY, 0644).join();
            byte[] data = new byte[8192];
            System.out.println("first=" + aio.write(file, 0, 4096, MemorySegment.ofArray(data), 0).join());
            System.out.println("short=" + aio.write(file, 4096, 4096, MemorySegment.ofArray(data), 0).join());
            try {
                aio.write(file, 8192, 4096, MemorySegment.ofArray(data), 0).join();
                System.out.println("second=ok");
            } catch (CompletionException e) {
                System.out.println("second=" + EmfileChild.errnoOf(e));
            }
            System.out.println("third=" + aio.write(file, 0, 100, MemorySegment.ofArray(data), 0).join());
            file.close();
        }
    }
}
