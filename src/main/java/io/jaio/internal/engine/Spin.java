package io.jaio.internal.engine;

/**
 * Brief, bounded waits for something that usually happens within microseconds (a result, a
 * request, a completion), cheaper than parking and being woken. Each step yields the
 * processor rather than spinning on it: on a machine with few cores the waiting thread must
 * not keep the one it waits for from running.
 *
 * <pre>{@code
 * long end = Spin.deadline(nanos);
 * while (!ready() && Spin.more(end)) { }
 * }</pre>
 */
public final class Spin {
    private Spin() {}

    /** The deadline {@code nanos} from now, for {@link #more}. */
    public static long deadline(long nanos) {
        return System.nanoTime() + nanos;
    }

    /** Yields once; true while {@code deadline} has not passed. */
    public static boolean more(long deadline) {
        Thread.yield();
        return System.nanoTime() < deadline;
    }
}
