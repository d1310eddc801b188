package io.jaio.internal.engine;

/**
 * Nine intrusive FIFO lists, one per priority -4..4, as libeio keeps its request and result
 * queues: take() returns the oldest task of the highest priority. Not thread-safe: the owner
 * guards it with its lock. Links live in the tasks, so queueing allocates nothing.
 */
final class TaskQueue {
    static final int MIN_PRI = -4, MAX_PRI = 4, LEVELS = MAX_PRI - MIN_PRI + 1;

    private final Task[] heads = new Task[LEVELS];
    private final Task[] tails = new Task[LEVELS];
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void add(Task t) {
        int i = t.pri - MIN_PRI;
        t.next = null;
        t.prev = tails[i];
        if (tails[i] == null) {
            heads[i] = t;
        } else {
            tails[i].next = t;
        }
        tails[i] = t;
        size++;
    }

    /** Adds {@code t} before the others of its priority (it was taken, then given back). */
    void addFirst(Task t) {
        int i = t.pri - MIN_PRI;
        t.prev = null;
        t.next = heads[i];
        if (heads[i] == null) {
            tails[i] = t;
        } else {
            heads[i].prev = t;
        }
        heads[i] = t;
        size++;
    }

    Task take() {
        for (int i = LEVELS - 1; i >= 0; i--) {
            Task t = heads[i];
            if (t != null) {
                remove(t);
                return t;
            }
        }
        return null;
    }

    /** Unlinks {@code t}, which must be in this queue. */
    void remove(Task t) {
        int i = t.pri - MIN_PRI;
        if (t.prev == null) heads[i] = t.next; else t.prev.next = t.next;
        if (t.next == null) tails[i] = t.prev; else t.next.prev = t.prev;
        t.prev = t.next = null;
        size--;
    }
}
