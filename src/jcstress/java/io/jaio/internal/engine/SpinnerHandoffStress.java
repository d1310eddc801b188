package io.jaio.internal.engine;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.util.concurrent.atomic.AtomicReference;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A push that leaves its task to a spinning worker is never stranded: {@link Engine#push}
 * puts the task on the inbox, then reads {@code spinners} and skips the wake-up if a worker
 * spins; a spinner that gives up lowers {@code spinners} (under reqLock), then drains the inbox
 * one last time before it parks. Reduced to those accesses, with the engine's field types (the
 * inbox's head is a compare-and-set, drained by a get-and-set).
 */
@JCStressTest
@Description("A submitter skipping the wake-up and a spinner giving up: one of the two sees the other.")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the submitter left it to the spinner, whose last look took it")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the spinner took it and the submitter also went to wake one (a spare wake-up)")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "the spinner had gone; the submitter wakes a parked worker (WakeupStress)")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "the submitter skipped the wake-up and the spinner parked without it: stranded")
@State
public class SpinnerHandoffStress {
    final AtomicReference<Object> inbox = new AtomicReference<>();
    volatile int spinners = 1;
    int skipped, took;

    @Actor
    public void submitter() {
        inbox.compareAndSet(null, "task");    // push
        if (spinners != 0) {
            skipped = 1;                      // leaves it to the spinner
        }
    }

    @Actor
    public void spinner() {
        spinners = 0;                         // gives up spinning (spinners--, under reqLock)
        if (inbox.getAndSet(null) != null) {
            took = 1;                         // its last look before parking (takeLocked)
        }
    }

    @Arbiter
    public void arbiter(II_Result r) {
        r.r1 = skipped;
        r.r2 = took;
    }
}
