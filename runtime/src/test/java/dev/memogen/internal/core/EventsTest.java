package dev.memogen.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.internal.Jvms;
import dev.memogen.internal.ReportWorker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The events file ({@code memogen.events}) of programs whose counts are known ({@link ReportWorker}),
 * each in a JVM of its own: every line one JSON object, and as many of each event as happened.
 */
class EventsTest {
    @TempDir Path dir;

    /**
     * A flat JSON object as the events file writes it: string values (with JSON's escapes) and
     * integers. Anything else, or a line that is not one whole object, does not match.
     */
    private static final Pattern OBJECT = Pattern.compile(
            "\\{\"time\":\"\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z\"(,\"[a-zA-Z]+\":(\"([^\"\\\\\\p{Cntrl}]|\\\\[\"\\\\/bfnrt]|\\\\u[0-9a-f]{4})*\"|-?\\d+))*\\}");
    private static final Pattern FIELD = Pattern.compile("\"([a-zA-Z]+)\":(\"((?:[^\"\\\\]|\\\\.)*)\"|(-?\\d+))");

    /** The fields of each line of {@code file}, after checking that every line is a JSON object. */
    private static List<Map<String, String>> events(Path file) throws Exception {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return lines.stream().map(line -> {
            assertTrue(OBJECT.matcher(line).matches(), "not a JSON object of the events file: " + line);
            Map<String, String> fields = new TreeMap<>();
            Matcher m = FIELD.matcher(line);
            while (m.find()) {
                fields.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(4));
            }
            return fields;
        }).toList();
    }

    private static long count(List<Map<String, String>> events, String kind, String key, String value) {
        return events.stream().filter(e -> kind.equals(e.get("event")) && (key == null || value.equals(e.get(key))))
                .count();
    }

    private void run(Path events, String... args) throws Exception {
        run(events, List.of(), args);
    }

    private void run(Path events, List<String> options, String... args) throws Exception {
        run(dir, events, options, args);
    }

    /** Runs {@link ReportWorker} in {@code workDir} (its store: {@code .memogen} there) with {@code options}. */
    private static void run(Path workDir, Path events, List<String> options, String... args) throws Exception {
        ProcessBuilder pb = Jvms.worker(ReportWorker.class, workDir, args);
        pb.command().add(1, "-Dmemogen.events=" + events);
        pb.command().addAll(1, options);
        String out = new String(pb.redirectErrorStream(true).start().getInputStream().readAllBytes(),
                StandardCharsets.UTF_8);
        assertTrue(out.contains("computed"), out);
    }

    @Test
    void hitsMissesStoresAndAnInvalidationInTheEventsFile() throws Exception {
        Path first = dir.resolve("events/first.jsonl");
        run(first, "v1", "1", "2", "3", "1", "2", "3", "1", "2", "3", "1");
        List<Map<String, String>> e = events(first);
        assertEquals(3, count(e, "miss", null, null), e.toString());
        assertEquals(3, count(e, "store", null, null), e.toString());
        assertEquals(7, count(e, "hit", "tier", "memory"), e.toString());
        assertEquals(13, e.size(), e.toString());
        for (Map<String, String> event : e) {
            assertEquals("t.R#slow(int)", event.get("function"), event.toString());
            assertTrue(event.get("key").matches("[0-9a-f]{32}"), event.toString());
        }
        Map<String, String> store = e.stream().filter(x -> x.get("event").equals("store")).findFirst().orElseThrow();
        assertTrue(Long.parseLong(store.get("bytes")) > 0 && Long.parseLong(store.get("computeNanos")) >= 10_000_000,
                store.toString());
        // a memory hit saved what its value cost: the same number as its miss
        Map<String, String> miss = e.get(0);
        assertEquals("miss", miss.get("event"), e.toString());
        assertTrue(e.stream().anyMatch(x -> x.get("event").equals("hit") && x.get("key").equals(miss.get("key"))
                && x.get("savedNanos").equals(miss.get("computeNanos"))), e.toString());

        Path second = dir.resolve("events/second.jsonl");
        run(second, "v1", "1", "2", "3");
        e = events(second);
        assertEquals(3, count(e, "hit", "tier", "store"), e.toString());
        assertEquals(0, count(e, "miss", null, null), e.toString());

        Path third = dir.resolve("events/third.jsonl");
        run(third, "v2", "1"); // a new function version: the entry is stale
        e = events(third);
        assertEquals(1, count(e, "invalidate", "part", "function-version"), e.toString());
        assertTrue(e.stream().anyMatch(x -> x.getOrDefault("detail", "").contains("now v2")), e.toString());
        assertEquals(1, count(e, "miss", null, null), e.toString());
    }

    /** A store over its bound evicts; an entry damaged on disk is corrupt: both are events. */
    @Test
    void evictionsAndDamagedEntries() throws Exception {
        Path evicting = dir.resolve("evicting.jsonl");
        String[] many = new String[201];
        many[0] = "v1";
        for (int i = 1; i < many.length; i++) {
            many[i] = Integer.toString(100 + i);
        }
        run(evicting, java.util.List.of("-Dmemogen.maxSize=64KiB", "-Dmemogen.packMax=0"), many);
        List<Map<String, String>> e = events(evicting);
        assertEquals(200, count(e, "store", null, null));
        long evicted = count(e, "evict", null, null);
        assertTrue(evicted > 0, "a 64 KiB store cannot keep 200 entries of a file each: " + e.size() + " events");
        Map<String, String> evict = e.stream().filter(x -> x.get("event").equals("evict")).findFirst().orElseThrow();
        assertTrue(evict.get("function").matches("[0-9a-f]{16}") && Long.parseLong(evict.get("bytes")) > 0,
                evict.toString());

        // A store of its own, large enough to keep what is damaged next (the 64 KiB one keeps next to nothing).
        Path other = dir.resolve("damaging");
        Files.createDirectories(other);
        String[] three = {"v1", "101", "102", "103"};
        Path stored = dir.resolve("stored.jsonl");
        run(other, stored, List.of("-Dmemogen.packMax=0"), three);
        assertEquals(3, count(events(stored), "store", null, null));
        try (java.util.stream.Stream<Path> files = Files.walk(other.resolve(".memogen/objects"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] b = Files.readAllBytes(f);
                b[b.length - 1] ^= 1; // the checksum no longer matches
                Files.write(f, b);
            }
        }
        Path damaged = dir.resolve("damaged.jsonl");
        run(other, damaged, List.of("-Dmemogen.packMax=0"), three);
        e = events(damaged);
        assertEquals(3, count(e, "corrupt", "function", "t.R#slow(int)"), e.toString());
        assertEquals(3, count(e, "miss", null, null), e.toString());
        assertEquals(0, count(e, "hit", null, null), "no damaged entry is a hit");
    }

    /** Long strings are cut with an ellipsis; JSON's special characters escaped. */
    @Test
    void longStringsAreCutAndEscaped() {
        String id = "t.Long#f(" + "x".repeat(500) + "\"\\\n)";
        String line = EventLog.json(new EventLog.Event("hit", id, "memory", 1, 2, 10, 20, 30, null, 0));
        assertTrue(OBJECT.matcher(line.strip()).matches(), line);
        assertTrue(line.contains("x\u2026\""), line);
        assertTrue(line.length() < 400, line);
        String escaped = EventLog.json(new EventLog.Event("corrupt", "a\"b\\c\nd\u0001", null, 0, 0, -1, -1, -1,
                null, 0));
        assertTrue(escaped.contains("\"function\":\"a\\\"b\\\\c\\nd\\u0001\""), escaped);
        assertTrue(OBJECT.matcher(escaped.strip()).matches(), escaped);
    }

    /**
     * Callers never wait: events offered faster than the writer writes are dropped, and counted
     * in {@code dropped} lines. Every event offered is either a line or in a count.
     */
    @Test
    void aFullQueueDropsEventsAndCountsThem() throws Exception {
        Path file = dir.resolve("flood.jsonl");
        EventLog log = EventLog.open(file, new Problems());
        int offered = 200_000;
        for (int i = 0; i < offered; i++) {
            log.offer(new EventLog.Event("hit", "t.F#f(int)", "memory", i + 1, 0, 8, 100, 0, null));
        }
        log.flush();
        List<Map<String, String>> e = events(file);
        long written = count(e, "hit", null, null);
        long dropped = e.stream().filter(x -> x.get("event").equals("dropped"))
                .mapToLong(x -> Long.parseLong(x.get("count"))).sum();
        assertEquals(offered, written + dropped, "every event written or counted");
        assertEquals(log.dropped(), dropped);
        assertTrue(written >= EventLog.CAPACITY, "at least a queue's worth written: " + written);
    }

    @Test
    void theChangedPartOfAKey() {
        assertEquals("system-state", Events.changedPart("system state changed"));
        assertEquals("system-state", Events.changedPart("store format 3 != 4"));
        assertEquals("function-version", Events.changedPart("function version changed"));
        assertEquals("argument-version", Events.changedPart("argument version changed: a file among its arguments changed"));
        assertEquals("argument-version", Events.changedPart("a file it depends on changed"));
        assertEquals("ttl", Events.changedPart("older than its ttl"));
    }
}
