package io.jaio.netty;

import io.jaio.Aio;
import io.jaio.AioFile;
import io.jaio.Delivery;
import io.jaio.ErrnoException;
import io.jaio.Fcntl;
import io.jaio.FileStat;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP/1.1 static-file server whose file I/O is jaio's, run from the Netty event loop: open,
 * fstat (Content-Length, 404s), reads straight into the response's direct buffers, close. The
 * loop never waits for the disk: each request is submitted from the loop and its callback runs
 * there, through {@link JaioEventLoop}. One Aio per loop.
 *
 * <p>Paths are confined to the root: ".." and "." segments (decoded, so "%2e%2e" too) and NUL
 * are refused with 400, and a file reached through a symlink that leads out of the root is a
 * 404 — after opening, the server reads which file it opened ({@code /proc/self/fd/N}, through
 * jaio's readlink) and checks it lies under the root's real path.
 */
public final class StaticFileServer implements AutoCloseable {
    /** The most read into one response chunk. */
    static final int CHUNK = 256 * 1024;

    private final MultiThreadIoEventLoopGroup group;
    private final Map<IoEventLoop, JaioEventLoop> jaio = new IdentityHashMap<>();
    private final Channel server;
    private final String rootReal;
    /** The longest any jaio call (submission or pollCb) took on a loop thread, in nanoseconds. */
    final AtomicLong maxLoopCallNanos = new AtomicLong();

    /**
     * Serves {@code root} on {@code address} with {@code loops} event-loop threads.
     *
     * @throws IOException if the root cannot be resolved
     * @throws InterruptedException if interrupted while binding
     */
    public StaticFileServer(Path root, InetSocketAddress address, int loops) throws IOException, InterruptedException {
        this.rootReal = root.toRealPath().toString();
        this.group = new MultiThreadIoEventLoopGroup(loops, EpollIoHandler.newFactory());
        for (var executor : group) {
            IoEventLoop loop = (IoEventLoop) executor;
            Aio aio = Aio.builder().delivery(Delivery.MANUAL).build();
            jaio.put(loop, JaioEventLoop.register(loop, aio));
        }
        this.server = Http.bind(group, address, Handler::new);
    }

    /** The address it listens on (with the port chosen, if 0 was asked for). */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** The longest a jaio call took on an event-loop thread so far, in nanoseconds. */
    public long maxLoopCallNanos() {
        return maxLoopCallNanos.get();
    }

    /** The engines, one per loop. */
    public Iterable<Aio> engines() {
        return jaio.values().stream().map(JaioEventLoop::aio).toList();
    }

    @Override
    public void close() {
        // Uninterruptibly: a close that gave up halfway would leave the loop and its engines running.
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 5, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        for (JaioEventLoop j : jaio.values()) {
            j.aio().close();
        }
    }

    private void timed(long start) {
        long took = System.nanoTime() - start;
        maxLoopCallNanos.accumulateAndGet(took, Math::max);
    }

    /** One per connection; every method runs on the connection's loop. */
    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD)) {
                Http.status(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, keepAlive);
                return;
            }
            String rel = relative(new QueryStringDecoder(req.uri()).path());
            if (rel == null) {
                Http.status(ctx, HttpResponseStatus.BAD_REQUEST, keepAlive);
                return;
            }
            if (rel.isEmpty()) {
                Http.status(ctx, HttpResponseStatus.NOT_FOUND, keepAlive);
                return;
            }
            boolean head = req.method().equals(HttpMethod.HEAD);
            Aio aio = jaio.get((IoEventLoop) ctx.channel().eventLoop()).aio();
            long t0 = System.nanoTime();
            aio.open(Path.of(rootReal, rel), Fcntl.O_RDONLY, 0, (file, err) -> {
                if (err != null) {
                    failed(ctx, err, keepAlive);
                    return;
                }
                long t1 = System.nanoTime();
                aio.readlink(Path.of("/proc/self/fd/" + file.fd()), (real, err2) -> {
                    if (err2 != null || !(real.equals(rootReal) || real.startsWith(rootReal + "/"))) {
                        aio.close(file);    // a symlink led out of the root: as if absent
                        Http.status(ctx, HttpResponseStatus.NOT_FOUND, keepAlive);
                        return;
                    }
                    long t2 = System.nanoTime();
                    aio.stat(file, (st, err3) -> {
                        if (err3 != null || !st.isRegularFile()) {
                            aio.close(file);
                            if (err3 != null) failed(ctx, err3, keepAlive);
                            else Http.status(ctx, HttpResponseStatus.NOT_FOUND, keepAlive);
                            return;
                        }
                        respond(ctx, aio, file, st, head, keepAlive);
                    });
                    timed(t2);
                });
                timed(t1);
            });
            timed(t0);
        }

        private void respond(ChannelHandlerContext ctx, Aio aio, AioFile file, FileStat st, boolean head, boolean keepAlive) {
            DefaultHttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            HttpUtil.setContentLength(res, st.size());
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
            if (keepAlive) {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            ctx.write(res);
            if (head || st.size() == 0) {
                aio.close(file);
                Http.finish(ctx, keepAlive);
                return;
            }
            sendFrom(ctx, aio, file, 0, st.size(), keepAlive);
        }

        /** Reads the next chunk straight into a direct buffer of the response, writes it, repeats. */
        private void sendFrom(ChannelHandlerContext ctx, Aio aio, AioFile file, long offset, long size, boolean keepAlive) {
            int len = (int) Math.min(CHUNK, size - offset);
            ByteBuf buf = ctx.alloc().directBuffer(len);
            ByteBuffer view = buf.nioBuffer(0, len);
            long t0 = System.nanoTime();
            aio.read(file, offset, view, (n, err) -> {
                if (err != null || n == 0) {
                    buf.release();
                    aio.close(file);
                    ctx.close();    // the headers promised more bytes than the file now has
                    return;
                }
                buf.writerIndex(n.intValue());
                long next = offset + n;
                if (next >= size) {
                    aio.close(file);
                    ctx.write(new DefaultHttpContent(buf));
                    Http.finish(ctx, keepAlive);
                    return;
                }
                ctx.writeAndFlush(new DefaultHttpContent(buf)).addListener((ChannelFutureListener) f -> {
                    if (f.isSuccess()) {
                        sendFrom(ctx, aio, file, next, size, keepAlive);
                    } else {
                        aio.close(file);
                        ctx.close();
                    }
                });
            });
            timed(t0);
        }


        private void failed(ChannelHandlerContext ctx, Throwable err, boolean keepAlive) {
            String name = err instanceof ErrnoException x ? x.errnoName() : "";
            HttpResponseStatus s = switch (name) {
                case "ENOENT", "ENOTDIR", "ELOOP", "ENAMETOOLONG" -> HttpResponseStatus.NOT_FOUND;
                case "EACCES", "EPERM" -> HttpResponseStatus.FORBIDDEN;
                default -> HttpResponseStatus.INTERNAL_SERVER_ERROR;
            };
            Http.status(ctx, s, keepAlive);
        }


        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /**
     * The decoded request path as a relative path under the root, or null if it is not one:
     * a "." or ".." segment, a NUL, or a backslash. Empty segments are dropped.
     */
    static String relative(String decoded) {
        if (decoded.indexOf('\0') >= 0 || decoded.indexOf('\\') >= 0) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (String seg : decoded.split("/")) {
            if (seg.isEmpty()) {
                continue;
            }
            if (seg.equals(".") || seg.equals("..")) {
                return null;
            }
            if (!sb.isEmpty()) {
                sb.append('/');
            }
            sb.append(seg);
        }
        return sb.toString();
    }
}
