package io.jaio.internal.engine;

/**
 * Nine intrusive FIFO lists, one per priority -4..4, as libeio keeps its request and result
 * queues: take() returns the oldest task of the highest priority. Not thread-safe: the owner
 * guards it with its lock. Links live in the tasks, so queueing allocates nothing; a task is
 * never unlinked from the middle (a cancelled one stays until take() meets it).
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
        int i = t.pri() - MIN_PRI;
        t.next = null;
        if (tails[i] == null) {
            heads[i] = t;
        } else {
            tails[i].next = t;
        }
        tails[i] = t;
        size++;
    }

    /** Adds a stack linked by next, newest first (as the engine's lock-free stacks hold it), oldest first. */
    void addStack(Task newest) {
        Task oldest = null;
        while (newest != null) {    // reverse it
            Task next = newest.next;
            newest.next = oldest;
            oldest = newest;
            newest = next;
        }
        while (oldest != null) {
            Task next = oldest.next;
            add(oldest);
            oldest = next;
        }
    }

    Task take() {
        if (size == 0) {
            return null;
        }
        for (int i = LEVELS - 1; i >= 0; i--) {
            Task t = heads[i];
            if (t != null) {
                heads[i] = t.next;
                if (t.next == null) {
                    tails[i] = null;
                }
                t.next = null;
                size--;
                return t;
            }
        }
        return null;
    }
}
