package io.jaio;

import io.jaio.internal.sys.Sys;

/**
 * An open file descriptor, as {@link Aio#open} returns it. Every request that takes a
 * descriptor takes an {@code AioFile} or a raw {@code int}.
 *
 * <p>Closing is safe against reuse of the descriptor number: requests hold the descriptor
 * from submission until their syscall returns, and close(2) runs only once the last of them
 * has let go. Closing twice is harmless; after the first close, requests on this file fail
 * with EBADF and {@link #fd()} returns -1.
 */
public final class AioFile implements AutoCloseable {
    private int fd;            // this; -1 once close(2) has run or been handed off
    private int users;         // this; requests between acquire and release
    private boolean closed;    // this

    AioFile(int fd) {
        this.fd = fd;
    }

    /** The descriptor, or -1 once closed. */
    public synchronized int fd() {
        return closed ? -1 : fd;
    }

    /** True once {@link #close()} or {@link Aio#close(AioFile)} has been called. */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** Closes the descriptor now, or as soon as the requests still using it finish. */
    @Override
    public void close() {
        int toClose = markClosed();
        if (toClose >= 0) {
            Sys.current().close(toClose);
        }
    }

    /** Marks closed; returns the descriptor if the caller must close(2) it now, else -1. */
    synchronized int markClosed() {
        if (closed) {
            return -1;
        }
        closed = true;
        return users == 0 ? take() : -1;
    }

    private int take() {
        int f = fd;
        fd = -1;
        return f;
    }

    /** Pins the descriptor for a request; -1 (so the syscall fails with EBADF) if closed. */
    synchronized int acquire() {
        if (closed) {
            return -1;
        }
        users++;
        return fd;
    }

    /** Unpins; closes the descriptor if this was the last user of a closed file. */
    void release() {
        int toClose;
        synchronized (this) {
            users--;
            toClose = closed && users == 0 && fd >= 0 ? take() : -1;
        }
        if (toClose >= 0) {
            Sys.current().close(toClose);
        }
    }

    @Override
    public synchronized String toString() {
        return "AioFile[fd=" + (closed ? "closed" : fd) + "]";
    }
}
