package dev.memogen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import dev.memogen.Memogen;
import dev.memogen.MemogenSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Memogen.dependsOn} inside memoized bodies: the files' digests are kept with the result
 * and checked by every hit, from memory and from the store; a nested memoized call's files (those
 * it said it depends on, and its {@code Path} arguments) count for the calls around it; outside a
 * body it does nothing.
 */
class DependsOnTest {
    static TestCompiler.Loaded loaded;
    @TempDir Path dir;
    private Path data;

    static final JavaFileObject MODELS = TestCompiler.source("deps.Models",
            "package deps;",
            "import dev.memogen.GenerateMemo;",
            "import dev.memogen.Memogen;",
            "import java.io.IOException;",
            "import java.nio.file.*;",
            "@GenerateMemo",
            "@SuppressWarnings(\"memogen:state\") // runs counts calls; it does not affect results",
            "final class Models {",
            "  static int runs;",
            "  static String load(String file) throws IOException {",
            "    runs++;",
            "    Path p = Path.of(file);",
            "    Memogen.dependsOn(p);",
            "    return Files.exists(p) ? Files.readString(p).trim() : \"<absent>\";",
            "  }",
            "  /** Depends on the file through a nested memoized call that said so. */",
            "  static String summary(String file) throws IOException { runs++; return \"summary of \" + ModelsMemo.load(file); }",
            "  /** Depends on the file through a nested memoized call that takes it as a Path. */",
            "  static int size(String file) throws IOException { runs++; return ModelsMemo.text(Path.of(file)).length(); }",
            "  static String text(Path p) throws IOException { runs++; return Files.readString(p); }",
            "  /** Depends on a whole directory. */",
            "  static long count(String dir) throws IOException {",
            "    runs++;",
            "    Memogen.dependsOn(Path.of(dir));",
            "    try (var s = Files.list(Path.of(dir))) { return s.count(); }",
            "  }",
            "  static String plain(String s) { runs++; return s + s; }",
            "}");

    @BeforeAll
    static void compileOnce() {
        Compilation c = TestCompiler.compile(MODELS);
        assertThat(c).succeeded();
        loaded = TestCompiler.load(c);
    }

    @BeforeEach
    void store() throws Exception {
        Memogen.configure(MemogenSettings.at(dir.resolve("store")));
        data = dir.resolve("data.txt");
        Files.writeString(data, "alpha");
        Files.setLastModifiedTime(data, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
    }

    private static int runs() {
        return loaded.intField("deps.Models", "runs");
    }

    /** Calls {@code method} and returns how many bodies ran and what it returned. */
    private String counted(String method, Object... args) {
        int before = runs();
        Object result = loaded.call("deps.ModelsMemo", method, args);
        return (runs() - before) + " " + result;
    }

    @Test
    void anEditOfAFileTheBodyDependsOnRecomputesFromMemoryAndFromTheStore() throws Exception {
        String file = data.toString();
        assertEquals("1 alpha", counted("load", file));
        assertEquals("0 alpha", counted("load", file), "untouched: a memory hit");
        Memogen.clearMemory();
        assertEquals("0 alpha", counted("load", file), "untouched: a store hit");
        editKeepingSizeAndTime(data, "omega");
        assertEquals("1 omega", counted("load", file), "edited in place, size and time restored: a memory hit is refused");
        editKeepingSizeAndTime(data, "gamma");
        Memogen.clearMemory();
        assertEquals("1 gamma", counted("load", file), "edited again: the stored entry is stale");
        assertEquals("0 gamma", counted("load", file));
        Files.delete(data);
        assertEquals("1 <absent>", counted("load", file), "deleted");
        Files.writeString(data, "back");
        assertEquals("1 back", counted("load", file), "created again");
        assertEquals("1 backback", counted("plain", "back"));
        assertEquals("0 backback", counted("plain", "back"), "a body that depends on no file is unaffected");
    }

    @Test
    void theFilesOfANestedCallCountForTheCallerBothWhenItComputesAndWhenItHits() throws Exception {
        String file = data.toString();
        assertEquals("2 summary of alpha", counted("summary", file), "summary and the load it calls");
        assertEquals("0 summary of alpha", counted("summary", file));
        editKeepingSizeAndTime(data, "omega");
        assertEquals("2 summary of omega", counted("summary", file), "the file load depends on changed: both recompute");
        Memogen.clearMemory();
        assertEquals("0 summary of omega", counted("summary", file), "from the store, its dependency recorded there");

        editKeepingSizeAndTime(data, "delta");
        assertEquals("1 delta", counted("load", file), "load alone first");
        assertEquals("1 summary of delta", counted("summary", file),
                "load is a hit inside summary: its file becomes summary's dependency all the same");
        editKeepingSizeAndTime(data, "sigma");
        assertEquals("2 summary of sigma", counted("summary", file));

        assertEquals("2 5", counted("size", file), "size and the text(Path) it calls");
        assertEquals("0 5", counted("size", file));
        Files.writeString(data, "longer text");
        assertEquals("2 11", counted("size", file), "a nested call's Path argument is the caller's dependency");
    }

    @Test
    void aDirectoryDependencyCountsItsEntries() throws Exception {
        Path folder = dir.resolve("folder");
        Files.createDirectories(folder.resolve("sub"));
        Files.writeString(folder.resolve("a.txt"), "a");
        assertEquals("1 2", counted("count", folder.toString()));
        assertEquals("0 2", counted("count", folder.toString()));
        Files.writeString(folder.resolve("sub/b.txt"), "b");
        assertEquals("1 2", counted("count", folder.toString()), "a nested file appeared");
        Files.writeString(folder.resolve("c.txt"), "c");
        assertEquals("1 3", counted("count", folder.toString()));
    }

    @Test
    void outsideAMemoizedBodyItDoesNothing() throws Exception {
        Memogen.dependsOn(data, dir.resolve("missing"));
        assertEquals("1 alphaalpha", counted("plain", "alpha"));
        Files.writeString(data, "changed");
        assertEquals("0 alphaalpha", counted("plain", "alpha"), "the call outside a body attached nothing to it");
    }

    @Test
    void disabledTheBodyRunsEveryTime() throws Exception {
        Memogen.configure(MemogenSettings.at(dir.resolve("store")).withDisabled(true));
        assertEquals("1 alpha", counted("load", data.toString()));
        assertEquals("1 alpha", counted("load", data.toString()));
    }

    private static void editKeepingSizeAndTime(Path file, String after) throws Exception {
        FileArgumentsAcrossJvmsTest.editInPlaceKeepingSizeAndTime(file, Files.readString(file), after);
    }
}
