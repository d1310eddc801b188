package io.jaio;

import io.jaio.internal.engine.Engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * IO::AIO's aio_group: a request that contains other requests. Made by
 * {@link Aio#group(Consumer)}; it completes (and its callback runs, in pollCb like any other)
 * once every member has been delivered and its feeder, if any, has nothing more to add.
 *
 * <ul>
 * <li><b>Members</b> are any requests of the same {@link Aio}, groups included (groups nest):
 *     {@link #add} them in the setup, from a member's callback, or from the feeder. Their
 *     results are their own; a member that fails does not fail the group. A member counts
 *     from {@code add} until its callback has returned, so a callback can still add more.</li>
 * <li><b>Outcome</b>: by default the group completes with {@code null}. {@link #result} sets
 *     the value it completes with, {@link #fail} the failure (IO::AIO's {@code result} and
 *     {@code errno}); the last call wins.</li>
 * <li><b>Feeder</b> (IO::AIO's {@code feed}): called whenever fewer than {@link #limit}
 *     members are outstanding, to add more; one that adds nothing when called, or throws (the
 *     exception goes to the error handler), is removed. It always runs on the delivering
 *     thread (inside pollCb; when a member finishes elsewhere, by cancel or close, through a
 *     no-op member), so it must not block: the engine never makes it wait for room. {@code add} itself imposes
 *     no limit, so a feeder that adds one request per call keeps at most {@code limit}
 *     members outstanding. The limit is 0 (paused) until a feeder is set, which raises it to 2.</li>
 * <li><b>Cancel</b>: {@link #cancel} cancels every member and the feeder; the group's
 *     callback never runs and it completes with {@link CancellationException}, as any
 *     request. {@link #cancelMembers()} (IO::AIO's {@code cancel_subs}) cancels the members and
 *     the feeder but lets the group complete normally.</li>
 * <li>A group counts in {@link Aio#nreqs()} until it is delivered, and is delivered with the
 *     priority of the view that made it.</li>
 * </ul>
 *
 * <p>Why the setup function: IO::AIO's program adds members to a new group before it next
 * calls poll_cb, and an empty group finishes only there. In Java results may be delivered on
 * another thread at any moment, so "before the next poll" is no window at all; the setup runs
 * before the group can finish, whatever the delivery mode.
 *
 * <pre>{@code
 * // stat every file, at most 4 at a time
 * Iterator<Path> it = files.iterator();
 * AioGroup<Void> all = aio.group(g -> g.limit(4).feed(grp -> {
 *     if (it.hasNext()) grp.add(aio.stat(it.next(), (st, e) -> ...));
 * }));
 * all.join();
 * }</pre>
 *
 * @param <T> the type of the value the group completes with
 */
public final class AioGroup<T> extends Req<T> {
    private final Aio aio;

    // Guarded by this.
    private final Set<Req<?>> members = Collections.newSetFromMap(new IdentityHashMap<>());
    private Consumer<? super AioGroup<T>> feeder;
    private int limit;
    /** The setup has returned: the group may finish once empty. */
    private boolean armed;
    /** Handed to the engine to be delivered; nothing may be added any more. */
    private boolean ended;
    private boolean cancelled;
    /** cancelMembers was called: nothing more may be added or fed. */
    private boolean sealed;
    /** A feeder call is running (on some thread); no other starts, and the group cannot end meanwhile. */
    private boolean feeding;
    /** Members added so far; tells whether a feeder call added any. */
    private long added;
    private T result;
    private Throwable failure;
    /** Computes the result when the group ends, instead of {@link #result}; for jaio's own composites. */
    private java.util.function.Supplier<? extends T> finisher;

    AioGroup(Aio aio, Engine engine, BiConsumer<? super T, ? super Throwable> callback) {
        super(engine, callback);
        this.aio = aio;
    }

    /**
     * Adds requests to the group. A request already delivered counts as finished at once.
     *
     * @return this group
     * @throws IllegalArgumentException if a request is null, this group, of another Aio, or in a group already
     * @throws IllegalStateException if the group has finished (after its last member and feeder),
     *                               or is being cancelled: the request is then cancelled too
     */
    public AioGroup<T> add(Req<?>... requests) {
        Objects.requireNonNull(requests, "requests");
        boolean settledBefore = false;
        for (Req<?> r : requests) {
            Objects.requireNonNull(r, "request");
            if (r == this) {
                throw new IllegalArgumentException("a group cannot contain itself");
            }
            if (r.engine != engine) {
                throw new IllegalArgumentException("the request belongs to another Aio: " + r);
            }
            boolean refuse;
            synchronized (this) {
                refuse = ended || cancelled || sealed;
                if (!refuse) {
                    added++;
                    if (r.joinGroup(this)) {
                        members.add(r);
                    } else {
                        settledBefore = true;
                    }
                }
            }
            if (refuse) {
                r.cancel(false);
                throw new IllegalStateException(cancelled ? "jaio: the group was cancelled; the request is cancelled too"
                        : "jaio: the group has finished; add members from its setup, a member's callback or its feeder");
            }
        }
        if (settledBefore) {
            // Delivered before it was added: no memberDone will come for it, so do its part now.
            try {
                feedHere();
            } finally {
                maybeEnd();
            }
        }
        return this;
    }

    /**
     * Sets the feeder (IO::AIO's {@code feed}): called on the delivering thread whenever fewer
     * than {@link #limit} members are outstanding, until a call adds nothing. Raises a limit of
     * 0 to 2. Setting a feeder again (say, once new work has turned up) restarts feeding.
     *
     * @return this group
     */
    public AioGroup<T> feed(Consumer<? super AioGroup<T>> feeder) {
        Objects.requireNonNull(feeder, "feeder");
        synchronized (this) {
            if (ended || cancelled || sealed) {
                return this;
            }
            this.feeder = feeder;
            if (limit == 0) {
                limit = 2;
            }
        }
        kick();
        return this;
    }

    /**
     * Sets how few outstanding members make the feeder run (IO::AIO's {@code limit}); 0 pauses
     * feeding.
     *
     * @return this group
     */
    public AioGroup<T> limit(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("limit must not be negative, was " + n);
        }
        boolean more;
        synchronized (this) {
            more = n > limit && feeder != null;
            limit = n;
        }
        if (more) {
            kick();
        }
        return this;
    }

    /** The feeder limit. */
    public synchronized int limit() {
        return limit;
    }

    /** Members added and not yet delivered (or cancelled). */
    public synchronized int size() {
        return members.size();
    }

    /**
     * Sets the value the group completes with (IO::AIO's {@code result}); clears a failure set
     * by {@link #fail}.
     *
     * @return this group
     */
    public synchronized AioGroup<T> result(T value) {
        result = value;
        failure = null;
        return this;
    }

    /**
     * Makes the group complete exceptionally with {@code error} once its members are done
     * (IO::AIO's {@code errno}); members keep running. Null clears it.
     *
     * @return this group
     */
    public synchronized AioGroup<T> fail(Throwable error) {
        failure = error;
        return this;
    }

    /**
     * Cancels the group: every member and the feeder; the group's callback never runs. A
     * member already running finishes, and the group leaves nreqs once it has (see {@link Req}).
     *
     * @return true if this call cancelled the group
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        List<Req<?>> toCancel;
        synchronized (this) {
            if (cancelled || isDone()) {
                return false;
            }
            cancelled = true;
            feeder = null;
            toCancel = new ArrayList<>(members);
        }
        boolean took = cancelCompletion();
        for (Req<?> m : toCancel) {
            m.cancel(false);
        }
        maybeEnd();
        return took;
    }

    /**
     * Cancels every member and the feeder (IO::AIO's {@code cancel_subs}), and lets the group
     * complete as it would have (its callback runs); nothing can be added afterwards.
     */
    public void cancelMembers() {
        List<Req<?>> toCancel;
        synchronized (this) {
            feeder = null;
            sealed = true;
            toCancel = new ArrayList<>(members);
        }
        for (Req<?> m : toCancel) {
            m.cancel(false);
        }
        maybeEnd();
    }

    synchronized void finisher(java.util.function.Supplier<? extends T> f) {
        finisher = f;
    }

    /** The setup has returned: from now on the group ends when it is empty and fed. */
    void arm() {
        synchronized (this) {
            armed = true;
        }
        kick();
        maybeEnd();
    }

    /**
     * Makes the feeder run on the delivering thread: through a no-op member, whose delivery
     * feeds the group as any member's does. It is a member before it is submitted, so even a
     * delivery that beats this method's return comes through memberDone.
     */
    private void kick() {
        Req<Void> nop = new Req<>(engine, null);
        synchronized (this) {
            if (!armed || ended || cancelled || feeder == null || feeding || members.size() >= limit) {
                return;
            }
            nop.joinGroup(this);
            members.add(nop);
        }
        try {
            aio.submitNoWait(new Request.Nop(), nop);    // never waits for room: the setup thread may be at the limit
        } catch (IllegalStateException e) {
            // closed: nothing left to feed
            synchronized (this) {
                members.remove(nop);
                feeder = null;
            }
            maybeEnd();
        }
    }

    /** A member has been delivered or cancelled (Req.settled); its callback has returned. */
    void memberDone(Req<?> member) {
        synchronized (this) {
            members.remove(member);
        }
        try {
            feedHere();
        } finally {
            maybeEnd();
        }
    }

    /**
     * Feeds now if this thread is delivering (inside pollCb); otherwise (a cancel, close(true),
     * or an add of a request already delivered, on some other thread) through a no-op member,
     * so the feeder still runs only on the delivering thread.
     */
    private void feedHere() {
        if (engine.isDeliveringThread()) {
            feedWhileRoom();
        } else {
            kick();
        }
    }

    /**
     * Calls the feeder while fewer than limit members are outstanding; removes it once a call
     * adds nothing. The feeder runs without this group's lock, so a feeder whose requests
     * complete at once (their delivery calls memberDone on another thread) never deadlocks;
     * {@code feeding} keeps other calls out meanwhile and the group from ending.
     */
    private void feedWhileRoom() {
        for (;;) {
            Consumer<? super AioGroup<T>> f;
            long before;
            synchronized (this) {
                if (!armed || feeding || cancelled || ended || feeder == null || members.size() >= limit) {
                    return;
                }
                feeding = true;
                f = feeder;
                before = added;
            }
            boolean ok = false;
            try {
                f.accept(this);
                ok = true;
            } catch (Throwable e) {
                engine.reportError(e);    // a throwing feeder is removed; the group still ends
            } finally {
                synchronized (this) {
                    feeding = false;
                    if (!ok || added == before) {
                        if (feeder == f) {
                            feeder = null;    // it has nothing more (or it threw): IO::AIO removes it
                        }
                    }
                }
            }
        }
    }

    /** Hands the group to the engine for delivery once it is armed, empty, fed and not feeding. */
    private void maybeEnd() {
        T value;
        Throwable error;
        synchronized (this) {
            if (!armed || ended || feeding || !members.isEmpty()) {
                return;
            }
            if (feeder != null && limit > 0 && !cancelled) {
                return;    // a feed is due (feedWhileRoom runs next or has just removed it)
            }
            ended = true;
            value = finisher != null ? finisher.get() : result;
            error = cancelled ? new CancellationException("jaio: group cancelled") : failure;
        }
        engine.finish(task(), error == null ? value : null, error);
    }

    @Override
    public String toString() {
        synchronized (this) {
            return "AioGroup[members=" + members.size() + ", limit=" + limit + (feeder != null ? ", feeding" : "")
                    + (cancelled ? ", cancelled" : ended ? ", ended" : "") + ", " + super.toString() + "]";
        }
    }
}
