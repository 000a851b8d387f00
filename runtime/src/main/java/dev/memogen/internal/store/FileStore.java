package dev.memogen.internal.store;

import dev.memogen.internal.codec.CorruptValueException;
import dev.memogen.internal.codec.ValueReader;
import dev.memogen.internal.codec.ValueWriter;
import dev.memogen.internal.hash.Hex;
import dev.memogen.internal.hash.Xxh3Stream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The embedded persistent store. An entry of up to {@code memogen.packMax} bytes is a record
 * appended to a shared, memory-mapped pack file ({@code <dir>/packs/}, see {@link Packs}); a
 * larger one is a file of its own, {@code <dir>/objects/<function>/<xx>/<argument key>}. The
 * index ({@link StoreIndex}) says where each entry is, so a lookup costs the same however many
 * entries exist, and opening the store reads nothing.
 *
 * <p>An entry, record or file, holds a header with the full key (system state, function id,
 * function version, argument key, argument version), the payload, and an XXH3-128 checksum of
 * both. A file is written to a temporary file in the same directory and moved into place
 * atomically; a record is appended past the pack's tail and becomes visible when the index
 * points to it. Readers and other processes see either the old entry or the new one, never a
 * torn one. An entry whose checksum or key does not match is a miss.
 *
 * <p>Sizes, compute costs and eviction priorities of all entries, and the store's byte total, are
 * kept in a {@link StoreIndex}; every rename that installs an object happens under the index lock
 * together with its index entry, and the entries over the size bound are evicted there too. A
 * store opened read-only ({@code memogen.readOnly}) has no index and never writes. See
 * {@code docs/store-format.md}.
 */
public final class FileStore implements StoreIndex.ObjectFiles {
    /** Version of the on-disk format; part of every entry's system state. */
    public static final int FORMAT_VERSION = EntryFormat.FORMAT_VERSION;

    /**
     * Files larger than this are decoded while they are read, in {@link #READ_CHUNK} pieces, when
     * the caller does not keep the encoded bytes: no array the size of the file, and the checksum
     * is computed over each piece while it is in cache.
     */
    public static final int STREAM_ABOVE = 1 << 20;

    /**
     * An object file being decoded as it is read: the payload's {@link #reader()} refills from
     * the file and feeds every byte to the checksum; {@link #checksumMatches()} then compares it
     * with the file's trailer. Nothing decoded from it may be used before that returns true.
     */
    public static final class Streamed implements ValueReader.Source, AutoCloseable {
        private final FileChannel channel;
        /** Bytes before the checksum trailer. */
        private final long body;
        private long at;
        private final Xxh3Stream sum = new Xxh3Stream();
        private ValueReader reader;
        /** With a key: the tag of the bytes before {@link #tagAt}, computed as they are read; else null. */
        private final javax.crypto.Mac mac;
        /** Where the entry's tag starts (with a key; set once the header is read). */
        private long tagAt;
        /** The tag read from the file. */
        private final byte[] tag = new byte[StoreKey.TAG_BYTES];

        Streamed(FileChannel channel, long body, javax.crypto.Mac mac) {
            this.channel = channel;
            this.body = body;
            this.mac = mac;
            this.tagAt = body;
        }

        public ValueReader reader() {
            return reader;
        }

        @Override
        public int read(byte[] into, int offset, int length) {
            int want = (int) Math.min(length, body - at);
            if (want <= 0) {
                throw new CorruptValueException("object file ends before its value does");
            }
            try {
                int n = channel.read(ByteBuffer.wrap(into, offset, want), at);
                if (n <= 0) {
                    throw new CorruptValueException("object file is shorter than its size said");
                }
                sum.putBytes(into, offset, n);
                if (mac != null) {
                    int before = (int) Math.max(0, Math.min(n, tagAt - at)); // bytes of this read before the tag
                    mac.update(into, offset, before);
                    for (int i = before; i < n; i++) {
                        tag[(int) (at + i - tagAt)] = into[offset + i];
                    }
                }
                at += n;
                return n;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /**
         * Reads what the decoder left (nothing, for a sound file but the tag) and compares the
         * checksum and, with a key, the tag.
         */
        public boolean checksumMatches() throws IOException {
            byte[] rest = new byte[(int) Math.min(READ_CHUNK, Math.max(16, body - at))];
            try {
                while (at < body) {
                    read(rest, 0, rest.length);
                }
            } catch (CorruptValueException e) {
                return false; // shorter than its size said
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
            ByteBuffer trailer = ByteBuffer.allocate(EntryFormat.CHECKSUM_BYTES);
            while (trailer.hasRemaining()) {
                if (channel.read(trailer, body + trailer.position()) < 0) {
                    return false;
                }
            }
            return EntryFormat.trailerMatches(trailer.array(), sum)
                    && (mac == null || java.security.MessageDigest.isEqual(mac.doFinal(), tag));
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // read-only: nothing is lost
            }
        }
    }

    /** The store's directory: every file below it is reached without following a link ({@link StoreFiles}). */
    private final Path root;
    private final Path objects;
    private final Packs packs;
    /** Entries (header, payload, checksum) up to this many bytes are written to packs; 0: never. */
    private final int packMax;
    /** Where each key's record is, for a store without an index (read-only); scanned at the first read. */
    private volatile java.util.Map<PackKey, Long> scannedPacks;
    /** The lowest pack number this JVM knows to exist; its mappings of lower ones are dropped. */
    private volatile long firstPack;
    /**
     * Single flight between processes ({@link #flights}): made at the first miss, not as the store
     * opens (a rerun that only hits never loads it). Only a writable store is asked for it
     * ({@code ProcessFlights} checks {@link #writable}).
     */
    private volatile FlightTable flightTable;
    private final String systemState;
    private final Reports reports;
    /** {@code null} when the store is read-only (by request, or because the index cannot be opened). */
    private final StoreIndex index;
    /** {@code memogen.key}: entries are written with a tag and read only with a valid one; {@code null} for none. */
    private final StoreKey key;
    /** The names behind the digests entries carry: {@code functions/} ({@link #names}, made at the first store). */
    private volatile FunctionNames names;
    /**
     * What the JVMs that used the store counted of each function: {@code functions/<fn>.counts};
     * made when first asked for (at a JVM's end, by tools), not as the store opens.
     */
    private volatile FunctionCounts counts;
    /** What every remote name starts with ({@link #remoteName}): made once a remote asks. */
    private String remoteSpace;

    public FileStore(Path root, String systemState, StoreSettings config, Reports reports) throws IOException {
        if (config.key() != null) {
            config.key().checkUsable();
        }
        this.key = config.key();
        this.root = root;
        this.objects = root.resolve("objects");
        this.systemState = systemState;
        this.reports = reports;
        this.packs = new Packs(root.resolve("packs"), !config.readOnly());
        this.packMax = (int) Math.min(config.packMax(), Packs.MAX_ENTRY);
        StoreIndex opened = null;
        if (!config.readOnly()) {
            if (!Files.isDirectory(root)) {
                // The store's own directory (a link to one is the user's choice) is made without
                // write for group and others; what is inside it is never reached through a link.
                Path parent = root.toAbsolutePath().getParent();
                Files.createDirectories(parent);
                StoreFiles.directories(parent, root.toAbsolutePath(), reports);
            }
            StoreFiles.directories(root, objects, reports);
            try {
                opened = StoreIndex.open(root.resolve("index"), this, EvictionPolicy.named(config.policy()), reports,
                        config.maxSize(), config.lockTimeoutNanos(), config.lockHoldNanos());
            } catch (IOException | RuntimeException e) {
                reports.warnOnce("index", "cannot open the store index in " + root
                        + "; the store is used read-only (hits are served, nothing is written)", e);
            }
        } else if (!StoreFiles.isDirectory(objects)) {
            throw new NoSuchFileException(objects.toString(), null, "no store to read (memogen.readOnly is set)");
        }
        this.index = opened;
    }

    /** The flights file's table: one per store in this JVM, which its flights share. */
    private FlightTable flights() {
        FlightTable f = flightTable;
        if (f == null) {
            synchronized (this) {
                f = flightTable;
                if (f == null) {
                    f = new FlightTable(root.resolve("flights"), index);
                    flightTable = f;
                }
            }
        }
        return f;
    }

    /** The names files' keeper: one per store in this JVM (it remembers which functions it noted). */
    private FunctionNames names() {
        FunctionNames n = names;
        if (n == null) {
            synchronized (this) {
                n = names;
                if (n == null) {
                    n = new FunctionNames(root, key, reports);
                    names = n;
                }
            }
        }
        return n;
    }

    @Override
    public Path directory() {
        return objects;
    }

    @Override
    public int packMax() {
        return packMax;
    }

    @Override
    public Packs packs() {
        return packs;
    }

    /** Whether results are written (not read-only). */
    public boolean writable() {
        return index != null;
    }

    /** The index, or {@code null} for a read-only store. */
    public StoreIndex index() {
        return index;
    }

    /** Where the object file of the argument key ({@code k0}, {@code k1}) lives (its key salted: {@link StoredFunction#storeK0}). */
    public Path pathFor(StoredFunction fn, long k0, long k1) {
        return pathOf(fn.idHash(), fn.storeK0(k0), fn.storeK1(k1));
    }

    @Override
    public Path pathOf(long fn, long k0, long k1) {
        // One string, parsed once: "<fn>/<xx>/<k0><k1>" (this runs on every store read and write).
        char[] name = new char[16 + 1 + 2 + 1 + 32];
        Hex.put(name, 0, fn);
        name[16] = '/';
        Hex.put(name, 20, k0);
        Hex.put(name, 36, k1);
        name[17] = name[20];
        name[18] = name[21];
        name[19] = '/';
        return objects.resolve(new String(name));
    }


    /**
     * Reads the entry for a key; any I/O error other than absence is thrown to the caller. Keeps
     * the index in step: a hit raises the entry's priority (or indexes an object the index lost),
     * an indexed key whose object is gone loses its index entry, a damaged object is deleted. A
     * file larger than {@link #STREAM_ABOVE} is decoded as it is read ({@link Found#streamed()})
     * unless {@code keepsBytes} says the caller keeps the encoded bytes of a file that size
     * ({@code null}: always read whole). The caller closes a streamed hit.
     */
    public Found read(StoredFunction fn, long k0, long k1, java.util.function.LongPredicate keepsBytes) throws IOException {
        return readKey(fn, fn.storeK0(k0), fn.storeK1(k1), keepsBytes);
    }

    /** {@link #read} of store key ({@code k0}, {@code k1}), salted already. */
    private Found readKey(StoredFunction fn, long k0, long k1, java.util.function.LongPredicate keepsBytes)
            throws IOException {
        long where = index != null ? index.where(fn.idHash(), k0, k1) : scannedLocation(fn.idHash(), k0, k1);
        if (SlotTable.isPacked(where)) {
            Found found = readPacked(fn, k0, k1, where);
            if (found != null) {
                return found;
            }
            where = SlotTable.FULL; // replaced by an object file meanwhile
        }
        Path path = pathOf(fn.idHash(), k0, k1);
        if (index != null && where == SlotTable.EMPTY) {
            // The usual miss: no system call. Every object is installed under the index lock
            // together with its index entry, and a process killed in between leaves the index
            // dirty, so the next change rebuilds it from the objects: an object the index does
            // not know is one a rebuild had no room for, an orphan (removeOrphans deletes it).
            return Found.ABSENT;
        }
        Found found;
        long fileSize;
        try {
            if (Thread.currentThread().isInterrupted()) {
                byte[] bytes = readUninterrupted(path);
                fileSize = bytes.length;
                found = parse(bytes, fn, k0, k1);
            } else {
                FileChannel ch = StoreFiles.open(root, path, StandardOpenOption.READ);
                boolean handedOver = false;
                try {
                    fileSize = ch.size();
                    if (fileSize > Integer.MAX_VALUE - 16) {
                        throw new IOException("object file " + path + " is too large (" + fileSize + " bytes)");
                    }
                    if (fileSize > STREAM_ABOVE && keepsBytes != null && !keepsBytes.test(fileSize)) {
                        found = parseStreamed(ch, fileSize, fn, k0, k1);
                        handedOver = found instanceof Found.Streaming;
                    } else {
                        found = parse(readFully(ch, (int) fileSize), fn, k0, k1);
                    }
                } finally {
                    if (!handedOver) {
                        ch.close();
                    }
                }
            }
        } catch (java.nio.channels.ClosedByInterruptException e) {
            byte[] bytes = readUninterrupted(path);
            fileSize = bytes.length;
            found = parse(bytes, fn, k0, k1);
        } catch (StoreFiles.NotPlain e) {
            // A link, a FIFO, a directory...: never followed or opened; damage, removed below.
            fileSize = 0;
            found = new Found.Corrupt(e.getMessage());
        } catch (NoSuchFileException e) {
            if (index != null && index.contains(fn.idHash(), k0, k1)) {
                reports.event("missing", "an indexed entry of " + fn.id() + " has no object at " + path
                        + "; it is recomputed");
                unlessBusy(() -> index.forget(fn.idHash(), k0, k1));
            }
            return Found.ABSENT;
        }
        if (index != null) {
            if (found instanceof Found.Hit hit) {
                if (!index.touch(fn.idHash(), k0, k1)) {
                    long size = fileSize;
                    unlessBusy(() -> index.adopt(fn.idHash(), k0, k1, size, Math.max(0, hit.cost())));
                }
            } else if (found instanceof Found.Corrupt) {
                unlessBusy(() -> index.remove(fn.idHash(), k0, k1));
            }
        }
        if (found instanceof Found.Corrupt c) {
            return new Found.Corrupt(path + ": " + c.detail());
        }
        return found;
    }

    /**
     * Runs a change of the index that a read makes on the side (entering an object the index lost,
     * dropping a damaged or vanished entry), or leaves it for a later read when the index lock is
     * kept by a process that does not let go ({@link IndexLock.Busy}): a hit never needs the lock.
     */
    private void unlessBusy(StoreIndex.LockedIo change) throws IOException {
        try {
            change.run();
        } catch (IndexLock.Busy e) {
            e.warn(reports);
        }
    }

    /**
     * Reads a pack record; null when the key's entry turned out to be an object file meanwhile
     * (with an index: a store without one only finds records).
     * A record that is not sound for the key is looked up again (a lock-free lookup can meet a
     * slot while it changes); one that stays unsound is confirmed under the index lock, with the
     * pack mapped afresh, before it is reported as damaged and removed.
     */
    private Found readPacked(StoredFunction fn, long k0, long k1, long where) throws IOException {
        letGoOfCompactedPacks();
        for (int attempt = 0; attempt < 4; attempt++) {
            Found found;
            try {
                byte[] entry = packs.entry(SlotTable.packOf(where), SlotTable.offsetOf(where));
                found = entry == null ? new Found.Corrupt("no record there") : parse(entry, fn, k0, k1);
            } catch (NoSuchFileException e) {
                found = new Found.Corrupt(e instanceof StoreFiles.NotPlain ? e.getMessage() : "the pack is missing");
            } catch (InternalError e) {
                found = new Found.Corrupt("the pack was cut short");
            }
            if (!(found instanceof Found.Corrupt c)) {
                if (found instanceof Found.Hit && index != null) {
                    index.touch(fn.idHash(), k0, k1);
                }
                return found;
            }
            found = new Found.Corrupt(packs.pathOf(SlotTable.packOf(where)) + " at " + SlotTable.offsetOf(where)
                    + ": " + c.detail());
            if (index == null) {
                return found; // read-only: nothing to confirm or remove
            }
            long again = index.where(fn.idHash(), k0, k1);
            if (again == where && attempt > 0) {
                Found damaged = found;
                boolean removed;
                try {
                    removed = index.removeIfUnsound(fn.idHash(), k0, k1, where,
                            entry -> !(parse(entry, fn, k0, k1) instanceof Found.Corrupt));
                } catch (IndexLock.Busy e) {
                    e.warn(reports);
                    return Found.ABSENT; // not confirmed: computed, and the record is looked at again later
                }
                if (removed) {
                    return damaged;
                }
                again = index.where(fn.idHash(), k0, k1);
            }
            if (!SlotTable.isPacked(again)) {
                return again == SlotTable.EMPTY ? Found.ABSENT : null;
            }
            where = again;
        }
        return Found.ABSENT; // kept changing under us: computing the value is always safe
    }

    /**
     * Unmaps this JVM's mappings of the packs that a compaction (of any process) deleted since it
     * last looked: their disk space is given back when this JVM's readers are done with them,
     * not at some later garbage collection. Looked at on every pack read and write: one read of
     * the index header.
     */
    private void letGoOfCompactedPacks() {
        long first = index != null ? index.firstPack() : 0;
        if (first > firstPack) {
            firstPack = first;
            packs.dropBelow(first);
        }
    }

    /** A key of a record found by scanning the packs of a store without an index. */
    private record PackKey(long fn, long k0, long k1) {}

    private long scannedLocation(long fn, long k0, long k1) {
        java.util.Map<PackKey, Long> scanned = scannedPacks;
        if (scanned == null) {
            synchronized (this) {
                scanned = scannedPacks;
                if (scanned == null) {
                    scanned = scanPacks();
                    scannedPacks = scanned;
                }
            }
        }
        Long where = scanned.get(new PackKey(fn, k0, k1));
        return where == null ? SlotTable.EMPTY : where;
    }

    /** Every sound, live record of every pack, the later of two for a key winning (as a rebuild does). */
    private java.util.Map<PackKey, Long> scanPacks() {
        java.util.Map<PackKey, Long> found = new java.util.HashMap<>();
        try {
            for (long number : packs.list()) {
                try (Packs.Mapped pack = packs.map(number)) {
                    Packs.scan(pack, (offset, length, dead, sound, fn, k0, k1, cost) -> {
                        if (!dead && sound) {
                            found.put(new PackKey(fn, k0, k1), SlotTable.packedState(number, offset));
                        }
                    });
                } catch (IOException | InternalError e) {
                    // a pack that vanished or was cut short: its records are misses
                }
            }
        } catch (IOException e) {
            reports.warnOnce("packs", "cannot list the packs in " + packs.directory()
                    + "; their entries are computed again", e);
        }
        return found;
    }

    /**
     * The object file at {@code path}, read whole by an interrupted thread: FileChannel reads fail
     * on one, so the flag is cleared meanwhile and set again after (Files.readAllBytes, which
     * ignores it, would follow a link).
     */
    private byte[] readUninterrupted(Path path) throws IOException {
        boolean interrupted = Thread.interrupted();
        try (FileChannel ch = StoreFiles.open(root, path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE - 16) {
                throw new IOException("object file " + path + " is too large (" + size + " bytes)");
            }
            return readFully(ch, (int) size);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Reads at most this much per read(2): the JDK copies through a temporary buffer this large, which stays in cache. */
    private static final int READ_CHUNK = 256 * 1024;

    /**
     * The rest of an object file whose size is known: no read at the end to find EOF (object
     * files never change once in place, and the parse checks every length), in pieces of
     * {@link #READ_CHUNK}.
     */
    private static byte[] readFully(FileChannel ch, int size) throws IOException {
        byte[] bytes = new byte[size];
        ByteBuffer into = ByteBuffer.wrap(bytes);
        while (into.position() < size) {
            into.limit(Math.min(size, into.position() + READ_CHUNK));
            if (ch.read(into) < 0) {
                // Shorter than its size said: the parse reports it as damaged.
                return java.util.Arrays.copyOf(bytes, into.position());
            }
        }
        return bytes;
    }

    /**
     * Checks the header of a large file read in pieces; a hit leaves the channel open in the
     * returned {@link Streamed}, positioned at the payload. The checksum comes last, after the
     * caller has decoded the payload ({@link Streamed#checksumMatches()}).
     */
    private Found parseStreamed(FileChannel ch, long size, StoredFunction fn, long k0, long k1) throws IOException {
        long body = size - EntryFormat.CHECKSUM_BYTES;
        Streamed streamed = new Streamed(ch, body, key == null ? null : key.mac());
        byte[] buf = new byte[READ_CHUNK];
        try {
            int n = streamed.read(buf, 0, (int) Math.min(buf.length, body));
            ValueReader in = new ValueReader(buf, n, streamed, body - n);
            StreamingHit hit = new StreamingHit(streamed, body);
            Found found = EntryFormat.check(in, body, fn, systemState, k0, k1, hit);
            if (found instanceof Found.Streaming) {
                streamed.reader = in;
                streamed.tagAt = hit.tagAt; // the first piece, read already, is all header and payload
                found = authenticated(found, body, hit.tagAt);
            }
            return found;
        } catch (CorruptValueException e) {
            return new Found.Corrupt(e.getMessage());
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * The hit of an entry read whole. Here and in {@link StreamingHit}, classes rather than
     * lambdas: a fresh JVM spins a lambda's class at run time, on its first hit.
     */
    private static final class WholeHit implements EntryFormat.HitMaker {
        private final byte[] bytes;

        WholeHit(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public Found hit(int offset, int length, long created, long cost, long v0, long v1) {
            return new Found.Whole(bytes, offset, length, created, cost, v0, v1);
        }
    }

    /** The hit of an entry read in pieces; remembers where its tag starts (its payload's end). */
    private static final class StreamingHit implements EntryFormat.HitMaker {
        private final Streamed streamed;
        long tagAt;

        StreamingHit(Streamed streamed, long body) {
            this.streamed = streamed;
            this.tagAt = body;
        }

        @Override
        public Found hit(int offset, int length, long created, long cost, long v0, long v1) {
            tagAt = (long) offset + length;
            return new Found.Streaming(streamed, length, created, cost, v0, v1);
        }
    }

    /** Checks an entry read whole: lengths, checksum, header. */
    public Found parse(byte[] bytes, StoredFunction fn, long k0, long k1) {
        int body = bytes.length - EntryFormat.CHECKSUM_BYTES;
        if (body < 0) {
            return new Found.Corrupt("file of " + bytes.length + " bytes is too short");
        }
        if (!EntryFormat.checksumMatches(bytes, bytes.length)) {
            return new Found.Corrupt(Found.Corrupt.CHECKSUM);
        }
        try {
            Found found = EntryFormat.check(new ValueReader(bytes, 0, body), body, fn, systemState, k0, k1,
                    new WholeHit(bytes));
            if (found instanceof Found.Whole w) {
                int tagAt = w.payloadOffset() + w.payloadLength();
                found = authenticated(found, body, tagAt);
                if (found instanceof Found.Whole && key != null && !key.matches(bytes, 0, tagAt)) {
                    found = new Found.Corrupt(FORGED);
                }
            }
            return found;
        } catch (CorruptValueException e) {
            return new Found.Corrupt(e.getMessage());
        }
    }

    private static final String FORGED = "its authentication tag does not match (forged, or written with another"
            + " memogen.key)";

    /**
     * A sound entry whose tag, if any, starts at {@code tagAt} of its {@code body}: with a key, one
     * without a tag is stale (written before the key was set, or without it); the tag itself is
     * checked by the caller. Without a key the tag is not looked at.
     */
    private Found authenticated(Found found, long body, long tagAt) {
        if (key != null && tagAt == body) {
            if (found instanceof Found.Streaming s) {
                s.streamed().close();
            }
            return new Found.Stale("written without memogen.key");
        }
        return found;
    }

    /**
     * Writes an entry atomically, replacing any older entry for the same key, and evicts entries
     * until the store is within its bound again. Does nothing on a read-only store. Returns the
     * stored size in bytes (0 when nothing was written).
     */
    public long write(StoredFunction fn, long k0, long k1, ValueWriter payload, long computeNanos) throws IOException {
        return write(fn, k0, k1, 0, 0, payload, computeNanos);
    }

    /** {@link #write(StoredFunction, long, long, ValueWriter, long)} with argument version ({@code v0}, {@code v1}). */
    public long write(StoredFunction fn, long k0, long k1, long v0, long v1, ValueWriter payload, long computeNanos)
            throws IOException {
        if (index == null) {
            return 0;
        }
        try {
            long size = writeIndexed(fn, fn.storeK0(k0), fn.storeK1(k1), v0, v1, payload, computeNanos);
            // The first entry of this function version stored here by this JVM: its names go to
            // functions/ (one small file write, once; after the entry, so that an orphan sweep,
            // which deletes the names of functions without entries, keeps them).
            noteNames(fn);
            return size;
        } catch (IndexLock.Busy e) {
            // Another process keeps the index lock and does not let go (stopped, hung): the caller
            // has its value; the entry is left for a later call to store (docs/store-format.md).
            e.warn(reports);
            return 0;
        }
    }

    private long writeIndexed(StoredFunction fn, long k0, long k1, long v0, long v1, ValueWriter payload,
            long computeNanos) throws IOException {
        int payloadLength = payload.size();
        ValueWriter header = EntryFormat.header(fn, systemState, k0, k1, v0, v1, computeNanos,
                System.currentTimeMillis(), payloadLength);
        javax.crypto.Mac mac = key == null ? null : key.mac();
        int sealBytes = (mac == null ? 0 : StoreKey.TAG_BYTES) + EntryFormat.CHECKSUM_BYTES;
        long size = (long) header.size() + payloadLength + sealBytes;
        // An entry that fits one write, or a pack, is hashed whole up front (a deferred array is
        // at least WRITE_CHUNK long, so such an entry is flattened only when it goes to a pack).
        byte[] trailer = null;
        if (size <= Math.max(WRITE_CHUNK, packMax)) {
            byte[] bytes = payload.array();
            Xxh3Stream sum = new Xxh3Stream();
            sum.putBytes(header.array(), 0, header.size());
            sum.putBytes(bytes, 0, payloadLength);
            if (mac != null) {
                mac.update(header.array(), 0, header.size());
                mac.update(bytes, 0, payloadLength);
            }
            trailer = EntryFormat.seal(sum, mac);
            if (size <= packMax) {
                letGoOfCompactedPacks();
            }
            if (size <= packMax && index.commitPacked(fn.idHash(), k0, k1, Math.max(0, computeNanos), header.array(),
                    header.size(), bytes, payloadLength, trailer, trailer.length)) {
                return size;
            }
        }
        installObject(fn.idHash(), k0, k1, size, computeNanos,
                EntryWriter.of(header, payload, payloadLength, trailer, mac, size));
        return size;
    }

    /**
     * Writes an entry's object file: header, payload and seal ({@link #writeIndexed}); {@code sealed}
     * is the seal computed up front for an entry that fits one write, else null. A class, not a
     * lambda (see {@link MoveInPlace}), made by {@link #of} as an {@link ObjectWriter}: the
     * verifier of this store's class then does not load that interface, which a rerun that only
     * hits never needs.
     */
    private record EntryWriter(ValueWriter header, ValueWriter payload, int payloadLength, byte[] sealed,
            javax.crypto.Mac mac, long size) implements ObjectWriter {
        static ObjectWriter of(ValueWriter header, ValueWriter payload, int payloadLength, byte[] sealed,
                javax.crypto.Mac mac, long size) {
            return new EntryWriter(header, payload, payloadLength, sealed, mac, size);
        }

        @Override
        public void write(FileChannel out) throws IOException {
            if (size <= WRITE_CHUNK) {
                ByteBuffer[] parts = {
                    ByteBuffer.wrap(header.array(), 0, header.size()),
                    ByteBuffer.wrap(payload.array(), 0, payloadLength),
                    ByteBuffer.wrap(sealed)
                };
                long written = 0;
                while (written < size) {
                    written += out.write(parts);
                }
            } else {
                // A large entry goes in slices, each hashed as it is written: the JDK copies
                // each heap slice through a temporary direct buffer of its size, which then
                // stays in cache for the kernel's copy and the hash (8 MiB at once would not).
                // Arrays the encoder kept by reference are read from the result itself.
                SealingSink sink = new SealingSink(out, mac);
                sink.accept(header.array(), 0, header.size());
                payload.forEachChunk(WRITE_CHUNK, sink);
                byte[] seal = EntryFormat.seal(sink.sum, mac);
                writeFully(out, seal, 0, seal.length);
            }
        }
    }

    /** Writes the slices of a large entry, hashing each (and with a key, authenticating it) as it goes. */
    private static final class SealingSink implements ValueWriter.ChunkSink {
        private final FileChannel out;
        private final javax.crypto.Mac mac;
        final Xxh3Stream sum = new Xxh3Stream();

        SealingSink(FileChannel out, javax.crypto.Mac mac) {
            this.out = out;
            this.mac = mac;
        }

        @Override
        public void accept(byte[] bytes, int offset, int length) throws IOException {
            sum.putBytes(bytes, offset, length);
            if (mac != null) {
                mac.update(bytes, offset, length);
            }
            writeFully(out, bytes, offset, length);
        }
    }

    /**
     * Moves an object file written under a temporary name into place: {@link #installObject}'s
     * work under the index lock. A class, not a lambda, as the entry's writer ({@link EntryWriter}):
     * a fresh JVM spins a lambda's class at its first call (the method-handle machinery, in the
     * interpreter), and its first miss writes an object.
     */
    private record MoveInPlace(Path root, Path tmp, Path target) implements StoreIndex.LockedIo {
        @Override
        public void run() throws IOException {
            StoreFiles.move(root, tmp, target);
        }
    }

    /** Writes the bytes of an object file: {@link #installObject}. */
    private interface ObjectWriter {
        void write(FileChannel out) throws IOException;
    }

    /**
     * Writes an object file of {@code size} bytes through {@code writer} under a temporary name,
     * then moves it in place under the index lock with its index entry: no other process
     * (eviction, removeOrphans) ever sees the object without its entry.
     */
    private void installObject(long fn, long k0, long k1, long size, long computeNanos, ObjectWriter writer)
            throws IOException {
        Path target = pathOf(fn, k0, k1);
        Path tmp = StoreFiles.temporaryFor(target);
        FileChannel ch = StoreFiles.createNew(root, tmp, reports);
        boolean moved = false;
        try {
            try (FileChannel out = ch) {
                writer.write(out);
            }
            index.commit(fn, k0, k1, size, Math.max(0, computeNanos), new MoveInPlace(root, tmp, target));
            moved = true;
        } finally {
            if (!moved) {
                StoreFiles.delete(root, tmp);
            }
        }
    }

    /**
     * The name of the remote tier's object for an entry of {@code fn} (its own version, this
     * store's system state, the JDK of its lookup) for argument key ({@code k0}, {@code k1}) and
     * argument version ({@code v0}, {@code v1}): {@code <space>/<id hash>/<version digest>-<state
     * digest>/<store key>-<argument version>}, all hexadecimal. Everything that makes an entry
     * stale is in it, so that an object is never in the way of a fresher one (uploads never
     * overwrite) and code versions never collide. The space is {@code open} without
     * {@code memogen.key}, and with one a digest of the key ({@link #remoteSpace}): entries with
     * and without a tag, or tagged with different keys, never take each other's names. See
     * {@code docs/remote.md}.
     */
    public String remoteName(StoredFunction fn, long k0, long k1, long v0, long v1) {
        char[] name = new char[16 + 1 + 16 + 1 + 16 + 1 + 32 + 1 + 32];
        Hex.put(name, 0, fn.idHash());
        name[16] = '/';
        Hex.put(name, 17, fn.versionDigest());
        name[33] = '-';
        Hex.put(name, 34, fn.stateDigest(systemState));
        name[50] = '/';
        Hex.put(name, 51, fn.storeK0(k0));
        Hex.put(name, 67, fn.storeK1(k1));
        name[83] = '-';
        Hex.put(name, 84, v0);
        Hex.put(name, 100, v1);
        String space = remoteSpace;
        if (space == null) {
            space = remoteSpace();
            remoteSpace = space;
        }
        return space + '/' + new String(name);
    }

    /**
     * The first part of every remote name: {@code open}, or {@code k} and 16 hexadecimal digits of
     * the HMAC of a fixed text under {@code memogen.key}, which names the key without giving it away.
     */
    private String remoteSpace() {
        if (key == null) {
            return "open";
        }
        javax.crypto.Mac mac = key.mac();
        byte[] tag = mac.doFinal("memogen remote space".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        char[] hex = new char[16];
        Hex.put(hex, 0, java.nio.ByteBuffer.wrap(tag).getLong());
        return "k" + new String(hex);
    }

    /**
     * Checks an entry that came from elsewhere (the remote tier) as a read checks an entry of its
     * own, header, checksum and, with {@code memogen.key}, tag, for the key and argument version
     * ({@code v0}, {@code v1}), and when it is sound stores it here as it is (its creation time and
     * compute cost too), so that later runs find it locally. {@code entry} must be the whole
     * entry, nothing more. Returns the entry as read ({@link Found.Whole}) or why it cannot be
     * used ({@link Found.Corrupt}, {@link Found.Stale}). A read-only store does not keep it, nor
     * does a write that fails (reported once); the caller has its value either way.
     */
    public Found adopt(StoredFunction fn, long k0, long k1, long v0, long v1, byte[] entry) throws IOException {
        long sk0 = fn.storeK0(k0);
        long sk1 = fn.storeK1(k1);
        Found found = parse(entry, fn, sk0, sk1);
        if (!(found instanceof Found.Whole whole)) {
            return found;
        }
        if (whole.version0() != v0 || whole.version1() != v1) {
            return new Found.Corrupt("its argument version is not the one its name says");
        }
        if (index == null) {
            return found;
        }
        try {
            long cost = Math.max(0, whole.cost());
            if (entry.length <= packMax) {
                letGoOfCompactedPacks();
                if (index.commitPacked(fn.idHash(), sk0, sk1, cost, entry, entry.length, entry, 0, entry, 0)) {
                    noteNames(fn);
                    return found;
                }
            }
            installObject(fn.idHash(), sk0, sk1, entry.length, cost, out -> writeFully(out, entry, 0, entry.length));
            noteNames(fn);
        } catch (IndexLock.Busy e) {
            e.warn(reports); // not kept here this time; the caller has the value
        } catch (IOException e) {
            reports.warnOnce("write", "cannot write to the store at " + root
                    + "; an entry from the remote tier is used but not kept", e);
        }
        return found;
    }

    /**
     * The bytes of the key's entry as stored, for the remote tier to upload, or {@code null} when
     * there is none (evicted or replaced since it was written: then it is not shared). An object
     * file is read from a channel opened now, which stays valid whatever happens to the file's
     * name meanwhile (object files never change once in place); the caller closes the source.
     */
    public EntrySource entrySource(StoredFunction fn, long k0, long k1) throws IOException {
        long sk0 = fn.storeK0(k0);
        long sk1 = fn.storeK1(k1);
        if (index == null) {
            return null;
        }
        long where = index.where(fn.idHash(), sk0, sk1);
        if (SlotTable.isPacked(where)) {
            letGoOfCompactedPacks();
            byte[] entry;
            try (Packs.Mapped pack = packs.map(SlotTable.packOf(where))) {
                entry = Packs.entry(pack, SlotTable.offsetOf(where));
            } catch (NoSuchFileException | InternalError e) {
                return null; // compacted or damaged meanwhile
            }
            return entry == null || entry.length < EntryFormat.MIN_BYTES || EntryFormat.k0Of(entry) != sk0 || EntryFormat.k1Of(entry) != sk1 ? null
                    : new EntrySource(entry, null, entry.length);
        }
        if (where == SlotTable.EMPTY) {
            return null;
        }
        FileChannel ch;
        try {
            ch = StoreFiles.open(root, pathOf(fn.idHash(), sk0, sk1), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return null; // includes a link or a FIFO (NotPlain): never uploaded
        }
        return new EntrySource(null, ch, ch.size());
    }

    /**
     * An entry's bytes as stored, in an array or an open object file: what the remote tier
     * uploads ({@link dev.memogen.internal.remote.ObjectSource}). Close it when done.
     */
    public static final class EntrySource implements dev.memogen.internal.remote.ObjectSource, AutoCloseable {
        private final byte[] bytes;
        private final FileChannel channel;
        private final long length;

        EntrySource(byte[] bytes, FileChannel channel, long length) {
            this.bytes = bytes;
            this.channel = channel;
            this.length = length;
        }

        @Override
        public long length() {
            return length;
        }

        @Override
        public java.io.InputStream open() {
            if (bytes != null) {
                return new java.io.ByteArrayInputStream(bytes);
            }
            return new java.io.InputStream() {
                private long at;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
                }

                @Override
                public int read(byte[] into, int offset, int count) throws IOException {
                    if (at >= length) {
                        return -1;
                    }
                    int n = channel.read(ByteBuffer.wrap(into, offset, (int) Math.min(count, length - at)), at);
                    if (n > 0) {
                        at += n;
                    }
                    return n == 0 ? -1 : n;
                }
            };
        }

        @Override
        public void close() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    // read only: nothing is lost
                }
            }
        }
    }

    /** After this JVM's first entry of {@code fn} here: its names go to {@code functions/} (see {@link #write}). */
    private void noteNames(StoredFunction fn) {
        FunctionNames n = names();
        if (fn.namesNoted != n.noted()) {
            n.note(fn, systemState);
        }
    }

    /** Writes at most this much per write(2); see {@link #READ_CHUNK}. */
    private static final int WRITE_CHUNK = 256 * 1024;

    private static void writeFully(FileChannel out, byte[] bytes, int offset, int length) throws IOException {
        ByteBuffer from = ByteBuffer.wrap(bytes, offset, length);
        int end = offset + length;
        while (from.position() < end) {
            from.limit(Math.min(end, from.position() + WRITE_CHUNK));
            out.write(from);
        }
    }

    /** Deletes the entry for a key if present (a corrupt or stale file), with its index entry. */
    public void delete(StoredFunction fn, long k0, long k1) throws IOException {
        if (index != null) {
            index.remove(fn.idHash(), fn.storeK0(k0), fn.storeK1(k1));
        }
    }

    /**
     * The claim on the stripe of a key that is about to be computed, or {@code null} when another
     * process holds it (flights of this JVM share it: {@link FlightTable#tryAcquire}). A stripe
     * whose word is {@code stalled} (not 0: a word the caller saw unchanged for
     * {@link FlightTable#STALLED_AFTER_NANOS}) is taken over.
     */
    public FlightTable.Claim claimKey(StoredFunction fn, long k0, long k1, long stalled) throws IOException {
        return flights().tryAcquire(fn.idHash(), fn.storeK0(k0), fn.storeK1(k1), stalled);
    }

    /** The word of the key's stripe: its owner's name and heartbeat, 0 when free ({@link FlightTable#word}). */
    public long keyOwnerWord(StoredFunction fn, long k0, long k1) throws IOException {
        return flights().word(fn.idHash(), fn.storeK0(k0), fn.storeK1(k1));
    }

    /** The pid of the process that holds the key's lock, or 0 (for messages). */
    public long keyOwnerPid(StoredFunction fn, long k0, long k1) throws IOException {
        return flights().ownerPid(fn.idHash(), fn.storeK0(k0), fn.storeK1(k1));
    }

    /**
     * Deletes what no live writer can be using and no index entry refers to ({@link OrphanSweep});
     * returns how many files were deleted, 0 for a read-only store.
     */
    public long removeOrphans() throws IOException {
        if (index == null) {
            return 0;
        }
        long removed = OrphanSweep.run(objects, index, reports);
        foldCounts(); // every count in its function's file, which the sweep then keeps or deletes
        return removed + names().sweep(index);
    }

    /** Folds the counts journal into the per-function counts files ({@link FunctionCounts}); nothing when read-only. */
    void foldCounts() throws IOException {
        if (index != null) {
            countsFiles().fold(index);
        }
    }

    /**
     * The names of the functions of this store, by id: for each, the versions and system states
     * its entries were stored with (most recent first), each with the digest entries carry, from
     * every {@code functions/} file that checks out ({@link FunctionNames}). For tools.
     */
    public java.util.List<FunctionNames.Named> functions() throws IOException {
        return names().list();
    }

    /**
     * Adds a JVM's counts to those of the store ({@link FunctionCounts#add}); does nothing for a
     * read-only store, or one whose index is gone (the directory deleted while the JVM ran: it is
     * not made again for counts), and gives up (one warning) when the index lock stays taken by
     * another process ({@link IndexLock#WAIT_AT_MOST_NANOS} at most).
     */
    public void addCounts(java.util.List<FunctionCounts.Counted> more) throws IOException {
        if (index == null || more.isEmpty() || !StoreFiles.isRegularFile(root.resolve("index"))) {
            return;
        }
        try {
            countsFiles().add(index, more);
        } catch (IndexLock.Busy e) {
            reports.warnOnce("counts-busy", e.getMessage() + "; this JVM's hits and misses are not added to the"
                    + " store's counts", null);
        }
    }

    /** What the JVMs that used this store counted, by function id hash ({@link FunctionCounts}). For tools. */
    public java.util.Map<Long, FunctionCounts.Counted> counts() throws IOException {
        return countsFiles().list();
    }

    /** Deletes the counts of function {@code idHash}, or of all when {@code all}; how many files went. 0 when read-only. */
    public long removeCounts(boolean all, long idHash) throws IOException {
        return index == null ? 0 : countsFiles().remove(index, all, idHash);
    }

    private FunctionCounts countsFiles() {
        FunctionCounts c = counts;
        if (c == null) {
            c = new FunctionCounts(root, key, reports); // two made at once are alike: either will do
            counts = c;
        }
        return c;
    }
}
