package dev.memogen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.MemogenSettings;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command of {@code memogen} on a real store that the runtime makes in this JVM
 * ({@link StoreMaker}: three functions of 20 keys; pack records, and an object file for every fifth
 * {@code series}).
 */
class MemogenCommandTest {
    private static final int KEYS = 20;

    @TempDir
    Path tmp;
    Path store;

    @BeforeEach
    void makeStore() {
        store = tmp.resolve("store");
        StoreMaker.make(MemogenSettings.at(store), KEYS);
    }

    private CliRun run(String... args) {
        return CliRun.of(args);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object o) {
        return (List<Map<String, Object>>) o;
    }

    private Map<String, Map<String, Object>> functionsById(CliRun stats) {
        return list(stats.json().get("functions")).stream()
                .collect(Collectors.toMap(f -> String.valueOf(f.get("functionId")), f -> f));
    }

    @Test
    void statsCountsEachFunctionsEntriesBytesAndComputeTime() {
        CliRun stats = run("stats", "--dir", store.toString(), "--json");
        assertEquals(0, stats.exit(), stats::toString);
        Map<String, Object> json = stats.json();
        assertEquals(3L * KEYS, json.get("entries"));
        assertEquals(1L << 30, json.get("maxSize")); // the default bound
        Map<String, Map<String, Object>> functions = functionsById(stats);
        assertEquals(java.util.Set.of(StoreMaker.TEXT_ID, StoreMaker.SERIES_ID, StoreMaker.SUM_ID), functions.keySet());
        long bytes = 0;
        for (Map<String, Object> f : functions.values()) {
            assertEquals((long) KEYS, f.get("entries"));
            bytes += (Long) f.get("bytes");
        }
        assertEquals(json.get("bytes"), bytes);
        // text sleeps 2 ms per key: at least 40 ms of compute time stored
        assertTrue((Long) functions.get(StoreMaker.TEXT_ID).get("computeNanos") >= KEYS * 2_000_000L, stats::toString);
        // series: four values of 160 KB, sixteen of 800 bytes
        assertTrue((Long) functions.get(StoreMaker.SERIES_ID).get("bytes") > 4 * 160_000L, stats::toString);

        CliRun human = run("stats", "--dir", store.toString());
        assertEquals(0, human.exit(), human::toString);
        assertTrue(human.out().contains(3 * KEYS + " entries"), human::toString);
        assertTrue(human.out().contains("of 1.0 GiB"), human::toString);
        assertTrue(human.out().lines().anyMatch(l -> l.startsWith(StoreMaker.SERIES_ID) && l.contains(" KiB")),
                human::toString);
        assertEquals("", human.err()); // no progress bar: stderr is no terminal here
    }

    /** StoreMaker's runtime computed every key once and hit it once, and added its counts as it was replaced. */
    @Test
    void statsShowsTheHitsAndMissesRecordedInTheStore() {
        CliRun stats = run("stats", "--dir", store.toString(), "--json");
        Map<String, Object> json = stats.json();
        assertEquals(3L * KEYS, json.get("hits"), stats::toString);
        assertEquals(3L * KEYS, json.get("misses"), stats::toString);
        Map<String, Map<String, Object>> functions = functionsById(stats);
        for (Map<String, Object> f : functions.values()) {
            assertEquals((long) KEYS, f.get("hits"), stats::toString);
            assertEquals((long) KEYS, f.get("misses"), stats::toString);
            assertEquals((Long) f.get("hits") * ((Long) f.get("computeNanos") / KEYS), f.get("savedNanos"),
                    stats::toString);
        }
        // text sleeps 2 ms per key: its misses took at least 40 ms, and its hits saved as much
        assertTrue((Long) functions.get(StoreMaker.TEXT_ID).get("missNanos") >= KEYS * 2_000_000L, stats::toString);
        assertTrue((Long) functions.get(StoreMaker.TEXT_ID).get("savedNanos") >= KEYS * 2_000_000L, stats::toString);

        CliRun human = run("stats", "--dir", store.toString());
        List<String> lines = human.out().lines().toList();
        assertTrue(lines.get(2).startsWith("  recorded by the programs that used it: " + 3 * KEYS + " hits, "
                + 3 * KEYS + " misses, compute time saved "), human::toString);
        assertTrue(lines.get(4).matches("function +entries +bytes +compute +hits +misses +saved"), human::toString);
        assertTrue(lines.stream().anyMatch(l -> l.matches(java.util.regex.Pattern.quote(StoreMaker.SUM_ID)
                + " +" + KEYS + " +.*B +.*s +" + KEYS + " +" + KEYS + " +.*s")), human::toString);
    }

    @Test
    void aFunctionWithoutANamesFileIsShownByItsIdHash() throws IOException {
        String hash = String.valueOf(functionsById(run("stats", "--dir", store.toString(), "--json"))
                .get(StoreMaker.SUM_ID).get("functionHash"));
        Files.delete(store.resolve("functions").resolve(hash));
        CliRun stats = run("stats", "--dir", store.toString(), "--json");
        Map<String, Object> unnamed = functionsById(stats).get("null");
        assertEquals(hash, unnamed.get("functionHash"), stats::toString);
        assertNull(unnamed.get("functionId"));
        CliRun human = run("stats", "--dir", store.toString());
        assertTrue(human.out().lines().anyMatch(l -> l.startsWith(hash)), human::toString);
        // and it can still be named by its hash
        CliRun ls = run("ls", "--dir", store.toString(), "--function", hash, "--json");
        assertEquals(KEYS, list(ls.json().get("entries")).size(), ls::toString);
    }

    @Test
    void lsListsTheEntriesOfOneFunctionWithSizeAgeAndCost() {
        long before = System.currentTimeMillis();
        CliRun ls = run("ls", "--dir", store.toString(), "--function", StoreMaker.SERIES_ID, "--json");
        assertEquals(0, ls.exit(), ls::toString);
        List<Map<String, Object>> entries = list(ls.json().get("entries"));
        assertEquals(KEYS, entries.size());
        long files = entries.stream().filter(e -> !(Boolean) e.get("packed")).count();
        assertEquals(KEYS / 5, files, ls::toString); // every fifth series is an object file
        for (Map<String, Object> e : entries) {
            assertEquals(StoreMaker.SERIES_ID, e.get("functionId"));
            assertEquals(32, ((String) e.get("key")).length());
            long created = (Long) e.get("createdMillis");
            assertTrue(created > before - 600_000 && created <= before, ls::toString);
            assertTrue((Long) e.get("bytes") > 800, ls::toString);
        }

        CliRun all = run("ls", "--dir", store.toString());
        assertEquals(0, all.exit(), all::toString);
        assertEquals(1 + 3 * KEYS + 1, all.out().lines().count(), all::toString); // heading, entries, total
        assertTrue(all.out().contains(StoreMaker.TEXT_ID) && all.out().contains(" pack ")
                && all.out().contains(" file "), all::toString);
    }

    @Test
    void verifyPassesASoundStore() {
        CliRun verify = run("verify", "--dir", store.toString(), "--json");
        assertEquals(0, verify.exit(), verify::toString);
        Map<String, Object> json = verify.json();
        assertEquals(true, json.get("ok"));
        assertEquals(3L * KEYS, json.get("checked"));
        assertEquals(0L, json.get("orphans"));
    }

    @Test
    void verifyReportsADamagedPackRecordAndObjectFileAndExitsNonZero() throws IOException {
        Path pack;
        Path object;
        try (Stream<Path> packs = Files.list(store.resolve("packs"));
                Stream<Path> objects = Files.walk(store.resolve("objects"))) {
            pack = packs.findFirst().orElseThrow();
            object = objects.filter(p -> p.getFileName().toString().length() == 32).findFirst().orElseThrow();
        }
        flip(pack, 16 + 86); // the first record: 16 bytes of prefix, 84 of header, then its value
        flip(object, 1000);

        CliRun verify = run("verify", "--dir", store.toString());
        assertEquals(MemogenCommand.DAMAGED, verify.exit(), verify::toString);
        List<String> damaged = verify.out().lines().filter(l -> l.startsWith("damaged: ")).toList();
        assertEquals(2, damaged.size(), verify::toString);
        assertTrue(damaged.stream().anyMatch(l -> l.contains(pack.toString()) && l.endsWith("checksum mismatch")),
                verify::toString);
        assertTrue(damaged.stream().anyMatch(l -> l.startsWith("damaged: " + StoreMaker.SERIES_ID + ", " + object)
                && l.endsWith("checksum mismatch")), verify::toString); // only series has object files

        CliRun json = run("verify", "--dir", store.toString(), "--json");
        assertEquals(MemogenCommand.DAMAGED, json.exit());
        assertEquals(false, json.json().get("ok"));
        assertEquals(2, ((List<?>) json.json().get("problems")).size());

        // The other commands still work on it.
        assertEquals(0, run("stats", "--dir", store.toString()).exit());
        assertEquals(3 * KEYS, list(run("ls", "--dir", store.toString(), "--json").json().get("entries")).size());
    }

    @Test
    void verifyChecksTheTagWithTheStoresKey() throws IOException {
        Path keyed = tmp.resolve("keyed");
        StoreMaker.make(MemogenSettings.at(keyed).withKey("right key"), KEYS);
        Path right = Files.writeString(tmp.resolve("right"), "right key\n");
        Path wrong = Files.writeString(tmp.resolve("wrong"), "another key\n");

        CliRun ok = run("verify", "--dir", keyed.toString(), "--key-file", right.toString(), "--json");
        assertEquals(0, ok.exit(), ok::toString);
        assertEquals(0L, ok.json().get("stale"));

        CliRun forged = run("verify", "--dir", keyed.toString(), "--key-file", wrong.toString(), "--json");
        assertEquals(MemogenCommand.DAMAGED, forged.exit(), forged::toString);
        List<?> problems = (List<?>) forged.json().get("problems");
        assertEquals(3 * KEYS, problems.size());
        assertTrue(problems.get(0).toString().contains("authentication tag"), forged::toString);

        // The unkeyed store's entries have no tag: stale for a reader with a key, not damaged.
        CliRun untagged = run("verify", "--dir", store.toString(), "--key-file", right.toString(), "--json");
        assertEquals(0, untagged.exit(), untagged::toString);
        assertEquals(3L * KEYS, untagged.json().get("stale"));
    }

    @Test
    void gcRemovesOrphansAndTheDeadRecordsOfPacks() throws IOException {
        Path object;
        try (Stream<Path> objects = Files.walk(store.resolve("objects"))) {
            object = objects.filter(p -> p.getFileName().toString().length() == 32).findFirst().orElseThrow();
        }
        Files.copy(object, object.resolveSibling("0123456789abcdef0123456789abcdef")); // no index entry
        Files.writeString(object.resolveSibling(object.getFileName() + ".tmp-999999999-1"), "left by a dead writer");
        Path pack;
        try (Stream<Path> packs = Files.list(store.resolve("packs"))) {
            pack = packs.findFirst().orElseThrow();
        }
        flip(pack, 16 + 86); // a damaged record: compaction cannot move it, and its entry goes with its pack
        assertEquals(2L, run("verify", "--dir", store.toString(), "--json").json().get("orphans"));
        CliRun clear = run("clear", "--dir", store.toString(), "--function", StoreMaker.SUM_ID, "--json");
        assertEquals((long) KEYS, clear.json().get("removed"), clear::toString);

        CliRun gc = run("gc", "--dir", store.toString(), "--json");
        assertEquals(0, gc.exit(), gc::toString);
        Map<String, Object> json = gc.json();
        assertTrue((Long) json.get("filesRemoved") >= 2, gc::toString); // and sum's names file
        assertTrue((Long) json.get("deadPackBytesBefore") > 0, gc::toString);
        assertEquals(0L, json.get("deadPackBytesAfter"), gc::toString);

        CliRun verify = run("verify", "--dir", store.toString(), "--json");
        assertEquals(0, verify.exit(), verify::toString);
        assertEquals(0L, verify.json().get("orphans"));
        assertEquals(2L * KEYS - 1, verify.json().get("checked")); // the moved records are sound
        assertTrue(Files.exists(object));
        CliRun human = run("gc", "--dir", store.toString());
        assertTrue(human.out().startsWith("removed 0 orphaned files"), human::toString);
    }

    @Test
    void clearDropsEveryEntryOrOneFunctions() {
        CliRun one = run("clear", "--dir", store.toString(), "--function", StoreMaker.TEXT_ID);
        assertEquals(0, one.exit(), one::toString);
        assertEquals("removed " + KEYS + " entries of " + StoreMaker.TEXT_ID + "\n", one.out());
        Map<String, Map<String, Object>> left = functionsById(run("stats", "--dir", store.toString(), "--json"));
        assertEquals(java.util.Set.of(StoreMaker.SERIES_ID, StoreMaker.SUM_ID), left.keySet());

        CliRun all = run("clear", "--dir", store.toString(), "--json");
        assertEquals((long) 2 * KEYS, all.json().get("removed"), all::toString);
        CliRun stats = run("stats", "--dir", store.toString(), "--json");
        assertEquals(0L, stats.json().get("entries"));
        assertEquals(0L, stats.json().get("bytes"));
        assertTrue(list(run("ls", "--dir", store.toString(), "--json").json().get("entries")).isEmpty());
    }

    @Test
    void unknownCommandsAndBadArgumentsExitWithAMessage() {
        CliRun unknown = run("frob");
        assertEquals(MemogenCommand.USAGE, unknown.exit());
        assertTrue(unknown.err().contains("unknown command 'frob'"), unknown::toString);

        CliRun none = run();
        assertEquals(MemogenCommand.USAGE, none.exit());
        assertTrue(none.err().contains("Missing a command"), none::toString);

        CliRun option = run("stats", "--bogus");
        assertEquals(MemogenCommand.USAGE, option.exit());
        assertTrue(option.err().contains("Unknown option: '--bogus'"), option::toString);

        CliRun missing = run("ls", "--dir", store.toString(), "--function");
        assertEquals(MemogenCommand.USAGE, missing.exit());
        assertTrue(missing.err().contains("--function"), missing::toString);

        CliRun noStore = run("stats", "--dir", tmp.resolve("nothing").toString());
        assertEquals(MemogenCommand.FAILED, noStore.exit());
        assertTrue(noStore.err().contains("no memogen store at"), noStore::toString);
        assertTrue(Files.notExists(tmp.resolve("nothing"))); // looking made nothing

        CliRun badKey = run("verify", "--dir", store.toString(), "--key-file", tmp.resolve("no-such-key").toString());
        assertEquals(MemogenCommand.FAILED, badKey.exit());
        assertTrue(badKey.err().contains("cannot use the store"), badKey::toString);
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"stats", "ls", "verify", "gc", "clear"}) {
            CliRun help = run(command, "--help");
            assertEquals(0, help.exit(), help::toString);
            assertTrue(help.out().startsWith("Usage: memogen " + command), help::toString);
            assertTrue(help.out().contains("--dir=DIR") && help.out().contains("--json"), help::toString);
        }
        CliRun top = run("--help");
        assertEquals(0, top.exit());
        assertTrue(top.out().contains("stats") && top.out().contains("clear") && top.out().contains("Exit codes"));
    }

    private static void flip(Path file, long at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x40);
        }
    }
}
