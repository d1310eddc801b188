package io.jaio.internal.engine;

import java.util.concurrent.atomic.AtomicLong;

/**
 * An eventfd's counter semantics without the syscalls, for the stress tests: a write adds, a
 * non-blocking read drains to 0, readable iff the counter is above 0. Both are atomic in the
 * kernel, as they are here.
 */
final class ModelBell implements Results.Bell {
    private final AtomicLong counter = new AtomicLong();

    @Override
    public void ring() {
        counter.incrementAndGet();
    }

    @Override
    public void silence() {
        counter.set(0);
    }

    boolean readable() {
        return counter.get() > 0;
    }
}
