package io.jaio;

import io.jaio.Modes.Mode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static io.jaio.Modes.failure;
import static io.jaio.Modes.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Working-directory objects (IO::AIO's aio_wd): requests relative to a held directory. */
@org.junit.jupiter.api.extension.ExtendWith(LeakCheck.class)
class WdTest {
    @TempDir
    Path dir;
    Aio aio;

    @AfterEach
    void tearDown() {
        if (aio != null) aio.close();
    }

    @ParameterizedTest
    @MethodSource("io.jaio.Modes#all")
    void everyPathRequestRunsRelativeToTheWorkingDirectory(ThreadKind kind, Mode mode) throws Exception {
        aio = Modes.create(kind, mode);
        Path base = Files.createDirectory(dir.resolve("base"));
        try (AioWd wd = get(aio, aio.wd(base))) {
            Aio at = aio.at(wd);
            assertThat(at.wd()).isSameAs(wd);
            assertThat(get(at, at.mkdir(Path.of("sub"), 0755))).isNull();
            AioFile f = get(at, at.open(Path.of("sub/f"), Fcntl.O_CREAT | Fcntl.O_WRONLY, 0644));
            assertThat(get(at, at.write(f, 0, java.nio.ByteBuffer.wrap("hello".getBytes())))).isEqualTo(5);
            get(at, at.close(f));
            assertThat(Files.readString(base.resolve("sub/f"))).isEqualTo("hello");
            assertThat(get(at, at.stat(Path.of("sub/f"))).size()).isEqualTo(5);
            assertThat(get(at, at.symlink("f", Path.of("sub/l")))).isNull();
            assertThat(get(at, at.readlink(Path.of("sub/l")))).isEqualTo("f");
            assertThat(get(at, at.lstat(Path.of("sub/l"))).isSymbolicLink()).isTrue();
            assertThat(get(at, at.rename(Path.of("sub/f"), Path.of("sub/g")))).isNull();
            assertThat(get(at, at.link(Path.of("sub/g"), Path.of("sub/h")))).isNull();
            assertThat(get(at, at.readdir(Path.of("sub")))).containsExactlyInAnyOrder("g", "h", "l");
            assertThat(get(at, at.readdirx(Path.of("sub"), Aio.READDIR_STAT))).hasSize(3);
            assertThat(get(at, at.scandir(Path.of("."), 0)).dirs()).containsExactly("sub");
            Instant t = Instant.parse("2006-07-08T09:10:11.5Z");
            assertThat(get(at, at.utime(Path.of("sub/g"), t, t))).isNull();
            assertThat(Files.getLastModifiedTime(base.resolve("sub/g")).toInstant()).isEqualTo(t);
            assertThat(get(at, at.chmod(Path.of("sub/g"), 0600))).isNull();
            assertThat(get(at, at.truncate(Path.of("sub/g"), 2))).isNull();
            assertThat(Files.readString(base.resolve("sub/g"))).isEqualTo("he");
            assertThat(get(at, at.statvfs(Path.of("sub"))).namemax()).isEqualTo(255);
            assertThat(get(at, at.realpath(Path.of("sub/../sub/g")))).isEqualTo(base.resolve("sub/g").toRealPath());
            ErrnoException e = (ErrnoException) failure(at, at.stat(Path.of("none")));
            assertThat(e.errnoName()).isEqualTo("ENOENT");
            assertThat(e.getFile()).as("messages name the whole path").isEqualTo(base.resolve("none").toString());
            // Absolute paths ignore the working directory, as with the *at syscalls.
            assertThat(get(at, at.stat(base.resolve("sub/h"))).ino()).isEqualTo(get(at, at.stat(Path.of("sub/h"))).ino());
            assertThat(get(at, at.unlink(Path.of("sub/h")))).isNull();
            assertThat(get(at, at.unlink(Path.of("sub/l")))).isNull();
            assertThat(get(at, at.unlink(Path.of("sub/g")))).isNull();
            assertThat(get(at, at.rmdir(Path.of("sub")))).isNull();
            assertThat(Files.exists(base.resolve("sub"))).isFalse();
        }
    }

    @Test
    void theWorkingDirectoryStaysTheSameDirectoryWhenItIsRenamedOrReplaced() throws Exception {
        aio = Aio.create();
        Path a = Files.createDirectory(dir.resolve("a"));
        Files.writeString(a.resolve("inside"), "original");
        try (AioWd wd = aio.wd(a).join()) {
            Files.move(a, dir.resolve("moved"));
            Files.createDirectory(a);    // an impostor where it was
            Files.writeString(a.resolve("inside"), "impostor!");
            assertThat(aio.at(wd).stat(Path.of("inside")).join().size()).isEqualTo("original".length());
        }
    }

    @Test
    void badWorkingDirectoriesFailAsTheKernelSays() throws Exception {
        aio = Aio.create();
        Path f = Files.writeString(dir.resolve("file"), "x");
        assertThat(((ErrnoException) failure(aio, aio.wd(f))).errnoName()).isEqualTo("ENOTDIR");
        assertThat(((ErrnoException) failure(aio, aio.wd(dir.resolve("none")))).errnoName()).isEqualTo("ENOENT");
        AioWd wd = aio.wd(dir).join();
        wd.close();
        wd.close();    // harmless
        assertThat(wd.isClosed()).isTrue();
        assertThat(((ErrnoException) failure(aio, aio.at(wd).stat(Path.of("file")))).errnoName()).isEqualTo("EBADF");
        assertThat(aio.at(wd).stat(f).join().size()).as("absolute: no directory needed").isEqualTo(1);
        assertThatThrownBy(() -> aio.at(null)).isInstanceOf(NullPointerException.class);
        try (AioWd open = aio.wd(dir).join()) {
            assertThatThrownBy(() -> aio.at(open).stat(Path.of(""))).hasMessageContaining("empty");
        }
    }

    @Test
    void closingAWorkingDirectoryWhileRequestsUseItIsSafe() throws Exception {
        aio = Aio.builder().maxParallel(1).build();
        Files.writeString(dir.resolve("x"), "x");
        AioWd wd = aio.wd(dir).join();
        Req<Void> busy = aio.busy(java.time.Duration.ofMillis(200));
        Req<FileStat> st = aio.at(wd).stat(Path.of("x"));    // queued behind busy, pinning wd
        wd.close();                                          // close(2) waits for the stat
        assertThat(st.join().size()).isEqualTo(1);
        busy.join();
    }
}
