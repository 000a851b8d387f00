package dev.memogen.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.internal.Jvms;
import dev.memogen.internal.MemoFunction;
import dev.memogen.internal.MemoRuntime;
import dev.memogen.internal.ReportWorker;
import dev.memogen.internal.StoreTestSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** memogen's Flight Recorder events, read back from real recordings. */
class JfrEventsTest {
    @TempDir Path dir;

    private static final MemoFunction<String> TEXT = MemoFunction.create("t.J#text(int)", "v1", StoreTestSupport.STRING, false);

    private static Map<String, Integer> counts(List<RecordedEvent> events) {
        Map<String, Integer> n = new TreeMap<>();
        for (RecordedEvent e : events) {
            if (e.getEventType().getName().startsWith("dev.memogen.")) {
                n.merge(e.getEventType().getName(), 1, Integer::sum);
            }
        }
        return n;
    }

    /** A JVM started with {@code -XX:StartFlightRecording}: its hits, misses and stores are in the recording, and {@code jfr print} shows them. */
    @Test
    void aRecordingFromTheCommandLine() throws Exception {
        Path jfr = dir.resolve("run.jfr");
        ProcessBuilder pb = Jvms.worker(ReportWorker.class, dir, "v1", "1", "2", "3", "1", "2", "3", "1", "2", "3", "1");
        pb.command().add(1, "-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        List<RecordedEvent> events = RecordingFile.readAllEvents(jfr);
        assertEquals(Map.of("dev.memogen.Hit", 7, "dev.memogen.Miss", 3, "dev.memogen.Store", 3), counts(events));
        RecordedEvent hit = events.stream().filter(e -> e.getEventType().getName().equals("dev.memogen.Hit"))
                .findFirst().orElseThrow();
        assertEquals("t.R#slow(int)", hit.getString("functionId"));
        assertEquals("memory", hit.getString("tier"));
        assertTrue(hit.getDuration("saved").toMillis() >= 10, hit.toString());
        assertEquals("memogen", hit.getEventType().getCategoryNames().get(0));

        Path tool = Path.of(System.getProperty("java.home"), "bin", "jfr");
        Assumptions.assumeTrue(Files.isExecutable(tool), "no jfr tool in " + tool.getParent());
        Process print = new ProcessBuilder(tool.toString(), "print", "--events", "dev.memogen.Hit", jfr.toString())
                .redirectErrorStream(true).start();
        String printed = new String(print.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(print.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, print.exitValue(), printed);
        assertEquals(7, printed.split("dev\\.memogen\\.Hit \\{", -1).length - 1, printed);
        assertTrue(printed.contains("functionId = \"t.R#slow(int)\""), printed);
    }

    /** A recording started in-process, after memogen: enabled events are recorded from the next miss (here: the next runtime) on. */
    @Test
    void aRecordingStartedInProcess() throws Exception {
        Path jfr = dir.resolve("in-process.jfr");
        try (Recording r = new Recording()) {
            for (String name : List.of("Hit", "Miss", "Store", "Evict", "Invalidate")) {
                r.enable("dev.memogen." + name);
            }
            r.start();
            MemoRuntime.install(MemoConfig.at(dir.resolve("store")));
            StoreTestSupport.call(TEXT, 1, x -> "one");
            StoreTestSupport.call(TEXT, 1, x -> "one");
            MemoRuntime.install(MemoConfig.at(dir.resolve("store")));
            StoreTestSupport.call(TEXT, 1, x -> "one");
            r.stop();
            r.dump(jfr);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(jfr);
        assertEquals(Map.of("dev.memogen.Hit", 2, "dev.memogen.Miss", 1, "dev.memogen.Store", 1), counts(events));
        assertEquals(List.of("memory", "store"), events.stream()
                .filter(e -> e.getEventType().getName().equals("dev.memogen.Hit"))
                .sorted(java.util.Comparator.comparing(RecordedEvent::getStartTime))
                .map(e -> e.getString("tier")).toList());
    }
}
