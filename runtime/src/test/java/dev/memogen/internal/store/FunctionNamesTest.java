package dev.memogen.internal.store;

import static dev.memogen.internal.StoreTestSupport.call;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.internal.Jvms;
import dev.memogen.internal.MemoRuntime;
import dev.memogen.internal.StoreWorker;
import dev.memogen.internal.TestAccess;
import dev.memogen.internal.codec.ValueReader;
import dev.memogen.internal.codec.ValueWriter;
import dev.memogen.internal.core.MemoConfig;
import dev.memogen.internal.hash.Hex;
import dev.memogen.internal.hash.Xxh3Stream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code functions/<id hash>}: the names behind the digests entries carry, written once per JVM and
 * function version, read by another JVM, bounded, and trusted for nothing: a damaged, forged,
 * oversized or linked file is passed over with a warning and written again by the next store, a
 * file of another function under the name (a collision) is reported and kept, and no file of it
 * changes a value. See {@code docs/store-format.md}, "Function names".
 */
class FunctionNamesTest {
    @TempDir Path dir;

    static final String STATE = "store-format=3;hash-spec=3;extra=";
    static final StoredFunction A = new StoredFunction("n.A#f(int)", "v1", Ttl.NONE);
    static final StoredFunction B = new StoredFunction("n.B#g(int)", "v1", Ttl.NONE);

    /** What the store reported, a line each: "warn kind: ..." or "event kind: ...". */
    private final List<String> reported = Collections.synchronizedList(new ArrayList<>());

    private final Reports recording = new RecordingReports(reported);

    static FileStore open(Path dir, String state, StoreKey key, Reports reports) throws IOException {
        return new FileStore(dir, state, new StoreSettings(false, 64 << 10, "gds", 1L << 30, 10_000_000_000L,
                10_000_000L, key), reports);
    }

    /** A fresh store on {@link #dir}, as a new JVM opens it. */
    private FileStore open(StoreKey key) throws IOException {
        return open(dir, STATE, key, recording);
    }

    private FileStore open() throws IOException {
        return open(null);
    }

    /** One function as a line: "id | versions | states", most recent first. */
    static String line(FunctionNames.Named named) {
        return named.id() + " | " + named.versions().stream().map(FunctionNames.Text::text).collect(Collectors.joining(","))
                + " | " + named.states().stream().map(FunctionNames.Text::text).collect(Collectors.joining(","));
    }

    private static List<String> lines(FileStore store) throws IOException {
        return store.functions().stream().map(FunctionNamesTest::line).toList();
    }

    private static void put(FileStore store, StoredFunction fn, long k, String value) throws IOException {
        ValueWriter out = new ValueWriter();
        out.writeString(value);
        assertTrue(store.write(fn, k, k, out, 1_000) > 0);
    }

    /** The value stored for {@code fn}'s key ({@code k}, {@code k}), or what the read found instead. */
    private static String get(FileStore store, StoredFunction fn, long k) throws IOException {
        Found found = store.read(fn, k, k, null);
        if (found instanceof Found.Whole w) {
            return new ValueReader(w.bytes(), w.payloadOffset(), w.payloadLength()).readString();
        }
        return found.getClass().getSimpleName();
    }

    private Path namesOf(StoredFunction fn) {
        return dir.resolve("functions").resolve(Hex.of(fn.idHash()));
    }

    private List<String> functionFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("functions"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aSecondJvmReadsTheNamesThatOthersWrote() throws Exception {
        Jvms.run(FunctionNamesWorker.class, dir, "store", dir.toString(), "-", STATE, A.id(), "v1", "1");
        Jvms.run(FunctionNamesWorker.class, dir, "store", dir.toString(), "-", STATE, A.id(), "v2", "2");
        Jvms.run(FunctionNamesWorker.class, dir, "store", dir.toString(), "-", "other state", A.id(), "v2", "3");
        Jvms.run(FunctionNamesWorker.class, dir, "store", dir.toString(), "-", STATE, B.id(), "v1", "1");
        String listed = Jvms.run(FunctionNamesWorker.class, dir, "list", dir.toString(), "-");
        assertEquals(List.of(A.id() + " | v2,v1 | other state," + STATE, B.id() + " | v1 | " + STATE),
                listed.lines().toList(), "every function, versions and states most recent first; nothing reported");
        assertEquals(List.of(Hex.of(A.idHash()), Hex.of(B.idHash())).stream().sorted().toList(), functionFiles(),
                "one file per function, named by its id hash; no temporary file left");
        assertTrue(Files.size(namesOf(A)) < 300, "a few hundred bytes: " + Files.size(namesOf(A)));
    }

    @Test
    void theDigestsListedAreThoseTheEntriesCarry() throws IOException {
        put(open(), A, 1, "a");
        FunctionNames.Named named = open().functions().get(0);
        assertEquals(A.idHash(), named.idHash());
        assertEquals(List.of(new FunctionNames.Text(A.versionDigest(), "v1")), named.versions());
        assertEquals(List.of(new FunctionNames.Text(A.stateDigest(STATE), STATE)), named.states());
    }

    @Test
    void aMemoizedCallWritesItsFunctionsNames() throws IOException {
        MemoRuntime.install(MemoConfig.at(dir));
        assertEquals(StoreWorker.expectedText(5), call(StoreWorker.TEXT, 5, StoreWorker::expectedText));
        List<String> lines = lines(TestAccess.store());
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith(StoreWorker.TEXT.id() + " | " + TestAccess.stored(StoreWorker.TEXT).version()
                + " | store-format=3;hash-spec="), lines.get(0));
    }

    @Test
    void theNamesAreWrittenOncePerJvmAndFunctionVersionNotPerStore() throws IOException {
        FileStore store = open();
        put(store, A, 1, "a");
        Files.delete(namesOf(A));
        put(store, A, 2, "a"); // this JVM wrote them already: no file access
        assertFalse(Files.exists(namesOf(A)), "not written again by the same JVM");
        StoredFunction v2 = new StoredFunction(A.id(), "v2", Ttl.NONE);
        put(store, v2, 3, "a"); // a new version: written (the old one's name is gone with the file)
        assertEquals(List.of(A.id() + " | v2 | " + STATE), lines(store));
        put(open(), A, 4, "a"); // another JVM's first store of v1
        assertEquals(List.of(A.id() + " | v1,v2 | " + STATE), lines(store));
        assertEquals(List.of(), reported);
    }

    @Test
    void aFileKeepsTheEightMostRecentVersionsAndNoTextTooLongToKeep() throws IOException {
        for (int v = 1; v <= 10; v++) {
            put(open(), new StoredFunction(A.id(), "v" + v, Ttl.NONE), v, "a");
        }
        put(open(), new StoredFunction(A.id(), "x".repeat(FunctionNames.MAX_TEXT + 1), Ttl.NONE), 11, "a");
        assertEquals(List.of(A.id() + " | v10,v9,v8,v7,v6,v5,v4,v3 | " + STATE), lines(open()));
        for (int s = 1; s <= 6; s++) {
            put(open(dir, "state " + s + "\u0177".repeat(FunctionNames.MAX_TEXT - 8), null, recording), A, 20 + s, "a");
        }
        FunctionNames.Named named = open().functions().get(0);
        assertEquals(FunctionNames.MAX_STATES, named.states().size());
        assertTrue(named.states().get(0).text().startsWith("state 6"), "most recent first");
        assertEquals(FunctionNames.MAX_VERSIONS, named.versions().size());
        // long versions, of chars above Latin-1 (two bytes each): 4 states and 8 versions would be 96 KiB
        for (int v = 1; v <= 8; v++) {
            put(open(), new StoredFunction(A.id(), v + "\u017e".repeat(FunctionNames.MAX_TEXT - 1), Ttl.NONE), 30 + v, "a");
        }
        named = open().functions().get(0);
        assertTrue(Files.size(namesOf(A)) <= FunctionNames.MAX_BYTES, "at most 64 KiB: " + Files.size(namesOf(A)));
        assertTrue(named.versions().size() < FunctionNames.MAX_VERSIONS, "the oldest versions made room");
        assertTrue(named.versions().get(0).text().startsWith("8\u017e"), "the newest is kept");
        assertEquals(FunctionNames.MAX_STATES, named.states().size());
    }

    @Test
    void aDamagedFileIsPassedOverWarnedAndWrittenAgainWhileValuesStayRight() throws IOException {
        FileStore first = open();
        put(first, A, 1, "a");
        put(first, B, 1, "b");
        byte[] sound = Files.readAllBytes(namesOf(A));
        byte[] ofB = Files.readAllBytes(namesOf(B));
        List<UnaryOperator<byte[]>> damages = List.of(
                bytes -> new byte[100], // zeros
                bytes -> ofB, // another function's sound file under the name
                bytes -> resealed(withLong(ofB.clone(), 8, A.idHash())), // ... claiming the name: its id does not hash to it
                bytes -> resealed(replaced(bytes.clone(), "v1", "v9")), // a version that is not its digest's
                bytes -> resealed(withInt(bytes.clone(), 16, Integer.MAX_VALUE)), // a length beyond the file
                bytes -> resealed(withInt(bytes.clone(), 16 + 4 + A.id().length(), 1 << 20)), // a count beyond (the id is Latin-1: a byte a char)
                bytes -> java.util.Arrays.copyOf(bytes, FunctionNames.MAX_BYTES + 1), // too large to read
                bytes -> { // a byte flipped, checksum not mended
                    byte[] b = bytes.clone();
                    b[20] ^= 1;
                    return b;
                });
        int k = 2;
        for (UnaryOperator<byte[]> damage : damages) {
            Files.write(namesOf(A), damage.apply(sound));
            reported.clear();
            assertEquals(List.of(B.id() + " | v1 | " + STATE), lines(first), "the damaged file is passed over");
            assertTrue(reported.size() == 1 && reported.get(0).startsWith("event names: the function names file "
                    + namesOf(A)), reported.toString());
            assertEquals("a", get(first, A, 1), "values do not depend on names");
            put(open(), A, k++, "a"); // the next store of the function, in any JVM, writes it again
            assertEquals(List.of(A.id() + " | v1 | " + STATE, B.id() + " | v1 | " + STATE), lines(first));
        }
    }

    /** A names file of format 1 (its strings in UTF-16 only, before 2026-12-04), as such a runtime wrote it. */
    private static byte[] formatOne(StoredFunction fn, String state) {
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(FunctionNames.MAGIC).putInt(1).putLong(fn.idHash());
        utf16(b, fn.id());
        b.putInt(1).putLong(fn.versionDigest());
        utf16(b, fn.version());
        b.putInt(1).putLong(fn.stateDigest(state));
        utf16(b, state);
        return resealed(java.util.Arrays.copyOf(b.array(), b.position() + 16));
    }

    private static void utf16(ByteBuffer b, String s) {
        b.putInt(s.length());
        for (char c : s.toCharArray()) {
            b.putChar(c);
        }
    }

    @Test
    void aFileOfTheEarlierFormatIsReadAsAbsentQuietlyAndWrittenAfresh() throws IOException {
        put(open(), A, 1, "a");
        Files.write(namesOf(A), formatOne(A, STATE));
        FileStore later = open();
        assertEquals(List.of(), lines(later), "not listed: its names are not read");
        assertEquals(List.of(), reported, "and not damage: no warning");
        assertEquals("a", get(later, A, 1));
        put(open(), A, 2, "b"); // the next store of the function in a JVM writes it in the current format
        assertEquals(List.of(A.id() + " | v1 | " + STATE), lines(open()));
        assertEquals(List.of(), reported);
    }

    @Test
    void aLinkAtTheFunctionsDirectoryOrAFileIsNotFollowed(@TempDir Path outside) throws IOException {
        put(open(), A, 1, "a");
        Path copy = outside.resolve(Hex.of(A.idHash()));
        Files.copy(namesOf(A), copy);
        byte[] before = Files.readAllBytes(copy);

        Files.delete(namesOf(A));
        Files.createSymbolicLink(namesOf(A), copy);
        assertEquals(List.of(), lines(open()), "a link is no names file");
        put(open(), A, 2, "a");
        assertFalse(Files.isSymbolicLink(namesOf(A)), "the link itself was replaced");

        Path functions = dir.resolve("functions");
        try (Stream<Path> s = Files.list(functions)) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(functions);
        Files.createSymbolicLink(functions, outside);
        assertEquals(List.of(), lines(open()), "a linked directory is not entered");
        put(open(), A, 3, "a");
        assertTrue(Files.isDirectory(functions, LinkOption.NOFOLLOW_LINKS), "a directory again");
        assertEquals(List.of(A.id() + " | v1 | " + STATE), lines(open()));
        assertArrayEquals(before, Files.readAllBytes(copy), "nothing outside was written");
        try (Stream<Path> s = Files.list(outside)) {
            assertEquals(1, s.count(), "nor created");
        }
    }

    /**
     * Two ids with one id hash (made here with a function whose hash is given; a real 64-bit
     * collision cannot be found): they share the file, which keeps the first and reports the
     * second; each function's entries stay its own.
     */
    @Test
    void aCollisionIsReportedTheFirstNamesKeptAndNoValueMixedUp() throws IOException {
        StoredFunction colliding = new StoredFunction("n.C#h(int)", A.idHash(), "v1", Ttl.NONE);
        FileStore store = open();
        put(store, A, 1, "a1");
        put(store, A, 2, "a2");
        byte[] names = Files.readAllBytes(namesOf(A));
        put(store, colliding, 1, "c1");
        assertEquals(1, reported.size(), reported.toString());
        assertTrue(reported.get(0).startsWith("warn collision: the functions " + A.id() + " and " + colliding.id()
                + " have the same id hash " + Hex.of(A.idHash())), reported.get(0));
        assertArrayEquals(names, Files.readAllBytes(namesOf(A)), "the first function's names are kept");
        assertEquals(List.of(A.id() + " | v1 | " + STATE), lines(store));

        assertEquals("c1", get(store, colliding, 1));
        assertEquals("Stale", get(store, A, 1), "its entry was replaced by the other function's: never served as A's");
        assertEquals("a2", get(store, A, 2));
        assertEquals("Stale", get(store, colliding, 2), "nor A's as the other function's");
        put(open(), colliding, 3, "c3"); // another JVM: reported again (once per JVM), file kept
        assertArrayEquals(names, Files.readAllBytes(namesOf(A)));
    }

    @Test
    void withAKeyOnlyAFileWithItsValidTagIsRead() throws IOException {
        StoreKey key = StoreKey.of("s3cret".getBytes(StandardCharsets.UTF_8));
        StoreKey other = StoreKey.of("other".getBytes(StandardCharsets.UTF_8));
        put(open(key), A, 1, "a");
        assertEquals(List.of(A.id() + " | v1 | " + STATE), lines(open(key)));
        assertEquals(List.of(A.id() + " | v1 | " + STATE), lines(open()), "without a key the tag is not looked at");
        assertEquals(List.of(), reported);
        assertEquals(List.of(), lines(open(other)), "another key: refused");
        assertTrue(reported.size() == 1 && reported.get(0).contains("does not match its authentication tag"),
                reported.toString());

        Files.delete(namesOf(A));
        reported.clear();
        put(open(), A, 2, "a"); // written without the key
        assertEquals(List.of(), lines(open(key)), "no tag: not read with the key");
        assertEquals(List.of(), reported, "and not damage: a store without the key wrote it");
        put(open(key), A, 3, "a"); // the next store with the key writes it with its tag
        assertEquals(List.of(A.id() + " | v1 | " + STATE), lines(open(key)));
    }

    @Test
    void removeOrphansDeletesTheNamesOfFunctionsWithoutEntriesAndDeadWritersTemporaryFiles() throws IOException {
        FileStore store = open();
        put(store, A, 1, "a");
        put(store, B, 1, "b");
        store.delete(B, 1, 1);
        Path functions = dir.resolve("functions");
        Path dead = Files.write(functions.resolve(Hex.of(B.idHash()) + ".tmp-2147483647-1"), new byte[10]);
        Path ours = Files.write(functions.resolve(Hex.of(B.idHash()) + ".tmp-" + ProcessHandle.current().pid() + "-1"),
                new byte[10]);
        Path foreign = Files.write(functions.resolve("README"), new byte[10]);
        assertEquals(2, store.removeOrphans());
        assertEquals(List.of(A.id() + " | v1 | " + STATE), lines(store));
        assertFalse(Files.exists(dead));
        assertTrue(Files.exists(ours), "a write of this JVM may be under way");
        assertTrue(Files.exists(foreign), "not named like a store file: left alone");
        put(store, B, 2, "b"); // this JVM's names were deleted: written again
        assertEquals(List.of(A.id() + " | v1 | " + STATE, B.id() + " | v1 | " + STATE), lines(store));
    }

    @Test
    void anIndexRebuiltFromTheObjectsAndPacksCountsNoNamesFile() throws IOException {
        FileStore store = open(dir, STATE, null, recording);
        for (int k = 1; k <= 3; k++) {
            put(store, A, k, "a");
        }
        put(new FileStore(dir, STATE, new StoreSettings(false, 0, "gds", 1L << 30, 10_000_000_000L, 10_000_000L, null),
                recording), B, 1, "b"); // an object file
        assertEquals(4, store.index().count());
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(dir.resolve("index"),
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[8]), 0); // the magic: the next store to open rebuilds the index
        }
        reported.clear();
        FileStore rebuilt = open();
        assertTrue(reported.stream().anyMatch(r -> r.startsWith("event index:")), "rebuilt: " + reported);
        assertEquals(4, rebuilt.index().count(), "the entries, and nothing of functions/");
        assertEquals(List.of(A.id() + " | v1 | " + STATE, B.id() + " | v1 | " + STATE), lines(rebuilt));
        assertEquals("b", get(rebuilt, B, 1));
    }

    // ---------------------------------------------------------------- forging

    /** {@code bytes} with the checksum trailer made valid again (as anyone who can write the store can). */
    private static byte[] resealed(byte[] bytes) {
        int body = bytes.length - 16;
        Xxh3Stream sum = Xxh3Stream.digest(bytes, 0, body);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(body, sum.high()).putLong(body + 8, sum.low());
        return bytes;
    }

    private static byte[] withLong(byte[] bytes, int at, long v) {
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(at, v);
        return bytes;
    }

    private static byte[] withInt(byte[] bytes, int at, int v) {
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(at, v);
        return bytes;
    }

    /** {@code bytes} with the first occurrence of {@code from} replaced by {@code to} (Latin-1 text, as the file holds it; same length). */
    private static byte[] replaced(byte[] bytes, String from, String to) {
        byte[] a = from.getBytes(StandardCharsets.ISO_8859_1);
        byte[] b = to.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i + a.length <= bytes.length; i++) {
            if (java.util.Arrays.equals(bytes, i, i + a.length, a, 0, a.length)) {
                System.arraycopy(b, 0, bytes, i, b.length);
                return bytes;
            }
        }
        throw new AssertionError(from + " not found");
    }
}
