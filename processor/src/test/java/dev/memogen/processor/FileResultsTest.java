package dev.memogen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import dev.memogen.Memogen;
import dev.memogen.MemogenSettings;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Methods returning a {@code Path} or a {@code File}: the file or tree the path names is stored
 * with the entry, and a hit (from memory or from the store) puts back what is missing or differs,
 * without running the body. A {@code Path} inside a result is a compile error. Separate JVMs, the
 * executable bit and a large file: {@link FileResultsAcrossJvmsTest}.
 */
class FileResultsTest {
    static TestCompiler.Loaded loaded;
    @TempDir Path dir;

    static final JavaFileObject WRITER = TestCompiler.source("files.Writer",
            "package files;",
            "import dev.memogen.GenerateMemo;",
            "import java.io.*;",
            "import java.nio.file.*;",
            "@GenerateMemo",
            "@SuppressWarnings(\"memogen:state\") // runs counts calls; it does not affect results",
            "final class Writer {",
            "  static int runs;",
            "  static Path write(String where, String text) throws IOException {",
            "    runs++;",
            "    Path p = Path.of(where);",
            "    Files.createDirectories(p.getParent());",
            "    return Files.writeString(p, text);",
            "  }",
            "  static File asFile(String where, String text) throws IOException { return write(where, text).toFile(); }",
            "  static Path tree(String where) throws IOException {",
            "    runs++;",
            "    Path root = Path.of(where);",
            "    Files.createDirectories(root.resolve(\"a/b\"));",
            "    Files.createDirectories(root.resolve(\"empty\"));",
            "    Files.writeString(root.resolve(\"top.txt\"), \"top\");",
            "    Files.writeString(root.resolve(\"a/b/deep.txt\"), \"deep\");",
            "    return root;",
            "  }",
            "  static Path missing(String where) { runs++; return Path.of(where); }",
            "  // The README's example, compiled here:",
            "  static Path writeCsv(String name, java.util.List<String> rows) throws IOException {   // a file",
            "    Path csv = Path.of(\"out\", name + \".csv\");",
            "    Files.createDirectories(csv.getParent());",
            "    return Files.write(csv, rows);",
            "  }",
            "}");

    @BeforeAll
    static void compileOnce() {
        Compilation c = TestCompiler.compile(WRITER);
        assertThat(c).succeeded();
        loaded = TestCompiler.load(c);
    }

    private static int runs() {
        return loaded.intField("files.Writer", "runs");
    }

    /** Calls {@code method} and returns how many bodies ran and what it returned. */
    private String counted(String method, Object... args) {
        int before = runs();
        Object result = loaded.call("files.WriterMemo", method, args);
        return (runs() - before) + " " + result;
    }

    @Test
    void aHitPutsBackAFileThatIsMissingOrDiffersFromMemoryAndFromTheStore() throws Exception {
        Memogen.configure(MemogenSettings.at(dir.resolve("store")));
        Path out = dir.resolve("out/result.txt");
        assertEquals("1 " + out, counted("write", out.toString(), "hello"));
        assertEquals("0 " + out, counted("write", out.toString(), "hello"), "a hit: the body does not run");
        assertEquals("hello", Files.readString(out));

        Files.delete(out);
        assertEquals("0 " + out, counted("write", out.toString(), "hello"), "a memory hit");
        assertEquals("hello", Files.readString(out), "restored from the bytes memory holds");

        Files.writeString(out, "other bytes");
        assertEquals("0 " + out, counted("write", out.toString(), "hello"));
        assertEquals("hello", Files.readString(out), "overwritten: restored");

        Memogen.clearMemory();
        Files.delete(out);
        Files.delete(out.getParent());
        assertEquals("0 " + out, counted("write", out.toString(), "hello"), "a store hit");
        assertEquals("hello", Files.readString(out), "restored from the store, its directory created");
        try (var s = Files.list(out.getParent())) {
            assertEquals(1, s.count(), "no temporary file left beside it");
        }

        assertEquals("1 " + out, counted("write", out.toString(), "bye"), "other arguments: computed");
        assertEquals("bye", Files.readString(out));
    }

    @Test
    void aRelativePathComesBackAbsoluteAndAFileAsAFile() throws Exception {
        Memogen.configure(MemogenSettings.at(dir.resolve("store")));
        Path out = dir.resolve("f.txt");
        assertEquals("1 " + out, counted("asFile", out.toString(), "as a file"));
        Files.delete(out);
        Object hit = loaded.call("files.WriterMemo", "asFile", out.toString(), "as a file");
        assertEquals(new File(out.toString()), hit);
        assertEquals("as a file", Files.readString(out));

        Path relative = Path.of("target", "file-results-" + System.nanoTime() + ".txt");
        try {
            assertEquals("1 " + relative, counted("write", relative.toString(), "r"), "the caller gets what the body returned");
            assertEquals("0 " + relative.toAbsolutePath(), counted("write", relative.toString(), "r"),
                    "a hit: where the file is, absolute");
        } finally {
            Files.deleteIfExists(relative);
        }
    }

    @Test
    void aDirectoryResultIsRestoredAndFilesNotInTheResultAreLeftAlone() throws Exception {
        Memogen.configure(MemogenSettings.at(dir.resolve("store")));
        Path tree = dir.resolve("tree");
        assertEquals("1 " + tree, counted("tree", tree.toString()));
        Files.delete(tree.resolve("a/b/deep.txt"));
        Files.delete(tree.resolve("a/b"));
        Files.delete(tree.resolve("empty"));
        Files.writeString(tree.resolve("top.txt"), "changed");
        Files.writeString(tree.resolve("mine.txt"), "the user's own");
        Memogen.clearMemory();
        assertEquals("0 " + tree, counted("tree", tree.toString()));
        assertEquals("deep", Files.readString(tree.resolve("a/b/deep.txt")));
        assertEquals("top", Files.readString(tree.resolve("top.txt")));
        assertTrue(Files.isDirectory(tree.resolve("empty")));
        assertEquals("the user's own", Files.readString(tree.resolve("mine.txt")), "never deleted");
    }

    @Test
    void aFileThatCannotBePutBackIsNeverAHit() throws Exception {
        Memogen.configure(MemogenSettings.at(dir.resolve("store")));
        Path out = dir.resolve("blocked.txt");
        assertEquals("1 " + out, counted("write", out.toString(), "x"));
        Files.delete(out);
        Files.createDirectories(out.resolve("in-the-way"));
        int before = runs();
        assertThrows(RuntimeException.class, () -> loaded.call("files.WriterMemo", "write", out.toString(), "x"),
                "the body itself cannot write there either");
        assertEquals(before + 1, runs(), "a memory hit that cannot put its file back is no hit: the body runs");
        Memogen.clearMemory();
        before = runs();
        assertThrows(RuntimeException.class, () -> loaded.call("files.WriterMemo", "write", out.toString(), "x"),
                "the body itself cannot write there either");
        assertEquals(before + 1, runs(), "from the store: not a hit, the body runs");
    }

    @Test
    void aPathThatDoesNotExistIsReturnedEachTimeAndNothingIsStored() throws Exception {
        Memogen.configure(MemogenSettings.at(dir.resolve("store")));
        Path none = dir.resolve("never-written.txt");
        assertEquals("1 " + none, counted("missing", none.toString()));
        assertEquals("1 " + none, counted("missing", none.toString()), "nothing stored: computed again");
        Memogen.clearMemory();
        assertEquals("1 " + none, counted("missing", none.toString()));
        assertFalse(Files.exists(none));
        assertEquals(0, Memogen.statistics().stream()
                .filter(f -> f.functionId().startsWith("files.Writer#missing")).mapToLong(f -> f.storedBytes()).sum());
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void aTreeWithAFifoALinkItselfOrOverTwoGibibytesIsNotStored() throws Exception {
        Memogen.configure(MemogenSettings.at(dir.resolve("store")));
        Path piped = dir.resolve("piped");
        Files.createDirectories(piped);
        Files.writeString(piped.resolve("data.txt"), "data");
        Process mkfifo;
        try {
            mkfifo = new ProcessBuilder("mkfifo", piped.resolve("pipe").toString()).start();
        } catch (java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "no mkfifo here");
            return;
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(mkfifo.waitFor() == 0, "mkfifo failed");
        assertEquals("1 " + piped, counted("missing", piped.toString()), "the FIFO is never opened (that would wait)");
        assertEquals("1 " + piped, counted("missing", piped.toString()), "nothing stored: computed again");

        Path link = Files.createSymbolicLink(dir.resolve("link.txt"), piped.resolve("data.txt"));
        assertEquals("1 " + link, counted("missing", link.toString()));
        assertEquals("1 " + link, counted("missing", link.toString()), "a link itself is not stored");

        Path huge = dir.resolve("huge.bin");
        try (var f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(Integer.MAX_VALUE + 1L); // sparse: takes no room
        }
        assertEquals("1 " + huge, counted("missing", huge.toString()));
        assertEquals("1 " + huge, counted("missing", huge.toString()), "too large for an entry: not stored");
        assertEquals(0, Memogen.statistics().stream()
                .filter(f -> f.functionId().startsWith("files.Writer#missing")).mapToLong(f -> f.storedBytes()).sum());
    }

    @Test
    void largeFileBytesAreStoredAndRestored() throws Exception {
        Memogen.configure(MemogenSettings.at(dir.resolve("store")));
        Path big = dir.resolve("big.txt");
        String text = "0123456789abcdef".repeat(300_000); // 4.8 MB as UTF-8: stored and read in pieces
        assertEquals("1 " + big, counted("write", big.toString(), text));
        Memogen.clearMemory();
        Files.writeString(big, "small now");
        assertEquals("0 " + big, counted("write", big.toString(), text));
        assertArrayEquals(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), Files.readAllBytes(big));
    }

    @Test
    void aPathInsideAResultIsACompileErrorSayingWhy() {
        JavaFileObject src = TestCompiler.source("p.Bad",
                "package p;",
                "import dev.memogen.GenerateMemo;",
                "import java.nio.file.Path;",
                "import java.util.*;",
                "import java.util.concurrent.CompletableFuture;",
                "@GenerateMemo",
                "final class Bad {",
                "  record Out(Path file, int rows) {}",
                "  static Out out(int n) { return null; }",
                "  static List<java.io.File> files(int n) { return null; }",
                "  static CompletableFuture<Path> later(int n) { return null; }",
                "}");
        Compilation c = TestCompiler.compileLenient(src);
        assertThat(c).failed();
        assertThat(c).hadErrorCount(3);
        assertThat(c).hadErrorContaining("[MemoUnstorable] return type p.Bad.Out cannot be stored: component 'file' of"
                + " record Out is java.nio.file.Path, and a Path is stored with the file it names only as the return type itself, not inside a record, a collection, an"
                + " Optional or a future").inFile(src).onLineContaining("static Out out(");
        assertThat(c).hadErrorContaining("a File is stored with the file it names only as the return type itself")
                .inFile(src).onLineContaining("files(int n)");
        assertThat(c).hadErrorContaining("the future completes with java.nio.file.Path, which cannot be stored: a Path"
                + " is stored with the file it names only as the return type itself").inFile(src)
                .onLineContaining("later(int n)");
    }
}
