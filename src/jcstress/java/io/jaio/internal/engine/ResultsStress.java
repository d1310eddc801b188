package io.jaio.internal.engine;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The result descriptor is readable iff results wait, whenever no pollCb runs. The poller
 * actors do what {@link Engine#pollCb} does with {@link Results}: hold the count of the result
 * in hand, pass it on when they take the next, release it when they return.
 */
public final class ResultsStress {
    private ResultsStress() {}

    @JCStressTest
    @Description("A worker publishes while pollCb, holding the previous result, takes what it finds and returns.")
    @Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "published after pollCb looked: readable, one waits")
    @Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "pollCb took and handled it: silent, none waits")
    @Outcome(expect = FORBIDDEN, desc = "readable with nothing waiting, or silent with a result waiting")
    @State
    public static class PublishRacesPollCb {
        final ModelBell bell = new ModelBell();
        final Results results = new Results(bell, () -> false);
        int handled;

        public PublishRacesPollCb() {
            results.publish(TaskStackStress.task("first"));
            results.takeAll();    // pollCb has taken the first result and holds its count
        }

        @Actor
        public void worker() {
            results.publish(TaskStackStress.task("second"));
        }

        @Actor
        public void pollCb() {
            Task t = results.takeAll();
            if (t != null) {
                results.passOn();    // the first's count; the second's keeps it above 0
                handled = 1;
            }
            results.release();       // returns: lets go of the count it holds
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r1 = bell.readable() ? 1 : 0;
            r.r2 = results.count();
            r.r3 = handled;
        }
    }

    @JCStressTest
    @Description("A worker publishes while pollCb releases the result it held, taking nothing.")
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "one waits, readable")
    @Outcome(expect = FORBIDDEN, desc = "the descriptor disagrees with the count")
    @State
    public static class PublishRacesRelease {
        final ModelBell bell = new ModelBell();
        final Results results = new Results(bell, () -> false);

        public PublishRacesRelease() {
            results.publish(TaskStackStress.task("first"));
            results.takeAll();
        }

        @Actor
        public void worker() {
            results.publish(TaskStackStress.task("a"));
        }

        @Actor
        public void pollCb() {
            results.release();
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r1 = bell.readable() ? 1 : 0;
            r.r2 = results.count();
        }
    }

    @JCStressTest
    @Description("A worker publishes the first result while an idle pollCb takes, handles and releases whatever it finds.")
    @Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "pollCb looked first: readable, one waits")
    @Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "pollCb took and handled it: silent, none waits")
    @Outcome(expect = FORBIDDEN, desc = "readable with nothing waiting (a ring after the release's silence), or silent with a result waiting")
    @State
    public static class PublishRacesIdlePollCb {
        final ModelBell bell = new ModelBell();
        final Results results = new Results(bell, () -> false);
        int handled;

        @Actor
        public void worker() {
            results.publish(TaskStackStress.task("only"));
        }

        @Actor
        public void pollCb() {
            handled = pollCbOnce(results);    // at most one: the count falls to 0, the bell is silenced
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r1 = bell.readable() ? 1 : 0;
            r.r2 = results.count();
            r.r3 = handled;
        }
    }

    @JCStressTest
    @Description("A worker publishes while another thread runs an idle pollCb, publishes a result of its own, and runs pollCb again (two actors: jcstress needs a core per actor).")
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "the worker published last: readable, its result waits")
    @Outcome(id = "0, 0, 2", expect = ACCEPTABLE, desc = "both handled: silent, none waits")
    @Outcome(expect = FORBIDDEN, desc = "readable with nothing waiting (a stale ring), or silent with a result waiting")
    @State
    public static class TwoPublishersRacePollCb {
        final ModelBell bell = new ModelBell();
        final Results results = new Results(bell, () -> false);
        int handled;

        @Actor
        public void worker() {
            results.publish(TaskStackStress.task("a"));
        }

        @Actor
        public void publisherAndPollCb() {
            handled += pollCbOnce(results);
            results.publish(TaskStackStress.task("c"));    // a second publisher, 0 -> 1 again
            handled += pollCbOnce(results);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r1 = bell.readable() ? 1 : 0;
            r.r2 = results.count();
            r.r3 = handled;
        }
    }

    /**
     * What an idle {@link Engine#pollCb} does with {@link Results}: takes what waits, holds the
     * first result's count while handling, passes the others' on, releases when it returns.
     * Returns how many it handled.
     */
    static int pollCbOnce(Results results) {
        int handled = 0;
        for (Task t = results.takeAll(); t != null; t = t.next) {
            if (handled++ > 0) {
                results.passOn();
            }
        }
        if (handled > 0) {
            results.release();
        }
        return handled;
    }
}
