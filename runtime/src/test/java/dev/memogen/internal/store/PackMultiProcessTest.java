package dev.memogen.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.internal.Jvms;
import dev.memogen.internal.store.Packs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several JVMs on one store in the pack layout, with a bound small enough that every process
 * evicts and compacts packs that the others have mapped; and writers killed with SIGKILL at random
 * moments. A separate JVM ({@link PackWorker} {@code verify}) then finds only right values, and an
 * index that (rebuilt, when a kill left it dirty) agrees with the packs.
 */
class PackMultiProcessTest {
    @TempDir Path dir;

    private static final long MAX_SIZE = 256 << 10;
    private static final int KEYS = 300;
    private static final Pattern INCONSISTENT = Pattern.compile("inconsistent=(\\d+)");
    private static final Pattern DIRTY = Pattern.compile("dirty=(\\d)");

    private static int field(Pattern p, String out) {
        Matcher m = p.matcher(out);
        assertTrue(m.find(), out);
        return Integer.parseInt(m.group(1));
    }

    /** Checks the store from a separate JVM; returns its output. */
    private String verify(Path store, String when) throws Exception {
        String out = PackWorker.run(dir, "verify", store.toString(), String.valueOf(KEYS), String.valueOf(MAX_SIZE));
        assertEquals(0, MultiProcessStoreTest.wrong(out), when + ": " + out);
        assertEquals(0, field(INCONSISTENT, out), when + ": " + out);
        return out;
    }

    /** A writer JVM that has started and said so; its output after {@code ready} is in {@code out}. */
    private record Writer(Process process, BufferedReader out) {}

    private Writer writer(Path store, long seed, long calls, String go) throws Exception {
        Process p = PackWorker.start(dir, "write", store.toString(), String.valueOf(MAX_SIZE), String.valueOf(seed),
                String.valueOf(calls), go).redirectError(dir.resolve("writer-" + seed + ".err").toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("ready", out.readLine(), "writer " + seed + " did not start");
        return new Writer(p, out);
    }

    /**
     * A JVM that read entries from packs which another JVM then compacted away lets go of its
     * mappings of them at its next pack read (or write): the deleted files' disk space is given
     * back then, not at some garbage collection of that JVM. Before that read it still has them
     * mapped, which shows that the check sees such mappings. (Linux: {@code /proc/<pid>/maps}.)
     */
    @Test
    void aReaderLetsGoOfPacksAnotherProcessCompactedAway() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/maps")), "Linux /proc only");
        org.junit.jupiter.api.Assumptions.assumeTrue(Mappings.unmapsAtOnce(), "this JVM cannot unmap a mapping at once");
        Path store = dir.resolve("store");
        dev.memogen.internal.MemoRuntime.install(dev.memogen.internal.core.MemoConfig.at(store).withMaxSize(MAX_SIZE)
                .withMemoryTierBytes(0).withPolicy("lru"));
        for (int key = 0; key < 100; key++) {
            dev.memogen.internal.StoreTestSupport.call(dev.memogen.internal.StoreWorker.TEXT, key,
                    dev.memogen.internal.StoreWorker::expectedText);
        }
        Process reader = PackWorker.start(dir, "reader", store.toString(), String.valueOf(MAX_SIZE))
                .redirectError(dir.resolve("reader.err").toFile()).start();
        try (java.io.PrintWriter to = new java.io.PrintWriter(reader.getOutputStream(), true, StandardCharsets.UTF_8);
                BufferedReader from = new BufferedReader(new InputStreamReader(reader.getInputStream(),
                        StandardCharsets.UTF_8))) {
            to.println("read 100");
            assertEquals("read", from.readLine(), "the reader read the first pack");
            Path maps = Path.of("/proc/" + reader.pid() + "/maps");
            assertEquals(0, PackWorker.deletedPacksMapped(maps, store));
            for (int key = 100; key < 8000; key++) { // about 8 times the 2 MiB pack: compacted again and again
                dev.memogen.internal.StoreTestSupport.call(dev.memogen.internal.StoreWorker.TEXT, key,
                        dev.memogen.internal.StoreWorker::expectedText);
            }
            assertFalse(Files.exists(store.resolve("packs").resolve("0000000000000001")), "the first pack is gone");
            assertEquals(0, PackWorker.deletedPacksMapped(Path.of("/proc/self/maps"), store),
                    "the compacting JVM has no deleted pack mapped");
            assertTrue(PackWorker.deletedPacksMapped(maps, store) >= 1, "the reader still maps the first pack");
            to.println("read 100");
            assertEquals("read", from.readLine());
            assertEquals(0, PackWorker.deletedPacksMapped(maps, store), "the reader let go at its next read");
            to.println("quit");
        } finally {
            assertTrue(reader.waitFor(1, TimeUnit.MINUTES));
        }
        String err = Files.readString(dir.resolve("reader.err"));
        assertFalse(err.contains("WARNING"), "unmapping printed nothing: " + err);
    }

    /**
     * Three JVMs store and read the same 600 keys at once through a 256 KiB store (packs of
     * 2 MiB): entries are evicted and packs compacted under the others' feet. Every value any of
     * them gets is right, and so is every value a fourth JVM gets afterwards. 10,000 calls each;
     * 100,000 with {@code -Dmemogen.longTests=true}.
     */
    @Test
    void threeProcessesEvictingAndCompactingTogetherGetOnlyRightValues() throws Exception {
        Path store = dir.resolve("store");
        Path go = dir.resolve("go");
        long calls = Jvms.longTests() ? 100_000 : 10_000;
        List<Writer> writers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            writers.add(writer(store, w, calls, go.toString()));
        }
        Files.createFile(go);
        for (int w = 0; w < 3; w++) {
            Process p = writers.get(w).process();
            assertTrue(p.waitFor(3, TimeUnit.MINUTES), "writer " + w + " timed out");
            String out = String.join("\n", writers.get(w).out().lines().toList());
            assertEquals(0, p.exitValue(), "writer " + w + ": " + out + Files.readString(dir.resolve("writer-" + w + ".err")));
            assertEquals(0, MultiProcessStoreTest.wrong(out), out);
        }
        assertFalse(Files.exists(new Packs(store.resolve("packs"), false).pathOf(1)),
                "the first pack was compacted away (else the test proves little)");
        String out = verify(store, "after the writers");
        assertTrue(Long.parseLong(out.replaceAll("(?s).*entries=(\\d+).*", "$1")) < 2 * KEYS,
                "entries were evicted: " + out);
    }

    /**
     * Two writer JVMs are killed with SIGKILL at random moments, again and again, on the same
     * store. Neither ever gets a wrong value; a separate JVM then finds only right values, and
     * the index (rebuilt when a kill left it dirty) counts exactly the live records of the packs.
     * 20 rounds by default, 200 with {@code -Dmemogen.longTests=true}.
     */
    @Test
    void killNineAtRandomMomentsNeverLeavesAWrongValueOrAMiscountedIndex() throws Exception {
        Path store = dir.resolve("store");
        int rounds = Jvms.longTests() ? 200 : 20;
        Random random = new Random(5);
        int dirtyVerified = 0;
        for (int i = 0; i < rounds; i++) {
            Writer a = writer(store, 2L * i, 0, "-");
            Writer b = writer(store, 2L * i + 1, 0, "-");
            Thread.sleep(random.nextInt(150));
            a.process().destroyForcibly(); // SIGKILL on Linux
            Thread.sleep(random.nextInt(20));
            b.process().destroyForcibly();
            for (Writer w : List.of(a, b)) {
                assertTrue(w.process().waitFor(30, TimeUnit.SECONDS));
                assertTrue(w.process().exitValue() != 3, "round " + i + ": a writer read a wrong value");
            }
            boolean dirty = PackWorker.dirty(store.resolve("index"));
            if ((dirty && dirtyVerified < 5) || i % 5 == 4) {
                String out = verify(store, "after round " + i);
                assertEquals(dirty ? 1 : 0, field(DIRTY, out), out);
                dirtyVerified += dirty ? 1 : 0;
            }
        }
        verify(store, "at the end");
        assertTrue(dirtyVerified > 0, "some kill left the index dirty, and the rebuilt index was checked");
        assertFalse(Files.exists(new Packs(store.resolve("packs"), false).pathOf(1)), "packs were compacted meanwhile");
    }
}
