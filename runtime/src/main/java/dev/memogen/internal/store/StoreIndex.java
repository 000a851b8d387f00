package dev.memogen.internal.store;

import static dev.memogen.internal.store.IndexHeader.H_CHANGES;
import static dev.memogen.internal.store.IndexHeader.H_CHECK;
import static dev.memogen.internal.store.IndexHeader.H_COUNT;
import static dev.memogen.internal.store.IndexHeader.H_COUNT_NOT;
import static dev.memogen.internal.store.IndexHeader.H_DIRTY;
import static dev.memogen.internal.store.IndexHeader.H_MAGIC;
import static dev.memogen.internal.store.IndexHeader.H_PACK_CAPACITY;
import static dev.memogen.internal.store.IndexHeader.H_PACK_CHECK;
import static dev.memogen.internal.store.IndexHeader.H_PACK_FIRST;
import static dev.memogen.internal.store.IndexHeader.H_PACK_LAST;
import static dev.memogen.internal.store.IndexHeader.H_PACK_LIVE;
import static dev.memogen.internal.store.IndexHeader.H_PACK_TAIL;
import static dev.memogen.internal.store.IndexHeader.H_PACK_USED;
import static dev.memogen.internal.store.IndexHeader.H_SLOTS;
import static dev.memogen.internal.store.IndexHeader.H_TOTAL;
import static dev.memogen.internal.store.IndexHeader.H_TOTAL_NOT;
import static dev.memogen.internal.store.IndexHeader.H_VERSION;
import static dev.memogen.internal.store.IndexHeader.MAGIC;
import static dev.memogen.internal.store.IndexHeader.VERSION;
import static dev.memogen.internal.store.SlotTable.EMPTY;
import static dev.memogen.internal.store.SlotTable.FULL;
import static dev.memogen.internal.store.SlotTable.isPacked;
import static dev.memogen.internal.store.SlotTable.offsetOf;
import static dev.memogen.internal.store.SlotTable.packOf;
import static dev.memogen.internal.store.SlotTable.packedState;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.LockSupport;

/**
 * Metadata of every stored object (size, compute cost, eviction priority) and the store-wide
 * byte total, in one memory-mapped file ({@code <dir>/index}) shared by every process that uses
 * the store. The object files stay the source of truth: the index is a cache of their metadata,
 * rebuilt from them whenever it is found damaged, missing or left half-updated by a killed
 * process. See {@code docs/store-format.md}.
 *
 * <p>The file is a {@value IndexHeader#BYTES}-byte header ({@link IndexHeader}) followed by an
 * open-addressing hash table of fixed {@value SlotTable#SLOT_BYTES}-byte slots ({@link SlotTable}).
 * Changes to the table (store, delete, evict, rebuild) are made under one lock ({@link IndexLock}):
 * a lock inside the JVM plus a file lock on {@code <dir>/index.lock} between processes; they are
 * short (a rename, a few slot writes, the deletion of evicted objects). The header's {@code dirty}
 * word is set for the duration of a change: whoever takes the lock and finds it set knows the
 * previous holder died mid-change (the OS released its lock) and rebuilds the index from the
 * object files and the packs ({@link IndexRebuild}). Reads of the table take no lock: a lookup
 * that misses a slot being moved looks again once the change is over, and a hit refreshing its
 * entry's priority may miss it, which only costs a less accurate priority.
 *
 * <p>This class opens and checks the file and runs each change under the lock; eviction
 * ({@link Eviction}) and the compaction of the packs ({@link Compaction}) run within those changes.
 */
public final class StoreIndex {
    /**
     * How often a locked change checks that the index file is still the one mapped (not deleted,
     * replaced or cut short by hand; memogen itself only ever changes it in place). Measured: the
     * check by path was a tenth of the time of a 1 KiB store miss when it ran on every change.
     * {@link FlightTable} looks at {@code flights} as often.
     */
    static final long STAT_EVERY_NANOS = 250_000_000L;

    /** What the index does to object files: it deletes evicted ones and reads them to rebuild. */
    interface ObjectFiles {
        Path pathOf(long fn, long k0, long k1);

        Path directory();

        /** The pack files (read even when this process writes no new records: packMax 0). */
        Packs packs();

        /** The largest entry this process writes as a pack record (0: none). */
        int packMax();
    }

    /**
     * Thrown inside a locked operation that found the index damaged in a way the header's checks
     * miss (a slot, the entry count, a pack field); {@link #locked} then rebuilds the index and
     * starts the operation over.
     */
    static final class Damaged extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Damaged(String what) {
            super(what, null, false, false);
        }
    }

    /** An action run under the index lock (a rename that must happen atomically with the index change). */
    interface LockedIo {
        void run() throws IOException;
    }

    private final Path file;
    private final ObjectFiles objects;
    private final EvictionPolicy policy;
    private final Reports reports;
    /** The file as mapped; mapped again (by {@link #attach}) only under the lock. */
    private final SlotTable table = new SlotTable();
    private final IndexLock lock;
    /**
     * The machinery of changes, made at the first change that needs it ({@link #eviction()}): a
     * process that only reads the store (a rerun that hits) never loads it.
     */
    private volatile Eviction eviction;
    private volatile Compaction compaction;
    private volatile IndexRebuild indexRebuild;
    private volatile long maxBytes;
    /** The index file's identity (inode) when it was mapped: a file re-created by someone else is noticed. */
    private Object fileKey; // guarded by lock
    /**
     * When ({@link System#nanoTime}) a locked change next looks at the file by its path (a
     * {@code stat}): at most every {@link #STAT_EVERY_NANOS}, not on every change; guarded by lock.
     */
    private long statDue;
    /** See {@link #remade()}. */
    private final java.util.concurrent.atomic.AtomicInteger remade = new java.util.concurrent.atomic.AtomicInteger();

    private StoreIndex(Path file, ObjectFiles objects, EvictionPolicy policy, Reports reports, long maxBytes,
            long lockTimeoutNanos, long lockHoldNanos) {
        this.file = file;
        this.objects = objects;
        this.policy = policy;
        this.reports = reports;
        this.maxBytes = maxBytes;
        this.lock = new IndexLock(file, table, lockTimeoutNanos, lockHoldNanos);
    }

    /** Under the lock (or racing harmlessly: the made objects hold no state of their own). */
    private Eviction eviction() {
        Eviction e = eviction;
        if (e == null) {
            e = new Eviction(table, policy, Delegates.discarding(this), reports);
            eviction = e;
        }
        return e;
    }

    private Compaction compaction() {
        Compaction c = compaction;
        if (c == null) {
            c = new Compaction(table, objects, reports, Delegates.appending(this));
            compaction = c;
        }
        return c;
    }

    /**
     * What eviction, compaction and the rebuild call back into: this index's discard, append and
     * upsert. A class rather than three lambdas or method references, whose classes a fresh JVM
     * spins at their first use (the method-handle machinery, in the interpreter), and its first
     * store write makes the eviction and compaction machinery. Made by the factories below, typed
     * as the interface each caller takes: the verifier of this index's class then loads none of
     * those interfaces, which a rerun that only hits never needs.
     */
    private final class Delegates implements java.util.function.IntConsumer, Compaction.Append, IndexRebuild.Upsert {
        static java.util.function.IntConsumer discarding(StoreIndex index) {
            return index.new Delegates();
        }

        static Compaction.Append appending(StoreIndex index) {
            return index.new Delegates();
        }

        static IndexRebuild.Upsert upserting(StoreIndex index) {
            return index.new Delegates();
        }

        @Override
        public void accept(int slot) {
            discardStoredForm(slot, false);
        }

        @Override
        public long append(long fn, byte[] entry, int length) throws IOException {
            return StoreIndex.this.append(fn, length, entry, length, entry, 0, entry, 0);
        }

        @Override
        public void upsert(long state, long fn, long k0, long k1, long size, long cost) {
            StoreIndex.this.upsert(state, fn, k0, k1, size, cost);
        }
    }

    private IndexRebuild indexRebuild() {
        IndexRebuild r = indexRebuild;
        if (r == null) {
            r = new IndexRebuild(table, objects, policy, Delegates.upserting(this), eviction(), compaction());
            indexRebuild = r;
        }
        return r;
    }

    /**
     * Opens (or creates, sized for {@code maxBytes}) the index at {@code file}. Cheap when the
     * index is sound: a header read and a mapping; a damaged or missing index is rebuilt from the
     * object files.
     */
    static StoreIndex open(Path file, ObjectFiles objects, EvictionPolicy policy, Reports reports, long maxBytes,
            long lockTimeoutNanos, long lockHoldNanos) throws IOException {
        StoreIndex index = new StoreIndex(file, objects, policy, reports, maxBytes, lockTimeoutNanos, lockHoldNanos);
        if (index.attachIfReady()) {
            return index;
        }
        // index.lock is opened without a warning later (IndexLock): whatever is not a plain file there is replaced now.
        StoreFiles.openReplacing(file.getParent(), file.resolveSibling("index.lock"), reports,
                StandardOpenOption.CREATE, StandardOpenOption.WRITE).close();
        try {
            index.lock.lock();
        } catch (IndexLock.Busy e) {
            // Kept by a process that does not let go (stopped, hung). An index whose header is
            // sound is mapped without the lock: hits are served now, and the first change that
            // gets the lock checks it (ensureSound). Without one, the store is used read-only.
            if (index.attachIfSound()) {
                e.warn(reports);
                return index;
            }
            throw e;
        }
        try {
            index.attach();
            index.ensureSound(); // a damaged header is rebuilt now, not at the first change
            index.resizeForBound();
        } finally {
            index.lock.unlock();
        }
        return index;
    }

    /** Where this store reports what it found and repaired. */
    Reports reports() {
        return reports;
    }

    public long maxBytes() {
        return maxBytes;
    }

    public void setMaxBytes(long value) {
        this.maxBytes = value;
    }

    /** The byte total of indexed objects (lock-free read; exact when no change is under way). */
    public long totalBytes() {
        return table.totalBytes();
    }

    public long count() {
        return table.count();
    }

    /** Whether the index is mapped yet (else read through its file: {@link SlotTable#readThrough}); for tests. */
    boolean mapped() {
        return table.mapping() != null;
    }

    /** The slot count of the index as mapped ({@link FlightTable} sizes a new {@code flights} file by it). */
    int slots() {
        return table.slots();
    }

    // ---------------------------------------------------------------- opening and checking

    /**
     * Maps the index file, creating or re-creating it when its header is not sound. Under the lock.
     * The channel is closed once mapped (the mapping stays valid): no descriptor is held.
     */
    private void attach() throws IOException {
        try (FileChannel channel = StoreFiles.openReplacing(file.getParent(), file, reports, StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            fileKey = StoreFiles.lstat(file).fileKey();
            statDue = System.nanoTime() + STAT_EVERY_NANOS;
            attach(channel);
        }
    }

    /**
     * Attaches the index without the lock when nothing needs the lock's work (read through its
     * file at first, not mapped: {@link SlotTable#readThrough}): the file is there, plain,
     * its header sound and clean (no change under way or left by a stopped process, its totals
     * whole) and its size the one for the bound. The usual case of a rerun, which then reads
     * without ever taking the lock, nor starting the thread that keeps it; the first change checks
     * the index under the lock like every change ({@link #ensureSound}). Anything else: false,
     * and the caller opens the index under the lock, which repairs what needs it.
     */
    private boolean attachIfReady() throws IOException {
        FileChannel channel = null;
        boolean reading = false;
        try {
            channel = StoreFiles.open(file.getParent(), file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            int slots = IndexHeader.readSlotsIfSound(channel, channel.size());
            if (slots <= 0) {
                return false;
            }
            fileKey = StoreFiles.lstat(file).fileKey();
            table.readThrough(channel, slots); // not mapped yet (SlotTable): the file stays open for it
            reading = true;
        } catch (IOException e) { // missing, not a plain file (StoreFiles.NotPlain), not writable...
            return false; // made, replaced or reported under the lock, as before
        } finally {
            if (!reading && channel != null) {
                channel.close();
            }
        }
        statDue = System.nanoTime() + STAT_EVERY_NANOS;
        long total = table.header(H_TOTAL);
        long count = table.header(H_COUNT);
        int bound = IndexHeader.slotsFor(maxBytes);
        boolean sized = table.slots() == bound || (table.slots() < bound && count < table.maxEntries());
        return table.header(H_DIRTY) == 0 && (table.header(H_CHANGES) & 1) == 0
                && total >= 0 && total == ~table.header(H_TOTAL_NOT)
                && count >= 0 && count <= table.slots() && count == ~table.header(H_COUNT_NOT)
                && sized && StoreFiles.isRegularFile(file.resolveSibling("index.lock"));
    }

    /**
     * Maps the index file without the lock if it exists, is a plain file (never through a link:
     * {@link StoreFiles#open}) and its header is sound; whether it did.
     */
    private boolean attachIfSound() throws IOException {
        try (FileChannel channel = StoreFiles.open(file.getParent(), file, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            int slots = IndexHeader.readSlotsIfSound(channel, channel.size());
            if (slots <= 0) {
                return false;
            }
            fileKey = StoreFiles.lstat(file).fileKey();
            statDue = System.nanoTime() + STAT_EVERY_NANOS;
            table.map(channel, slots);
            return true;
        } catch (NoSuchFileException e) { // missing, or not a plain file (StoreFiles.NotPlain)
            return false;
        }
    }

    private void attach(FileChannel channel) throws IOException {
        long length = channel.size();
        int slots = IndexHeader.readSlotsIfSound(channel, length);
        if (slots > 0) {
            table.map(channel, slots);
            return;
        }
        slots = IndexHeader.slotsFor(maxBytes);
        long needed = (long) IndexHeader.BYTES + (long) slots * SlotTable.SLOT_BYTES;
        if (length < needed) {
            // Written out in full, not sparse: a page of a mapped file that the file system cannot
            // allocate (a full disk) faults the JVM at an arbitrary later point. Allocating it all
            // now turns a full disk into an IOException here, where it is handled.
            writeZeros(channel, length, needed);
        }
        table.map(channel, slots);
        if (length > 0) {
            reports.event("index", "the store index " + file + " was damaged or unreadable; rebuilt from the objects");
        }
        table.setHeader(H_DIRTY, 1L);
        table.setHeader(H_MAGIC, MAGIC);
        table.setHeader(H_VERSION, VERSION);
        table.setHeader(H_SLOTS, (long) slots);
        table.setHeader(H_CHECK, IndexHeader.headerCheck(slots));
        table.setHeader(H_PACK_CAPACITY, (long) IndexHeader.packCapacityFor(maxBytes));
        long changes = beginChange();
        indexRebuild().rebuild(length == 0, maxBytes);
        endChange(changes);
    }

    /**
     * Under the lock: makes the index anew when its slot count is not the one for the bound
     * ({@link IndexHeader#slotsFor}): larger (the bound was lowered since it was made, or another
     * process with a larger bound made it), or smaller while the entries fill it (then the slots,
     * not the bytes, limit the store; a table that is not full is left alone, so a process that
     * opens the store with a much larger bound only to read it makes no large index). A file that others may have mapped is never cut short: the new one is
     * made as {@code index.new} and renamed over it (the others map it at their next change, at
     * most {@link #STAT_EVERY_NANOS} later), then rebuilt from the objects and the packs. A
     * {@code flights} file of another size goes too: it is made again at the size of the new index.
     */
    private void resizeForBound() throws IOException {
        int slots = IndexHeader.slotsFor(maxBytes);
        if (table.slots() == slots || (table.slots() < slots && table.count() < table.maxEntries())) {
            return;
        }
        int before = table.slots();
        // Entries beyond what the new table holds go first, so that the rebuild leaves no object
        // file unindexed (it would stay on disk uncounted); the rebuild then evicts down to the bound.
        // A change of its own, ended before the file is replaced: processes that still map the old
        // file find it sound (a change under way, as in enforceBound, goes on in the new file).
        table.setHeader(H_DIRTY, ThisProcess.pid());
        long changes = beginChange();
        while (table.count() > (long) slots * 3 / 4
                && eviction().evictOne(java.util.concurrent.ThreadLocalRandom.current().nextInt() & (before - 1))) {
            // evicted one
        }
        endChange(changes);
        Path dir = file.getParent();
        Path fresh = file.resolveSibling(file.getFileName() + ".new");
        try {
            try (FileChannel ch = StoreFiles.openReplacing(dir, fresh, reports, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE)) {
                ch.truncate(0); // a file left by a process killed while making it
            }
            StoreFiles.move(dir, fresh, file);
        } catch (IOException e) {
            reports.warnOnce("index-size", "cannot make the store index " + file + " anew for the bound of "
                    + maxBytes + " bytes; the index of " + before + " slots is kept", e);
            return;
        }
        Path flights = file.resolveSibling("flights");
        try {
            if (StoreFiles.lstat(flights).size() != FlightTable.bytesFor(slots)) {
                StoreFiles.delete(dir, flights);
            }
        } catch (NoSuchFileException e) {
            // made at the right size when first needed
        }
        attach(); // an empty file: written out at the size for the bound and rebuilt
        remade.incrementAndGet();
    }

    /** How often this process made the index anew for a bound ({@link FlightTable} then looks at its file at once). */
    int remade() {
        return remade.get();
    }

    /** Writes zeros over {@code [from, to)} of {@code channel}: blocks allocated now, not at a later fault. */
    static void writeZeros(FileChannel channel, long from, long to) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(1 << 20, Math.max(0, to - from)));
        for (long at = from; at < to; ) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), to - at));
            at += channel.write(zeros, at);
        }
    }

    /**
     * Runs {@code op} under the lock, with the dirty mark set. Finds a half-done change of a dead
     * process, a damaged header or (when a lock-free read was suspicious, or {@code op} trips over
     * it) a damaged slot, and rebuilds the index from the objects before going on.
     */
    private <R> R locked(LockedOp<R> op) throws IOException {
        lock.lock();
        try {
            try {
                return lockedOnce(op);
            } catch (InternalError e) {
                // A fault of the mapping: the file was cut short by hand since the last look at it
                // (STAT_EVERY_NANOS). Look now (it is mapped afresh, and rebuilt), and start over.
                reports.event("index", "the store index " + file + " was cut short; rebuilt from the objects");
                statDue = System.nanoTime();
                try {
                    return lockedOnce(op);
                } catch (InternalError again) {
                    throw new IOException("the store index " + file + " keeps being cut short", again);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Under the lock: one attempt at {@code op}, started over once after a rebuild when it finds
     * the index {@link Damaged}.
     */
    private <R> R lockedOnce(LockedOp<R> op) throws IOException {
        ensureSound();
        table.setHeader(H_DIRTY, ThisProcess.pid());
        long changes = beginChange();
        table.changed = false;
        R result;
        try {
            try {
                result = op.run();
            } catch (Damaged d) {
                reports.event("index", "the store index " + file + " is damaged (" + d.getMessage()
                        + "); rebuilt from the objects");
                indexRebuild().rebuild(false, maxBytes);
                result = op.run();
            }
        } catch (IOException | RuntimeException e) {
            if (!table.changed) {
                // Failed before it wrote anything (a file operation refused, say): the change ends
                // here; only a table left half done is marked for a rebuild.
                endChange(changes);
            }
            throw e;
        }
        endChange(changes);
        return result;
    }

    /** Under the lock: makes the change counter odd (it may be odd already: a process died in a change). */
    private long beginChange() {
        long odd = table.header(H_CHANGES) | 1;
        table.setHeader(H_CHANGES, odd);
        return odd;
    }

    /**
     * Under the lock, ends a change: the pack fields sealed ({@link IndexHeader#H_PACK_CHECK}), the
     * counter even again, {@code dirty} cleared.
     */
    private void endChange(long odd) {
        table.setHeader(H_PACK_CHECK, packCheck());
        table.setHeader(H_CHANGES, odd + 1);
        table.setHeader(H_DIRTY, 0L);
    }

    private interface LockedOp<R> {
        R run() throws IOException;
    }

    /** Under the lock: the header is sound and no change was left half done; else rebuild. */
    private void ensureSound() throws IOException {
        long time = System.nanoTime();
        boolean replaced = false;
        if (time - statDue >= 0) {
            java.nio.file.attribute.BasicFileAttributes now;
            try {
                now = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS); // a link put in its place is a replacement
            } catch (NoSuchFileException e) {
                now = null;
            }
            replaced = now == null || !java.util.Objects.equals(now.fileKey(), fileKey)
                    || now.size() < (long) IndexHeader.BYTES + (long) table.slots() * SlotTable.SLOT_BYTES;
            statDue = time + STAT_EVERY_NANOS;
        }
        if (replaced
                || table.header(H_MAGIC) != MAGIC || table.header(H_VERSION) != VERSION
                || table.header(H_SLOTS) != table.slots()
                || table.header(H_CHECK) != IndexHeader.headerCheck(table.slots())) {
            // Deleted, re-created, truncated or overwritten: map it again (and rebuild it if it is not sound).
            attach();
        }
        long dirty = table.header(H_DIRTY);
        long total = table.header(H_TOTAL);
        long count = table.header(H_COUNT);
        String why = null;
        if (dirty != 0) {
            why = "a process (pid " + dirty + ") stopped in the middle of changing it";
        } else if (total != ~table.header(H_TOTAL_NOT) || total < 0) {
            why = "its byte total is damaged";
        } else if (count != ~table.header(H_COUNT_NOT) || count < 0 || count > table.slots()) {
            why = "its entry count is damaged";
        } else if (Double.isNaN(table.inflation()) || table.inflation() < 0) {
            why = "its inflation value is damaged";
        } else if (!packHeaderSound(total)) {
            why = "its pack fields are damaged";
        } else if (table.suspect && !table.tableSound()) {
            why = "a slot is damaged";
        }
        table.suspect = false;
        if (why != null) {
            table.setHeader(H_DIRTY, 1L);
            reports.event("index", "the store index " + file + " was not sound (" + why + "); rebuilt from the objects");
            long changes = beginChange();
            indexRebuild().rebuild(false, maxBytes);
            endChange(changes);
        }
    }

    private long packCheck() {
        return IndexHeader.packCheck(table.header(H_PACK_FIRST), table.header(H_PACK_LAST), table.header(H_PACK_TAIL),
                table.header(H_PACK_USED), table.header(H_PACK_LIVE), table.header(H_PACK_CAPACITY));
    }

    private boolean packHeaderSound(long total) {
        return table.header(H_PACK_CHECK) == packCheck()
                && IndexHeader.packFieldsPlausible(table.header(H_PACK_CAPACITY), table.header(H_PACK_FIRST),
                        table.header(H_PACK_LAST), table.header(H_PACK_TAIL), table.header(H_PACK_USED),
                        table.header(H_PACK_LIVE), total);
    }

    /**
     * Under the lock: lets go of the stored form of the entry in slot {@code i}, which is about to
     * be removed or replaced: a pack record gets its dead mark (so no rebuild brings it back), an
     * object file is deleted unless {@code keepFile} (it was just replaced by a rename, or the
     * caller deletes it).
     */
    private void discardStoredForm(int i, boolean keepFile) {
        long state = table.state(i);
        if (isPacked(state)) {
            markDead(state);
        } else if (!keepFile) {
            Path path = objects.pathOf(table.fn(i), table.k0(i), table.k1(i));
            try {
                StoreFiles.delete(objects.directory().getParent(), path);
                removeIfEmpty(path.getParent());
            } catch (IOException e) {
                // Left behind; removeOrphans() deletes it once it can.
                reports.warnOnce("evict", "cannot delete a stored entry " + path + "; it stays as an orphan", e);
            }
        }
    }

    /**
     * Under the lock: removes the shard directory {@code shard} if it holds nothing (what the bound
     * charges an object file includes it, {@link DirectoryBudget}). A writer that creates its
     * temporary file there meanwhile keeps it (a directory that is not empty stays); one that finds
     * it gone makes it again ({@link FileStore}).
     */
    private void removeIfEmpty(Path shard) {
        try {
            if (StoreFiles.lstat(shard).directory()) {
                StoreFiles.delete(objects.directory().getParent(), shard);
            }
        } catch (IOException e) {
            // not empty (the usual case), gone, or not ours to remove
        }
    }

    private void markDead(long state) {
        try (Packs.Mapped pack = objects.packs().map(packOf(state))) {
            Packs.markDead(pack, offsetOf(state));
        } catch (IOException | RuntimeException | InternalError e) {
            // The pack is gone, cut short or not writable: nothing to mark.
        }
    }

    // ---------------------------------------------------------------- operations

    /** Runs {@code op} under the index lock: for files of the store that one process creates for all. */
    void runLocked(LockedIo op) throws IOException {
        locked(new RunIo(op));
    }

    /**
     * Runs {@code op} under the index lock for files of the store apart from the index (the
     * function counts): the index is neither checked nor marked as changing, so that the lock-free
     * lookups of other processes go on meanwhile, and a JVM's exit writes no header word.
     */
    void runApart(LockedIo op) throws IOException {
        lock.lock();
        try {
            op.run();
        } finally {
            lock.unlock();
        }
    }

    /** {@link #runLocked}'s operation: a class, not a lambda, as the rest of what a JVM's exit runs. */
    private static final class RunIo implements LockedOp<Void> {
        private final LockedIo op;

        RunIo(LockedIo op) {
            this.op = op;
        }

        @Override
        public Void run() throws IOException {
            op.run();
            return null;
        }
    }

    /** An action run under the index lock with the function hash of every entry the index holds. */
    interface FunctionsOp {
        void run(java.util.Set<Long> functions) throws IOException;
    }

    /**
     * Runs {@code op} under the index lock with the function hashes of all entries: no entry of
     * another function can be stored while it runs ({@link FunctionNames#sweep}).
     */
    void withFunctions(FunctionsOp op) throws IOException {
        locked(() -> {
            java.util.Set<Long> functions = new java.util.HashSet<>();
            for (int i = 0, n = table.slots(); i < n; i++) {
                if (table.state(i) != EMPTY) {
                    functions.add(table.fn(i));
                }
            }
            op.run(functions);
            return null;
        });
    }

    /**
     * Runs {@code install} (the rename that puts an object in place) and records the object in
     * the index, atomically with respect to every other change of the store; then evicts until
     * the store is within its bounds. Returns the number of entries evicted.
     */
    int commit(long fn, long k0, long k1, long size, long cost, LockedIo install) throws IOException {
        return locked(new Commit(fn, k0, k1, size, cost, install));
    }

    /** {@link #commit}'s work under the lock: a class, not a lambda (see {@link Delegates}). */
    private final class Commit implements LockedOp<Integer> {
        private final long fn;
        private final long k0;
        private final long k1;
        private final long size;
        private final long cost;
        private final LockedIo install;
        private boolean installed;

        Commit(long fn, long k0, long k1, long size, long cost, LockedIo install) {
            this.fn = fn;
            this.k0 = k0;
            this.k1 = k1;
            this.size = size;
            this.cost = cost;
            this.install = install;
        }

        @Override
        public Integer run() throws IOException {
            if (!installed) { // not again when a damaged index made the operation start over
                install.run();
                installed = true;
            }
            upsert(FULL, fn, k0, k1, size, cost);
            return evictAndCompact();
        }
    }

    /**
     * Under the lock: evicts down to the bound, then compacts: an object file evicts pack records
     * too, whose dead bytes the bound counts on compaction to reclaim ({@link DirectoryBudget}).
     * Compaction moves live records to the last pack and may start a pack, whose first piece is
     * allocated ahead of its records: the bound is checked again after it, and evicts again
     * (a few rounds at most: each compaction deletes a pack). Returns the number evicted.
     */
    private int evictAndCompact() throws IOException {
        int packMax = objects.packMax();
        int evicted = 0;
        for (int round = 0; round < 8; round++) {
            evicted += eviction().evictWhileOver(maxBytes, packMax);
            compaction().compactWhileWasteful();
            if (!DirectoryBudget.over(table, maxBytes, packMax)) {
                break;
            }
        }
        return evicted;
    }

    /**
     * Appends an entry (the bytes of {@code a}, {@code b}, {@code c} in turn) to the last pack,
     * starting a new pack when it is full, and records it in the index; then evicts and compacts.
     * Returns false, having changed nothing, when no pack can take it (a new pack cannot be
     * created: a full disk); the caller then writes an object file.
     */
    boolean commitPacked(long fn, long k0, long k1, long cost, byte[] a, int aLength, byte[] b, int bLength,
            byte[] c, int cLength) throws IOException {
        return locked(new CommitPacked(fn, k0, k1, cost, a, aLength, b, bLength, c, cLength));
    }

    /** {@link #commitPacked}'s work under the lock: a class, not a lambda (see {@link Delegates}). */
    private final class CommitPacked implements LockedOp<Boolean> {
        private final long fn;
        private final long k0;
        private final long k1;
        private final long cost;
        private final byte[] a;
        private final int aLength;
        private final byte[] b;
        private final int bLength;
        private final byte[] c;
        private final int cLength;
        private long appended;

        CommitPacked(long fn, long k0, long k1, long cost, byte[] a, int aLength, byte[] b, int bLength, byte[] c,
                int cLength) {
            this.fn = fn;
            this.k0 = k0;
            this.k1 = k1;
            this.cost = cost;
            this.a = a;
            this.aLength = aLength;
            this.b = b;
            this.bLength = bLength;
            this.c = c;
            this.cLength = cLength;
        }

        @Override
        public Boolean run() throws IOException {
            int length = aLength + bLength + cLength;
            if (appended == 0) { // not again when a damaged index made the operation start over
                appended = append(fn, length, a, aLength, b, bLength, c, cLength);
                if (appended == 0) {
                    return false;
                }
            }
            upsert(appended, fn, k0, k1, Packs.recordBytes(length), cost);
            evictAndCompact();
            return true;
        }
    }

    /** Under the lock: writes a record after the last one; its packed state, or 0 when no pack can take it. */
    private long append(long fn, int length, byte[] a, int aLength, byte[] b, int bLength, byte[] c, int cLength)
            throws IOException {
        Packs packs = objects.packs();
        int record = Packs.recordBytes(length);
        long last = table.header(H_PACK_LAST);
        long tail = table.header(H_PACK_TAIL);
        Packs.Mapped pack = null;
        try {
            if (last > 0) {
                try {
                    pack = packs.map(last);
                } catch (NoSuchFileException e) {
                    pack = null; // deleted by hand: start a new one
                } catch (IOException e) {
                    reports.warnOnce("pack", "cannot open the pack " + packs.pathOf(last)
                            + "; small entries are written as files of their own meanwhile", e);
                    return 0;
                }
            }
            if (pack == null || tail + record > pack.capacity()) {
                long capacity = table.header(H_PACK_CAPACITY);
                if (record > capacity / 4 || last + 1 >= 1L << 33) {
                    return 0;
                }
                if (pack != null) {
                    pack.close();
                    pack = null;
                }
                try {
                    pack = packs.create(last + 1, (int) capacity);
                } catch (Packs.Occupied e) {
                    throw new Damaged("pack " + (last + 1) + " already holds records"); // the header's last number is wrong
                } catch (IOException e) {
                    reports.warnOnce("pack", "cannot create a pack file in " + packs.directory()
                            + "; small entries are written as files of their own meanwhile", e);
                    return 0;
                }
                last++;
                tail = 0;
                table.setHeader(H_PACK_LAST, last);
                table.setHeader(H_PACK_TAIL, 0);
            }
            try {
                packs.append(pack, (int) tail, fn, a, aLength, b, bLength, c, cLength);
            } catch (Packs.Occupied e) {
                // The header's last pack or tail is damaged (in a way its checks miss): appending
                // there would overwrite live records. Rebuilt from the packs, the operation starts over.
                throw new Damaged("pack " + last + " holds a record at the tail " + tail);
            } catch (IOException e) {
                packs.closeAppendChannel();
                reports.warnOnce("pack", "cannot write to the pack " + packs.pathOf(last)
                        + "; small entries are written as files of their own meanwhile", e);
                return 0;
            }
        } finally {
            if (pack != null) {
                pack.close();
            }
        }
        table.setHeader(H_PACK_TAIL, tail + record);
        table.setHeader(H_PACK_USED, table.header(H_PACK_USED) + record);
        return packedState(last, (int) tail);
    }

    /**
     * Under the lock: enters the key's entry, at {@code state}, replacing (and letting go of) the
     * stored form of an earlier one; a new key in a full table first evicts one entry.
     */
    private void upsert(long state, long fn, long k0, long k1, long size, long cost) {
        int at = table.probe(fn, k0, k1);
        double priority = policy.priority(table.inflation(), cost, size);
        if (at >= 0) {
            long old = table.state(at);
            if (old != state) { // the same record again: an operation started over after a rebuild found it
                discardStoredForm(at, state == FULL);
            }
            table.addTotals(size - table.size(at), 0);
            if (isPacked(old)) {
                table.addPackLive(-table.size(at));
            }
            table.writeSlot(at, state, fn, k0, k1, size, cost, priority);
        } else {
            if (table.count() >= table.maxEntries()) {
                eviction().evictOne(table.home(fn, k0, k1)); // where the probe just read: in the cache already
                at = table.probe(fn, k0, k1); // the table moved
                if (at >= 0) {
                    throw new Damaged("key appeared during eviction");
                }
            }
            table.writeSlot(-1 - at, state, fn, k0, k1, size, cost, priority);
            table.addTotals(size, 1);
        }
        if (isPacked(state)) {
            table.addPackLive(size);
        }
    }

    /** Records an object that exists but is not indexed (found by a read). */
    int adopt(long fn, long k0, long k1, long size, long cost) throws IOException {
        return locked(() -> {
            if (table.probe(fn, k0, k1) >= 0 || !StoreFiles.isRegularFile(objects.pathOf(fn, k0, k1))) {
                return 0;
            }
            upsert(FULL, fn, k0, k1, size, cost);
            return evictAndCompact();
        });
    }

    /** Deletes the stored entry of a key (object file or pack record) and its index entry. */
    void remove(long fn, long k0, long k1) throws IOException {
        locked(() -> {
            int at = table.probe(fn, k0, k1);
            if (at >= 0) {
                discardStoredForm(at, true); // the file, indexed or not, is deleted below
                table.removeAt(at);
            }
            StoreFiles.delete(objects.directory().getParent(), objects.pathOf(fn, k0, k1));
            return null;
        });
    }

    /** Drops the index entry of a key whose object file or pack is gone (nothing else is touched). */
    void forget(long fn, long k0, long k1) throws IOException {
        locked(() -> {
            int at = table.probe(fn, k0, k1);
            if (at >= 0) {
                long state = table.state(at);
                Path stored = isPacked(state) ? objects.packs().pathOf(packOf(state)) : objects.pathOf(fn, k0, k1);
                if (!StoreFiles.isRegularFile(stored)) {
                    table.removeAt(at);
                }
            }
            return null;
        });
    }

    /**
     * A lock-free read found the pack record at {@code state} unsound for the key, twice. Under
     * the lock, with the pack mapped afresh: when the key's entry is still that record and the
     * record is still unsound, it is removed (dead mark, index entry) and true returned; false
     * when the entry moved or the record reads sound now (the reader looks again).
     */
    boolean removeIfUnsound(long fn, long k0, long k1, long state, java.util.function.Predicate<byte[]> sound)
            throws IOException {
        return locked(() -> {
            int at = table.probe(fn, k0, k1);
            if (at < 0 || table.state(at) != state) {
                return false;
            }
            byte[] entry;
            try (Packs.Mapped pack = objects.packs().mapNow(packOf(state))) {
                entry = Packs.entry(pack, offsetOf(state));
            } catch (NoSuchFileException e) {
                table.removeAt(at);
                return true;
            } catch (InternalError e) {
                entry = null; // cut short under the mapping
            }
            if (entry != null && sound.test(entry)) {
                return false;
            }
            discardStoredForm(at, false);
            table.removeAt(at);
            return true;
        });
    }

    /** Deletes {@code path}, the object of the key, if the index does not know it. Returns whether it did. */
    boolean deleteIfUnindexed(long fn, long k0, long k1, Path path) throws IOException {
        return locked(() -> {
            int at = table.probe(fn, k0, k1);
            return (at < 0 || isPacked(table.state(at))) && StoreFiles.delete(objects.directory().getParent(), path);
        });
    }

    /**
     * Runs eviction now (after the bound was changed), first making the index anew for the bound
     * when its size is not the one for it.
     */
    public int enforceBound() throws IOException {
        return locked(() -> {
            resizeForBound();
            return evictAndCompact();
        });
    }

    /** Lock-free: whether the key has an index entry. */
    boolean contains(long fn, long k0, long k1) {
        return where(fn, k0, k1) != EMPTY;
    }

    /**
     * Lock-free: the state of the key's entry ({@link SlotTable#FULL} for an object file, a packed
     * state for a pack record), or {@link SlotTable#EMPTY}. A lookup that finds nothing while a
     * change runs looks again once the change is over (briefly; then it reports what it saw).
     */
    long where(long fn, long k0, long k1) {
        try {
            for (int attempt = 0; ; attempt++) {
                long before = table.header(H_CHANGES);
                int at = table.find(fn, k0, k1);
                long state = at < 0 ? EMPTY : table.state(at);
                if (state != EMPTY || attempt >= 64
                        || ((before & 1) == 0 && table.header(H_CHANGES) == before) || changeStuck(before)) {
                    return state;
                }
                if (attempt < 16) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(20_000);
                }
            }
        } catch (RuntimeException | InternalError e) {
            table.suspect = true;
            return EMPTY;
        }
    }

    /**
     * A change that lasts longer than this is stuck: its process was stopped (SIGSTOP) or hangs
     * while it held the index lock. A lookup that finds nothing then reports so at once, instead
     * of looking again for about a millisecond, every time, until that process goes on. (A live
     * change lasts microseconds; a rebuild or a compaction may last longer, and a lookup that
     * meets one reports what it saw, as it always did after its last look: at worst a miss.)
     */
    static final long STUCK_CHANGE_NANOS = 100_000_000L;
    /** The odd change counter a lookup last met, and since when ({@link #changeStuck}); advice, racy by design. */
    private volatile long oddSeen;
    private volatile long oddSince;

    /** Whether {@code counter} is odd, and was already when a lookup met it {@link #STUCK_CHANGE_NANOS} ago. */
    private boolean changeStuck(long counter) {
        if ((counter & 1) == 0) {
            return false;
        }
        long now = System.nanoTime();
        if (oddSeen != counter) {
            oddSince = now; // before oddSeen: whoever sees the new counter sees this time or a later one
            oddSeen = counter;
            return false;
        }
        return now - oddSince >= STUCK_CHANGE_NANOS;
    }

    /** The lowest pack number that may still exist; mappings of lower ones can be dropped. */
    long firstPack() {
        try {
            return table.header(H_PACK_FIRST);
        } catch (RuntimeException | InternalError e) {
            return 0;
        }
    }

    /**
     * Lock-free: a hit on the key raises its priority. Returns whether the key was found. A
     * concurrent change of the slot makes this refresh a neighbour or nothing: priorities are
     * advice, never a reason to return a value.
     */
    boolean touch(long fn, long k0, long k1) {
        try {
            int at = table.find(fn, k0, k1);
            if (at < 0) {
                return false;
            }
            table.refreshPriority(at, policy.priority(table.inflation(), table.cost(at), table.size(at)));
            return true;
        } catch (RuntimeException | InternalError e) {
            // InternalError: the mapped file was truncated under us; the next locked change re-creates it.
            table.suspect = true;
            return true;
        }
    }

    // ---------------------------------------------------------------- for tools (StoreMaintenance)

    /** One index entry as the slot holds it. */
    interface SlotVisitor {
        void visit(long state, long fn, long k0, long k1, long size, long cost, double priority);
    }

    /**
     * Visits every entry, as copied under the index lock (a consistent snapshot: no change runs
     * meanwhile); the visitor runs after the lock is let go.
     */
    void forEachEntry(SlotVisitor visitor) throws IOException {
        long[] slots = locked(() -> {
            long[] copy = new long[(int) Math.min(Integer.MAX_VALUE - 8, table.count() * 7 + 7)];
            int n = 0;
            for (int i = 0, end = table.slots(); i < end; i++) {
                long state = table.state(i);
                if (state != EMPTY) {
                    if (n + 7 > copy.length) {
                        copy = java.util.Arrays.copyOf(copy, copy.length * 2);
                    }
                    copy[n++] = state;
                    copy[n++] = table.fn(i);
                    copy[n++] = table.k0(i);
                    copy[n++] = table.k1(i);
                    copy[n++] = table.size(i);
                    copy[n++] = table.cost(i);
                    copy[n++] = Double.doubleToRawLongBits(table.priority(i));
                }
            }
            return java.util.Arrays.copyOf(copy, n);
        });
        for (int i = 0; i < slots.length; i += 7) {
            visitor.visit(slots[i], slots[i + 1], slots[i + 2], slots[i + 3], slots[i + 4], slots[i + 5],
                    Double.longBitsToDouble(slots[i + 6]));
        }
    }

    /** Lock-free: bytes of pack records, dead ones included, and of live ones ({@code [used, live]}). */
    long[] packBytes() {
        return new long[] {table.header(H_PACK_USED), table.header(H_PACK_LIVE)};
    }

    /**
     * Under the index lock: compacts the packs while they hold dead records
     * ({@link Compaction#compactAllDead}), then drops the entries of records it could not move
     * (damaged ones): their packs are gone.
     */
    void compactAllDead() throws IOException {
        locked(() -> {
            compaction().compactAllDead();
            long first = table.header(H_PACK_FIRST);
            java.util.List<long[]> gone = new java.util.ArrayList<>();
            for (int i = 0, n = table.slots(); i < n; i++) {
                long state = table.state(i);
                if (isPacked(state) && packOf(state) < first) {
                    gone.add(new long[] {table.fn(i), table.k0(i), table.k1(i)});
                }
            }
            for (long[] key : gone) {
                int at = table.probe(key[0], key[1], key[2]);
                if (at >= 0 && isPacked(table.state(at)) && packOf(table.state(at)) < first) {
                    table.removeAt(at);
                }
            }
            return null;
        });
    }
}
