package io.jaio;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Run by FaultsTest in a child JVM while the test sends it SIGHUP over and over: every request
 * must still complete with the right result. Prints "ready" once its handler is installed.
 */
public final class SignalChild {
    private SignalChild() {}

    private static Object count(AtomicInteger signals) {
        signals.incrementAndGet();
        return null;
    }

    public static void main(String[] args) throws Exception {
        AtomicInteger signals = new AtomicInteger();
        // sun.misc.Signal through reflection: the test sources compile inside module io.jaio,
        // which does not read jdk.unsupported.
        Class<?> signal = Class.forName("sun.misc.Signal");
        Class<?> handler = Class.forName("sun.misc.SignalHandler");
        Object h = java.lang.reflect.Proxy.newProxyInstance(handler.getClassLoader(), new Class<?>[] {handler},
                (proxy, method, margs) -> method.getName().equals("handle") ? count(signals) : null);
        signal.getMethod("handle", signal, handler).invoke(null, signal.getConstructor(String.class).newInstance("HUP"), h);
        Path f = Path.of(args[0]);
        Files.write(f, new byte[1 << 16]);
        System.out.println("ready");
        System.out.flush();
        int rounds = 0, failures = 0;
        long deadline = System.nanoTime() + 3_000_000_000L;
        for (Delivery d : new Delivery[] {Delivery.AUTO, Delivery.MANUAL}) {
            try (Aio aio = Aio.builder().delivery(d).build()) {
                Req<AioFile> opened = aio.open(f, Fcntl.O_RDONLY, 0);
                aio.flush();    // MANUAL delivery completes nothing until someone polls
                AioFile file = opened.join();
                while (System.nanoTime() < deadline || rounds < 20) {
                    List<Req<?>> reqs = new ArrayList<>();
                    for (int i = 0; i < 200; i++) {
                        reqs.add(switch (i % 4) {
                            case 0 -> aio.stat(f);
                            case 1 -> aio.read(file, 4096L * (i % 16), 4096, MemorySegment.ofArray(new byte[4096]), 0);
                            case 2 -> aio.busy(java.time.Duration.ofNanos(200_000));
                            default -> aio.nop();
                        });
                    }
                    while (aio.nreqs() > 0 && d == Delivery.MANUAL) {
                        aio.pollWait();
                        aio.pollCb();
                    }
                    for (Req<?> r : reqs) {
                        Object v = r.join();
                        if (v instanceof Long n && n != 4096) failures++;
                        if (v instanceof FileStat st && st.size() != 1 << 16) failures++;
                    }
                    rounds++;
                }
                deadline = System.nanoTime() + 3_000_000_000L;
                file.close();
            }
        }
        System.out.println("rounds=" + rounds + " failures=" + failures + " signals=" + signals.get());
    }
}
