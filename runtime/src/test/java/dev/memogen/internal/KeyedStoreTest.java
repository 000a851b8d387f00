package dev.memogen.internal;

import static dev.memogen.internal.StoreTestSupport.call;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.Memogen;
import dev.memogen.MemogenSettings;
import dev.memogen.internal.hash.Xxh3Stream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code memogen.key}: entries written with a key carry an HMAC-SHA256 tag, and with a key only
 * entries whose tag is valid are hits. An entry changed on disk with its checksum made valid again
 * (what anyone who can write the store can do) is a hit without a key and a miss with one; so is
 * an entry written with another key or without one, which is then replaced.
 */
class KeyedStoreTest {
    @TempDir Path dir;

    static final MemoFunction<String> TEXT = MemoFunction.create("k.Keyed#text(int)", "v1", StoreTestSupport.STRING, false);
    static final MemoFunction<double[]> BIG = MemoFunction.create("k.Keyed#big(int)", "v1", StoreTestSupport.DOUBLES, true);

    private final AtomicInteger runs = new AtomicInteger();

    private String text(int x) {
        runs.incrementAndGet();
        return "value " + x;
    }

    private double[] big(int x) {
        runs.incrementAndGet();
        double[] a = new double[300_000]; // 2.4 MB: read as it is decoded
        Arrays.fill(a, x);
        return a;
    }

    /** A fresh runtime on the store (as a new JVM would see it), with {@code key} or none, objects only. */
    private void open(String key) {
        Memogen.configure(MemogenSettings.at(dir).withPackMax(0).withKey(key));
    }

    /** Calls text(x); returns how many bodies ran and the value. */
    private String text(String key, int x) {
        open(key);
        int before = runs.get();
        String v = call(TEXT, x, this::text);
        return (runs.get() - before) + " " + v;
    }

    @Test
    void anEntryWrittenWithAKeyIsAHitWithItAndWithoutAKeyAndForgedWithAnother() {
        assertEquals("1 value 1", text("s3cret", 1));
        assertEquals("0 value 1", text("s3cret", 1), "the tag checks out");
        assertEquals("0 value 1", text(null, 1), "without a key the tag is not looked at");
        assertEquals("1 value 1", text("other", 1), "another key: the tag does not match, recomputed and replaced");
        assertEquals("0 value 1", text("other", 1));
        assertEquals("1 value 1", text("s3cret", 1), "replaced under the other key: not this key's");
    }

    @Test
    void packedEntriesAreCheckedAlike() {
        for (String key : new String[] {"s3cret", "s3cret", "other", null, "s3cret"}) {
            Memogen.configure(MemogenSettings.at(dir).withKey(key)); // small entries go to packs
            call(TEXT, 7, this::text);
        }
        assertEquals(3, runs.get(), "computed first, with another key, and again with the first; a hit without a key");
    }

    @Test
    void anEntryWrittenWithoutAKeyIsReplacedOnceAKeyIsSet() {
        assertEquals("1 value 2", text(null, 2));
        assertEquals("1 value 2", text("s3cret", 2), "no tag: stale");
        assertEquals("0 value 2", text("s3cret", 2), "written again, with its tag");
    }

    @Test
    void aValueChangedOnDiskWithItsChecksumMadeValidIsAHitOnlyWithoutAKey() throws IOException {
        assertEquals("1 value 3", text("s3cret", 3));
        Path file = onlyObject();
        forge(file, "value 3", "FORGED!");
        assertEquals("0 FORGED!", text(null, 3), "the checksum is no protection: without a key the forgery is served");
        assertEquals("1 value 3", text("s3cret", 3), "with the key: the tag does not match, recomputed");
        assertEquals("0 value 3", text("s3cret", 3));
        assertTrue(indexOf(Files.readAllBytes(onlyObject()), "value 3".getBytes(StandardCharsets.ISO_8859_1)) >= 0,
                "the forged entry was replaced");
    }

    @Test
    void aLargeEntryIsCheckedAsItIsReadAndATamperedOneIsAMiss() throws IOException {
        open("s3cret");
        double[] good = call(BIG, 4, this::big);
        Path file = onlyObject();
        byte[] bytes = Files.readAllBytes(file);
        assertTrue(bytes.length > dev.memogen.internal.store.FileStore.STREAM_ABOVE);
        open("s3cret");
        int before = runs.get();
        assertArrayEquals(good, call(BIG, 4, this::big));
        assertEquals(before, runs.get(), "a hit, decoded as it was read, tag checked at the end");

        // One double in the middle changed, the checksum made valid again: a forgery.
        byte[] four = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(4.0).array();
        int at = bytes.length / 2 + indexOf(Arrays.copyOfRange(bytes, bytes.length / 2, bytes.length), four);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putDouble(at, 666.0);
        Files.write(file, resealed(bytes));
        open(null);
        assertEquals(666.0, Arrays.stream(call(BIG, 4, this::big)).max().orElseThrow(), "without a key it is served");
        Files.write(file, resealed(bytes));
        open("s3cret");
        before = runs.get();
        assertArrayEquals(good, call(BIG, 4, this::big));
        assertEquals(before + 1, runs.get(), "with the key: a miss, recomputed");
    }

    @Test
    void aKeyFileThatCannotBeReadLeavesTheStoreUnused() throws IOException {
        Memogen.configure(MemogenSettings.at(dir).withKeyFile(dir.resolve("no-such-key")));
        assertNull(TestAccess.store(), "the store is not opened without its key");
        int before = runs.get();
        assertEquals("value 5", call(TEXT, 5, this::text));
        assertEquals("value 5", call(TEXT, 5, this::text));
        assertEquals(before + 1, runs.get(), "memory still serves");
        Path keyFile = Files.writeString(dir.resolve("key.txt"), "s3cret\n");
        Memogen.configure(MemogenSettings.at(dir).withKeyFile(keyFile));
        assertEquals("value 5", call(TEXT, 5, this::text));
        assertEquals("0 value 5", text("s3cret", 5), "the file's key without its line break is the key");
    }

    @Test
    void theKeyIsNeverPrinted() {
        MemogenSettings settings = MemogenSettings.at(dir).withKey("s3cret");
        assertTrue(settings.hasKey());
        assertTrue(!settings.toString().contains("s3cret") && !Memogen.settings().toString().contains("s3cret"));
    }

    /**
     * A forged entry in a store used by separate JVMs: served to one without the key, refused
     * (recomputed and replaced) by one with it.
     */
    @Test
    void aForgedEntryIsRefusedByAnotherJvmWithTheKey() throws Exception {
        assertEquals("ran 1: value 9", worker("s3cret", 9));
        forge(onlyObject(), "value 9", "FORGED!");
        assertEquals("ran 0: FORGED!", worker("-", 9), "no key: the forgery is served");
        String refused = Jvms.run(KeyedWorker.class, dir, dir.toString(), "s3cret", "9");
        assertTrue(refused.endsWith("ran 1: value 9" + System.lineSeparator()), "the key: refused, recomputed: " + refused);
        assertTrue(refused.contains("its authentication tag does not match"), refused);
        assertEquals("ran 0: value 9", worker("s3cret", 9));
    }

    /** What the worker printed: nothing but its line. */
    private String worker(String key, int x) throws Exception {
        return Jvms.run(KeyedWorker.class, dir, dir.toString(), key, Integer.toString(x)).trim();
    }

    /** Calls {@link #TEXT} in a JVM of its own: args store directory, key (or "-"), argument. */
    public static final class KeyedWorker {
        public static void main(String[] args) {
            Memogen.configure(MemogenSettings.at(Path.of(args[0])).withPackMax(0)
                    .withKey(args[1].equals("-") ? null : args[1]));
            int[] ran = {0};
            String v = call(TEXT, Integer.parseInt(args[2]), x -> {
                ran[0]++;
                return "value " + x;
            });
            System.out.println("ran " + ran[0] + ": " + v);
        }
    }

    /** The one object file of the store's functions (not the runtime's own: what the class path holds). */
    private Path onlyObject() throws IOException {
        String classPathAnswers = dev.memogen.internal.hash.Hex.of(
                dev.memogen.internal.store.StoredFunction.idHash("dev.memogen.ClassPathResource"));
        try (Stream<Path> s = Files.walk(dir.resolve("objects"))) {
            List<Path> files = s.filter(Files::isRegularFile)
                    .filter(p -> !dir.resolve("objects").relativize(p).getName(0).toString().equals(classPathAnswers))
                    .toList();
            assertEquals(1, files.size(), files.toString());
            return files.get(0);
        }
    }

    /** Replaces {@code from} by {@code to} (Latin-1 text, as values hold it; same length) in the entry, and makes its checksum valid again. */
    private static void forge(Path file, String from, String to) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        byte[] a = from.getBytes(StandardCharsets.ISO_8859_1);
        byte[] b = to.getBytes(StandardCharsets.ISO_8859_1);
        int at = indexOf(bytes, a);
        assertTrue(at >= 0);
        System.arraycopy(b, 0, bytes, at, b.length);
        Files.write(file, resealed(bytes));
    }

    /** {@code bytes} with its last 16 bytes set to the XXH3-128 of the ones before, as a store writes it. */
    private static byte[] resealed(byte[] bytes) {
        int body = bytes.length - 16;
        Xxh3Stream sum = Xxh3Stream.digest(bytes, 0, body);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(body, sum.high()).putLong(body + 8, sum.low());
        return bytes;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
