package io.jaio.internal.sys;

import io.jaio.internal.bindings.LibC;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** getdents64 over 1,000 entries with awkward names, compared as bytes with the JDK's listing. */
class GetdentsTest {
    @TempDir
    Path dir;

    /** A name's bytes as the JDK holds them: its file: URI percent-encodes every raw byte. */
    static byte[] jdkBytes(Path entry, Path dir) {
        String raw = entry.toUri().getRawPath();
        String prefix = dir.toUri().getRawPath();
        String name = raw.substring(prefix.length());
        if (name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '%') {
                out.write(HexFormat.fromHexDigits(name, i + 1, i + 3));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    @Test
    void listsExactlyWhatTheJdkLists() throws Exception {
        Set<String> created = new HashSet<>();
        try (Arena arena = Arena.ofConfined()) {
            Sys sys = new Sys(arena);
            int dfd = sys.open(arena.allocateFrom(dir.toString()), LibC.O_RDONLY() | LibC.O_DIRECTORY(), 0);
            assertThat(dfd).isGreaterThanOrEqualTo(0);
            for (int i = 0; i < 1000; i++) {
                byte[] name = switch (i % 5) {
                    case 0 -> ("file " + i).getBytes();                       // a space
                    case 1 -> ("line\nbreak" + i).getBytes();                 // a newline
                    case 2 -> concat(new byte[] {(byte) 0xff, (byte) 0xfe}, ("bad" + i).getBytes()); // not UTF-8
                    case 3 -> ("ünïcödé-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    default -> concat(("x" + i).getBytes(), new byte[] {(byte) 0xc3});               // truncated UTF-8
                };
                MemorySegment c = arena.allocate(name.length + 1);
                MemorySegment.copy(name, 0, c, ValueLayout.JAVA_BYTE, 0, name.length);
                int fd = i % 50 == 0
                        ? sys.mkdirat(dfd, c, 0755)
                        : sys.openat(dfd, c, LibC.O_CREAT() | LibC.O_WRONLY() | LibC.O_CLOEXEC(), 0644);
                assertThat(fd).as("create entry %d", i).isGreaterThanOrEqualTo(0);
                if (i % 50 != 0) {
                    sys.close(fd);
                }
                created.add(HexFormat.of().formatHex(name));
            }

            Set<String> listed = new HashSet<>();
            MemorySegment buf = arena.allocate(8192, 8);    // small, so many getdents64 calls are needed
            int calls = 0;
            for (;;) {
                long n = sys.getdents64(dfd, buf, buf.byteSize());
                assertThat(n).isGreaterThanOrEqualTo(0);
                if (n == 0) break;
                calls++;
                Dirents.forEach(buf, n, new byte[(int) buf.byteSize()], (b, off, len, type, ino) ->
                        assertThat(listed.add(HexFormat.of().formatHex(java.util.Arrays.copyOfRange(b, off, off + len))))
                                .as("no duplicates").isTrue());
            }
            assertThat(calls).isGreaterThan(1);
            assertThat(sys.getdents64(-1, buf, buf.byteSize())).isEqualTo(-Errno.EBADF);
            int file = sys.openat(dfd, arena.allocateFrom("file 5"), LibC.O_RDONLY(), 0);
            assertThat(sys.getdents64(file, buf, buf.byteSize())).isEqualTo(-Errno.ENOTDIR);
            sys.close(file);
            sys.close(dfd);

            Set<String> jdk = new HashSet<>();
            try (Stream<Path> s = Files.list(dir)) {
                s.forEach(p -> jdk.add(HexFormat.of().formatHex(jdkBytes(p, dir))));
            }
            assertThat(listed).hasSize(1000).isEqualTo(jdk).isEqualTo(created);
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
