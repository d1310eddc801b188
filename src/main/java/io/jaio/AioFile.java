package io.jaio;

import io.jaio.internal.sys.Sys;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An open file descriptor, as {@link Aio#open} returns it. Every request that takes a
 * descriptor takes an {@code AioFile}; a descriptor opened elsewhere (a socket, a pipe, one
 * from {@code FileChannel} or JNI) is wrapped with {@link #borrow(int)}.
 *
 * <p>Closing is safe against reuse of the descriptor number: requests hold the descriptor
 * from submission until their syscall returns, and close(2) runs only once the last of them
 * has let go. Closing twice is harmless; after the first close, requests on this file fail
 * with EBADF and {@link #fd()} returns -1.
 */
public final class AioFile extends Request.Fd implements AutoCloseable {
    /** state: CLOSED once close was asked for; GONE once close(2) ran or was handed off; users above. */
    private static final int CLOSED = 1, GONE = 2, USER = 4;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(AioFile.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int fd;
    /** False for {@link #borrow}: the caller owns the descriptor; no pins are counted. */
    private final boolean owned;
    /** USER × pinned requests | GONE | CLOSED; changed only by compare-and-set or getAndAdd. */
    private volatile int state;

    AioFile(int fd) {
        this(fd, true);
    }

    private AioFile(int fd, boolean owned) {
        this.fd = fd;
        this.owned = owned;
    }

    /**
     * A descriptor someone else owns, for jaio's requests: jaio never closes it on its own
     * ({@link #close()} only stops this wrapper from being used), and the owner must keep it
     * open while requests on it run, as with any raw descriptor. {@link Aio#close(AioFile)}
     * on it is an explicit close(2) request and does close it. An invalid number (-1) makes
     * each request fail with EBADF.
     */
    public static AioFile borrow(int fd) {
        return new AioFile(fd, false);
    }

    /** True for a descriptor wrapped by {@link #borrow(int)}. */
    public boolean isBorrowed() {
        return !owned;
    }

    /** The descriptor, or -1 once closed. */
    public int fd() {
        return (state & CLOSED) != 0 ? -1 : fd;
    }

    /** True once {@link #close()} or {@link Aio#close(AioFile)} has been called. */
    public boolean isClosed() {
        return (state & CLOSED) != 0;
    }

    /** Closes the descriptor now, or as soon as the requests still using it finish. */
    @Override
    public void close() {
        int toClose = markClosed();
        if (owned && toClose >= 0) {
            Sys.current().close(toClose);
        }
    }

    /** What {@link #markClosed} returns for a borrowed descriptor closed before (its number may be -1). */
    static final int ALREADY_CLOSED = Integer.MIN_VALUE;

    /**
     * Marks closed; returns the descriptor if the caller must close(2) it now, else -1 (for a
     * borrowed one: its number the first time, whatever it is, then {@link #ALREADY_CLOSED}).
     */
    int markClosed() {
        if (!owned) {
            for (;;) {
                int s = state;
                if ((s & CLOSED) != 0) {
                    return ALREADY_CLOSED;
                }
                if (STATE.compareAndSet(this, s, s | CLOSED | GONE)) {
                    return fd;    // an explicit close request closes it; close() does not
                }
            }
        }
        for (;;) {
            int s = state;
            if ((s & CLOSED) != 0) {
                return -1;
            }
            boolean idle = s < USER;
            if (STATE.compareAndSet(this, s, s | CLOSED | (idle ? GONE : 0))) {
                return idle ? fd : -1;    // else the last request to unpin closes it
            }
        }
    }

    /** Pins the descriptor for a request; false (the request then gets EBADF) if closed. */
    boolean pin() {
        if (!owned) {
            return (state & CLOSED) == 0;    // its owner keeps it open
        }
        for (;;) {
            int s = state;
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (STATE.compareAndSet(this, s, s + USER)) {
                return true;
            }
        }
    }

    @Override
    int num() {
        return fd;    // pinned: close(2) cannot have run
    }

    /** Unpins; closes the descriptor if this was the last user of a closed file. */
    @Override
    void unpin() {
        if (!owned) {
            return;
        }
        int s = (int) STATE.getAndAdd(this, -USER) - USER;
        if (s == CLOSED && STATE.compareAndSet(this, CLOSED, CLOSED | GONE)) {
            Sys.current().close(fd);
        }
    }

    @Override
    public String toString() {
        return "AioFile[fd=" + (isClosed() ? "closed" : fd) + (owned ? "" : ", borrowed") + "]";
    }
}
