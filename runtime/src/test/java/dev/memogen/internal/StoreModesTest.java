package dev.memogen.internal;

import static dev.memogen.internal.StoreTestSupport.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.internal.core.MemoConfig;
import dev.memogen.internal.store.Ttl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ttl, read-only mode and removeOrphans.
 * On the object-file layout ({@code packMax} 0), whose files these tests look at and damage;
 * the pack layout has its own tests ({@code Pack*Test}).
 */
class StoreModesTest {
    @TempDir Path dir;

    private static final MemoFunction<String> SHORT_LIVED =
            MemoFunction.create("m.F#shortLived(int)", "v1", StoreTestSupport.STRING, false).withTtl(1500, false);
    private static final MemoFunction<String> PLAIN = MemoFunction.create("m.F#plain(int)", "v1", StoreTestSupport.STRING, false);

    private final AtomicInteger runs = new AtomicInteger();

    private String text(int x) {
        runs.incrementAndGet();
        return "value-" + x;
    }

    private List<Path> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void anAgeExpiresEachEntryOnItsOwnAndAnIntervalExpiresAllAtTheBoundary() {
        Ttl age = new Ttl(3_600_000, false);
        assertEquals(10_000 + 3_600_000, age.expiresAt(10_000));
        assertFalse(age.expired(10_000, 10_000 + 3_599_999));
        assertTrue(age.expired(10_000, 10_000 + 3_600_000));
        Ttl daily = new Ttl(86_400_000, true);
        long day = 86_400_000;
        // created at 01:00 and at 23:00 of day 5: both expire at midnight starting day 6
        assertEquals(6 * day, daily.expiresAt(5 * day + 3_600_000));
        assertEquals(6 * day, daily.expiresAt(6 * day - 3_600_000));
        assertFalse(daily.expired(5 * day + 3_600_000, 6 * day - 1));
        assertTrue(daily.expired(6 * day - 3_600_000, 6 * day));
    }

    /** A stored result older than its ttl is a miss, in memory and in the store, and is replaced. */
    @Test
    void anEntryOlderThanItsTtlIsRecomputed() throws Exception {
        MemoRuntime.install(MemoConfig.at(dir).withPackMax(0));
        call(SHORT_LIVED, 1, this::text);
        call(SHORT_LIVED, 1, this::text);
        assertEquals(1, runs.get(), "young: a hit");
        Thread.sleep(1600);
        call(SHORT_LIVED, 1, this::text);
        assertEquals(2, runs.get(), "the memory tier does not serve an expired value");
        MemoRuntime.install(MemoConfig.at(dir).withPackMax(0));
        call(SHORT_LIVED, 1, this::text);
        assertEquals(2, runs.get(), "the replaced entry is young again");
        Thread.sleep(1600);
        MemoRuntime.install(MemoConfig.at(dir).withPackMax(0));
        call(SHORT_LIVED, 1, this::text);
        assertEquals(3, runs.get(), "the store does not serve an expired value");
        assertEquals(1, files(dir.resolve("objects")).size(), "replaced, not kept beside");
    }

    @Test
    void readOnlyServesHitsAndWritesNothing() throws Exception {
        MemoRuntime.install(MemoConfig.at(dir).withPackMax(0));
        call(PLAIN, 1, this::text);
        // The writable runtime adds its counts as it is replaced (functions/<fn>.counts): what is
        // there after that is what the read-only one must leave alone.
        MemoRuntime.install(MemoConfig.at(dir).withPackMax(0).withReadOnly(true).withMemoryTierBytes(0));
        List<Path> before = files(dir);
        long indexModified = Files.getLastModifiedTime(dir.resolve("index")).toMillis();
        byte[] index = Files.readAllBytes(dir.resolve("index"));
        assertEquals("value-1", call(PLAIN, 1, this::text));
        assertEquals(1, runs.get(), "a hit is served");
        assertEquals("value-2", call(PLAIN, 2, this::text));
        assertEquals("value-2", call(PLAIN, 2, this::text));
        assertEquals(3, runs.get(), "a miss is computed, every time: nothing is stored");
        assertEquals(before, files(dir), "no file was added");
        assertEquals(indexModified, Files.getLastModifiedTime(dir.resolve("index")).toMillis());
        assertTrue(java.util.Arrays.equals(index, Files.readAllBytes(dir.resolve("index"))), "the index is untouched");
    }

    @Test
    void readOnlyWithoutAStoreComputes() {
        MemoRuntime.install(MemoConfig.at(dir.resolve("none")).withPackMax(0).withReadOnly(true));
        assertEquals("value-1", call(PLAIN, 1, this::text));
        assertFalse(Files.exists(dir.resolve("none")));
    }

    @Test
    void removeOrphansDeletesLeftoversOfDeadWritersAndUnindexedObjectsOnly() throws Exception {
        MemoRuntime.install(MemoConfig.at(dir).withPackMax(0).withMemoryTierBytes(0));
        for (int i = 0; i < 5; i++) {
            call(PLAIN, i, this::text);
        }
        Path kept = files(dir.resolve("objects")).get(0);
        Path shard = kept.getParent();
        // A temporary file of a writer that died (pid of a process that has exited), one of a live writer,
        // and an object the index does not know.
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Path deadTemp = Files.writeString(shard.resolve(kept.getFileName() + ".tmp-" + dead.pid() + "-1a2b"), "x");
        Path liveTemp = Files.writeString(shard.resolve(kept.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-3c"), "x");
        Path unindexed = shard.resolve("00000000000000000000000000000001".substring(0, 32));
        Files.copy(kept, unindexed);
        // Directories being made (in the store's directory, before their rename into objects/): a dead
        // writer's, and a live one's.
        Path deadDir = Files.createDirectory(dir.resolve(".dir.tmp-" + dead.pid() + "-5e"));
        Path liveDir = Files.createDirectory(dir.resolve(".dir.tmp-" + ProcessHandle.current().pid() + "-6f"));
        assertEquals(3, MemoRuntime.get().removeOrphans());
        assertFalse(Files.exists(deadTemp));
        assertFalse(Files.exists(unindexed));
        assertFalse(Files.exists(deadDir));
        assertTrue(Files.exists(liveTemp), "a live writer's temporary file is kept");
        assertTrue(Files.exists(liveDir), "a live writer's directory is kept");
        Files.delete(liveTemp);
        Files.delete(liveDir);
        assertEquals(5, files(dir.resolve("objects")).size(), "indexed entries are kept");
        for (int i = 0; i < 5; i++) {
            call(PLAIN, i, this::text);
        }
        assertEquals(5, runs.get(), "and still hits");
    }
}
