package dev.memogen.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Methods returning a {@code Path}, in separate JVMs on one store. Every body appends its name to
 * a log file, so which bodies ran is read from that file, never from the cache. Between runs the
 * test deletes, overwrites and strips the executable bit of what the methods wrote; a new JVM
 * must put every byte back without running a body. Each scenario ends with the same program run
 * with {@code -Dmemogen.disable=true} on fresh files: every body runs, and the files it writes
 * must be, byte for byte and bit for bit, those memogen restored.
 */
class FileResultsAcrossJvmsTest {
    @TempDir Path dir;

    private Path classes;
    private Path out;
    private Path log;

    private static final String OUTPUTS = """
            package app;
            import dev.memogen.GenerateMemo;
            import dev.memogen.Memo;
            import java.io.*;
            import java.nio.file.*;
            import java.nio.file.attribute.PosixFilePermissions;
            @GenerateMemo
            final class Outputs {
                static Path report(String where) throws IOException {
                    record("report");
                    return Files.writeString(Path.of(where), "rows: 3\\n");
                }
                static Path tool(String where) throws IOException {
                    record("tool");
                    Path p = Files.writeString(Path.of(where), "#!/bin/sh\\necho hi\\n");
                    return Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
                static Path site(String where) throws IOException {
                    record("site");
                    Path root = Path.of(where);
                    Files.createDirectories(root.resolve("css/empty"));
                    Files.writeString(root.resolve("index.html"), "<h1>hi</h1>");
                    Files.writeString(root.resolve("css/a.css"), "h1 { color: red }");
                    Files.deleteIfExists(root.resolve("latest"));
                    Files.createSymbolicLink(root.resolve("latest"), Path.of("index.html"));
                    return root;
                }
                static Path missing(String where) {
                    record("missing");
                    return Path.of(where);
                }
                /** {@code mib} MiB of bytes that are not all alike, written a MiB at a time. */
                static Path big(String where, int mib) throws IOException {
                    record("big");
                    byte[] block = new byte[1 << 20];
                    try (OutputStream o = Files.newOutputStream(Path.of(where))) {
                        for (int m = 0; m < mib; m++) {
                            for (int i = 0; i < block.length; i++) {
                                block[i] = (byte) (i * 31 + m * 7 + (i >>> 9));
                            }
                            o.write(block);
                        }
                    }
                    return Path.of(where);
                }
            """ + TestCompiler.RECORD_BODY + "}\n";

    private static final String MAIN = """
            package app;
            import java.nio.file.*;
            public final class Main {
                public static void main(String[] args) throws Exception {
                    Path out = Path.of(System.getProperty("out"));
                    if (System.getProperty("big") != null) {
                        System.out.println(OutputsMemo.big(out.resolve("big.bin").toString(), Integer.getInteger("big")));
                        return;
                    }
                    for (int i = 0; i < 2; i++) {
                        System.out.println(OutputsMemo.report(out.resolve("report.txt").toString()));
                        System.out.println(OutputsMemo.tool(out.resolve("tool.sh").toString()));
                        System.out.println(OutputsMemo.site(out.resolve("site").toString()));
                        System.out.println(OutputsMemo.missing(out.resolve("never.txt").toString()));
                    }
                }
            }
            """;

    @BeforeEach
    void compile() throws Exception {
        classes = TestCompiler.compileToDirectory(dir, "app", Map.of("Outputs.java", OUTPUTS, "Main.java", MAIN));
        out = dir.resolve("out");
        Files.createDirectories(out);
        log = dir.resolve("bodies.log");
    }

    @Test
    void filesDeletedOverwrittenOrMadeNotExecutableAreRestoredByANewJvmWithoutRunningTheBody() throws Exception {
        String first = run(List.of());
        assertEquals(List.of("report", "tool", "site", "missing", "missing"), bodiesRan(),
                "first run: each body once, the missing path's at each call (nothing stored)");
        assertEquals(1, count(Files.readString(dir.resolve("err.txt")), "never.txt, returned by the method, does not"
                + " exist: nothing is stored; create the file before returning its path"), "warned once");
        Map<String, String> written = snapshot();

        Files.delete(out.resolve("report.txt"));
        Files.setPosixFilePermissions(out.resolve("tool.sh"), Set.of(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE));
        Files.writeString(out.resolve("site/css/a.css"), "h1 { color: blue }");
        Files.delete(out.resolve("site/index.html"));
        Files.delete(out.resolve("site/latest"));
        Files.delete(out.resolve("site/css/empty"));
        Files.writeString(out.resolve("site/mine.txt"), "not the method's");
        assertEquals(first, run(List.of()), "the same paths");
        assertEquals(List.of("missing", "missing"), bodiesRan(), "a new JVM: hits, the files put back from the store");
        Map<String, String> restored = snapshot();
        assertEquals("file rw- not the method's", restored.remove("site/mine.txt"), "a file of the user's is left alone");
        assertEquals(written, restored, "every file, link, directory and executable bit as the bodies left them");

        deleteAll(out);
        assertEquals(first, run(List.of("-Dmemogen.disable=true")));
        assertEquals(List.of("report", "tool", "site", "missing", "report", "tool", "site", "missing"), bodiesRan(),
                "memogen disabled: every body runs");
        assertEquals(restored, snapshot(), "what memogen restored is what the bodies write");
    }

    @Test
    void aLargeFileIsStoredAndRestoredWithoutBeingHeldInMemory() throws Exception {
        List<String> small = List.of("-Xmx32m", "-Dbig=40"); // 40 MiB: no copy of it fits in the heap
        Path big = out.resolve("big.bin");
        String path = run(small);
        assertEquals(big.toString(), path);
        assertEquals(List.of("big"), bodiesRan());
        assertEquals(40L << 20, Files.size(big));

        Files.delete(big);
        assertEquals(path, run(small));
        assertEquals(List.of(), bodiesRan(), "a hit in a new JVM");
        Path restored = dir.resolve("restored.bin");
        Files.move(big, restored);

        assertEquals(path, run(List.of("-Xmx32m", "-Dbig=40", "-Dmemogen.disable=true")));
        assertEquals(List.of("big"), bodiesRan());
        assertEquals(-1, Files.mismatch(restored, big), "restored byte for byte");

        try (var f = java.nio.channels.FileChannel.open(big, java.nio.file.StandardOpenOption.WRITE)) {
            f.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), 20L << 20); // same size, new bytes inside
        }
        assertTrue(Files.mismatch(restored, big) >= 0);
        assertEquals(path, run(small));
        assertEquals(List.of(), bodiesRan());
        assertEquals(-1, Files.mismatch(restored, big), "overwritten in the middle: restored");
    }

    private String run(List<String> options) throws Exception {
        List<String> all = new ArrayList<>(options);
        all.add("-Dout=" + out);
        all.add("-Dbodies.log=" + log);
        return TestCompiler.runInNewJvm(dir, classes, "app.Main", all);
    }

    private List<String> bodiesRan() throws IOException {
        return TestCompiler.bodiesRan(log);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /** Every path under {@link #out}: its kind, owner permissions, and contents or link target. */
    private Map<String, String> snapshot() throws IOException {
        Map<String, String> all = new TreeMap<>();
        try (Stream<Path> s = Files.walk(out)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (p.equals(out)) {
                    continue;
                }
                String name = out.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    all.put(name, "link " + Files.readSymbolicLink(p));
                    continue;
                }
                String perms = java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)).substring(0, 3);
                all.put(name, Files.isDirectory(p) ? "dir " + perms : "file " + perms + " " + Files.readString(p));
            }
        }
        assertFalse(all.isEmpty());
        return all;
    }

    private static void deleteAll(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (!p.equals(root)) {
                    Files.delete(p);
                }
            }
        }
    }
}
