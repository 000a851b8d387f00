package dev.memogen.internal.store;

import dev.memogen.internal.hash.Hex;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Pack files: small entries appended, one after another, to files
 * {@code <dir>/packs/<16 hex digits>} of a fixed length that every process maps. Writing an
 * entry is a copy into the mapping instead of creating, writing and renaming a file; reading it
 * is a copy out of the mapping instead of opening one. The index ({@link StoreIndex}) says where each entry is and
 * serialises appends; this class only knows the records. See {@code docs/store-format.md}.
 *
 * <p>A record, 8-byte aligned:
 * <pre>
 * int32 length L of the entry   (0: no record here, the end of the pack's records)
 * int32 dead mark               (0 live, {@link #DEAD} removed: a rebuild skips it)
 * int64 function hash
 * L bytes: the entry, exactly as an object file holds it (header, payload, XXH3-128 checksum)
 * </pre>
 * A record is written followed by a zero length word, its own length word last, so the records
 * of a pack end at a zero length; a record torn by a crash fails its checksum, and a scan finds
 * the records after a damaged one by their magic ({@link #scan}). Records are never
 * changed once written, but for their dead mark, which readers ignore (they check the full key
 * and checksum, as for an object file), and pack numbers are never used twice while the store
 * lives, so a mapping that another process still holds stays valid and truthful.
 */
public final class Packs {
    static final int PREFIX = 16;
    /** The largest entry a record holds ({@link StoreSettings#MAX_PACK_MAX}). */
    static final int MAX_ENTRY = (int) StoreSettings.MAX_PACK_MAX;
    /** "DEAD" in little-endian byte order. */
    static final int DEAD = 0x44414544;
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * A mapped pack, in use by its holder: {@link #close} says it is done with it. {@code capacity}
     * is the file's length when it was mapped.
     *
     * <p>The mapping is given back at once when it is no longer wanted ({@link Mappings}): when
     * its pack is deleted or compacted away, or another mapping of it replaces it in this JVM's
     * table. Since touching an unmapped buffer is an error (or, through {@code Unsafe} on JDK 17
     * to 21, a crash), it counts its users: the table's own hold and every caller of
     * {@link Packs#map} until it closes it. The last one out unmaps it.
     */
    static final class Mapped implements AutoCloseable {
        final long number;
        final ByteBuffer map;
        final int capacity;
        private final Mappings.Mapping mapping;
        /** Holds: the table's (until retired) and each caller's; 0 once unmapped, never raised again. */
        private final java.util.concurrent.atomic.AtomicInteger holds = new java.util.concurrent.atomic.AtomicInteger(2);

        private Mapped(long number, Mappings.Mapping mapping, int capacity) {
            this.number = number;
            this.map = mapping.buffer();
            this.capacity = capacity;
            this.mapping = mapping;
        }

        long number() {
            return number;
        }

        ByteBuffer map() {
            return map;
        }

        int capacity() {
            return capacity;
        }

        /** Takes a hold for a caller; false once it is unmapped (or about to be). */
        private boolean hold() {
            for (int h = holds.get(); h > 0; h = holds.get()) {
                if (holds.compareAndSet(h, h + 1)) {
                    return true;
                }
            }
            return false;
        }

        /** The caller is done with it. */
        @Override
        public void close() {
            if (holds.decrementAndGet() == 0) {
                Mappings.unmap(mapping);
            }
        }

        /** Whether it was unmapped: for tests. */
        boolean unmapped() {
            return holds.get() == 0;
        }
    }

    private final Path dir;
    private final boolean writable;
    /** Mappings by pack number modulo the table size; a slot holding another number is mapped again. */
    private final AtomicReferenceArray<Mapped> maps = new AtomicReferenceArray<>(256);
    /** The pack being appended to, open for writing; guarded by the index lock. */
    private long appendNumber;
    private FileChannel appendChannel;
    /** A record for a pack mapped read-only is assembled here; guarded by the index lock. Made on first use. */
    private ByteBuffer record = ByteBuffer.allocateDirect(0);

    Packs(Path dir, boolean writable) {
        this.dir = dir;
        this.writable = writable;
    }

    Path directory() {
        return dir;
    }

    Path pathOf(long number) {
        return dir.resolve(Hex.of(number));
    }

    /** Bytes a record of an entry of {@code length} bytes takes in a pack. */
    static int recordBytes(int length) {
        return (PREFIX + length + 7) & ~7;
    }

    /**
     * The pack's mapping, from this JVM's table or mapped now, held for the caller until it
     * closes it; NoSuchFileException when it is gone.
     */
    Mapped map(long number) throws IOException {
        int i = (int) number & (maps.length() - 1);
        Mapped m = maps.get(i);
        if (m != null && m.number == number && m.hold()) {
            return m;
        }
        return mapNow(number);
    }

    /**
     * Maps the pack again, held for the caller until it closes it, and lets go of this JVM's
     * earlier mapping of it (a file replaced under us is seen afresh).
     */
    synchronized Mapped mapNow(long number) throws IOException {
        int i = (int) number & (maps.length() - 1);
        Path path = pathOf(number);
        FileChannel opened;
        boolean rw = writable;
        try {
            opened = StoreFiles.open(dir.getParent(), path, rw ? new StandardOpenOption[] {StandardOpenOption.READ,
                StandardOpenOption.WRITE} : new StandardOpenOption[] {StandardOpenOption.READ});
        } catch (java.nio.file.FileSystemException e) {
            if (!rw || e instanceof java.nio.file.NoSuchFileException) {
                throw e;
            }
            rw = false; // a read-only file system or file: read what is there
            opened = StoreFiles.open(dir.getParent(), path, StandardOpenOption.READ);
        }
        try (FileChannel ch = opened) {
            long size = capacity(ch);
            Mappings.Mapping mapping = Mappings.map(ch,
                    rw ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY, size);
            mapping.buffer().order(ByteOrder.LITTLE_ENDIAN);
            Mapped m = new Mapped(number, mapping, (int) size);
            Mapped before = maps.getAndSet(i, m);
            if (before != null) {
                before.close(); // the table's hold of the mapping it replaces
            }
            return m;
        }
    }

    /**
     * Lets go of this JVM's mappings of packs numbered below {@code first} (deleted by a
     * compaction): each is unmapped once its last reader is done.
     */
    void dropBelow(long first) {
        for (int i = 0; i < maps.length(); i++) {
            Mapped m = maps.get(i);
            if (m != null && m.number < first && maps.compareAndSet(i, m, null)) {
                m.close(); // the table's hold
            }
        }
    }

    /**
     * Creates pack {@code number}, a file of {@code capacity} bytes that holds no data yet (its
     * blocks are allocated as records reach them, with pwrite(2) of zeros: a full disk is an
     * IOException there, never a fault in a mapping; see {@link #allocate}). A leftover file of that number, which no
     * index refers to, is replaced.
     */
    Mapped create(long number, int capacity) throws IOException {
        StoreFiles.directories(dir.getParent(), dir, null);
        Path path = pathOf(number);
        if (startsWithARecord(path)) {
            // Not a leftover of a create that a crash cut short: the index's last number is wrong.
            throw new Occupied();
        }
        StoreFiles.delete(dir.getParent(), path); // a leftover, or what is no pack (a link: the link goes, not its target)
        boolean done = false;
        try (FileChannel ch = StoreFiles.open(dir.getParent(), path, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            ByteBuffer last = ByteBuffer.allocate(1);
            while (last.hasRemaining()) {
                ch.write(last, capacity - 1L); // the length, without data: a sparse file
            }
            done = true;
        } finally {
            if (!done) {
                StoreFiles.delete(dir.getParent(), path);
            }
        }
        return mapNow(number);
    }

    /** Whether the file at {@code path} exists and its first record has a plausible length. */
    private boolean startsWithARecord(Path path) throws IOException {
        try (FileChannel ch = StoreFiles.open(dir.getParent(), path, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            return StoreFiles.readFully(ch, head, 0) && plausible(head.getInt(0), ch.size());
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** Deletes a pack (after a compaction moved its live records away). */
    void delete(long number) throws IOException {
        if (appendNumber == number) {
            closeAppendChannel();
        }
        int i = (int) number & (maps.length() - 1);
        Mapped m = maps.get(i);
        if (m != null && m.number == number && maps.compareAndSet(i, m, null)) {
            m.close(); // the table's hold: unmapped now, or when its last reader is done
        }
        StoreFiles.delete(dir.getParent(), pathOf(number));
    }

    /** The numbers of the packs on disk, in order. */
    List<Long> list() throws IOException {
        List<Long> numbers = new ArrayList<>();
        if (!StoreFiles.isDirectory(dir)) {
            return numbers;
        }
        try (DirectoryStream<Path> files = StoreFiles.list(dir.getParent(), dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                long n = Hex.parse(name, 16);
                if (n > 0 && StoreFiles.isRegularFile(f)) {
                    numbers.add(n);
                }
            }
        }
        numbers.sort(null);
        return numbers;
    }

    /**
     * Writes a record at {@code offset} of pack {@code m}: the entry is the bytes of {@code a},
     * {@code b} and {@code c} in turn; a zero length word follows it, so the pack's records end
     * there until the next one is written. The caller holds the index lock and has checked that
     * it fits. Readers see it through their mappings once the index points at it.
     *
     * <p>The record is copied into the mapping, its length word last. The blocks under it were
     * allocated beforehand by {@link #allocate}, with pwrite(2), so a full disk is an IOException
     * here and never a fault in the mapping. The pack's length is checked first (one fstat(2),
     * about 0.5 µs against about 2 µs for a pwrite(2) of the record).
     */
    void append(Mapped m, int offset, long fn, byte[] a, int aLength, byte[] b, int bLength, byte[] c, int cLength)
            throws IOException {
        int length = aLength + bLength + cLength;
        int end = offset + recordBytes(length);
        int bytes = recordBytes(length) + (end + 4 <= m.capacity ? 4 : 0);
        ByteBuffer map = m.map;
        if (map.isReadOnly() || Thread.currentThread().isInterrupted() || channel(m.number).size() < offset + bytes) {
            // Mapped read-only; or an interrupted thread, whose FileChannel calls would close the
            // channel; or a pack cut short under its mapping, where a write through the mapping
            // would fault: the record goes with pwrite(2), which writes past the end of a file too.
            pwrite(m.number, assemble(bytes, length, fn, a, aLength, b, bLength, c, cLength), offset);
            allocatedIn = 0; // that record's piece may have unallocated pages after it
            return;
        }
        if (startsARecord(m, offset)) {
            // The tail the index gave holds a record: the index header is wrong. (A scan ends
            // after the last place where a record could start, so a rebuilt tail never does.)
            throw new Occupied();
        }
        allocate(m, offset, offset + bytes);
        LONG.set(map, offset + 8, fn);
        map.put(offset + PREFIX, a, 0, aLength);
        map.put(offset + PREFIX + aLength, b, 0, bLength);
        map.put(offset + PREFIX + aLength + bLength, c, 0, cLength);
        for (int at = offset + PREFIX + length; at < offset + bytes; at++) {
            map.put(at, (byte) 0); // padding, and the zero length word after the record
        }
        INT.set(map, offset + 4, 0);
        INT.setVolatile(map, offset, length);
    }

    /**
     * Thrown by {@link #append} when a record could start at the place it is given
     * ({@link #startsARecord}: a scan ends after every such place, and the index header's tail is
     * where one ended), and by {@link #create} when the pack to create exists and starts with a
     * record of plausible length: nothing was written.
     */
    static final class Occupied extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Occupied() {
            super("a record is there", null, false, false);
        }
    }

    /** Blocks a pack allocates at a time, with one pwrite(2) of zeros. */
    static final int ALLOCATE = 64 << 10;

    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(ALLOCATE);

    /** The pack this JVM last allocated blocks in; guarded by the index lock. */
    private long allocatedIn;

    /**
     * Makes sure the file system holds blocks for {@code [from, to)} of pack {@code m} before the
     * record there is written through the mapping. The blocks of a pack are allocated in pieces
     * of {@link #ALLOCATE} bytes, in order, as its records reach them: a record that starts a
     * piece, or runs past the end of the one it starts in, has zeros written from its start to
     * the end of the last piece it reaches. Every byte written is at or after the pack's tail,
     * where no record lives yet (a record torn by a crash at worst), whichever process appends.
     */
    private void allocate(Mapped m, int from, int to) throws IOException {
        int pieceEnd = (from & -ALLOCATE) + ALLOCATE;
        if ((from & (ALLOCATE - 1)) != 0 && to <= pieceEnd && allocatedIn == m.number) {
            return; // inside the piece that the record before it allocated
        }
        // The first append of this JVM to a pack (or the first after a record went with pwrite)
        // allocates the rest of its piece too: the records before it may have come from a version
        // of memogen that allocated only the pages it wrote.
        allocatedIn = m.number;
        long until = Math.min(m.capacity, ((long) to + ALLOCATE - 1) & -ALLOCATE);
        for (long at = from; at < until; ) {
            int n = (int) Math.min(ALLOCATE, until - at);
            ByteBuffer zeros = ZEROS.duplicate().limit(n);
            pwrite(m.number, zeros, at);
            at += n;
        }
    }

    /** The record and the zero word after it, assembled for one pwrite(2). */
    private ByteBuffer assemble(int bytes, int length, long fn, byte[] a, int aLength, byte[] b, int bLength,
            byte[] c, int cLength) {
        if (record.capacity() < bytes) {
            record = ByteBuffer.allocateDirect(Math.max(bytes, record.capacity() * 2)).order(ByteOrder.LITTLE_ENDIAN);
        }
        ByteBuffer r = record.clear();
        r.putInt(length).putInt(0).putLong(fn).put(a, 0, aLength).put(b, 0, bLength).put(c, 0, cLength);
        while (r.position() < bytes) {
            r.put((byte) 0);
        }
        return r.flip();
    }

    /** Writes all of {@code r} at {@code at} of pack {@code number}, through the channel kept open for appends. */
    private void pwrite(long number, ByteBuffer r, long at) throws IOException {
        // A FileChannel write on an interrupted thread closes the channel: written with the flag
        // cleared, and set again after (RandomAccessFile, which ignores it, cannot refuse a link).
        boolean interrupted = Thread.interrupted();
        try {
            FileChannel ch = channel(number);
            while (r.hasRemaining()) {
                at += ch.write(r, at);
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The channel kept open on the pack being appended to; guarded by the index lock. */
    private FileChannel channel(long number) throws IOException {
        FileChannel ch = appendChannel;
        if (ch == null || !ch.isOpen() || appendNumber != number) {
            closeAppendChannel();
            ch = StoreFiles.open(dir.getParent(), pathOf(number), StandardOpenOption.WRITE);
            appendChannel = ch;
            appendNumber = number;
        }
        return ch;
    }

    /** Closes the channel of the pack being appended to (a new one is opened for the next append). */
    void closeAppendChannel() {
        FileChannel ch = appendChannel;
        appendChannel = null;
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // written data stays written
            }
        }
    }

    /**
     * The entry length of the record at {@code offset}: 0 where the records end, -1 where the
     * length is not plausible (too short for an entry, over {@link #MAX_ENTRY}, past the pack).
     */
    static int length(Mapped m, int offset) {
        if (!recordCanStart(offset, m.capacity)) {
            return -1;
        }
        int length = (int) INT.getVolatile(m.map, offset);
        if (!plausible(length, m.capacity - (long) offset)) {
            return length == 0 ? 0 : -1;
        }
        return length;
    }

    /** The bytes of the open pack file that records may use: its size, at most an int's range in whole words. */
    private static long capacity(FileChannel ch) throws IOException {
        return Math.min(ch.size(), Integer.MAX_VALUE & ~7L);
    }

    /** Whether a record's prefix fits at {@code offset} (a multiple of 8) of a pack of {@code capacity} bytes. */
    private static boolean recordCanStart(int offset, long capacity) {
        return offset >= 0 && (offset & 7) == 0 && offset + PREFIX <= capacity;
    }

    /** Whether a record of {@code length} bytes could start where {@code room} bytes are left in its pack. */
    private static boolean plausible(int length, long room) {
        return length >= EntryFormat.MIN_BYTES && length <= MAX_ENTRY && PREFIX + (long) length <= room;
    }

    /**
     * Records a JVM reads from files it has not mapped before it maps them: a rerun that reads a
     * few entries never maps a pack (a JVM's first {@code FileChannel.map} is costly: see
     * {@link SlotTable}); one that reads many maps the packs, which then serve each read in well
     * under a microsecond.
     */
    static final int READS_BEFORE_MAPPING = 64;
    /** Reads left before packs are mapped for reading; racy advice. */
    private int readsLeft = READS_BEFORE_MAPPING;

    /**
     * A copy of the entry of the record at {@code offset} in pack {@code number}, or null when no
     * plausible record is there: from this JVM's mapping of the pack, or read from its file
     * ({@link #READS_BEFORE_MAPPING}). NoSuchFileException when the pack is gone.
     */
    byte[] entry(long number, int offset) throws IOException {
        Mapped known = maps.get((int) number & (maps.length() - 1));
        if ((known != null && known.number == number) || --readsLeft < 0) {
            try (Mapped pack = map(number)) {
                return entry(pack, offset);
            }
        }
        try (FileChannel ch = StoreFiles.open(dir.getParent(), pathOf(number), StandardOpenOption.READ)) {
            long capacity = capacity(ch);
            if (!recordCanStart(offset, capacity)) {
                return null;
            }
            ByteBuffer head = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            if (!StoreFiles.readFully(ch, head, offset)) {
                return null;
            }
            int length = head.getInt(0);
            if (length <= 0 || !plausible(length, capacity - offset)) {
                return null;
            }
            byte[] bytes = new byte[length];
            return StoreFiles.readFully(ch, ByteBuffer.wrap(bytes), offset + (long) PREFIX) ? bytes : null;
        }
    }

    /** How many packs this JVM holds mapped; for tests. */
    int mappedCount() {
        int n = 0;
        for (int i = 0; i < maps.length(); i++) {
            n += maps.get(i) != null ? 1 : 0;
        }
        return n;
    }

    /** A copy of the entry of the record at {@code offset}, or null when no plausible record is there. */
    static byte[] entry(Mapped m, int offset) {
        int length = length(m, offset);
        if (length <= 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        m.map.get(offset + PREFIX, bytes, 0, length);
        return bytes;
    }

    static long functionHash(Mapped m, int offset) {
        return (long) LONG.getVolatile(m.map, offset + 8);
    }

    static void markDead(Mapped m, int offset) {
        if (offset >= 0 && offset + PREFIX <= m.capacity) {
            INT.setVolatile(m.map, offset + 4, DEAD);
        }
    }

    static boolean dead(Mapped m, int offset) {
        return (int) INT.getVolatile(m.map, offset + 4) == DEAD;
    }

    /** What a scan of a pack sees of each record. */
    interface Visitor {
        /**
         * One plausible record: {@code sound} when its checksum matches and it starts as an entry
         * does; {@code cost} and the key are read from its header.
         */
        void record(int offset, int length, boolean dead, boolean sound, long fn, long k0, long k1, long cost)
                throws IOException;
    }

    /**
     * Visits the records of a pack in order and returns where they end: the place of the next
     * record, after every record found.
     *
     * <p>A record is looked for at every 8-byte boundary that no sound record covers: a plausible
     * length with an entry's magic after the prefix. A sound record is stepped over by its
     * length; after anything else (a zero, a damaged length, a record that fails its checksum)
     * the scan goes on 8 bytes later. So one damaged length word costs the records it covers, not
     * every record after it in the pack, and records written after a stretch of zeros are found.
     * Only the gaps between sound records are searched, so the bytes of a record held inside a
     * sound record's value are never taken for one.
     */
    static int scan(Mapped m, Visitor visitor) throws IOException {
        int end = 0;
        byte[] buf = new byte[64 << 10];
        for (int offset = 0; offset + PREFIX <= m.capacity; ) {
            int length = length(m, offset);
            if (length <= 0 || !hasMagic(m, offset)) {
                offset += 8;
                while (offset + 8 <= m.capacity && (long) LONG.get(m.map, offset) == 0) {
                    offset += 8; // zeros: the unwritten rest of the pack, mostly
                }
                continue;
            }
            if (buf.length < length) {
                buf = new byte[Math.max(length, buf.length * 2)];
            }
            m.map.get(offset + PREFIX, buf, 0, length);
            // The prefix's copy of the function hash is outside the checksum: a sound entry's own
            // id decides (a byte flipped in the prefix must not enter the record under another function).
            boolean sound = EntryFormat.checksumMatches(buf, length);
            long fn = sound ? EntryFormat.functionHashOf(buf, length, functionHash(m, offset)) : functionHash(m, offset);
            visitor.record(offset, length, dead(m, offset), sound, fn, EntryFormat.k0Of(buf), EntryFormat.k1Of(buf),
                    EntryFormat.storedCost(buf));
            end = Math.max(end, offset + recordBytes(length));
            offset = sound ? offset + recordBytes(length) : offset + 8;
        }
        return end;
    }

    /**
     * Whether a record could start at {@code offset}: a plausible length and an entry's magic
     * after the prefix. Every record memogen writes does; an append never writes where one could.
     */
    static boolean startsARecord(Mapped m, int offset) {
        return length(m, offset) > 0 && hasMagic(m, offset);
    }

    /** Whether the entry of a record of plausible length at {@code offset} starts with the magic. */
    private static boolean hasMagic(Mapped m, int offset) {
        return (int) INT.get(m.map, offset + PREFIX) == EntryFormat.MAGIC;
    }
}
