package io.jaio.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The peer for the load comparison: the same server as {@link StaticFileServer}, done as
 * Netty's own examples do it — open, stat and the root check with blocking JDK calls on the
 * event loop, the body sent with {@link DefaultFileRegion} (sendfile from the kernel).
 */
public final class NettyFileServer implements AutoCloseable {
    private final MultiThreadIoEventLoopGroup group;
    private final Channel server;
    private final Path rootReal;

    /** Serves {@code root} on {@code address} with {@code loops} event-loop threads. */
    public NettyFileServer(Path root, InetSocketAddress address, int loops) throws IOException, InterruptedException {
        this.rootReal = root.toRealPath();
        this.group = new MultiThreadIoEventLoopGroup(loops, EpollIoHandler.newFactory());
        this.server = Http.bind(group, address, Handler::new);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    @Override
    public void close() {
        // Uninterruptibly: a close that gave up halfway would leave the loop and its engines running.
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 5, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) throws Exception {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            String rel = StaticFileServer.relative(new QueryStringDecoder(req.uri()).path());
            if (rel == null || rel.isEmpty()) {
                Http.status(ctx, rel == null ? HttpResponseStatus.BAD_REQUEST : HttpResponseStatus.NOT_FOUND, keepAlive);
                return;
            }
            Path p = rootReal.resolve(rel);
            Path real;
            try {
                real = p.toRealPath();
            } catch (IOException e) {
                Http.status(ctx, HttpResponseStatus.NOT_FOUND, keepAlive);
                return;
            }
            if (!real.startsWith(rootReal) || !Files.isRegularFile(real)) {
                Http.status(ctx, HttpResponseStatus.NOT_FOUND, keepAlive);
                return;
            }
            RandomAccessFile raf = new RandomAccessFile(real.toFile(), "r");
            long len = raf.length();
            DefaultHttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            HttpUtil.setContentLength(res, len);
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
            if (keepAlive) {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            ctx.write(res);
            ctx.write(new DefaultFileRegion(raf.getChannel(), 0, len));    // closes the channel when sent
            Http.finish(ctx, keepAlive);
        }


        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
