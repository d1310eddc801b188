package io.jaio.internal.engine;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/** The engine's inbox and done stack: no task lost or doubled between pushes and a take. */
public final class TaskStackStress {
    private TaskStackStress() {}

    static Task task(Object outcome) {
        Task t = new Task(null, 0, null, Task.QUEUED);
        if (outcome != null) {
            t.outcome(outcome, null);
        }
        return t;
    }

    static int count(Task t) {
        int n = 0;
        for (; t != null; t = t.next) n++;
        return n;
    }

    @JCStressTest
    @Description("A pusher races a taker, one task already pushed: every task is taken exactly once.")
    @Outcome(id = {"1, 2", "2, 2"}, expect = ACCEPTABLE, desc = "each push taken once")
    @Outcome(expect = FORBIDDEN, desc = "a push lost or taken twice")
    @State
    public static class PushRacesTake {
        final TaskStack s = new TaskStack();
        int takenByActor;

        public PushRacesTake() {
            s.push(task(null));
        }

        @Actor
        public void push() {
            s.push(task(null));
        }

        @Actor
        public void take() {
            takenByActor = count(s.takeAll());
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r1 = takenByActor;
            r.r2 = takenByActor + count(s.takeAll());
        }
    }

    @JCStressTest
    @Description("The push publishes the task: a taker sees the outcome written before it.")
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "not pushed yet")
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "taken with its outcome")
    @Outcome(id = "1, 0", expect = FORBIDDEN, desc = "taken without its outcome")
    @State
    public static class PushPublishesOutcome {
        final TaskStack s = new TaskStack();

        @Actor
        public void worker() {
            s.push(task("result"));
        }

        @Actor
        public void poller(II_Result r) {
            Task t = s.takeAll();
            r.r1 = t == null ? 0 : 1;
            r.r2 = t != null && "result".equals(t.result()) ? 1 : 0;
        }
    }
}
