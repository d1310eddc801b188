package io.jaio;

import io.jaio.internal.engine.Engine;
import io.jaio.internal.engine.Task;
import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JDK Flight Recorder events: {@code io.jaio.Request}, one per request delivered (its kind,
 * bytes, result or errno, and how long it was queued, in its syscall and waiting for delivery),
 * and {@code io.jaio.Engine}, each engine's counts once a second. The request event is off
 * unless a recording asks for it ({@code -XX:StartFlightRecording:+io.jaio.Request#enabled=true},
 * {@code jfr configure}, or a .jfc naming it); the engine event is on in any recording.
 *
 * <p>Cost while off: a request pays one check of the event type's flag at submission and an
 * empty-map check when it runs and when it is delivered; until a recording exists not even
 * the flag is JFR's, since JFR's machinery starts only with the first recording. The
 * timestamps of a traced request live in {@link #TIMES}, not in the request, so an untraced
 * request carries nothing extra.
 */
final class Jfr {
    private Jfr() {}

    @Name("io.jaio.Request")
    @Label("jaio Request")
    @Category("jaio")
    @Description("One jaio request, from submission to delivery")
    @StackTrace(false)
    @Enabled(false)    // one per request: a recording must ask for it
    static final class RequestEvent extends Event {
        @Label("Request")
        @Description("The request's kind: Read, Write, Open, Stat, Scandir, …")
        String request;

        @Label("Priority")
        int priority;

        @Label("Bytes")
        @Description("Bytes transferred (read, write, sendfile), else 0")
        @DataAmount
        long bytes;

        @Label("Result")
        @Description("\"ok\", \"cancelled\", or the failure: its errno name, or the exception's class")
        String result;

        @Label("Syscall")
        @Description("The syscall that failed, for an ErrnoException")
        String syscall;

        @Label("Queued")
        @Description("From submission until a worker started it")
        @Timespan(Timespan.NANOSECONDS)
        long queued;

        @Label("In Syscall")
        @Description("On the worker, running the syscall(s)")
        @Timespan(Timespan.NANOSECONDS)
        long inSyscall;

        @Label("Until Delivery")
        @Description("From the worker's finish until the callback returned in pollCb")
        @Timespan(Timespan.NANOSECONDS)
        long untilDelivery;
    }

    @Name("io.jaio.Engine")
    @Label("jaio Engine")
    @Category("jaio")
    @Description("An engine's counts, as IO::AIO's nreqs, nready, npending and nthreads")
    @StackTrace(false)
    @Period("1 s")
    static final class EngineEvent extends Event {
        @Label("Outstanding Requests")
        int nreqs;

        @Label("Ready")
        int nready;

        @Label("Pending Results")
        int npending;

        @Label("Threads")
        int nthreads;
    }

    /**
     * The request event's type once the JVM's recorder is up, else null. Loading an event
     * class starts JFR's machinery (about 45 ms here), so nothing of JFR but the listener is
     * touched until a recording exists.
     */
    private static volatile EventType requestType;
    /** submitted, started, finished (System.nanoTime) of each traced task; 0 = not (yet) seen. */
    private static final Map<Task, long[]> TIMES = new ConcurrentHashMap<>();
    /** Engines alive (built, not closed), for the periodic event. */
    private static final Set<Engine> ENGINES = ConcurrentHashMap.newKeySet();

    static {
        // Called at once if the recorder is already up (-XX:StartFlightRecording), else when
        // the first recording is made.
        FlightRecorder.addListener(new FlightRecorderListener() {
            @Override
            public void recorderInitialized(FlightRecorder recorder) {
                FlightRecorder.addPeriodicEvent(EngineEvent.class, Jfr::sampleEngines);
                requestType = EventType.getEventType(RequestEvent.class);
            }
        });
    }

    private static void sampleEngines() {
        for (Engine e : ENGINES) {
            EngineEvent ev = new EngineEvent();
            ev.nreqs = e.nreqs();
            ev.nready = e.nready();
            ev.npending = e.npending();
            ev.nthreads = e.nthreads();
            ev.commit();
        }
    }

    static void opened(Engine e) {
        ENGINES.add(e);
    }

    static void closed(Engine e) {
        ENGINES.remove(e);
    }

    /** Before {@code t} is submitted. */
    static void submitting(Task t) {
        EventType type = requestType;
        if (type != null && type.isEnabled()) {
            TIMES.put(t, new long[] {System.nanoTime(), 0, 0});
        }
    }

    /** The times of {@code t} if it is traced, else null; cheap while nothing is traced. */
    static long[] times(Task t) {
        return TIMES.isEmpty() ? null : TIMES.get(t);
    }

    /** Cancelled before a worker started it: commits its event (result "cancelled") if it was traced. */
    static void cancelled(Task t) {
        if (!TIMES.isEmpty() && TIMES.remove(t) instanceof long[] tm) {
            RequestEvent ev = new RequestEvent();
            ev.request = kind(t.request);
            ev.priority = t.pri();
            ev.result = "cancelled";
            ev.queued = System.nanoTime() - tm[0];
            ev.commit();
        }
    }

    private static String kind(Object r) {
        if (r instanceof Request.AtWd at) {
            return kind(at.request());
        }
        if (r instanceof Request.AwaitWriter aw) {
            return kind(aw.request());    // an Open the ring began
        }
        return r instanceof Request.ScandirGroup ? "Scandir" : r.getClass().getSimpleName();
    }

    /** After {@code t}'s owner has been told: commits its event if it was traced. */
    static void delivered(Task t) {
        if (TIMES.isEmpty()) {
            return;
        }
        long[] tm = TIMES.remove(t);
        if (tm == null) {
            return;
        }
        long now = System.nanoTime();
        RequestEvent ev = new RequestEvent();
        ev.request = kind(t.request);
        ev.priority = t.pri();
        Throwable err = t.error();
        if (err == null) {
            ev.result = "ok";
            ev.bytes = t.result() instanceof Long n ? n : 0;
        } else if (err instanceof ErrnoException x) {
            ev.result = x.errnoName();
            ev.syscall = x.syscall();
        } else {
            ev.result = err.getClass().getSimpleName();
        }
        long finished = tm[2] != 0 ? tm[2] : tm[0];
        ev.queued = tm[1] != 0 ? tm[1] - tm[0] : 0;
        ev.inSyscall = tm[1] != 0 ? tm[2] - tm[1] : 0;
        ev.untilDelivery = now - finished;
        ev.commit();
    }
}
