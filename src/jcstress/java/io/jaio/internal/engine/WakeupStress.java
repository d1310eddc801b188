package io.jaio.internal.engine;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.util.concurrent.atomic.AtomicInteger;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A wake-up is never lost: the handshake between {@link Engine}'s submitter (count the task in
 * {@code queued}, then read {@code idle} to decide whether to signal) and a worker about to
 * park (count itself in {@code idle}, then read {@code queued} to decide whether to park).
 * This is that handshake reduced to its memory accesses, with the engine's field types: the
 * signal and the park themselves happen under reqLock, which orders them, so what can go wrong
 * is only this pair of reads.
 */
@JCStressTest
@Description("A submitter and a parking worker: one of the two always sees the other.")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the worker saw the task and took it")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the worker parked and the submitter signals it")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "both saw each other (a spare signal)")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "the worker parked and nobody signals: the task waits forever")
@State
public class WakeupStress {
    final AtomicInteger queued = new AtomicInteger();
    volatile int idle;
    int took, signalled;

    @Actor
    public void submitter() {
        queued.incrementAndGet();    // push
        if (idle > 0) {
            signalled = 1;           // would take reqLock and signal workAvailable
        }
    }

    @Actor
    public void worker() {
        idle++;                      // under reqLock in the engine; the only writer here
        if (queued.get() > 0) {
            took = 1;                // takes the task instead of parking
        }
    }

    @Arbiter
    public void arbiter(II_Result r) {
        r.r1 = took;
        r.r2 = signalled;
    }
}
