package dev.memogen.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memoized recursion as users write it: a {@code @GenerateMemo} class whose methods call their
 * own generated wrappers (Fibonacci, paths through a grid walked depth first, a chain of calls
 * 10,000 deep), compiled with the real processor and run in one thread, four threads, and two
 * JVMs on one store, with the default lock timeout (10 minutes). Before nested calls were fixed, a call whose key shared a lock stripe with an outer
 * frame's waited for that whole timeout; the runs here would not finish in time.
 */
class NestedMemoCallsTest {
    @TempDir static Path dir;
    static Path classes;

    private static final String REC = """
            package rec;
            import dev.memogen.GenerateMemo;
            import java.util.concurrent.atomic.AtomicInteger;
            @GenerateMemo
            @SuppressWarnings("memogen:state") // BODIES counts runs; it does not affect results
            final class Rec {
                static final AtomicInteger BODIES = new AtomicInteger();
                static long fib(int n) {
                    BODIES.incrementAndGet();
                    return n < 2 ? n : RecMemo.fib(n - 1) + RecMemo.fib(n - 2);
                }
                static long paths(int rows, int cols) {
                    BODIES.incrementAndGet();
                    return rows == 0 || cols == 0 ? 1 : RecMemo.paths(rows - 1, cols) + RecMemo.paths(rows, cols - 1);
                }
                static int down(int n) {
                    BODIES.incrementAndGet();
                    return n == 0 ? 0 : RecMemo.down(n - 1) + 1;
                }
                // Not pure on purpose: which of f and g calls the other depends on the caller's role,
                // so that two processes can each need the result the other is computing.
                static int f(int x) {
                    Main.meet("f", "g");
                    return System.getProperty("role").equals("f-then-g") ? RecMemo.g(x) + 1 : 1;
                }
                static int g(int x) {
                    Main.meet("g", "f");
                    return System.getProperty("role").equals("g-then-f") ? RecMemo.f(x) + 1 : 1;
                }
            }
            """;

    private static final String MAIN = """
            package rec;
            import java.nio.file.*;
            import java.util.*;
            public final class Main {
                public static void main(String[] args) throws Exception {
                    switch (args[0]) {
                        case "recurse" -> {
                            int threads = Integer.parseInt(args[1]);
                            List<Thread> all = new ArrayList<>();
                            for (int i = 0; i < threads; i++) {
                                // The program's own recursion needs stack: 10,000 nested calls, three frames each.
                                Thread t = new Thread(null, () -> {
                                    RecMemo.fib(1000);
                                    RecMemo.paths(40, 40);
                                    RecMemo.down(10_000);
                                }, "recurse-" + i, 512L << 20);
                                t.start();
                                all.add(t);
                            }
                            for (Thread t : all) t.join();
                            System.out.println("fib " + RecMemo.fib(1000) + " paths " + RecMemo.paths(40, 40)
                                    + " down " + RecMemo.down(10_000));
                        }
                        case "cycle" -> System.out.println(System.getProperty("role").startsWith("f") ? RecMemo.f(1) : RecMemo.g(1));
                        default -> throw new IllegalArgumentException(args[0]);
                    }
                    System.out.println("bodies " + Rec.BODIES.get());
                }
                /** Marks that body {@code me} runs, then waits (at most 60 s) until body {@code other} runs too. */
                static void meet(String me, String other) {
                    Path meeting = Path.of(System.getProperty("meeting"));
                    try {
                        Files.createDirectories(meeting);
                        Files.writeString(meeting.resolve(me), "");
                        for (int i = 0; i < 6000 && !Files.exists(meeting.resolve(other)); i++) Thread.sleep(10);
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }
            }
            """;

    /** fib(1000) and paths(40, 40) wrapped to 64 bits, as Java's {@code long} arithmetic gives them. */
    private static final String ANSWERS = "fib 817770325994397771 paths " + pathsModulo(40, 40) + " down 10000";
    /** 1001 bodies of fib; 41 x 41 of paths but (0, 0), which no call reaches; 10,001 of down. */
    private static final int BODIES = 1001 + 41 * 41 - 1 + 10_001;

    private static long pathsModulo(int rows, int cols) {
        long[][] p = new long[rows + 1][cols + 1];
        for (int r = 0; r <= rows; r++) {
            for (int c = 0; c <= cols; c++) {
                p[r][c] = r == 0 || c == 0 ? 1 : p[r - 1][c] + p[r][c - 1];
            }
        }
        return p[rows][cols];
    }

    @BeforeAll
    static void compile() throws IOException {
        Path src = dir.resolve("src/rec");
        Files.createDirectories(src);
        Files.writeString(src.resolve("Rec.java"), REC);
        Files.writeString(src.resolve("Main.java"), MAIN);
        classes = dir.resolve("classes");
        Files.createDirectories(classes);
        String cp = System.getProperty("java.class.path");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "-d", classes.toString(), "-s", classes.toString(), "-cp", cp,
                "-processorpath", cp, "-processor", MemoProcessor.class.getName(),
                src.resolve("Rec.java").toString(), src.resolve("Main.java").toString()));
    }

    /** A JVM running {@code rec.Main}, its output going to {@code out}. */
    private record Run(Process process, Path out) {}

    private static int runs;

    private static Run start(Path store, String role, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dmemogen.dir=" + store, "-Drole=" + role, "-Dmeeting=" + store.resolveSibling(store.getFileName() + "-meeting"),
                "-cp", classes + File.pathSeparator + System.getProperty("java.class.path"), "rec.Main"));
        command.addAll(List.of(args));
        Path out = dir.resolve("run-" + ++runs + ".out");
        return new Run(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start(), out);
    }

    /** What the JVM printed, once it ended by itself with status 0 within {@code seconds}. */
    private static String finish(Run run, int seconds) throws Exception {
        boolean ended = run.process.waitFor(seconds, TimeUnit.SECONDS);
        if (!ended) {
            run.process.destroyForcibly().waitFor();
        }
        String out = Files.readString(run.out);
        assertTrue(ended, "still running after " + seconds + " s:\n" + out);
        assertEquals(0, run.process.exitValue(), out);
        return out;
    }

    private static int bodies(String out) {
        return Integer.parseInt(out.substring(out.lastIndexOf("bodies ") + 7).trim());
    }

    /** Runs the recursions in {@code threads} threads of one new JVM on a new store; each body must run once. */
    private static void recurseInOneJvm(String store, int threads) throws Exception {
        String out = finish(start(dir.resolve(store), "-", "recurse", String.valueOf(threads)), 120);
        assertTrue(out.contains(ANSWERS), out);
        assertEquals(BODIES, bodies(out), out);
        assertTrue(!out.contains("WARNING"), "no warning: " + out);
    }

    @Test
    void recursionInOneThreadRunsEachBodyOnceAndNeverWaits() throws Exception {
        recurseInOneJvm("one", 1);
        String again = finish(start(dir.resolve("one"), "-", "recurse", "1"), 120);
        assertEquals(0, bodies(again), "the next JVM loads everything: " + again);
    }

    @Test
    void recursionInFourThreadsRunsEachBodyOnce() throws Exception {
        recurseInOneJvm("four", 4);
    }

    @Test
    void recursionInTwoJvmsOnOneStoreRunsEachBodyOnce() throws Exception {
        Path store = dir.resolve("two");
        Run a = start(store, "-", "recurse", "2");
        Run b = start(store, "-", "recurse", "2");
        String outA = finish(a, 120);
        String outB = finish(b, 120);
        assertTrue(outA.contains(ANSWERS), outA);
        assertTrue(outB.contains(ANSWERS), outB);
        assertEquals(BODIES, bodies(outA) + bodies(outB), "between them, each body once:\n" + outA + outB);
        assertTrue(!(outA + outB).contains("WARNING"), "no warning: " + outA + outB);
    }

    /**
     * Process 1 computes f(1), which needs g(1); process 2 computes g(1), which needs f(1). Each
     * holds the key the other waits for: the nested calls wait about a second, not the 10-minute
     * lock timeout, then compute, and say why.
     */
    @Test
    void twoProcessesWaitingForEachOthersKeysGoOnWithinSeconds() throws Exception {
        Path store = dir.resolve("cycle");
        Run a = start(store, "f-then-g", "cycle");
        Run b = start(store, "g-then-f", "cycle");
        String outA = finish(a, 60);
        String outB = finish(b, 60);
        // 2, or 3 when the other process stored its outer result before this one's wait ended.
        assertTrue(outA.matches("(?s)(.*\n)?[23]\nbodies 0\n"), outA);
        assertTrue(outB.matches("(?s)(.*\n)?[23]\nbodies 0\n"), outB);
        String both = outA + outB;
        assertTrue(both.contains("made inside another memoized computation waited"), both);
    }
}
