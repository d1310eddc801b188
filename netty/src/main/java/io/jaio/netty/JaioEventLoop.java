package io.jaio.netty;

import io.jaio.Aio;
import io.jaio.Delivery;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Puts an {@link Aio} under a Netty 4.2 epoll event loop, as IO::AIO lives under AnyEvent or
 * EV: the loop watches {@link Aio#pollFileno()} (level-triggered, POLLIN) and calls
 * {@link Aio#pollCb()} when it is readable, so every jaio callback runs on the loop's thread.
 * The Aio must use {@link Delivery#MANUAL} delivery: nobody else may call pollCb.
 *
 * <p>Submitting from the loop never blocks (IO::AIO 4.80's rule: under MANUAL delivery a
 * request is accepted at once), and pollCb runs only the callbacks of results that wait. Leave
 * {@link Aio#maxOutstanding(int)} at its default here: beyond it pollCb waits for results,
 * which would block the loop.
 *
 * <pre>{@code
 * IoEventLoop loop = group.next();    // a MultiThreadIoEventLoopGroup(EpollIoHandler.newFactory())
 * Aio aio = Aio.builder().delivery(Delivery.MANUAL).build();
 * JaioEventLoop jaio = JaioEventLoop.register(loop, aio);
 * loop.execute(() -> aio.stat(path, (st, err) -> ... runs on the loop ...));
 * ...
 * jaio.close();    // unregisters; then close the Aio
 * }</pre>
 */
public final class JaioEventLoop implements AutoCloseable {
    private final IoEventLoop loop;
    private final Aio aio;
    private final Handle handle;
    private final IoRegistration registration;

    private JaioEventLoop(IoEventLoop loop, Aio aio, Handle handle, IoRegistration registration) {
        this.loop = loop;
        this.aio = aio;
        this.handle = handle;
        this.registration = registration;
    }

    /**
     * Registers {@code aio}'s result descriptor with {@code loop} and waits until it is watched.
     *
     * @throws IllegalStateException if the registration fails
     */
    public static JaioEventLoop register(IoEventLoop loop, Aio aio) {
        if (!loop.isCompatible(Handle.class)) {
            throw new IllegalArgumentException("the loop must be an epoll IoEventLoop (EpollIoHandler.newFactory())");
        }
        Handle h = new Handle(aio);
        try {
            IoRegistration reg = loop.register(h).sync().getNow();
            loop.submit(() -> reg.submit(EpollIoOps.EPOLLIN)).sync();
            return new JaioEventLoop(loop, aio, h, reg);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while registering with the event loop", e);
        }
    }

    /** The loop whose thread runs the callbacks. */
    public IoEventLoop loop() {
        return loop;
    }

    /** The engine whose descriptor the loop watches. */
    public Aio aio() {
        return aio;
    }

    /** How many times the loop has run pollCb; for tests and statistics. */
    public long polls() {
        return handle.polls;
    }

    /**
     * Stops watching the descriptor and waits until the loop has let go of it (the descriptor
     * stays jaio's, closed by {@link Aio#close()}). Results still waiting are not handled.
     */
    @Override
    public void close() {
        registration.cancel();
        try {
            handle.unregistered.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the event loop did not unregister jaio's descriptor", e);
        }
    }

    /** What the loop watches: jaio's descriptor, borrowed (Netty never closes it). */
    static final class Handle implements EpollIoHandle {
        private final Aio aio;
        private final FileDescriptor fd;
        final CompletableFuture<Void> unregistered = new CompletableFuture<>();
        volatile long polls;    // written on the loop thread only

        Handle(Aio aio) {
            this.aio = aio;
            this.fd = new BorrowedFd(aio.pollFileno());
        }

        @Override
        public FileDescriptor fd() {
            return fd;
        }

        /** On the loop thread: the descriptor is readable, so results wait. */
        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            polls++;
            aio.pollCb();    // level-triggered: if results are left, the loop calls again
        }

        @Override
        public void unregistered() {
            unregistered.complete(null);
        }

        @Override
        public void close() {
            // The descriptor is jaio's; Aio.close() closes it.
        }
    }

    /** A descriptor Netty may watch but never close. */
    static final class BorrowedFd extends FileDescriptor {
        BorrowedFd(int fd) {
            super(fd);
        }

        @Override
        public void close() {
            // not ours to close
        }
    }
}
