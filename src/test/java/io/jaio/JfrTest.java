package io.jaio;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The JFR events a recording sees: one per request, and the engine's counts. */
@org.junit.jupiter.api.extension.ExtendWith(LeakCheck.class)
class JfrTest {
    @TempDir
    Path dir;

    @Test
    void aRecordingSeesEveryRequestWithItsBytesResultAndTimes() throws Exception {
        Path file = Files.write(dir.resolve("data"), new byte[8192]);
        Path jfr = dir.resolve("rec.jfr");
        try (Recording rec = new Recording(); Arena arena = Arena.ofShared()) {
            rec.enable("io.jaio.Request");
            rec.enable("io.jaio.Engine").withPeriod(Duration.ofMillis(50));
            rec.start();
            try (Aio aio = Aio.create()) {
                AioFile f = aio.open(file, Fcntl.O_RDONLY, 0).join();
                assertThat(aio.read(f, 0, 4096, arena.allocate(4096), 0).join()).isEqualTo(4096);
                assertThat(aio.stat(dir.resolve("missing")).exceptionally(e -> null).join()).isNull();
                aio.close(f).join();
                aio.busy(Duration.ofMillis(120)).join();    // the engine is sampled meanwhile
                aio.flush();
            }
            rec.stop();
            rec.dump(jfr);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(jfr);
        // Delivered on several threads (workers deliver under AUTO), so the file is not in time order.
        List<RecordedEvent> requests = events.stream().filter(e -> e.getEventType().getName().equals("io.jaio.Request"))
                .sorted(java.util.Comparator.comparing(RecordedEvent::getStartTime)).toList();
        assertThat(requests).extracting(e -> e.getString("request")).containsExactly("Open", "Read", "Stat", "Close", "Busy");
        RecordedEvent read = requests.get(1);
        assertThat(read.getLong("bytes")).isEqualTo(4096);
        assertThat(read.getString("result")).isEqualTo("ok");
        assertThat(read.getDuration("queued")).isGreaterThanOrEqualTo(Duration.ZERO);
        assertThat(read.getDuration("inSyscall")).isPositive();
        assertThat(read.getDuration("untilDelivery")).isPositive();
        RecordedEvent stat = requests.get(2);
        assertThat(stat.getString("result")).isEqualTo("ENOENT");
        assertThat(stat.getString("syscall")).isEqualTo("statx");
        assertThat(requests.get(4).getDuration("inSyscall")).isGreaterThanOrEqualTo(Duration.ofMillis(100));
        List<RecordedEvent> engine = events.stream().filter(e -> e.getEventType().getName().equals("io.jaio.Engine")).toList();
        assertThat(engine).isNotEmpty();
        assertThat(engine).anySatisfy(e -> {
            assertThat(e.getInt("nreqs")).isEqualTo(1);    // the busy request
            assertThat(e.getInt("nthreads")).isPositive();
        });
    }

    @Test
    void withoutARecordingNothingIsKept() throws Exception {
        try (Aio aio = Aio.create()) {
            for (int i = 0; i < 1000; i++) aio.nop();
            aio.flush();
        }
        java.lang.reflect.Field f = Jfr.class.getDeclaredField("TIMES");
        f.setAccessible(true);
        assertThat((java.util.Map<?, ?>) f.get(null)).isEmpty();
    }
}
