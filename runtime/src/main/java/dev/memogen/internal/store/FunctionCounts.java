package dev.memogen.internal.store;

import dev.memogen.internal.hash.Hex;
import dev.memogen.internal.hash.Xxh3Stream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What every JVM that used a store counted of each function, summed: {@code
 * <dir>/functions/<function id hash>.counts}, beside the function's names file. The only class
 * that knows the file's bytes ({@code docs/store-format.md}, "Function counts"):
 * <pre>
 * int32 magic "MGFC"   int32 file format (1)   int64 function id hash (the file's name)
 * int64 hits (memory, store and remote)   int64 misses   int64 nanoseconds computing the misses
 * [32 bytes HMAC-SHA256 tag: with memogen.key]
 * 16 bytes XXH3-128 of everything before them
 * </pre>
 * A JVM adds its counts once, as it ends or its runtime is replaced ({@link #add}), as records
 * appended to one journal, {@code functions/counts.journal}, under the index lock: one write
 * whatever the number of functions. The journal's records are folded into the per-function files
 * (read, add, written to a temporary file renamed over the old one) when it would grow past
 * {@link #JOURNAL_MAX} bytes, when it does not end on a whole record, and before counts are removed.
 * A journal record, fixed-size:
 * <pre>
 * int32 magic "MGFJ"   int32 record format (1)   int64 function id hash
 * int64 hits   int64 misses   int64 nanoseconds computing the misses
 * 32 bytes HMAC-SHA256 tag of the 40 bytes before it (zeros without memogen.key)
 * 16 bytes XXH3-128 of the 72 bytes before them
 * </pre>
 * Everything read is untrusted: a file whose size, checksum, magic, id hash or (with a key) tag
 * does not check out counts as zero, and is replaced by the next fold of its function's counts;
 * such a journal record is passed over, the others still count.
 */
public final class FunctionCounts {
    /** "MGFC" in little-endian byte order. */
    static final int MAGIC = 0x4346474D;
    static final int FORMAT = 1;
    /** What follows the function's id hash in a counts file's name. */
    static final String SUFFIX = ".counts";
    /** Magic, format, id hash and the three counters. */
    private static final int BODY_BYTES = 4 + 4 + 8 + 3 * 8;
    /** The journal's name in {@code functions/}: not a function's (16 hex digits), nor a temporary file's. */
    static final String JOURNAL = "counts.journal";
    /** "MGFJ" in little-endian byte order. */
    static final int JOURNAL_MAGIC = 0x4A46474D;
    static final int JOURNAL_FORMAT = 1;
    /** A journal record: the body, a tag (zeros without a key) and the checksum. */
    static final int RECORD_BYTES = BODY_BYTES + StoreKey.TAG_BYTES + EntryFormat.CHECKSUM_BYTES;
    /** The most a journal holds (whole records, under 64 KiB): an append that would pass it folds instead. */
    static final int JOURNAL_MAX = (64 * 1024 / RECORD_BYTES) * RECORD_BYTES;

    /**
     * One function's counts.
     *
     * @param idHash       the function's id hash
     * @param hits         calls answered from memory, the store or the remote tier
     * @param misses       calls computed
     * @param computeNanos the time the misses spent computing
     */
    public record Counted(long idHash, long hits, long misses, long computeNanos) {
        /** These counts plus {@code more}'s, each at most {@link Long#MAX_VALUE} (a sum that would overflow stays there). */
        Counted plus(Counted more) {
            return new Counted(idHash, saturatingAdd(hits, more.hits), saturatingAdd(misses, more.misses),
                    saturatingAdd(computeNanos, more.computeNanos));
        }
    }

    /** The store's directory, the base of every path ({@link StoreFiles}). */
    private final Path root;
    private final Path dir;
    private final StoreKey key;
    private final Reports reports;

    FunctionCounts(Path root, StoreKey key, Reports reports) {
        this.root = root;
        this.dir = root.resolve("functions");
        this.key = key;
        this.reports = reports;
    }

    /**
     * Adds {@code counts} (negative counters are taken as zero) to the store's, under the index
     * lock: appended to the journal, or, when the journal is full or does not end on a whole
     * record, folded with it into the files of their functions (a file that is damaged counts as
     * zero and is replaced). Throws {@link IndexLock.Busy} when the lock stays taken (nothing is
     * added then).
     */
    void add(StoreIndex index, List<Counted> counts) throws IOException {
        if (counts.isEmpty()) {
            return;
        }
        index.runApart(new AddAll(this, counts));
    }

    /** {@link #add}'s work under the lock: a class, as the rest of what a JVM's exit runs. */
    private static final class AddAll implements StoreIndex.LockedIo {
        private final FunctionCounts files;
        private final List<Counted> counts;

        AddAll(FunctionCounts files, List<Counted> counts) {
            this.files = files;
            this.counts = counts;
        }

        @Override
        public void run() throws IOException {
            List<Counted> more = new ArrayList<>(counts.size());
            for (Counted c : counts) {
                more.add(new Counted(c.idHash, Math.max(0, c.hits), Math.max(0, c.misses), Math.max(0, c.computeNanos)));
            }
            files.append(more);
        }
    }

    /** Folds the journal into the per-function files, under the index lock (before an orphan sweep, say). */
    void fold(StoreIndex index) throws IOException {
        index.runApart(new AddAll(this, List.of()));
    }

    private Path journal() {
        return dir.resolve(JOURNAL);
    }

    /**
     * Appends {@code more} to the journal as one write at its end; folds the journal and
     * {@code more} into the files instead when the journal would pass {@link #JOURNAL_MAX}, does not
     * end on a whole record (an append cut short), or cannot be opened. Under the index lock.
     */
    private void append(List<Counted> more) throws IOException {
        byte[] records = more.isEmpty() ? null : records(more);
        if (records != null && records.length <= JOURNAL_MAX) {
            try (FileChannel ch = openJournal()) {
                long size = ch.size();
                if (size % RECORD_BYTES == 0 && size + records.length <= JOURNAL_MAX) {
                    ByteBuffer out = ByteBuffer.wrap(records);
                    for (long at = size; out.hasRemaining(); ) {
                        at += ch.write(out, at);
                    }
                    return;
                }
            } catch (StoreFiles.NotPlain e) { // a link, a second name, a file of another type: passed over, deleted
                damaged(journal(), "cannot be read: " + e.getMessage());
                StoreFiles.delete(root, journal());
            } catch (NoSuchFileException e) {
                // no functions/ directory: the files' writes make it
            }
        }
        Map<Long, Counted> sums = new HashMap<>();
        for (Counted c : journalRecords()) {
            addTo(sums, c);
        }
        for (Counted c : more) {
            addTo(sums, c);
        }
        StoreFiles.delete(root, journal()); // first: a JVM killed while folding loses counts, never adds them twice
        for (Counted c : sums.values()) {
            Counted old = read(c.idHash);
            write(old == null ? c : old.plus(c));
        }
    }

    /** Adds {@code c} to the sum of its function in {@code sums} (no lambda: this runs as a JVM ends). */
    private static void addTo(Map<Long, Counted> sums, Counted c) {
        Counted old = sums.get(c.idHash);
        sums.put(c.idHash, old == null ? c : old.plus(c));
    }

    /** The journal, opened for reading and writing, made when there is none (and {@code functions/} is there). */
    private FileChannel openJournal() throws IOException {
        return StoreFiles.open(root, journal(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    /** {@code counts} as journal records. */
    private byte[] records(List<Counted> counts) {
        byte[] out = new byte[counts.size() * RECORD_BYTES];
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < counts.size(); i++) {
            Counted c = counts.get(i);
            int at = i * RECORD_BYTES;
            b.position(at);
            b.putInt(JOURNAL_MAGIC).putInt(JOURNAL_FORMAT).putLong(c.idHash).putLong(c.hits).putLong(c.misses)
                    .putLong(c.computeNanos);
            javax.crypto.Mac mac = key == null ? null : key.mac();
            if (mac != null) {
                mac.update(out, at, BODY_BYTES);
                b.put(mac.doFinal());
            }
            Xxh3Stream sum = Xxh3Stream.digest(out, at, BODY_BYTES + StoreKey.TAG_BYTES);
            b.position(at + BODY_BYTES + StoreKey.TAG_BYTES);
            b.putLong(sum.high()).putLong(sum.low());
        }
        return out;
    }

    /**
     * The sound records of the journal, in order (none without one). A journal longer than
     * {@link #JOURNAL_MAX} counts as none; a record that does not check out is passed over; a
     * record cut short at the end is not read. Each problem is reported.
     */
    private List<Counted> journalRecords() throws IOException {
        Path file = journal();
        byte[] bytes;
        try {
            bytes = SealedFiles.readUpTo(root, file, JOURNAL_MAX);
        } catch (StoreFiles.NotPlain e) {
            damaged(file, "cannot be read: " + e.getMessage());
            return List.of();
        }
        if (bytes == null) {
            return List.of();
        }
        if (bytes.length > JOURNAL_MAX) {
            damaged(file, "is more than " + JOURNAL_MAX + " bytes long, more than a journal ever is");
            return List.of();
        }
        List<Counted> found = new ArrayList<>(bytes.length / RECORD_BYTES);
        String problem = null;
        for (int at = 0; at + RECORD_BYTES <= bytes.length; at += RECORD_BYTES) {
            Parsed p = parseRecord(bytes, at);
            if (p.counted != null) {
                found.add(p.counted);
            } else if (p.problem != null && problem == null) {
                problem = "holds a record at " + at + " that " + p.problem;
            }
        }
        if (problem != null) {
            damaged(file, problem);
        }
        return found;
    }

    /** Checks the journal record at {@code at}: its checksum, magic, format, counters and (with a key) tag. */
    private Parsed parseRecord(byte[] bytes, int at) {
        int tagAt = at + BODY_BYTES;
        Xxh3Stream sum = Xxh3Stream.digest(bytes, at, BODY_BYTES + StoreKey.TAG_BYTES);
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (in.getLong(tagAt + StoreKey.TAG_BYTES) != sum.high() || in.getLong(tagAt + StoreKey.TAG_BYTES + 8) != sum.low()) {
            return new Parsed(null, "does not match its checksum");
        }
        if (in.getInt(at) != JOURNAL_MAGIC || in.getInt(at + 4) != JOURNAL_FORMAT) {
            return new Parsed(null, "is not a counts record of this format");
        }
        boolean untagged = true; // a tag of zeros: written without memogen.key, as a file without a tag
        for (int i = tagAt; i < tagAt + StoreKey.TAG_BYTES; i++) {
            untagged &= bytes[i] == 0;
        }
        return counters(bytes, at, untagged);
    }

    /** The counts of the function with id hash {@code idHash}; null when it has no sound file (a damaged one reported). */
    private Counted read(long idHash) throws IOException {
        Path file = fileOf(idHash);
        byte[] bytes;
        try {
            bytes = SealedFiles.readUpTo(root, file, BODY_BYTES + StoreKey.TAG_BYTES + EntryFormat.CHECKSUM_BYTES);
        } catch (StoreFiles.NotPlain e) {
            damaged(file, "cannot be read: " + e.getMessage());
            return null;
        }
        if (bytes == null) {
            return null;
        }
        Parsed parsed = parse(bytes, idHash);
        if (parsed.problem != null) {
            damaged(file, parsed.problem);
        }
        return parsed.counted;
    }

    /** What a counts file holds: {@code counted} when sound, else {@code problem} (both null: none that counts). */
    private record Parsed(Counted counted, String problem) {}

    /** Checks the bytes of the counts file named by {@code idHash}: its size, checksum, magic, format, name, counters and tag. */
    private Parsed parse(byte[] bytes, long idHash) {
        int plain = BODY_BYTES + EntryFormat.CHECKSUM_BYTES;
        if (bytes.length != plain && bytes.length != plain + StoreKey.TAG_BYTES) {
            return new Parsed(null, "is " + (bytes.length > plain + StoreKey.TAG_BYTES ? "more than " : "")
                    + Math.min(bytes.length, plain + StoreKey.TAG_BYTES) + " bytes long, not " + plain + " or "
                    + (plain + StoreKey.TAG_BYTES));
        }
        if (!EntryFormat.checksumMatches(bytes, bytes.length)) {
            return new Parsed(null, "does not match its checksum");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, 0, BODY_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        if (in.getInt() != MAGIC || in.getInt() != FORMAT) {
            return new Parsed(null, "is not a counts file of this format");
        }
        if (in.getLong() != idHash) {
            return new Parsed(null, "names another id hash than its file name");
        }
        return counters(bytes, 0, bytes.length == plain);
    }

    /**
     * The counters of the file or journal record whose body starts at {@code at} (its magic,
     * format and id hash checked), unless one is negative; with a key, only if the tag after the
     * body matches: {@code untagged} (written without memogen.key) is none, without a problem.
     */
    private Parsed counters(byte[] bytes, int at, boolean untagged) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        Counted counted = new Counted(in.getLong(at + 8), in.getLong(at + 16), in.getLong(at + 24), in.getLong(at + 32));
        if (counted.hits < 0 || counted.misses < 0 || counted.computeNanos < 0) {
            return new Parsed(null, "holds a negative count");
        }
        if (key != null) {
            if (untagged) {
                return new Parsed(null, null); // none, replaced by the next fold of its function's counts
            }
            if (!key.matches(bytes, at, at + BODY_BYTES)) {
                return new Parsed(null, "does not match its authentication tag (forged, or written with another"
                        + " memogen.key)");
            }
        }
        return new Parsed(counted, null);
    }

    private void damaged(Path file, String problem) {
        reports.event("counts", "the function counts file " + file + " " + problem + (file.endsWith(JOURNAL)
                ? "; what it holds there is not counted, and the journal is folded without it by the next fold"
                : "; its counts are taken as zero, and it is replaced by the next fold of the function's counts"));
    }

    /** Writes {@code c} over its function's file, atomically (a temporary file beside it, renamed). */
    private void write(Counted c) throws IOException {
        // A little-endian buffer, as the codec would write them: a JVM's exit loads no codec for this.
        ByteBuffer body = ByteBuffer.allocate(BODY_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        body.putInt(MAGIC).putInt(FORMAT).putLong(c.idHash).putLong(c.hits).putLong(c.misses).putLong(c.computeNanos);
        SealedFiles.write(root, fileOf(c.idHash), body.array(), BODY_BYTES, key, reports);
    }

    /** The counts of every function whose file is sound, by id hash; damaged files are passed over (one warning). */
    Map<Long, Counted> list() throws IOException {
        Map<Long, Counted> found = new HashMap<>();
        if (!StoreFiles.isDirectory(dir)) {
            return found;
        }
        try (DirectoryStream<Path> files = StoreFiles.list(root, dir)) {
            for (Path file : files) {
                long idHash = idHashOf(file);
                if (idHash == 0 && !file.getFileName().toString().equals("0000000000000000" + SUFFIX)) {
                    continue;
                }
                Counted c;
                try {
                    c = read(idHash);
                } catch (IOException e) { // unreadable (permissions, I/O error): passed over like damage
                    damaged(file, "cannot be read: " + e);
                    c = null;
                }
                if (c != null) {
                    found.put(idHash, c);
                }
            }
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
        for (Counted c : journalRecords()) { // not under the lock: a fold at this moment may leave some out
            addTo(found, c);
        }
        return found;
    }

    /**
     * Deletes the counts of function {@code idHash}, or of every function when {@code all}, under
     * the index lock (so that a JVM adding its counts at that moment adds them before or after,
     * never into a file being deleted). Returns how many files were deleted.
     */
    long remove(StoreIndex index, boolean all, long idHash) throws IOException {
        long[] removed = {0};
        index.runApart(new Remove(this, all, idHash, removed));
        return removed[0];
    }

    /** {@link #remove}'s work under the lock. */
    private static final class Remove implements StoreIndex.LockedIo {
        private final FunctionCounts files;
        private final boolean all;
        private final long idHash;
        private final long[] removed;

        Remove(FunctionCounts files, boolean all, long idHash, long[] removed) {
            this.files = files;
            this.all = all;
            this.idHash = idHash;
            this.removed = removed;
        }

        @Override
        public void run() throws IOException {
            if (!all) {
                files.append(List.of()); // the journal folded first: its records of the function go with its file
                if (StoreFiles.delete(files.root, files.fileOf(idHash))) {
                    removed[0]++;
                }
                return;
            }
            if (StoreFiles.delete(files.root, files.journal())) {
                removed[0]++;
            }
            if (!StoreFiles.isDirectory(files.dir)) {
                return;
            }
            try (DirectoryStream<Path> in = StoreFiles.list(files.root, files.dir)) {
                for (Path file : in) {
                    if (isCountsFile(file) && StoreFiles.delete(files.root, file)) {
                        removed[0]++;
                    }
                }
            } catch (DirectoryIteratorException e) {
                throw e.getCause();
            }
        }
    }

    Path fileOf(long idHash) {
        return dir.resolve(Hex.of(idHash) + SUFFIX);
    }

    /** The id hash a counts file is named by; 0 for any other name (or the hash 0). */
    static long idHashOf(Path file) {
        String name = file.getFileName().toString();
        return name.length() == 16 + SUFFIX.length() && name.endsWith(SUFFIX) ? Hex.parse(name.substring(0, 16), 16) : 0;
    }

    /** Whether a file of {@code functions/} is named like a function's counts: 16 hex digits and {@value #SUFFIX}. */
    static boolean isCountsFile(Path file) {
        return idHashOf(file) != 0 || file.getFileName().toString().equals("0000000000000000" + SUFFIX);
    }

    /** {@code a + b} for counts that are not negative, at most {@link Long#MAX_VALUE}. */
    public static long saturatingAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }
}
