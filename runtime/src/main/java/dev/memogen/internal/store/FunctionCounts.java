package dev.memogen.internal.store;

import dev.memogen.internal.hash.Hex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * A JVM adds its counts once, as it ends or its runtime is replaced ({@link #add}): read, add,
 * written to a temporary file renamed over the old one, all under the index lock, so that JVMs
 * ending together lose nothing. Everything read is untrusted: a file whose size, checksum, magic,
 * id hash or (with a key) tag does not check out counts as zero, and is replaced by the next add.
 */
public final class FunctionCounts {
    /** "MGFC" in little-endian byte order. */
    static final int MAGIC = 0x4346474D;
    static final int FORMAT = 1;
    /** What follows the function's id hash in a counts file's name. */
    static final String SUFFIX = ".counts";
    /** Magic, format, id hash and the three counters. */
    private static final int BODY_BYTES = 4 + 4 + 8 + 3 * 8;

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
     * Adds {@code counts} (negative counters are taken as zero) to the files of their functions,
     * under the index lock; a file that is damaged counts as zero and is replaced. Throws
     * {@link IndexLock.Busy} when the lock stays taken (nothing is added then).
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
            for (Counted c : counts) {
                Counted more = new Counted(c.idHash, Math.max(0, c.hits), Math.max(0, c.misses),
                        Math.max(0, c.computeNanos));
                Counted old = files.read(c.idHash);
                files.write(old == null ? more : old.plus(more));
            }
        }
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
        Counted counted = new Counted(idHash, in.getLong(), in.getLong(), in.getLong());
        if (counted.hits < 0 || counted.misses < 0 || counted.computeNanos < 0) {
            return new Parsed(null, "holds a negative count");
        }
        if (key != null) {
            if (bytes.length == plain) {
                return new Parsed(null, null); // written without memogen.key: none, replaced by the next add
            }
            if (!key.matches(bytes, 0, BODY_BYTES)) {
                return new Parsed(null, "does not match its authentication tag (forged, or written with another"
                        + " memogen.key)");
            }
        }
        return new Parsed(counted, null);
    }

    private void damaged(Path file, String problem) {
        reports.event("counts", "the function counts file " + file + " " + problem
                + "; its counts are taken as zero, and it is replaced by the next counts added");
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
                if (StoreFiles.delete(files.root, files.fileOf(idHash))) {
                    removed[0]++;
                }
                return;
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
