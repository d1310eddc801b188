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
 *
 * <p>Whether to spin at all is decided per wait site by an {@link Adaptive}: on cached data a
 * result lands within a few microseconds and spinning saves a futex wake-up; when requests
 * wait for a device (a millisecond each), spinning only burns CPU other work needs.
 */
public final class Spin {
    private Spin() {}

    /** The deadline {@code nanos} from now, for {@link #more}. */
    public static long deadline(long nanos) {
        return System.nanoTime() + nanos;
    }

    /**
     * Takes {@code lock} if it comes free within {@code nanos}, spinning on hints rather than
     * yields (its holder is running, for well under a microsecond, not waiting to run): watches
     * the lock with plain reads, since a failed tryLock is a compare-and-set that takes the
     * lock's cache line from its holder, and reads the clock every 32 turns, not every turn
     * (both seen in a device-bound profile, where this wait was a fifth of jaio's user-space
     * samples). False if the lock stayed held.
     */
    public static boolean tryLockFor(java.util.concurrent.locks.ReentrantLock lock, long nanos) {
        if (lock.tryLock()) {
            return true;
        }
        long end = System.nanoTime() + nanos;
        for (int turn = 1; ; turn++) {
            Thread.onSpinWait();
            if (!lock.isLocked() && lock.tryLock()) {
                return true;
            }
            if ((turn & 31) == 0 && System.nanoTime() - end > 0) {
                return false;
            }
        }
    }

    /** Yields once; true while {@code deadline} has not passed. */
    public static boolean more(long deadline) {
        Thread.yield();
        return System.nanoTime() < deadline;
    }

    /**
     * Learns, at one wait site, whether spinning pays: it does while what is awaited arrives
     * within the site's window, so a futex wake-up is saved. A spin that catches its event
     * raises the score; one that times out (the event came later, or never: the requests wait
     * for a device, or nothing is in flight) lowers it twice as fast. At 0 the site parks at
     * once, except for one probe spin in 32, so it notices when the regime changes back. The
     * fields are plain: they are hints, and a lost update between threads only blurs them.
     */
    public static final class Adaptive {
        private static final int MAX_SCORE = 16;

        private final long window;
        private int score = MAX_SCORE;
        private int tick;

        /** A site whose spins last at most {@code windowNanos}. */
        public Adaptive(long windowNanos) {
            this.window = windowNanos;
        }

        /** How long to spin before parking now: the window, or 0 while spinning does not pay. */
        public long budget() {
            if (score > 0 || (++tick & 31) == 0) {
                return window;
            }
            return 0;
        }

        /** Reports a spin that caught its event, or ran out its window. */
        public void spun(boolean caught) {
            if (caught) {
                if (score < MAX_SCORE) {
                    score++;
                }
            } else {
                score = Math.max(0, score - 2);
            }
        }

        /** The current score, for tests. */
        int score() {
            return score;
        }
    }
}
