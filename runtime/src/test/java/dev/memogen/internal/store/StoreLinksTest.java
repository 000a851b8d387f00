package dev.memogen.internal.store;

import static dev.memogen.internal.StoreTestSupport.call;
import static dev.memogen.internal.store.StoreTraps.anyFile;
import static dev.memogen.internal.store.StoreTraps.exec;
import static dev.memogen.internal.store.StoreTraps.fifo;
import static dev.memogen.internal.store.StoreTraps.noise;
import static dev.memogen.internal.store.StoreTraps.replaceWithLink;
import static dev.memogen.internal.store.StoreTraps.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.internal.Jvms;
import dev.memogen.internal.MemoRuntime;
import dev.memogen.internal.StoreWorker;
import dev.memogen.internal.core.MemoConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What another writer of the store directory plants in it (links pointing outside, FIFOs) is
 * never followed or opened: the files outside stay byte for byte as they were, nothing is
 * created outside, every call returns the right value, and none hangs. Created directories and
 * files have no write permission for group or others, but in a setgid directory (a store shared
 * by a group). See {@code docs/store-format.md}, "Threat model".
 */
class StoreLinksTest {
    @TempDir Path dir;
    private Path store;
    private Path outside;

    private static final int KEYS = 60;
    private static final Duration NO_HANG = Duration.ofSeconds(30);

    @BeforeEach
    void paths() throws IOException {
        store = dir.resolve("store");
        outside = Files.createDirectories(dir.resolve("outside"));
    }

    @Test
    void linksAtTheIndexFlightsAndLockAreNotFollowedByAnotherJvm() throws Exception {
        runs(store, 0, KEYS); // the store prepared by this JVM...
        Files.write(outside.resolve("index-target"), noise(1 << 20, 1));
        Files.write(outside.resolve("flights-target"), noise(1_100_000, 2));
        replaceWithLink(store.resolve("index"), outside.resolve("index-target"));
        replaceWithLink(store.resolve("flights"), outside.resolve("flights-target"));
        replaceWithLink(store.resolve("index.lock"), outside.resolve("lock-target"));
        Map<String, String> before = snapshot(outside);

        // ...used by another, which writes (a larger maxSize) and sweeps orphans
        String out = Jvms.run(dir, "verify", store.toString(), String.valueOf(2 * KEYS)); // hits, then misses
        assertEquals(0, MultiProcessStoreTest.wrong(out), out);
        assertEquals(before, snapshot(outside), "nothing outside the store was written, created or deleted");
        for (String name : List.of("index", "flights", "index.lock")) {
            assertTrue(Files.isRegularFile(store.resolve(name), LinkOption.NOFOLLOW_LINKS), name + " is a file again");
        }
        runs(store, 0, 2 * KEYS); // and this JVM goes on with it: writes, eviction, orphans
        sweepAndEvictKeepOutside(before);
    }

    @Test
    void aFunctionDirectoryLinkedOutsideIsNeitherEnteredNorSwept() throws Exception {
        runs(store, 0, KEYS);
        List<Path> functions;
        try (Stream<Path> s = Files.list(store.resolve("objects"))) {
            functions = s.toList();
        }
        assertEquals(2, functions.size());
        int n = 0;
        for (Path fn : functions) {
            // A copy of the function's objects (a link followed would make them hits, and evict
            // them there) and three files named like objects no index entry refers to.
            Path copy = outside.resolve("fn" + n++);
            copyTree(fn, copy);
            plantOrphans(copy);
            replaceWithLink(fn, copy);
        }
        Map<String, String> before = snapshot(outside);

        assertEquals(0, MemoRuntime.get().removeOrphans(), "nothing is swept through a link");
        assertEquals(2 * KEYS, runs(store, 0, KEYS), "the entries behind the links were not read");
        assertEquals(2 * KEYS, runs(store, 0, KEYS, 2 * KEYS), "new keys written");
        assertEquals(0, runs(store, 0, 2 * KEYS), "and read back");
        for (Path fn : functions) {
            assertTrue(Files.isDirectory(fn, LinkOption.NOFOLLOW_LINKS), fn + " is a directory of the store again");
        }
        sweepAndEvictKeepOutside(before); // eviction deletes objects: in the store only
    }

    @Test
    void theObjectsDirectoryLinkedOutsideIsNeitherReadNorWrittenNorSwept() throws Exception {
        Path objects = store.resolve("objects");
        Path copy = objectsCopiedOutside(true);
        replaceWithLink(objects, copy); // while the store is open
        Map<String, String> before = snapshot(outside);

        assertEquals(0, MemoRuntime.get().removeOrphans(), "nothing is swept through a link");
        assertEquals(2 * KEYS, callKeys(0, KEYS), "the entries behind the link were not read (store open)");
        assertTrue(Files.isDirectory(objects, LinkOption.NOFOLLOW_LINKS), "objects is a directory again");
        assertEquals(2 * KEYS, runs(store, 0, KEYS, 2 * KEYS), "new keys written");
        sweepAndEvictKeepOutside(before);
    }

    @Test
    void anObjectFileLinkedOutsideIsNotRead() throws Exception {
        runs(store, 0, KEYS);
        Path object = anyFile(store.resolve("objects"));
        Map<String, String> before = linkToCopyOutside(object);

        assertEquals(1, runs(store, 0, KEYS), "the key whose object is a link computes, the others hit");
        assertTrue(Files.isRegularFile(object, LinkOption.NOFOLLOW_LINKS), "the link was replaced by the entry");
        sweepAndEvictKeepOutside(before);
    }

    @Test
    void theCurrentPackLinkedOutsideIsNeitherReadNorAppendedTo() throws Exception {
        runs(store, MemoConfig.DEFAULT_PACK_MAX, KEYS);
        Map<String, String> before = linkToCopyOutside(anyFile(store.resolve("packs")));

        assertEquals(2 * KEYS, runs(store, MemoConfig.DEFAULT_PACK_MAX, KEYS), "the records behind the link were not read");
        assertEquals(2 * KEYS, runs(store, MemoConfig.DEFAULT_PACK_MAX, KEYS, 2 * KEYS), "appended: new keys");
        assertEquals(0, runs(store, MemoConfig.DEFAULT_PACK_MAX, 2 * KEYS), "and read back");
        sweepAndEvictKeepOutside(before); // eviction and compaction, which deletes packs
    }

    @Test
    void fifosAtAnObjectAndUnderObjectsDuringARebuildDoNotBlock() throws Exception {
        runs(store, 0, KEYS);
        Path object = anyFile(store.resolve("objects"));
        fifo(object);
        fifo(object.resolveSibling("0123456789abcdef0123456789abcdef")); // not indexed: met by the rebuild only
        Files.delete(store.resolve("index")); // the next store rebuilds it from objects/

        assertTimeoutPreemptively(NO_HANG, () -> assertEquals(1, runs(store, 0, KEYS)));
        assertTrue(Files.isRegularFile(object, LinkOption.NOFOLLOW_LINKS), "the FIFO was replaced by the entry");
        assertTimeoutPreemptively(NO_HANG, () -> MemoRuntime.get().removeOrphans());
    }

    @Test
    void fifosAtPacksDoNotBlock() throws Exception {
        runs(store, MemoConfig.DEFAULT_PACK_MAX, KEYS);
        Path pack = anyFile(store.resolve("packs"));
        long number = Long.parseLong(pack.getFileName().toString(), 16);
        fifo(pack.resolveSibling(String.format("%016x", number + 1))); // the next pack to create

        // Enough entries to fill the current pack (2 MiB) and start the next one.
        assertTimeoutPreemptively(NO_HANG, () -> runs(store, MemoConfig.DEFAULT_PACK_MAX, 800));
        assertTrue(Files.isRegularFile(pack.resolveSibling(String.format("%016x", number + 1)), LinkOption.NOFOLLOW_LINKS));
        fifo(pack); // the current one
        assertTimeoutPreemptively(NO_HANG, () -> assertEquals(2 * KEYS, runs(store, MemoConfig.DEFAULT_PACK_MAX, KEYS)));
        MemoRuntime.install(MemoConfig.at(store).withMemoryTierBytes(0).withReadOnly(true));
        assertTimeoutPreemptively(NO_HANG, () -> StoreDamageFuzzTest.callEveryKey(KEYS, new AtomicInteger()));
    }

    @Test
    void createdFilesAndDirectoriesAreNotWritableByOthersWhateverTheUmask() throws Exception {
        for (long packMax : new long[] {0, MemoConfig.DEFAULT_PACK_MAX}) {
            Path fresh = dir.resolve("store" + packMax);
            runWithUmask("000", fresh, packMax);
            Map<String, Set<PosixFilePermission>> modes = modes(fresh);
            assertTrue(modes.keySet().containsAll(List.of("", "objects", "index", "flights", "index.lock",
                    packMax == 0 ? "objects/257f29e09c075490" : "packs/0000000000000001")), "" + modes.size());
            modes.forEach((path, mode) -> {
                assertFalse(mode.contains(PosixFilePermission.GROUP_WRITE), path + " " + mode);
                assertFalse(mode.contains(PosixFilePermission.OTHERS_WRITE), path + " " + mode);
            });
        }
    }

    @Test
    void aSetgidStoreDirectoryIsSharedByItsGroup() throws Exception {
        for (long packMax : new long[] {0, MemoConfig.DEFAULT_PACK_MAX}) {
            Path fresh = Files.createDirectory(dir.resolve("store" + packMax));
            exec("chmod", "2775", fresh.toString());
            runWithUmask("022", fresh, packMax);
            Map<String, Set<PosixFilePermission>> modes = modes(fresh);
            assertTrue(modes.keySet().containsAll(List.of("index", "flights", "index.lock",
                    packMax == 0 ? "objects/257f29e09c075490/00" : "packs/0000000000000001")), "" + modes.size());
            modes.forEach((path, mode) -> {
                assertFalse(mode.contains(PosixFilePermission.OTHERS_WRITE), path + " " + mode);
                boolean inPlace = path.startsWith("packs/") || List.of("index", "flights", "index.lock").contains(path);
                if (Files.isDirectory(fresh.resolve(path), LinkOption.NOFOLLOW_LINKS) || inPlace) {
                    assertTrue(mode.contains(PosixFilePermission.GROUP_WRITE), path + " " + mode);
                }
            });
        }
    }

    /**
     * A racing writer swaps a function's directory for a link to an outside copy of it in the
     * window between memogen's checks of a path and its use (made to happen at every open,
     * creation, rename and deletion below {@code objects/}, not waited for): no entry is read
     * through the link, and nothing outside is written, created or deleted.
     */
    @Test
    void aDirectorySwappedForALinkBetweenCheckAndUseLeadsNowhereOutside() throws Exception {
        Path objects = store.resolve("objects");
        Path copy = objectsCopiedOutside(true); // read through a link, these would be hits
        Map<String, String> before = snapshot(outside);
        AtomicInteger races = new AtomicInteger();
        StoreFiles.betweenCheckAndUse = path -> path.startsWith(objects) && objects.relativize(path).getNameCount() > 1
                ? swapForLink(objects.resolve(objects.relativize(path).getName(0)), copy, races)
                : () -> {};
        try {
            assertEquals(2 * KEYS, runs(store, 0, KEYS), "no entry was read through the link");
            runs(store, 0, KEYS, 2 * KEYS);
            sweepAndEvictKeepOutside(before);
        } finally {
            StoreFiles.betweenCheckAndUse = null;
        }
        assertTrue(races.get() > 2 * KEYS, races + " races");
        assertEquals(before, snapshot(outside), "nothing outside the store was written, created or deleted");
    }

    /**
     * The same race when memogen makes a function's directory: {@code objects} is a link to an
     * outside directory at that moment. No directory is made there.
     */
    @Test
    void aNewDirectoryIsNotMadeThroughALinkSwappedIn() throws Exception {
        Path objects = store.resolve("objects");
        Map<String, String> before = snapshot(Files.createDirectories(outside.resolve("objects")));
        AtomicInteger races = new AtomicInteger();
        StoreFiles.betweenCheckAndUse = path -> objects.equals(path.getParent())
                ? swapForLink(objects, outside, races)
                : () -> {};
        try {
            assertEquals(2 * KEYS, runs(store, 0, KEYS));
        } finally {
            StoreFiles.betweenCheckAndUse = null;
        }
        assertTrue(races.get() > 0, races + " races");
        assertEquals(before, snapshot(outside.resolve("objects")), "nothing was made outside the store");
        assertEquals(2 * KEYS, runs(store, 0, KEYS), "stored this time");
        assertEquals(0, runs(store, 0, KEYS), "in the store's own directories");
    }

    /**
     * A store refused under the index lock (the rename of an object file into place meets the
     * race) fails before the index is written: the change ends, the index is left sound (no dirty
     * mark, an even change counter), and the next runtime does not rebuild it.
     */
    @Test
    void aStoreRefusedUnderTheLockLeavesTheIndexSound() throws Exception {
        Path objects = store.resolve("objects");
        Path copy = objectsCopiedOutside(false);
        AtomicInteger races = new AtomicInteger();
        StoreFiles.betweenCheckAndUse = path -> path.startsWith(objects) && !path.getFileName().toString().contains(".tmp-")
                && objects.relativize(path).getNameCount() == 3 // an object's final name: the rename under the lock
                ? swapForLink(objects.resolve(objects.relativize(path).getName(0)), copy, races)
                : null;
        try {
            assertEquals(2 * KEYS, runs(store, 0, KEYS, 2 * KEYS), "new keys, none stored");
        } finally {
            StoreFiles.betweenCheckAndUse = null;
        }
        assertTrue(races.get() >= 2 * KEYS, races + " races");
        java.nio.ByteBuffer header = java.nio.ByteBuffer.wrap(Files.readAllBytes(store.resolve("index")))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(0, header.getLong(IndexHeader.H_DIRTY), "no dirty mark");
        assertEquals(0, header.getLong(IndexHeader.H_CHANGES) & 1, "no change left under way");
        assertEquals(0, runs(store, 0, KEYS), "the entries stored before are hits");
        assertEquals(2 * KEYS, runs(store, 0, KEYS, 2 * KEYS), "the refused ones are computed again");
        assertEquals(0, runs(store, 0, 2 * KEYS), "and now stored");
    }

    /**
     * Another process renames a new file over a store file between memogen's checks and its open
     * (as writers of names and counts files do): the name is opened again, and what is read is
     * the new file, not damage.
     */
    @Test
    void aFileRenamedOverWhileItIsOpenedIsOpenedAgain() throws Exception {
        Path functions = Files.createDirectories(store.resolve("functions"));
        Path file = Files.write(functions.resolve("0123456789abcdef"), noise(100, 1));
        byte[] fresh = noise(100, 2);
        AtomicInteger races = new AtomicInteger();
        StoreFiles.betweenCheckAndUse = path -> {
            if (path.equals(file) && races.getAndIncrement() == 0) {
                try {
                    Files.move(Files.write(functions.resolve("fresh"), fresh), file,
                            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return null;
        };
        try (java.nio.channels.FileChannel ch = StoreFiles.open(store, file, java.nio.file.StandardOpenOption.READ)) {
            java.nio.ByteBuffer read = java.nio.ByteBuffer.allocate(200);
            ch.read(read);
            assertEquals(java.util.HexFormat.of().formatHex(fresh),
                    java.util.HexFormat.of().formatHex(java.util.Arrays.copyOf(read.array(), read.position())));
        } finally {
            StoreFiles.betweenCheckAndUse = null;
        }
        assertEquals(2, races.get(), "opened twice");
    }

    /** Moves {@code dir} aside and puts a link to {@code under}'s namesake there; the undo puts it back. */
    private static Runnable swapForLink(Path dir, Path under, AtomicInteger races) {
        Path aside = dir.resolveSibling(dir.getFileName() + ".aside");
        try {
            Files.move(dir, aside);
            Files.createSymbolicLink(dir, under.resolve(dir.getFileName()));
        } catch (IOException e) {
            return () -> {}; // not there (yet): no race this time
        }
        races.incrementAndGet();
        return () -> {
            try {
                Files.delete(dir);
                Files.move(aside, dir);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
    }

    /**
     * Stores the first {@link #KEYS} keys of both functions as object files, copies {@code objects/}
     * outside the store and returns the copy; with {@code orphans}, each function's copy also
     * holds three files named like objects no index entry refers to.
     */
    private Path objectsCopiedOutside(boolean orphans) throws IOException {
        runs(store, 0, KEYS);
        Path copy = outside.resolve("objects");
        copyTree(store.resolve("objects"), copy);
        if (orphans) {
            try (Stream<Path> s = Files.list(copy)) {
                for (Path fn : s.toList()) {
                    plantOrphans(fn);
                }
            }
        }
        return copy;
    }

    /** Three files in {@code functionDir}, named like objects that no index entry refers to. */
    private static void plantOrphans(Path functionDir) throws IOException {
        Path shard = Files.createDirectories(functionDir.resolve("ab"));
        for (int i = 0; i < 3; i++) {
            Files.write(shard.resolve("ab0123456789abcdef0123456789abc" + i), noise(100, i));
        }
    }

    /** Replaces {@code file} by a link to a copy of it outside the store; what is outside then. */
    private Map<String, String> linkToCopyOutside(Path file) throws Exception {
        Path target = outside.resolve(file.getFileName());
        Files.copy(file, target);
        replaceWithLink(file, target);
        return snapshot(outside);
    }

    /** Runs the operations that delete (removeOrphans, eviction, compaction); nothing outside changes. */
    private void sweepAndEvictKeepOutside(Map<String, String> before) throws Exception {
        MemoRuntime.get().removeOrphans();
        MemoRuntime.get().setMaxSize(64 << 10);
        assertEquals(before, snapshot(outside), "nothing outside the store was written, created or deleted");
    }

    /** Stores {@link StoreWorker}'s entries in a separate JVM started with {@code umask}. */
    public static void main(String[] args) {
        MemoRuntime.install(MemoConfig.at(Path.of(args[0])).withMemoryTierBytes(0).withPackMax(Long.parseLong(args[1])));
        StoreDamageFuzzTest.callEveryKey(KEYS, new AtomicInteger());
    }

    private void runWithUmask(String umask, Path store, long packMax) throws Exception {
        Process p = Jvms.withUmask(umask, Jvms.worker(StoreLinksTest.class, dir, store.toString(), String.valueOf(packMax)))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
    }

    private static Map<String, Set<PosixFilePermission>> modes(Path store) throws IOException {
        Map<String, Set<PosixFilePermission>> modes = new TreeMap<>();
        try (Stream<Path> s = Files.walk(store)) {
            for (Path p : s.toList()) {
                modes.put(store.relativize(p).toString(), Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
            }
        }
        return modes;
    }

    /** Calls keys {@code from} to {@code to - 1} of both functions with a fresh runtime; how many computed. */
    private static int runs(Path store, long packMax, int to) {
        return runs(store, packMax, 0, to);
    }

    private static int runs(Path store, long packMax, int from, int to) {
        // 64 MiB: packs of 2 MiB, so that the entries of these tests are all in one pack
        MemoRuntime.install(MemoConfig.at(store).withMemoryTierBytes(0).withMaxSize(64 << 20).withPackMax(packMax));
        return callKeys(from, to);
    }

    /** Calls keys {@code from} to {@code to - 1} of both functions with the runtime installed; how many computed. */
    private static int callKeys(int from, int to) {
        AtomicInteger runs = new AtomicInteger();
        for (int key = from; key < to; key++) {
            assertEquals(StoreWorker.expectedText(key), call(StoreWorker.TEXT, key, k -> {
                runs.incrementAndGet();
                return StoreWorker.expectedText(k);
            }));
            assertEquals(List.of(java.util.Arrays.stream(StoreWorker.expectedArray(key)).boxed().toArray()),
                    List.of(java.util.Arrays.stream(call(StoreWorker.ARRAY, key, k -> {
                        runs.incrementAndGet();
                        return StoreWorker.expectedArray(k);
                    })).boxed().toArray()));
        }
        return runs.get();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
    }
}
