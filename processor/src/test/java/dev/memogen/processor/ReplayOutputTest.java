package dev.memogen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import dev.memogen.Memogen;
import dev.memogen.MemogenSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code @Memo(replayOutput = true)}: what the computing thread writes to {@code System.out} and
 * {@code System.err} is written again, in order, by hits from memory and from the store; other
 * threads' output is not recorded; a nested hit's replay is part of the caller's recording.
 */
class ReplayOutputTest {
    static TestCompiler.Loaded loaded;
    @TempDir Path dir;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private PrintStream out;
    private PrintStream err;

    static final JavaFileObject REPORTS = TestCompiler.source("replay.Reports",
            "package replay;",
            "import dev.memogen.GenerateMemo;",
            "import dev.memogen.Memo;",
            "@GenerateMemo",
            "@SuppressWarnings(\"memogen:state\") // runs counts calls; it does not affect results",
            "final class Reports {",
            "  static int runs;",
            "  @Memo(replayOutput = true)",
            "  static int fit(int n) throws InterruptedException {",
            "    runs++;",
            "    System.out.println(\"fitting \" + n);",
            "    System.err.println(\"warning: \" + n + \" is small\");",
            "    System.out.print(\"d\u00e9j\u00e0 vu\\n\");",
            "    Thread other = new Thread(() -> System.out.println(\"other thread\"));",
            "    other.start();",
            "    other.join();",
            "    return n * 2;",
            "  }",
            "  @Memo(replayOutput = true)",
            "  static int outer(int n) throws InterruptedException {",
            "    runs++;",
            "    System.out.println(\"outer \" + n);",
            "    return ReportsMemo.fit(n) + 1;",
            "  }",
            "  static int quiet(int n) { runs++; System.out.println(\"not replayed \" + n); return n; }",
            "}");

    @BeforeAll
    static void compileOnce() {
        Compilation c = TestCompiler.compile(REPORTS);
        assertThat(c).succeeded();
        loaded = TestCompiler.load(c);
    }

    @BeforeEach
    void captureTheConsole() {
        out = System.out;
        err = System.err;
        PrintStream both = new PrintStream(console, true, StandardCharsets.UTF_8);
        System.setOut(both);
        System.setErr(both);
        Memogen.configure(MemogenSettings.at(dir.resolve("store")));
    }

    @AfterEach
    void restoreTheConsole() {
        System.setOut(out);
        System.setErr(err);
    }

    private String printedBy(String method, Object... args) {
        int before = loaded.intField("replay.Reports", "runs");
        console.reset();
        Object result = loaded.call("replay.ReportsMemo", method, args);
        int ran = loaded.intField("replay.Reports", "runs") - before;
        return ran + " " + result + "\n" + console.toString(StandardCharsets.UTF_8);
    }

    @Test
    void hitsFromMemoryAndTheStoreWriteTheComputingThreadsOutputAgainInOrder() {
        String computed = printedBy("fit", 3);
        assertEquals("1 6\nfitting 3\nwarning: 3 is small\ndéjà vu\nother thread\n", computed);
        String replayed = "0 6\nfitting 3\nwarning: 3 is small\ndéjà vu\n";
        assertEquals(replayed, printedBy("fit", 3), "a memory hit; the other thread's line is not replayed");
        Memogen.clearMemory();
        assertEquals(replayed, printedBy("fit", 3), "a store hit");
        assertEquals(replayed, printedBy("fit", 3));
    }

    @Test
    void aNestedHitsReplayIsPartOfTheCallersRecording() {
        assertEquals("1 10\nfitting 5\nwarning: 5 is small\ndéjà vu\nother thread\n", printedBy("fit", 5));
        String expected = "outer 5\nfitting 5\nwarning: 5 is small\ndéjà vu\n";
        assertEquals("1 11\n" + expected, printedBy("outer", 5), "fit is a hit inside outer: replayed there");
        assertEquals("0 11\n" + expected, printedBy("outer", 5), "outer's hit replays fit's lines too");
        Memogen.clearMemory();
        assertEquals("0 11\n" + expected, printedBy("outer", 5));
    }

    @Test
    void withoutReplayOutputNothingIsReplayed() {
        assertEquals("1 4\nnot replayed 4\n", printedBy("quiet", 4));
        assertEquals("0 4\n", printedBy("quiet", 4));
    }

    @Test
    void replayOutputOnAMethodReturningAFutureIsACompileError() {
        JavaFileObject async = TestCompiler.source("replay.Async",
                "package replay;",
                "import dev.memogen.GenerateMemo;",
                "import dev.memogen.Memo;",
                "import java.util.concurrent.CompletableFuture;",
                "@GenerateMemo",
                "final class Async {",
                "  @Memo(replayOutput = true)",
                "  static CompletableFuture<Integer> later(int n) { return CompletableFuture.completedFuture(n); }",
                "}");
        Compilation c = Compiler.javac().withProcessors(new MemoProcessor()).compile(async);
        assertThat(c).failed();
        assertThat(c).hadErrorContaining("[MemoReplayAsync] replayOutput on a method returning a future");
    }
}
