package io.jaio;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.File;
import java.util.concurrent.TimeUnit;

/**
 * After a test class, the process has the descriptors and the jaio threads it had before it.
 * Waits briefly for exiting threads; a leak fails the class.
 */
final class LeakCheck implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(LeakCheck.class);

    /** Open descriptors, less those the JDK and the test runner open lazily for themselves. */
    static int fds() {
        int n = 0;
        for (String fd : new File("/proc/self/fd").list()) {
            String target;
            try {
                target = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd", fd)).toString();
            } catch (java.io.IOException e) {
                continue;    // the directory's own descriptor, gone by now
            }
            if (!target.endsWith(".jar") && !target.endsWith("/modules") && !target.startsWith("/dev/")) {
                n++;
            }
        }
        return n;
    }

    static long jaioThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("jaio-")).count();
    }

    static String describeFds() {
        StringBuilder sb = new StringBuilder();
        for (String n : new File("/proc/self/fd").list()) {
            try {
                sb.append(n).append("->").append(java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd", n))).append(' ');
            } catch (java.io.IOException e) {
                sb.append(n).append("->? ");
            }
        }
        return sb.toString();
    }

    @Override
    public void beforeAll(ExtensionContext ctx) {
        ctx.getStore(NS).put("fds", fds());
        ctx.getStore(NS).put("threads", jaioThreads());
    }

    @Override
    public void afterAll(ExtensionContext ctx) throws Exception {
        int fdsBefore = ctx.getStore(NS).get("fds", Integer.class);
        long threadsBefore = ctx.getStore(NS).get("threads", Long.class);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((fds() > fdsBefore || jaioThreads() > threadsBefore) && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        if (fds() > fdsBefore) {
            throw new AssertionError("descriptor leak: " + fdsBefore + " open before " + ctx.getDisplayName()
                    + ", " + fds() + " after: " + describeFds());
        }
        if (jaioThreads() > threadsBefore) {
            throw new AssertionError("thread leak: " + threadsBefore + " jaio threads before "
                    + ctx.getDisplayName() + ", " + jaioThreads() + " after");
        }
    }
}
