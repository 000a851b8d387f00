package dev.memogen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import dev.memogen.Memogen;
import dev.memogen.MemogenSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Path} and {@code File} arguments, keyed by the path and what the file or directory tree
 * holds at each call: an edit in place with size and modification time restored recomputes, a
 * missing file that appears recomputes, an untouched file is a hit; {@code @Memo.PathOnly} keys
 * by the path alone.
 */
class FileArgumentsTest {
    static TestCompiler.Loaded loaded;
    @TempDir Path dir;

    static final JavaFileObject READER = TestCompiler.source("files.Reader",
            "package files;",
            "import dev.memogen.GenerateMemo;",
            "import dev.memogen.Memo;",
            "import java.io.*;",
            "import java.nio.file.*;",
            "import java.util.*;",
            "@GenerateMemo",
            "@SuppressWarnings(\"memogen:state\") // runs counts calls; it does not affect results",
            "final class Reader {",
            "  static int runs;",
            "  record Job(String name, Path input) {}",
            "  static String text(Path p) throws IOException { runs++; return Files.exists(p) ? Files.readString(p) : \"<absent>\"; }",
            "  static long length(File f) { runs++; return f.length(); }",
            "  static String name(@Memo.PathOnly Path p) { runs++; return p.getFileName().toString(); }",
            "  static long tree(Path dir) throws IOException {",
            "    runs++;",
            "    try (var s = Files.walk(dir)) {",
            "      return s.filter(f -> Files.isRegularFile(f) && !f.toString().contains(\".memogen\"))",
            "          .mapToLong(f -> f.toFile().length()).sum();",
            "    }",
            "  }",
            "  static String job(Job job) throws IOException { runs++; return job.name() + \":\" + Files.readString(job.input()); }",
            "  static int all(List<Path> paths) { runs++; return paths.size(); }",
            "}");

    @BeforeAll
    static void compileOnce() {
        Compilation c = TestCompiler.compile(READER);
        assertThat(c).succeeded();
        loaded = TestCompiler.load(c);
    }

    private static int runs() {
        return loaded.intField("files.Reader", "runs");
    }

    private Object call(String method, Object... args) {
        return loaded.call("files.ReaderMemo", method, args);
    }

    /** Calls {@code method} and returns how many bodies ran and what it returned. */
    private String counted(String method, Object... args) {
        int before = runs();
        Object result = call(method, args);
        return (runs() - before) + " " + result;
    }

    @Test
    void aFileEditedInPlaceWithItsSizeAndTimeRestoredIsRecomputed() throws Exception {
        Memogen.configure(MemogenSettings.at(dir.resolve("store")));
        Path data = dir.resolve("data.csv");
        Files.writeString(data, "a,1\nb,2\n");
        FileTime mtime = FileTime.fromMillis(Files.getLastModifiedTime(data).toMillis() - 60_000);
        Files.setLastModifiedTime(data, mtime);
        assertEquals("1 a,1\nb,2\n", counted("text", data));
        assertEquals("0 a,1\nb,2\n", counted("text", data), "untouched: a hit");
        assertEquals("0 a,1\nb,2\n", counted("text", dir.resolve("x/../data.csv")), "the same file by another spelling");
        Files.writeString(data, "a,1\nb,3\n"); // same size
        Files.setLastModifiedTime(data, mtime); // and the same modification time
        assertEquals(Files.size(data), 8);
        assertEquals("1 a,1\nb,3\n", counted("text", data), "edited in place: computed again");
        Memogen.clearMemory();
        assertEquals("0 a,1\nb,3\n", counted("text", data), "the new contents come from the store");
        Files.writeString(data, "a,1\nb,2\n");
        assertEquals("1 a,1\nb,2\n", counted("text", data),
                "the old contents again are not in the store: one entry per path, replaced when the file changed");
        assertEquals("0 a,1\nb,2\n", counted("text", data));
        Files.writeString(data, "a,1\nb,3\n");
        assertEquals("0 a,1\nb,3\n", counted("text", data), "memory keeps each version's value it has seen");
    }

    @Test
    void aMissingFileThatAppearsIsRecomputedAndAFileIsKeyedLikeAPath() throws Exception {
        Memogen.configure(MemogenSettings.at(dir.resolve("store")));
        Path later = dir.resolve("later.txt");
        assertEquals("1 <absent>", counted("text", later));
        assertEquals("0 <absent>", counted("text", later));
        Files.writeString(later, "here");
        assertEquals("1 here", counted("text", later));
        assertEquals("1 4", counted("length", later.toFile()));
        assertEquals("0 4", counted("length", new java.io.File(later.toString())));
        Files.writeString(later, "there");
        assertEquals("1 5", counted("length", later.toFile()));
    }

    @Test
    void pathOnlyKeysByThePathAlone() throws Exception {
        Memogen.configure(MemogenSettings.at(dir.resolve("store")));
        Path out = dir.resolve("out.bin");
        assertEquals("1 out.bin", counted("name", out));
        Files.writeString(out, "written since");
        assertEquals("0 out.bin", counted("name", out), "what the file holds does not count");
        assertEquals("1 other.bin", counted("name", dir.resolve("other.bin")));
    }

    @Test
    void aDirectoryIsKeyedByItsWholeTree() throws Exception {
        Memogen.configure(MemogenSettings.at(dir.resolve("store")));
        Path tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("a/b"));
        Files.writeString(tree.resolve("top.txt"), "123");
        Files.writeString(tree.resolve("a/b/deep.txt"), "12345");
        assertEquals("1 8", counted("tree", tree));
        assertEquals("0 8", counted("tree", tree));
        Files.writeString(tree.resolve("a/b/deep.txt"), "54321"); // same size, nested
        assertEquals("1 8", counted("tree", tree), "a nested file changed");
        Files.move(tree.resolve("top.txt"), tree.resolve("a/top.txt"));
        assertEquals("1 8", counted("tree", tree), "a file moved within the tree");
        Files.createDirectories(tree.resolve("empty"));
        assertEquals("1 8", counted("tree", tree), "a new empty directory");
        assertEquals("0 8", counted("tree", tree));
    }

    @Test
    void aTreeThatHoldsTheStoreIsKeyedWithoutIt() throws Exception {
        Path project = dir.resolve("project");
        Files.createDirectories(project);
        Files.writeString(project.resolve("data.txt"), "1234");
        Memogen.configure(MemogenSettings.at(project.resolve(".memogen"))); // as the default store in the working directory
        assertEquals("1 4", counted("tree", project));
        assertEquals("0 4", counted("tree", project), "the entry just written does not change the key");
        Memogen.clearMemory();
        assertEquals("0 4", counted("tree", project), "nor does reading it from the store");
        Files.writeString(project.resolve("data.txt"), "12345");
        assertEquals("1 5", counted("tree", project));
    }

    @Test
    void pathsInsideRecordsAndListsAreKeyedByContentToo() throws Exception {
        Memogen.configure(MemogenSettings.at(dir.resolve("store")));
        Path in = dir.resolve("in.txt");
        Files.writeString(in, "v1");
        Class<?> jobType = loaded.type("files.Reader$Job");
        java.lang.reflect.Constructor<?> make = jobType.getDeclaredConstructors()[0];
        make.setAccessible(true);
        Object job = make.newInstance("j", in);
        assertEquals("1 j:v1", counted("job", job));
        assertEquals("0 j:v1", counted("job", job));
        Files.writeString(in, "v2");
        assertEquals("1 j:v2", counted("job", job));
        assertEquals("1 2", counted("all", List.of(in, dir.resolve("none"))));
        assertEquals("0 2", counted("all", List.of(in, dir.resolve("none"))));
        Files.writeString(dir.resolve("none"), "now");
        assertEquals("1 2", counted("all", List.of(in, dir.resolve("none"))));
    }

    @Test
    void ifPresentFollowsWhatTheFileHolds() throws Exception {
        Memogen.configure(MemogenSettings.at(dir.resolve("store")));
        Path data = dir.resolve("look.txt");
        Files.writeString(data, "one");
        assertEquals(java.util.Optional.empty(), loaded.call("files.ReaderMemo$IfPresent", "text", data));
        assertEquals("1 one", counted("text", data));
        assertEquals(java.util.Optional.of("one"), loaded.call("files.ReaderMemo$IfPresent", "text", data));
        Files.writeString(data, "two");
        int before = runs();
        assertEquals(java.util.Optional.empty(), loaded.call("files.ReaderMemo$IfPresent", "text", data),
                "the file changed: nothing valid now");
        assertEquals(before, runs(), "IfPresent never runs the method");
    }

    @Test
    void pathOnlyOnAParameterWithoutPathsIsAnError() {
        JavaFileObject src = TestCompiler.source("files.Bad",
                "package files;",
                "import dev.memogen.GenerateMemo;",
                "import dev.memogen.Memo;",
                "@GenerateMemo",
                "final class Bad {",
                "  static int f(@Memo.PathOnly String name) { return 0; }",
                "  static java.nio.file.Path g(int n) { return null; }",
                "}");
        // g returns a Path: supported since (FileResultsTest); the one error is f's.
        Compilation c = TestCompiler.compileLenient(src);
        assertThat(c).failed();
        assertThat(c).hadErrorCount(1);
        assertThat(c).hadErrorContaining("[MemoPathOnly] @Memo.PathOnly on parameter 'name' of type java.lang.String does"
                + " nothing").inFile(src).onLineContaining("String name");
    }
}
