package dev.memogen.internal.store;

import dev.memogen.internal.hash.Hex;
import dev.memogen.internal.hash.Xxh3Stream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the {@code memogen} command and {@code Memogen}'s store methods do to a whole store: list
 * its entries as the index knows them, verify every entry (checksum, key, tag), remove orphans and
 * dead pack space, and clear all entries or one function's. Every change goes through the index
 * under its lock, as any writer's does; reads of entries trust no byte and follow no link
 * ({@link StoreFiles}). The layout of an entry stays {@link EntryFormat}'s.
 *
 * <p>Not part of the public API.
 */
public final class StoreMaintenance {
    /** Told how far a walk of the whole store is: {@code done} of {@code total} entries or files. */
    public interface Progress {
        void update(long done, long total);

        Progress NONE = (done, total) -> { };
    }

    /**
     * One indexed entry.
     *
     * @param createdMillis when it was stored (epoch millis; -1 when its header cannot be read)
     */
    public record Entry(long functionHash, long k0, long k1, boolean packed, long size, long computeNanos,
            double priority, long createdMillis) {}

    /** A damaged entry or file: where, and what is wrong. */
    public record Damage(long functionHash, String where, String problem) {}

    /**
     * What a verification found.
     *
     * @param checked     entries read and checked
     * @param stale       sound entries that a reader takes for stale (another store format; with a key, no tag)
     * @param orphans     object files that no index entry refers to, and temporary files ({@code gc} removes them)
     * @param damage      entries that fail a check
     */
    public record Verification(long checked, long stale, long orphans, List<Damage> damage) {}

    /** What {@link #collect} did: files removed, dead bytes of pack records before and after. */
    public record Collected(long filesRemoved, long deadPackBytesBefore, long deadPackBytesAfter) {}

    /** The store totals as the index counts them. */
    public record Totals(long entries, long bytes, long slots) {}

    private static final int CHUNK = 256 * 1024;

    private final FileStore store;
    private final StoreIndex index;
    private final Path root;
    private final StoreKey key;

    private StoreMaintenance(FileStore store, Path root, StoreKey key) {
        this.store = store;
        this.index = store.index();
        this.root = root;
        this.key = key;
    }

    /**
     * Opens the store in {@code dir} for maintenance. The index is opened with a bound that gives it
     * the size it has (the bound programs use is not recorded), so that opening it makes no index
     * anew and evicts nothing; {@code fallbackBound} is used when the index is missing or damaged
     * (it is then rebuilt). Throws {@link NoSuchFileException} when {@code dir} holds no store.
     */
    public static StoreMaintenance open(Path dir, StoreKey key, long fallbackBound, Reports reports)
            throws IOException {
        Path root = dir.toAbsolutePath().normalize();
        if (!StoreFiles.isDirectory(root) || !(StoreFiles.exists(root.resolve("index"))
                || StoreFiles.isDirectory(root.resolve("objects")))) {
            throw new NoSuchFileException(root.toString(), null, "no memogen store here");
        }
        long bound = boundOfIndex(root, fallbackBound);
        StoreSettings settings = new StoreSettings(false, 64L << 10, "gds", bound,
                1_000_000_000L, 0L, key);
        FileStore store = new FileStore(root, "store-format=" + FileStore.FORMAT_VERSION + ";tool", settings, reports);
        if (store.index() == null) {
            throw new IOException("cannot open the index of the store in " + root + " (see the warning above)");
        }
        return new StoreMaintenance(store, root, key);
    }

    /** For a store already open in this JVM. */
    public static StoreMaintenance of(FileStore store, Path root, StoreKey key) throws IOException {
        if (store.index() == null) {
            throw new IOException("the store in " + root + " is read-only: it has no index");
        }
        return new StoreMaintenance(store, root.toAbsolutePath().normalize(), key);
    }

    /** A bound whose index has the slot count the index in {@code root} has: the largest such. */
    private static long boundOfIndex(Path root, long fallback) throws IOException {
        int slots;
        try (FileChannel ch = StoreFiles.open(root, root.resolve("index"), StandardOpenOption.READ)) {
            slots = IndexHeader.readSlotsIfSound(ch, ch.size());
        } catch (NoSuchFileException e) {
            slots = 0;
        }
        if (slots <= 0) {
            return fallback;
        }
        if (slots >= IndexHeader.slotsFor(Long.MAX_VALUE)) {
            return Long.MAX_VALUE / 4;
        }
        return (long) slots * 4096 - 1; // slotsFor: (slots * 2 - 1) rounded down to a power of two
    }

    /** The store's directory. */
    public Path directory() {
        return root;
    }

    /** Entries and bytes as the index counts them (lock-free). */
    public Totals totals() {
        return new Totals(index.count(), index.totalBytes(), index.slots());
    }

    /** What the JVMs that used the store counted, by function hash ({@code functions/<fn>.counts}). */
    public Map<Long, FunctionCounts.Counted> counts() throws IOException {
        return store.counts();
    }

    /** The names behind the function hashes ({@code functions/}), by hash. */
    public Map<Long, FunctionNames.Named> functions() throws IOException {
        Map<Long, FunctionNames.Named> byHash = new HashMap<>();
        for (FunctionNames.Named named : store.functions()) {
            byHash.put(named.idHash(), named);
        }
        return byHash;
    }

    /** The function hash of an id ({@code functions/} names it), or of 16 hex digits naming the hash itself. */
    public static long functionHash(String idOrHash) {
        if (idOrHash.length() == 16 && idOrHash.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return Hex.parse(idOrHash.toLowerCase(java.util.Locale.ROOT), 16);
        }
        return StoredFunction.idHash(idOrHash);
    }

    private record Slot(long state, long fn, long k0, long k1, long size, long cost, double priority) {}

    private List<Slot> slots() throws IOException {
        List<Slot> slots = new ArrayList<>();
        index.forEachEntry((state, fn, k0, k1, size, cost, priority) ->
                slots.add(new Slot(state, fn, k0, k1, size, cost, priority)));
        return slots;
    }

    /**
     * Every indexed entry; with {@code created}, its creation time is read from its header (else
     * it is -1, and only the index is read).
     */
    public List<Entry> entries(boolean created, Progress progress) throws IOException {
        List<Slot> slots = slots();
        List<Entry> entries = new ArrayList<>(slots.size());
        try (PackMaps maps = new PackMaps()) {
            byte[] head = new byte[EntryFormat.HEAD_BYTES];
            long done = 0;
            for (Slot s : slots) {
                long createdMillis = -1;
                try {
                    if (created && readHead(maps, s, head) == head.length && EntryFormat.currentFormat(head)) {
                        createdMillis = EntryFormat.createdOf(head);
                    }
                } catch (IOException | RuntimeException | InternalError e) {
                    // unreadable: shown without an age (verify says what is wrong)
                }
                entries.add(new Entry(s.fn, s.k0, s.k1, SlotTable.isPacked(s.state), s.size, s.cost, s.priority,
                        createdMillis));
                if ((++done & 255) == 0) {
                    progress.update(done, slots.size());
                }
            }
            progress.update(slots.size(), slots.size());
        }
        return entries;
    }

    /** Reads the first bytes of an entry into {@code head}; how many were read. */
    private int readHead(PackMaps maps, Slot s, byte[] head) throws IOException {
        if (SlotTable.isPacked(s.state)) {
            Packs.Mapped pack = maps.get(SlotTable.packOf(s.state));
            int offset = SlotTable.offsetOf(s.state);
            int length = Packs.length(pack, offset);
            if (length <= 0) {
                return 0;
            }
            int n = Math.min(length, head.length);
            pack.map().get(offset + Packs.PREFIX, head, 0, n);
            return n;
        }
        try (FileChannel ch = StoreFiles.open(root, store.pathOf(s.fn, s.k0, s.k1), StandardOpenOption.READ)) {
            ByteBuffer into = ByteBuffer.wrap(head);
            while (into.hasRemaining() && ch.read(into) > 0) {
                // until full or the end
            }
            return into.position();
        }
    }

    /** The mappings of the packs a walk reads, each mapped once, all let go at the end. */
    private final class PackMaps implements AutoCloseable {
        private final Map<Long, Packs.Mapped> maps = new HashMap<>();

        Packs.Mapped get(long number) throws IOException {
            Packs.Mapped m = maps.get(number);
            if (m == null) {
                m = store.packs().map(number);
                maps.put(number, m);
            }
            return m;
        }

        @Override
        public void close() {
            maps.values().forEach(Packs.Mapped::close);
        }
    }

    /**
     * Checks every indexed entry: its checksum, that it is an entry of the key and function the
     * index files it under, that its payload fits, and with a key its tag. An entry found damaged
     * is checked again under the index lock, and reported only if the index still points at it
     * and it is still damaged (a concurrent change may have moved or replaced it meanwhile). Object files no index entry refers to are
     * counted as orphans. Nothing is changed.
     */
    public Verification verify(Progress progress) throws IOException {
        List<Slot> slots = slots();
        List<Damage> damage = new ArrayList<>();
        long stale = 0;
        long done = 0;
        try (PackMaps maps = new PackMaps()) {
            for (Slot s : slots) {
                String problem = checkOrWhy(maps, s);
                if (problem != null && problem != STALE) {
                    problem = confirmed(maps, s);
                }
                if (problem == STALE) {
                    stale++;
                } else if (problem != null) {
                    damage.add(new Damage(s.fn, where(s), problem));
                }
                if ((++done & 255) == 0) {
                    progress.update(done, slots.size());
                }
            }
        }
        progress.update(slots.size(), slots.size());
        long[] orphans = {0};
        ObjectTree.forEach(root.resolve("objects"), (fn, file) -> {
            String name = file.getFileName().toString();
            if (name.length() != 32 || !index.contains(fn, Hex.parse(name.substring(0, 16), 16),
                    Hex.parse(name.substring(16), 16))) {
                orphans[0]++;
            }
        });
        return new Verification(slots.size(), stale, orphans[0], damage);
    }

    /**
     * The entry of {@code s} checked again under the index lock, where no process can replace or
     * remove it meanwhile: what is wrong with it, or null when the index no longer points there
     * (it was replaced or removed since the snapshot) or it reads sound now.
     */
    private String confirmed(PackMaps maps, Slot s) throws IOException {
        String[] problem = {null};
        index.runLocked(() -> {
            if (index.where(s.fn, s.k0, s.k1) == s.state) {
                problem[0] = checkOrWhy(maps, s);
            }
        });
        return problem[0];
    }

    private String checkOrWhy(PackMaps maps, Slot s) {
        try {
            return check(maps, s);
        } catch (IOException | RuntimeException | InternalError e) {
            return "cannot be read (" + e + ")";
        }
    }

    private String where(Slot s) {
        if (SlotTable.isPacked(s.state)) {
            return store.packs().pathOf(SlotTable.packOf(s.state)) + " record at " + SlotTable.offsetOf(s.state)
                    + " (key " + Hex.of(s.k0) + Hex.of(s.k1) + ")";
        }
        return store.pathOf(s.fn, s.k0, s.k1).toString();
    }

    /** A sound entry that a reader takes for stale: not damage. */
    private static final String STALE = "stale";

    /** What is wrong with the entry of {@code s}; null when sound, {@link #STALE} when stale. */
    private String check(PackMaps maps, Slot s) throws IOException {
        if (SlotTable.isPacked(s.state)) {
            Packs.Mapped pack = maps.get(SlotTable.packOf(s.state));
            int offset = SlotTable.offsetOf(s.state);
            byte[] entry = Packs.entry(pack, offset);
            if (entry == null) {
                return "no record at this offset (its length word is damaged)";
            }
            if (Packs.recordBytes(entry.length) != s.size) {
                return "the record holds " + Packs.recordBytes(entry.length) + " bytes, the index says " + s.size;
            }
            return check(s, entry.length, (at, into, off, len) -> {
                System.arraycopy(entry, (int) at, into, off, len);
                return len;
            });
        }
        try (FileChannel ch = StoreFiles.open(root, store.pathOf(s.fn, s.k0, s.k1), StandardOpenOption.READ)) {
            // Its size is not compared with the index's: a file replaced since the snapshot is
            // another entry of the key, sound or not by itself.
            long size = ch.size();
            return check(s, size, (at, into, off, len) -> ch.read(ByteBuffer.wrap(into, off, len), at));
        } catch (StoreFiles.NotPlain e) {
            return "not a plain file (" + e.getMessage() + ")";
        } catch (NoSuchFileException e) {
            return "the object file is missing";
        }
    }

    private interface Source {
        int read(long at, byte[] into, int offset, int length) throws IOException;
    }

    /** Checks an entry of {@code length} bytes read through {@code in}, in pieces. */
    private String check(Slot s, long length, Source in) throws IOException {
        byte[] head = new byte[EntryFormat.HEADER_BYTES];
        int headBytes = readFully(in, 0, head, (int) Math.min(head.length, length));
        if (headBytes < head.length) {
            return "too short for an entry (" + length + " bytes)";
        }
        String problem = EntryFormat.headerProblem(head, length, s.fn, s.k0, s.k1);
        if (problem != null) {
            return problem;
        }
        long body = length - EntryFormat.CHECKSUM_BYTES;
        boolean current = EntryFormat.currentFormat(head);
        long tagAt = current ? EntryFormat.payloadEnd(head) : body;
        boolean tagged = current && tagAt < body;
        javax.crypto.Mac mac = key != null && tagged ? key.mac() : null;
        byte[] tag = new byte[StoreKey.TAG_BYTES];
        Xxh3Stream sum = new Xxh3Stream();
        byte[] piece = new byte[(int) Math.min(CHUNK, Math.max(body, 1))];
        for (long at = 0; at < body; ) {
            int n = readFully(in, at, piece, (int) Math.min(piece.length, body - at));
            if (n <= 0) {
                return "shorter than its size";
            }
            sum.putBytes(piece, 0, n);
            if (mac != null) {
                int before = (int) Math.max(0, Math.min(n, tagAt - at));
                mac.update(piece, 0, before);
                for (int i = before; i < n; i++) {
                    tag[(int) (at + i - tagAt)] = piece[i];
                }
            }
            at += n;
        }
        byte[] trailer = new byte[EntryFormat.CHECKSUM_BYTES];
        if (readFully(in, body, trailer, trailer.length) < trailer.length) {
            return "shorter than its size";
        }
        if (!EntryFormat.trailerMatches(trailer, sum)) {
            return "checksum mismatch";
        }
        if (!current) {
            return STALE;
        }
        if (key != null) {
            if (!tagged) {
                return STALE; // written without memogen.key
            }
            if (!java.security.MessageDigest.isEqual(mac.doFinal(), tag)) {
                return "its authentication tag does not match (forged, or written with another key)";
            }
        }
        return null;
    }

    private static int readFully(Source in, long at, byte[] into, int length) throws IOException {
        int got = 0;
        while (got < length) {
            int n = in.read(at + got, into, got, length - got);
            if (n <= 0) {
                break;
            }
            got += n;
        }
        return got;
    }

    /**
     * Removes orphans (object files no index entry refers to, temporary files of dead writers,
     * names files of functions without entries) and compacts the packs while they hold dead
     * records. Safe while other processes use the store: all under the index lock.
     */
    public Collected collect(Progress progress) throws IOException {
        long deadBefore = dead();
        progress.update(0, 2); // two steps: the walk of objects/ and functions/, then the packs
        long removed = store.removeOrphans();
        progress.update(1, 2);
        index.compactAllDead();
        progress.update(2, 2);
        return new Collected(removed, deadBefore, dead());
    }

    private long dead() {
        long[] bytes = index.packBytes();
        return Math.max(0, bytes[0] - bytes[1]);
    }

    /**
     * Drops every entry of function {@code fn}, or of all functions when {@code all}; each removal
     * under the index lock, as any writer's: a program using the store meanwhile computes what it
     * no longer finds. Then its counts ({@link FunctionCounts}), or all, go too: what a program
     * counts from then on starts them again. Returns how many entries were removed.
     */
    public long clear(boolean all, long fn, Progress progress) throws IOException {
        List<Slot> victims = new ArrayList<>();
        for (Slot s : slots()) {
            if (all || s.fn == fn) {
                victims.add(s);
            }
        }
        long done = 0;
        for (Slot s : victims) {
            index.remove(s.fn, s.k0, s.k1);
            if ((++done & 255) == 0) {
                progress.update(done, victims.size());
            }
        }
        progress.update(victims.size(), victims.size());
        store.removeCounts(all, fn);
        return victims.size();
    }
}
