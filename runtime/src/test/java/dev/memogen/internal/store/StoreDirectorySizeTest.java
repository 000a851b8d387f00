package dev.memogen.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.memogen.Memogen;
import dev.memogen.MemogenSettings;
import dev.memogen.internal.TestAccess;
import dev.memogen.internal.codec.ValueWriter;
import dev.memogen.internal.Jvms;
import dev.memogen.internal.StoreWorker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code maxSize} bounds the whole store directory as the file system allocates it ({@code du}):
 * entries, the index, {@code flights}, the packs' dead records and unfilled pieces, directories.
 * Within the tolerance of docs/store-format.md, "Eviction": 12 KiB per function, its directory
 * under {@code objects/}, its names file and its counts file under {@code functions/}.
 */
class StoreDirectorySizeTest {
    @TempDir Path dir;

    private static final int FUNCTIONS = 6;

    @Test
    void aStoreBoundedTo2MiBTakesAtMost2MiBOnDisk() throws Exception {
        assertDirectoryWithinBound(2L << 20);
    }

    @Test
    void aStoreBoundedTo64MiBTakesAtMost64MiBOnDisk() throws Exception {
        assertDirectoryWithinBound(64L << 20);
    }

    /**
     * An index made for one bound is made anew for another: when the store is opened with it (the
     * next run) and when {@code Memogen.setMaxSize} changes it; a smaller index only once its
     * entries fill it. The entries that fit the new bound stay readable; {@code flights}, sized by
     * the index, follows.
     */
    @Test
    void theIndexAndFlightsFollowTheBoundBetweenRunsAndWhenItIsSet() throws Exception {
        Path store = dir.resolve("store");
        Memogen.configure(MemogenSettings.at(store)); // the default 1 GiB: 2^19 slots, a 32 MiB index
        StoredFunction fn = new StoredFunction("size.Test#kept()", "1", Ttl.NONE);
        int keys = 100;
        write(fn, keys, 500);
        TestAccess.store().claimKey(fn, 1, 1, 0).release(); // flights made
        assertEquals(indexBytes(1 << 19), Files.size(store.resolve("index")));
        assertEquals(512 << 10, Files.size(store.resolve("flights")));

        Memogen.configure(MemogenSettings.at(store).withMaxSize(2L << 20)); // the next run, another bound
        FileStore files = TestAccess.store();
        assertEquals(indexBytes(1 << 10), Files.size(store.resolve("index")), "made anew for 2 MiB: 1024 slots");
        assertEquals(keys, readable(files, fn, keys), "every entry fits the new bound, and is found");
        files.claimKey(fn, 1, 1, 0).release();
        assertEquals(8 << 10, Files.size(store.resolve("flights")), "1024 stripes for 1024 slots");
        assertTrue(du(store) <= 2L << 20, du(store) + " bytes");

        Memogen.setMaxSize(64L << 20);
        assertEquals(indexBytes(1 << 10), Files.size(store.resolve("index")), "not full: kept");
        write(fn, 1000, 500); // 1024 slots hold 768 entries
        assertEquals(768, files.index().count());
        Memogen.setMaxSize(64L << 20);
        assertEquals(indexBytes(1 << 15), Files.size(store.resolve("index")), "full: made anew for 64 MiB");
        assertEquals(768, files.index().count());
        assertEquals(768, readable(files, fn, 1000), "every entry is kept, and found");
        files.claimKey(fn, 1, 1, 0).release();
        assertEquals(256 << 10, Files.size(store.resolve("flights")));
        assertFalse(Files.exists(store.resolve("index.new")));
        assertFalse(Files.exists(store.resolve("flights.new")));
    }

    /**
     * Processes share one {@code flights} table, whose stripe count is the file's, whatever their
     * bound and their index: here a file of 2048 stripes (made by a process of another bound)
     * beside an index of 1024 slots, for which a new file would have 1024. A JVM with the default
     * bound (1 GiB, 65536 stripes for a new index of its own) computes a key whose stripe differs
     * between 1024 and 2048 stripes; this JVM finds it owning that key's stripe.
     */
    @Test
    void aJvmWithAnotherBoundTakesTheStripeCountFromTheFile() throws Exception {
        Path store = dir.resolve("store");
        Memogen.configure(MemogenSettings.at(store).withMaxSize(2L << 20).withPackMax(0));
        FileStore files = TestAccess.store();
        Files.write(store.resolve("flights"), new byte[16 << 10]);
        StoredFunction text = TestAccess.stored(StoreWorker.TEXT);
        int key = 0;
        long[] k;
        do { // a key whose stripe among 2048 is not its stripe among 1024
            k = PackStoreTest.key(StoreWorker.TEXT, ++key);
        } while ((SlotTable.mix(text.idHash(), k[0], k[1]) & 1024) == 0);
        Process holder = Jvms.worker(dir, "hold", store.toString(), String.valueOf(key))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("computing", out.readLine(), "the holder (default bound) started computing");
            assertEquals(holder.pid(), files.keyOwnerPid(text, k[0], k[1]), "its stripe, among the file's 2048");
            assertEquals(16 << 10, Files.size(store.resolve("flights")), "used as it is");
            assertEquals(indexBytes(1 << 10), Files.size(store.resolve("index")), "the index, not full, kept too");
        } finally {
            holder.destroyForcibly();
            holder.waitFor();
        }
    }

    private static long indexBytes(int slots) {
        return IndexHeader.BYTES + (long) slots * SlotTable.SLOT_BYTES;
    }

    private static void write(StoredFunction fn, int keys, int length) throws IOException {
        for (int key = 1; key <= keys; key++) {
            ValueWriter payload = new ValueWriter();
            for (int i = 0; i < length; i++) {
                payload.writeByte((byte) (key + i));
            }
            TestAccess.store().write(fn, key, key, payload, 1000);
        }
    }

    private static int readable(FileStore files, StoredFunction fn, int keys) throws IOException {
        int hits = 0;
        for (int key = 1; key <= keys; key++) {
            if (files.read(fn, key, key, bytes -> true) instanceof Found.Hit) {
                hits++;
            }
        }
        return hits;
    }

    /**
     * Writes three times the bound, in entries of several functions: mostly small ones (pack
     * records), a tenth of the bytes in large ones (object files), so that eviction and
     * compaction run; then measures the directory.
     */
    private void assertDirectoryWithinBound(long bound) throws Exception {
        assumeTrue(du(dir) >= 0, "du is not available");
        Path store = dir.resolve("store");
        Memogen.configure(MemogenSettings.at(store).withMaxSize(bound));
        FileStore files = TestAccess.store();
        StoredFunction[] fns = new StoredFunction[FUNCTIONS];
        for (int f = 0; f < FUNCTIONS; f++) {
            fns[f] = new StoredFunction("size.Test#f" + f + "()", "1", Ttl.NONE);
        }
        java.util.List<FunctionCounts.Counted> counts = new java.util.ArrayList<>();
        for (StoredFunction fn : fns) {
            counts.add(new FunctionCounts.Counted(fn.idHash(), 1, 1, 1));
        }
        files.addCounts(counts); // as the JVMs that used them, ending: a counts file per function
        SplittableRandom random = new SplittableRandom(21);
        long written = 0;
        long largest = 0;
        long nextLook = bound / 2;
        for (long key = 1; written < 3 * bound; key++) {
            boolean large = key % 41 == 0; // of every function in turn
            int length = large ? 20_000 + random.nextInt(60_000) : 100 + random.nextInt(3000);
            ValueWriter payload = new ValueWriter();
            for (int i = 0; i < length; i++) {
                payload.writeByte((byte) random.nextInt());
            }
            written += files.write(fns[(int) (key % FUNCTIONS)], key, ~key, 0, 0, payload, 1000 + random.nextInt(100_000));
            if (written >= nextLook) { // 32 looks from half the bound on: filling, then churning
                largest = Math.max(largest, du(store));
                nextLook += bound / 16;
            }
        }
        largest = Math.max(largest, du(store));
        assertEquals(FUNCTIONS, files.counts().size());
        long allowed = bound + (long) FUNCTIONS * 3 * 4096;
        assertTrue(largest <= allowed, "the store directory took " + largest + " bytes under a bound of " + bound
                + " (allowed " + allowed + ")");
    }

    /** The bytes the file system allocated for {@code path} and what it holds, or -1 without {@code du}. */
    static long du(Path path) throws IOException, InterruptedException {
        Process du;
        try {
            du = new ProcessBuilder("du", "-s", "-B1", path.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            return -1;
        }
        String out = new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (du.waitFor() != 0) {
            return -1;
        }
        return Long.parseLong(out.substring(0, out.indexOf('\t')));
    }
}
