package io.jaio.internal.engine;

import io.jaio.internal.sys.Errno;
import io.jaio.internal.sys.Sys;

/**
 * The descriptor an event loop watches: readable (POLLIN) iff results wait for pollCb. An
 * eventfd, or a pipe where eventfd is missing. The engine calls {@link #signal} when its
 * pending count goes 0 → 1 and {@link #reset} (then a re-check) when it falls to 0; both
 * syscalls are atomic in the kernel, so they need no lock of their own.
 */
final class ResultFd implements Results.Bell {
    private final int readFd, writeFd;
    /** After close the numbers may belong to someone else; set once every writer is gone. */
    private volatile boolean closed;

    ResultFd(Sys sys) {
        int fd = sys.eventfd(0, Sys.EFD_CLOEXEC | Sys.EFD_NONBLOCK);
        if (fd >= 0) {
            readFd = writeFd = fd;
        } else {
            int r = sys.pipe2(Sys.O_CLOEXEC | Sys.O_NONBLOCK);
            if (r < 0) {
                throw new IllegalStateException("jaio: cannot create the result descriptor: eventfd: "
                        + Errno.name(-fd) + ", pipe2: " + Errno.name(-r));
            }
            readFd = sys.pipeReadFd();
            writeFd = sys.pipeWriteFd();
        }
    }

    int fd() {
        return readFd;
    }

    /** True for an eventfd (which io_uring can signal), false for a pipe. */
    boolean isEventFd() {
        return readFd == writeFd;
    }

    void signal(Sys sys) {
        if (closed) return;
        sys.writeLong(writeFd, 1);
    }

    /** Drains the descriptor; non-blocking, so an already-empty descriptor is fine. */
    void reset(Sys sys) {
        if (closed) return;
        while (sys.readLong(readFd) >= 0 && readFd != writeFd) {
            // a pipe may hold more than one token; an eventfd is reset by one read
        }
    }

    @Override
    public void ring() {
        signal(Sys.current());
    }

    @Override
    public void silence() {
        reset(Sys.current());
    }

    void close(Sys sys) {
        if (closed) return;
        closed = true;
        sys.close(readFd);
        if (writeFd != readFd) {
            sys.close(writeFd);
        }
    }
}
