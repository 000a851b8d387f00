package dev.memogen.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memogen.internal.codec.ValueWriter;
import dev.memogen.internal.hash.Xxh3Stream;
import dev.memogen.internal.store.StoredFunction;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entries forged by someone who can write the store (the threat model of docs/store-format.md,
 * "Damage"): written with the store's own writer, so their checksums and keys are valid, for the
 * function, version and key of a real call. Each would make the decoder allocate for a size it
 * claims, recurse deeper than a thread's stack, or read a file larger than the heap whole. In a
 * JVM of {@code -Xmx128m}: every call returns its correct value, computed, with no Throwable
 * reaching it; each hostile entry is replaced, so a second JVM hits the correct values.
 */
class HostileEntriesAcrossJvmsTest {
    @TempDir Path dir;

    private static final String HOSTILE = """
            package app;
            import dev.memogen.GenerateMemo;
            import dev.memogen.Memo;
            import java.io.*;
            import java.nio.file.*;
            import java.util.*;
            @GenerateMemo
            final class Hostile {
                record Node(int v, Node next) {}

                static List<String> words(int n) {
                    record("words");
                    List<String> w = new ArrayList<>();
                    for (int i = 0; i < n; i++) w.add("w" + i);
                    return w;
                }
                static Map<String, Integer> counts(int n) {
                    record("counts");
                    Map<String, Integer> m = new LinkedHashMap<>();
                    for (int i = 0; i < n; i++) m.put("k" + i, i);
                    return m;
                }
                static String[] names(int n) {
                    record("names");
                    String[] a = new String[n];
                    for (int i = 0; i < n; i++) a[i] = "n" + i;
                    return a;
                }
                static String text(int n) {
                    record("text");
                    return "t".repeat(n);
                }
                static Node chain(int n) {
                    record("chain");
                    Node c = null;
                    for (int i = 1; i <= n; i++) c = new Node(i, c);
                    return c;
                }
                static Set<Node> nodes(int n) {
                    record("nodes");
                    Node c = null;
                    for (int i = 1; i <= n; i++) c = new Node(i, c);
                    return new LinkedHashSet<>(List.of(c));
                }
                static int[] ints(int n) {
                    record("ints");
                    int[] a = new int[n];
                    for (int i = 0; i < n; i++) a[i] = i * i;
                    return a;
                }
            """ + TestCompiler.RECORD_BODY + "}\n";

    private static final String MAIN = """
            package app;
            import java.util.*;
            public final class Main {
                /** Runs one step; a Throwable that reaches the caller is printed, and the next step runs. */
                static void step(String what, java.util.function.Supplier<Object> call) {
                    try {
                        System.out.println(what + " " + call.get());
                    } catch (Throwable t) {
                        System.out.println(what + " failed: " + t);
                    }
                }

                static int depth(Hostile.Node n) {
                    int d = 0;
                    for (; n != null; n = n.next()) d++;
                    return d;
                }

                public static void main(String[] args) {
                    step("words", () -> HostileMemo.words(3));
                    step("counts", () -> HostileMemo.counts(3));
                    step("names", () -> Arrays.toString(HostileMemo.names(3)));
                    step("text", () -> HostileMemo.text(3));
                    step("chain", () -> depth(HostileMemo.chain(3)));
                    step("nodes", () -> depth(HostileMemo.nodes(3).iterator().next()));
                    step("ints", () -> Arrays.toString(HostileMemo.ints(3)));
                }
            }
            """;

    private static final String VALUES = """
            words [w0, w1, w2]
            counts {k0=0, k1=1, k2=2}
            names [n0, n1, n2]
            text ttt
            chain 3
            nodes 3
            ints [0, 1, 4]""";

    private static final List<String> BODIES = List.of("words", "counts", "names", "text", "chain", "nodes", "ints");

    /** A byte that makes a value that does not decode: a presence byte other than 0 or 1. */
    private static final byte BAD = 7;

    @Test
    void hostileEntriesAreMissesThatCostTheirSizeAndAreReplaced() throws Exception {
        Path classes = TestCompiler.compileToDirectory(dir, "app", Map.of("Hostile.java", HOSTILE, "Main.java", MAIN));
        Path log = dir.resolve("bodies.log");
        assertEquals(VALUES, run(classes), "first JVM");
        assertEquals(BODIES, TestCompiler.bodiesRan(log));

        Path filler = dir.resolve("filler");
        // A list claiming 40M elements (backed by 40 MB): a list made room for at once takes 160 MB.
        forge("#words(", out -> {
            out.writeBoolean(true);
            out.writeSize(40_000_000);
            out.writeBoolean(true);
            out.writeString("forged");
            out.writeByte(BAD);
            out.writeFileBytes(zeros(filler, 40_000_000), 40_000_000);
        });
        // A map claiming 25M entries (backed by 50 MB): its table alone would take 128 MB.
        forge("#counts(", out -> {
            out.writeBoolean(true);
            out.writeSize(25_000_000);
            out.writeBoolean(true); // one entry, whose put makes the table
            out.writeString("forged");
            out.writeBoolean(true);
            out.writeInt(1);
            out.writeByte(BAD);
            out.writeFileBytes(zeros(filler, 50_000_000), 50_000_000);
        });
        // An array claiming 40M elements (backed by 40 MB): 160 MB at once.
        forge("#names(", out -> {
            out.writeBoolean(true);
            out.writeSize(40_000_000);
            out.writeByte(BAD);
            out.writeFileBytes(zeros(filler, 40_000_000), 40_000_000);
        });
        // A string of 64M chars, every byte there: 128 MB of chars, more than the heap.
        forge("#text(", out -> {
            out.writeBoolean(true);
            out.writeSize(64_000_000);
            out.writeFileBytes(zeros(filler, 128_000_000), 128_000_000);
        });
        // A chain 12,000 deep that does not decode at its end: the decoder's depth hops threads.
        forge("#chain(", out -> {
            out.writeBoolean(true);
            chain(out, 12_000, BAD);
        });
        // A set holding a chain 100,000 deep, sound bytes: adding it to the set, the record's own
        // hashCode recurses through every level on the caller's stack.
        forge("#nodes(", out -> {
            out.writeBoolean(true);
            out.writeSize(1);
            out.writeBoolean(true);
            chain(out, 100_000, (byte) 0);
        });
        // 300 MB that do not decode (trailing bytes after an int[1]), on the recheck path of a
        // mutable result: more than twice the heap, if it were read whole.
        forge("#ints(", out -> {
            out.writeBoolean(true);
            out.writeIntArray(new int[] {42});
            out.writeFileBytes(zeros(filler, 300_000_000), 300_000_000);
        });
        Files.delete(filler);

        assertEquals(VALUES, run(classes), "a JVM meeting the hostile entries");
        assertEquals(BODIES, TestCompiler.bodiesRan(log), "every hostile entry is a miss");
        assertEquals(VALUES, run(classes), "the next JVM");
        assertEquals(List.of(), TestCompiler.bodiesRan(log), "every hostile entry was replaced");
    }

    /**
     * Results larger than the room a decoder makes before reading (lists, sets, deques, maps and
     * arrays of references, which grow as their elements are read): the same elements, in order,
     * from memory (mutable results are decoded from the bytes the memory tier keeps) and from the
     * store.
     */
    @Test
    void resultsLargerThanTheRoomMadeFirstComeBackWhole() {
        com.google.testing.compile.Compilation compilation = TestCompiler.compile(TestCompiler.source("big.Big",
                "package big;",
                "import dev.memogen.GenerateMemo;",
                "import java.util.*;",
                "@GenerateMemo",
                "final class Big {",
                "  static String[] names(int n) { String[] a = new String[n]; for (int i = 0; i < n; i++) a[i] = \"n\" + i; return a; }",
                "  static int[][] grid(int n) { int[][] g = new int[n][]; for (int i = 0; i < n; i++) g[i] = new int[] {i, -i}; return g; }",
                "  static List<String> list(int n) { return Arrays.asList(names(n)); }",
                "  static Set<String> set(int n) { return new LinkedHashSet<>(list(n)); }",
                "  static ArrayDeque<String> deque(int n) { return new ArrayDeque<>(list(n)); }",
                "  static Map<String, Integer> map(int n) {",
                "    Map<String, Integer> m = new LinkedHashMap<>(); for (int i = 0; i < n; i++) m.put(\"k\" + i, i); return m; }",
                "}"));
        com.google.testing.compile.CompilationSubject.assertThat(compilation).succeeded();
        TestCompiler.Loaded loaded = TestCompiler.load(compilation);
        dev.memogen.Memogen.configure(dev.memogen.MemogenSettings.at(dir));
        for (String method : List.of("names", "grid", "list", "set", "deque", "map")) {
            for (int n : new int[] {0, 16, 17, 1000}) {
                String computed = java.util.Arrays.deepToString(new Object[] {loaded.call("big.BigMemo", method, n)});
                String hit = java.util.Arrays.deepToString(new Object[] {loaded.call("big.BigMemo", method, n)});
                dev.memogen.Memogen.clearMemory();
                String stored = java.util.Arrays.deepToString(new Object[] {loaded.call("big.BigMemo", method, n)});
                assertEquals(computed, hit, method + "(" + n + ") from memory");
                assertEquals(computed, stored, method + "(" + n + ") from the store");
            }
        }
        assertEquals(java.util.Arrays.deepToString(new Object[] {new int[][] {{0, 0}, {1, -1}}}),
                java.util.Arrays.deepToString(new Object[] {loaded.call("big.BigMemo", "grid", 2)}));
    }

    private String run(Path classes) throws Exception {
        return TestCompiler.runInNewJvm(dir, classes, "app.Main", List.of("-Xmx128m", "-Dmemogen.packMax=0",
                "-Dbodies.log=" + dir.resolve("bodies.log")));
    }

    /**
     * The components of a {@code Node} that holds {@code depth} more, each present, the last
     * one's {@code next} given by the presence byte {@code end} (0: none).
     */
    private static void chain(ValueWriter out, int depth, byte end) {
        for (int i = 0; i < depth; i++) {
            out.writeInt(i);
            out.writeBoolean(true);
        }
        out.writeInt(0);
        out.writeByte(end);
    }

    /** A sparse file of {@code size} zeros (taking no disk until written elsewhere). */
    private static Path zeros(Path file, long size) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(0);
            f.setLength(size);
        }
        return file;
    }

    private interface Payload {
        void write(ValueWriter out) throws IOException;
    }

    /**
     * Replaces the entry of the only call of {@code Hostile}'s method {@code method} (e.g.
     * {@code "#words("}) by {@code payload}, as the store's writer would write it: the entry's own
     * header (system state, function and version digests, key), the new payload's length, the
     * payload, a valid checksum. The payload is streamed into the file, never held whole.
     */
    private void forge(String method, Payload payload) throws IOException {
        long fn = StoredFunction.idHash("app.Hostile" + method + "int)");
        Path entry;
        try (Stream<Path> files = Files.walk(dir.resolve("store/objects").resolve(String.format("%016x", fn)))) {
            entry = files.filter(p -> p.getFileName().toString().matches("[0-9a-f]{32}"))
                    .findFirst().orElseThrow(() -> new AssertionError("no entry of " + method));
        }
        byte[] header;
        try (var in = Files.newInputStream(entry)) {
            header = in.readNBytes(HEADER_BEFORE_LENGTH);
        }
        ValueWriter out = ValueWriter.deferring(0); // the zeros streamed from their file as it is written
        payload.write(out);
        ValueWriter length = new ValueWriter();
        length.writeSize(out.size());
        Xxh3Stream sum = new Xxh3Stream();
        Path forged = entry.resolveSibling("forged.tmp");
        try (var ch = java.nio.channels.FileChannel.open(forged, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ValueWriter.ChunkSink sink = (bytes, offset, n) -> {
                sum.putBytes(bytes, offset, n);
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes, offset, n);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            };
            sink.accept(header, 0, header.length);
            sink.accept(length.array(), 0, length.size());
            out.forEachChunk(256 * 1024, sink);
            sum.finish();
            ch.write(java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .putLong(sum.high()).putLong(sum.low()).flip());
        }
        Files.move(forged, entry, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** The bytes of an entry's header before its payload length (docs/store-format.md, "Object files"). */
    private static final int HEADER_BEFORE_LENGTH = 80;
}
