package io.jaio;

import java.nio.file.Path;

/**
 * IO::AIO's working-directory object (aio_wd): a directory held open (O_PATH|O_DIRECTORY), so
 * that requests can name files relative to it — {@code aio.at(wd).stat(Path.of("a/b"))} —
 * through the *at syscalls. The directory stays the same one even if it is renamed or
 * replaced meanwhile, and a deep tree is walked by short names, never by long absolute paths.
 *
 * <p>Requests hold the descriptor from submission until their syscall returns; closing it
 * while they run is safe (close(2) waits for the last of them). Closing twice is harmless.
 */
public final class AioWd implements AutoCloseable {
    private final AioFile dir;
    private final Path path;

    AioWd(AioFile dir, Path path) {
        this.dir = dir;
        this.path = path;
    }

    /** The path this working directory was opened with (for messages; it may have moved since). */
    public Path path() {
        return path;
    }

    /** The held descriptor (O_PATH). */
    AioFile file() {
        return dir;
    }

    /** True once closed. */
    public boolean isClosed() {
        return dir.isClosed();
    }

    /** Lets go of the directory, now or once the requests using it finish. */
    @Override
    public void close() {
        dir.close();
    }

    @Override
    public String toString() {
        return "AioWd[" + path + (isClosed() ? ", closed" : "") + "]";
    }
}
