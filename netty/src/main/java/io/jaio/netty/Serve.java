package io.jaio.netty;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * Runs a server until killed: {@code Serve jaio|netty ROOT PORT [LOOPS]}, on 127.0.0.1. For
 * the load comparison in the README ({@code netty/bench.sh}).
 */
public final class Serve {
    private Serve() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: Serve jaio|netty ROOT PORT [LOOPS]");
            System.exit(2);
        }
        Path root = Path.of(args[1]);
        InetSocketAddress at = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[2]));
        int loops = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        AutoCloseable server = switch (args[0]) {
            case "jaio" -> new StaticFileServer(root, at, loops);
            case "netty" -> new NettyFileServer(root, at, loops);
            default -> throw new IllegalArgumentException("jaio or netty, was " + args[0]);
        };
        System.out.println("serving " + root + " on " + at + " (" + args[0] + ")");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception ignored) {
            }
        }));
        Thread.currentThread().join();
    }
}
