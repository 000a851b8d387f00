package dev.memogen.internal.store;

import dev.memogen.internal.codec.CorruptValueException;
import dev.memogen.internal.codec.ValueReader;
import dev.memogen.internal.codec.ValueWriter;
import dev.memogen.internal.hash.Hex;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The names behind the digests that entries carry: {@code <dir>/functions/<function id hash>}
 * holds a function's id, the versions of it that stored entries (most recent first) and the
 * system states they were stored under, each with the digest its entries carry. The only class
 * that knows the file's bytes ({@code docs/store-format.md}, "Function names"):
 * <pre>
 * int32 magic "MGFN"   int32 file format (1)   int64 function id hash (the file's name)
 * str   function id
 * size  version count (at most 8), then per version: int64 version digest   str version
 * size  state count (at most 4), then per state:     int64 state digest     str system state
 * [32 bytes HMAC-SHA256 tag: with memogen.key]
 * 16 bytes XXH3-128 of everything before them
 * </pre>
 * Written the first time this JVM stores an entry of a function version ({@link #note}), read by
 * tools ({@link #list}). Everything read is untrusted: a file is used only when its size, every
 * length, its checksum, its tag (with a key) and every text against its digest check out; it can
 * name a function wrongly at worst, never change a value, which only an entry's own digests select.
 */
public final class FunctionNames {
    /** "MGFN" in little-endian byte order. */
    static final int MAGIC = 0x4E46474D;
    static final int FORMAT = 2;
    /** A larger file is damage, not read. */
    static final int MAX_BYTES = 64 * 1024;
    /** A longer id, version or system state (in UTF-16 code units) is not kept. */
    static final int MAX_TEXT = 4096;
    static final int MAX_VERSIONS = 8;
    static final int MAX_STATES = 4;
    /** Writes of one function's names racing with other processes' before this JVM gives up. */
    private static final int ATTEMPTS = 4;

    /** A digest and the text it is the digest of. */
    public record Text(long digest, String text) {
        // equals and hashCode written out: a record's own are bootstrapped through
        // java.lang.runtime.ObjectMethods at their first call, about 10 ms of a fresh JVM's first
        // store write (JDK 17, profiled), where the new version is looked for among the kept ones.

        @Override
        public boolean equals(Object o) {
            return o instanceof Text t && digest == t.digest && java.util.Objects.equals(text, t.text);
        }

        @Override
        public int hashCode() {
            return 31 * Long.hashCode(digest) + java.util.Objects.hashCode(text);
        }
    }

    /** What a sound function file says: the function's id hash and id, its versions and the system states, most recent first. */
    public record Named(long idHash, String id, List<Text> versions, List<Text> states) {}

    /** What reading one file found: {@code names} when it is sound, else {@code problem} (both null: no file). */
    private record Read(Named names, String problem, boolean laterFormat) {
        static final Read ABSENT = new Read(null, null, false);

        static Read damaged(String problem) {
            return new Read(null, problem, false);
        }
    }

    /** The store's directory, the base of every path ({@link StoreFiles}). */
    private final Path root;
    private final Path dir;
    private final StoreKey key;
    private final Reports reports;
    /**
     * What a function's {@link StoredFunction#namesNoted} holds once this JVM wrote (or found) its
     * names here; replaced when names may be missing (damage found, a sweep deleted some), so
     * that the next store of each function writes them again.
     */
    private volatile Object noted = new Object();

    FunctionNames(Path root, StoreKey key, Reports reports) {
        this.root = root;
        this.dir = root.resolve("functions");
        this.key = key;
        this.reports = reports;
    }

    Object noted() {
        return noted;
    }

    /**
     * Makes sure the file of {@code fn} names its id, its version and {@code systemState}: reads
     * it, adds what is missing and writes it again (a temporary file renamed over it). A file of
     * another function with the same id hash (a collision) is kept and reported. Called after the
     * first entry of {@code fn} this JVM stored here; never throws (names are for tools: a failure
     * is reported once, and the next JVM tries again).
     */
    void note(StoredFunction fn, String systemState) {
        Object mark = noted;
        try {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                Read current = read(fn.idHash());
                if (current.laterFormat) {
                    break; // a later version of memogen's file: not ours to rewrite
                }
                if (current.names != null && !current.names.id.equals(fn.id())) {
                    reports.warnOnce("collision", "the functions " + current.names.id + " and " + fn.id()
                            + " have the same id hash " + Hex.of(fn.idHash()) + ": their entries share a directory and"
                            + " replace each other's for equal arguments (never a wrong value: an entry carries the digest"
                            + " of its function's id and version); the names kept are " + current.names.id + "'s", null);
                    break;
                }
                if (current.problem != null) {
                    reports.event("names", "the function names file " + fileOf(fn.idHash()) + " " + current.problem
                            + "; written again");
                }
                Named merged = merged(current.names, fn, systemState);
                if (merged == null) {
                    break; // everything is there (written by another process, or by this one a moment ago)
                }
                if (attempt == ATTEMPTS - 1) {
                    break; // other processes kept replacing it: theirs stands
                }
                write(merged);
            }
        } catch (IOException | RuntimeException e) {
            reports.warnOnce("names-write", "cannot write the names of " + fn.id() + " to " + dir
                    + "; tools show its entries by digest", e);
        }
        fn.namesNoted = mark;
    }

    /**
     * {@code old} (null: none) with {@code fn}'s version and {@code state} first, bounded; null when
     * {@code old} has both already (or the id is too long to keep).
     */
    static Named merged(Named old, StoredFunction fn, String state) {
        if (fn.id().length() > MAX_TEXT) {
            return null;
        }
        List<Text> versions = old == null ? List.of() : old.versions;
        List<Text> states = old == null ? List.of() : old.states;
        List<Text> v = withFirst(versions, new Text(fn.versionDigest(), fn.version()), MAX_VERSIONS);
        List<Text> s = withFirst(states, new Text(StoredFunction.stateDigestOf(state), state), MAX_STATES);
        if (v == null && s == null && old != null) {
            return null;
        }
        Named named = new Named(fn.idHash(), fn.id(), v == null ? versions : v, s == null ? states : s);
        while (encode(named).size() + StoreKey.TAG_BYTES + EntryFormat.CHECKSUM_BYTES > MAX_BYTES) {
            // The oldest versions, then states, go first; the newest of each always fits (3 texts).
            boolean versionsLonger = named.versions.size() > 1;
            List<Text> shorter = versionsLonger ? named.versions : named.states;
            shorter = shorter.subList(0, shorter.size() - 1);
            named = versionsLonger ? new Named(named.idHash, named.id, shorter, named.states)
                    : new Named(named.idHash, named.id, named.versions, shorter);
        }
        return named;
    }

    /** {@code texts} with {@code first} in front, at most {@code max}; null when it is there already or too long to keep. */
    private static List<Text> withFirst(List<Text> texts, Text first, int max) {
        if (first.text.length() > MAX_TEXT || texts.contains(first)) {
            return null;
        }
        List<Text> out = new ArrayList<>(max);
        out.add(first);
        for (Text t : texts) {
            if (out.size() < max) {
                out.add(t);
            }
        }
        return out;
    }

    private static ValueWriter encode(Named names) {
        ValueWriter out = new ValueWriter(256);
        out.writeInt(MAGIC);
        out.writeInt(FORMAT);
        out.writeLong(names.idHash);
        out.writeString(names.id);
        for (List<Text> texts : List.of(names.versions, names.states)) {
            out.writeSize(texts.size());
            for (Text t : texts) {
                out.writeLong(t.digest);
                out.writeString(t.text);
            }
        }
        return out;
    }

    /** Writes {@code names} over the function's file, atomically: a temporary file beside it, renamed. */
    private void write(Named names) throws IOException {
        ValueWriter body = encode(names);
        SealedFiles.write(root, fileOf(names.idHash), body.array(), body.size(), key, reports);
    }

    /** Reads and checks the file of the function with id hash {@code idHash}. */
    private Read read(long idHash) throws IOException {
        byte[] bytes;
        try {
            bytes = SealedFiles.readUpTo(root, fileOf(idHash), MAX_BYTES);
        } catch (StoreFiles.NotPlain e) {
            return Read.damaged("cannot be read: " + e.getMessage());
        }
        if (bytes == null) {
            return Read.ABSENT;
        }
        if (bytes.length > MAX_BYTES) {
            return Read.damaged("is more than " + MAX_BYTES + " bytes long, more than a names file ever is");
        }
        return parse(bytes, idHash);
    }

    /** Checks the bytes of the file named by {@code idHash}: every length, the checksum, the tag, each text against its digest. */
    Read parse(byte[] bytes, long idHash) {
        int body = bytes.length - EntryFormat.CHECKSUM_BYTES;
        if (body < 16) {
            return Read.damaged("is too short (" + bytes.length + " bytes)");
        }
        if (!EntryFormat.checksumMatches(bytes, bytes.length)) {
            return Read.damaged("does not match its checksum");
        }
        try {
            ValueReader in = new ValueReader(bytes, 0, body);
            if (in.readInt() != MAGIC) {
                return Read.damaged("is not a function names file");
            }
            int format = in.readInt();
            if (format != FORMAT) {
                return new Read(null, null, format > FORMAT);
            }
            if (in.readLong() != idHash) {
                return Read.damaged("names another id hash than its file name");
            }
            String id = text(in);
            if (StoredFunction.idHash(id) != idHash) {
                return Read.damaged("holds an id that does not hash to its file name");
            }
            List<Text> versions = texts(in, MAX_VERSIONS);
            for (Text v : versions) {
                if (StoredFunction.versionDigest(id, v.text) != v.digest) {
                    return Read.damaged("holds a version that does not match its digest");
                }
            }
            List<Text> states = texts(in, MAX_STATES);
            for (Text s : states) {
                if (StoredFunction.stateDigestOf(s.text) != s.digest) {
                    return Read.damaged("holds a system state that does not match its digest");
                }
            }
            int tagAt = body - in.remaining();
            if (in.remaining() != 0 && in.remaining() != StoreKey.TAG_BYTES) {
                return Read.damaged("has " + in.remaining() + " bytes after its names");
            }
            if (key != null) {
                if (in.remaining() == 0) {
                    return Read.ABSENT; // written without memogen.key: replaced by the next store, like such an entry
                }
                if (!key.matches(bytes, 0, tagAt)) {
                    return Read.damaged("does not match its authentication tag (forged, or written with another"
                            + " memogen.key)");
                }
            }
            return new Read(new Named(idHash, id, List.copyOf(versions), List.copyOf(states)), null, false);
        } catch (CorruptValueException e) {
            return Read.damaged("has a length that does not fit (" + e.getMessage() + ")");
        }
    }

    private static String text(ValueReader in) {
        String s = in.readString(); // its length checked against the bytes left (at most MAX_BYTES)
        if (s.length() > MAX_TEXT) {
            throw new CorruptValueException("a text of " + s.length() + " chars");
        }
        return s;
    }

    private static List<Text> texts(ValueReader in, int max) {
        int n = in.readSize(12);
        if (n > max) {
            throw new CorruptValueException(n + " texts where " + max + " are kept");
        }
        List<Text> texts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long digest = in.readLong();
            texts.add(new Text(digest, text(in)));
        }
        return texts;
    }

    /**
     * The names of every function whose file is sound, by id. Damaged files are passed over (one
     * warning; each is written again by the next store of its function), and so are, with a key,
     * files without a valid tag.
     */
    List<Named> list() throws IOException {
        List<Named> found = new ArrayList<>();
        if (!StoreFiles.isDirectory(dir)) { // none yet, or something else planted there: never entered
            return found;
        }
        try (DirectoryStream<Path> files = StoreFiles.list(root, dir)) {
            for (Path file : files) {
                if (!isNamesFile(file)) {
                    continue;
                }
                Read read;
                try {
                    read = read(Hex.parse(file.getFileName().toString(), 16));
                } catch (IOException e) { // unreadable (permissions, I/O error): passed over like damage
                    read = Read.damaged("cannot be read: " + e);
                }
                if (read.names != null) {
                    found.add(read.names);
                } else if (read.problem != null) {
                    reports.event("names", "the function names file " + file + " " + read.problem
                            + "; passed over, and written again by the next store of its function");
                    noted = new Object();
                }
            }
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
        found.sort(Comparator.comparing(Named::id));
        return found;
    }

    private Path fileOf(long idHash) {
        return dir.resolve(Hex.of(idHash));
    }

    /** Whether a file of {@code functions/} is named like a function's: 16 hex digits. */
    private static boolean isNamesFile(Path file) {
        String name = file.getFileName().toString();
        return Hex.parse(name, 16) != 0 || name.equals("0000000000000000");
    }

    /**
     * Deletes the temporary files of writers that are gone, and the names and counts files
     * ({@link FunctionCounts}) of functions that have no entry left (checked under the index lock,
     * which every entry is stored under, so a function stored meanwhile keeps its names). Returns
     * how many files were deleted.
     */
    long sweep(StoreIndex index) throws IOException {
        if (!StoreFiles.isDirectory(dir)) {
            return 0;
        }
        List<Path> names = new ArrayList<>();
        List<Path> counts = new ArrayList<>();
        long[] removed = {0};
        try (DirectoryStream<Path> files = StoreFiles.list(root, dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                int tmp = name.indexOf(".tmp-");
                if ((tmp == 16 || tmp == 16 + FunctionCounts.SUFFIX.length()) && OrphanSweep.writerGone(name.substring(tmp + 5))
                        && StoreFiles.delete(root, file)) {
                    removed[0]++;
                } else if (isNamesFile(file)) {
                    names.add(file);
                } else if (FunctionCounts.isCountsFile(file)) {
                    counts.add(file);
                }
            }
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
        if (names.isEmpty() && counts.isEmpty()) {
            return removed[0];
        }
        index.withFunctions(functions -> {
            for (Path file : names) {
                if (!functions.contains(Hex.parse(file.getFileName().toString(), 16)) && StoreFiles.delete(root, file)) {
                    reports.event("orphan", "removed the names of a function no entry is left of: " + file);
                    removed[0]++;
                    noted = new Object(); // were they this JVM's, its next store writes them again
                }
            }
            for (Path file : counts) {
                if (!functions.contains(FunctionCounts.idHashOf(file)) && StoreFiles.delete(root, file)) {
                    reports.event("orphan", "removed the counts of a function no entry is left of: " + file);
                    removed[0]++;
                }
            }
        });
        return removed[0];
    }
}
