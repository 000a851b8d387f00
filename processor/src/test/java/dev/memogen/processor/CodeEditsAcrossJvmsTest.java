package dev.memogen.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A two-module project (a library jar and an application using the real processor) built with
 * javac in a temporary directory. After each edit of the table it is rebuilt and run in a new
 * JVM on the same store; whether the memoized method's body ran is read from a file the body
 * appends to, never from the cache.
 */
class CodeEditsAcrossJvmsTest {
    @TempDir Path dir;

    /**
     * Whether every build's class files and jar get one fixed modification time, long past: then
     * a fingerprint is kept across runs (a file modified within seconds of being read is never
     * trusted by its stat), and each edit must be seen by the rest of the stat (size, inode,
     * change time) and by the class loader's URLs. Without it, every run fingerprints afresh.
     */
    private boolean backdate;
    private Path lib;
    private Path app;
    private Path log;
    private Path store;

    private static final String CALC = """
            package app;
            import dev.memogen.GenerateMemo;
            import dev.memogen.Memo;
            import java.nio.file.*;
            import java.util.function.IntUnaryOperator;
            @GenerateMemo
            final class Calc {
                static final int SCALE = 3;
                record Result(long value) {}
                @Memo(version = "1")
                static Result compute(int x) {
                    record();
                    int doubled = helper(x);
                    IntUnaryOperator twist = v -> v + 7;
                    Shape shape = new Square(x);
                    return new Result(twist.applyAsInt(doubled) * SCALE + Helper.deep(x) + lib.Lib.offset(x)
                            + (long) shape.area() + new Nested().bonus());
                }
                static int helper(int x) { return 2 * x; }
                static int unrelated(int x) { return x - 1; }
                static final class Nested { int bonus() { return 100; } }
                @Memo.Skip
                private static void record() {
                    try {
                        Files.writeString(Path.of(System.getProperty("runs.log")), "ran\\n",
                                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }
            """;

    private void write(Path root, String file, String text) throws IOException {
        Path f = root.resolve("src").resolve(file);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
    }

    private void edit(Path root, String file, String from, String to) throws IOException {
        Path f = root.resolve("src").resolve(file);
        String before = Files.readString(f);
        String after = before.replace(from, to);
        assertNotEquals(before, after, "edit applies to " + file);
        Files.writeString(f, after);
    }

    private void setUpProject() throws IOException {
        lib = dir.resolve("lib");
        app = dir.resolve("app");
        log = dir.resolve("runs.log");
        store = dir.resolve("store");
        write(lib, "lib/Lib.java", "package lib;\npublic final class Lib {\n    public static int offset(int x) { return x + 1000; }\n}\n");
        write(app, "app/Calc.java", CALC);
        write(app, "app/Helper.java", "package app;\nfinal class Helper {\n    static int deep(int x) { return Deeper.times(x, 10); }\n}\n");
        write(app, "app/Deeper.java", "package app;\nfinal class Deeper {\n    static int times(int a, int b) { return a * b; }\n}\n");
        write(app, "app/Shape.java", "package app;\ninterface Shape { double area(); }\n");
        write(app, "app/Square.java", "package app;\nrecord Square(int side) implements Shape {\n    public double area() { return side * side; }\n}\n");
        write(app, "app/Main.java", "package app;\npublic final class Main {\n    public static void main(String[] a) {\n"
                + "        System.out.println(CalcMemo.compute(5));\n    }\n}\n");
    }

    private static List<String> sources(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root.resolve("src"))) {
            return s.filter(p -> p.toString().endsWith(".java")).map(Path::toString).sorted().toList();
        }
    }

    private static void javac(List<String> args) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, args.toArray(String[]::new)), "javac " + args);
    }

    private static void clean(Path classes) throws IOException {
        if (Files.exists(classes)) {
            try (Stream<Path> s = Files.walk(classes)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(classes);
    }

    /** A full build of both modules: the library into a jar, the application with the processor. */
    private void build() throws IOException {
        Path libClasses = lib.resolve("classes");
        clean(libClasses);
        List<String> libArgs = new ArrayList<>(List.of("-d", libClasses.toString()));
        libArgs.addAll(sources(lib));
        javac(libArgs);
        try (OutputStream o = Files.newOutputStream(dir.resolve("lib.jar")); JarOutputStream j = new JarOutputStream(o)) {
            JarEntry e = new JarEntry("lib/Lib.class");
            j.putNextEntry(e);
            j.write(Files.readAllBytes(libClasses.resolve("lib/Lib.class")));
            j.closeEntry();
        }
        Path classes = app.resolve("classes");
        Path generated = app.resolve("generated");
        clean(classes);
        clean(generated);
        String testClassPath = System.getProperty("java.class.path");
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-s", generated.toString(),
                "-cp", dir.resolve("lib.jar") + File.pathSeparator + testClassPath,
                "-processorpath", testClassPath, "-processor", MemoProcessor.class.getName(), "-g"));
        args.addAll(sources(app));
        javac(args);
        backdate();
    }

    /** With {@link #backdate}: the same old modification time for every class file and the jar. */
    private void backdate() throws IOException {
        if (!backdate) {
            return;
        }
        java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.from(java.time.Instant.parse("2026-01-01T00:00:00Z"));
        Files.setLastModifiedTime(dir.resolve("lib.jar"), old);
        try (Stream<Path> s = Files.walk(app.resolve("classes"))) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(p, old);
            }
        }
    }

    /** Recompiles one application class only, as an IDE or an incremental build may: no processor. */
    private void recompileOnly(String file) throws IOException {
        Path classes = app.resolve("classes");
        javac(List.of("-d", classes.toString(), "-proc:none", "-g",
                "-cp", classes + File.pathSeparator + dir.resolve("lib.jar") + File.pathSeparator
                        + System.getProperty("java.class.path"),
                app.resolve("src").resolve(file).toString()));
        backdate();
    }

    /** Runs the application in a new JVM; returns whether the memoized body ran, and what it printed. */
    private String runAndCheck(boolean expectCompute, String what) throws Exception {
        return runAndCheck(expectCompute, what, List.of());
    }

    /** {@link #runAndCheck(boolean, String)} with more options for the JVM. */
    private String runAndCheck(boolean expectCompute, String what, List<String> jvmOptions) throws Exception {
        long before = Files.exists(log) ? Files.readAllLines(log).size() : 0;
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Path logging = dir.resolve("logging.properties");
        Files.writeString(logging, "handlers=java.util.logging.ConsoleHandler\n"
                + "java.util.logging.ConsoleHandler.level=ALL\ndev.memogen.level=ALL\n");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dmemogen.dir=" + store, "-Druns.log=" + log, "-Djava.util.logging.config.file=" + logging));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", app.resolve("classes") + File.pathSeparator + dir.resolve("lib.jar")
                + File.pathSeparator + System.getProperty("java.class.path"), "app.Main"));
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out");
        assertEquals(0, p.exitValue(), Files.readString(err));
        long after = Files.readAllLines(log).size();
        assertEquals(expectCompute ? before + 1 : before, after,
                what + ": expected " + (expectCompute ? "a recompute" : "a hit"));
        lastErr = Files.readString(err);
        return Files.readString(out).trim();
    }

    /** What the last run wrote to stderr: memogen's debug log. */
    private String lastErr = "";

    private static final String KEPT = "kept from an earlier run";

    /**
     * Each edit, built and run in a new JVM: a recompute exactly when the code the method reaches
     * changed. Twice: with class files just written (fingerprinted afresh in every JVM) and with
     * class files of an old modification time (the fingerprint kept from the run before is used
     * while nothing it read changed, which the second run checks).
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "backdated class files: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void resultsFollowEveryEditOfTheTable(boolean backdated) throws Exception {
        backdate = backdated;
        setUpProject();
        build();
        String first = runAndCheck(true, "first run");
        Path classes = dir.resolve("classes.log");
        assertEquals(first, runAndCheck(false, "second run, nothing changed", List.of("-Xlog:class+load:file=" + classes)));
        assertEquals(backdated, lastErr.contains(KEPT), "the fingerprint was kept from the first run: " + lastErr);
        if (backdated) {
            // A rerun that only hits, with its fingerprint kept, loads none of what fingerprinting,
            // misses or the names of functions need (issue 22: a fresh JVM's hit loads less).
            String loaded = Files.readString(classes);
            assertTrue(loaded.contains("dev.memogen.internal.fingerprint.FingerprintInputs "), "the log lists memogen's classes");
            for (String absent : List.of("internal.fingerprint.CodeFingerprint ", "internal.fingerprint.ClassFileReader ",
                    "internal.store.FlightTable ", "internal.store.FunctionNames ", "internal.codec.ValueWriter ")) {
                assertFalse(loaded.contains("dev.memogen." + absent), "a rerun's hit loaded " + absent);
            }
        }

        edit(app, "app/Calc.java", "int doubled = helper(x);",
                "// doubles x\n\n        int   doubled =\n            helper(x);   /* why */");
        build();
        assertEquals(first, runAndCheck(false, "comments, whitespace, blank lines"));

        edit(app, "app/Calc.java", "doubled", "twice");
        build();
        assertEquals(first, runAndCheck(false, "renamed local variable"));

        edit(app, "app/Calc.java", "return x - 1;", "return x - 2;");
        build();
        runAndCheck(false, "a method of the same class it does not reach");

        edit(app, "app/Calc.java", "return new Result(", "return new Result(1 + ");
        build();
        runAndCheck(true, "body of the memoized method");

        edit(app, "app/Calc.java", "return 2 * x;", "return 3 * x;");
        build();
        runAndCheck(true, "a method it calls in the same class");

        edit(app, "app/Deeper.java", "a * b", "a * b + 1");
        build();
        runAndCheck(true, "a method it calls transitively in another class");

        edit(lib, "lib/Lib.java", "x + 1000", "x + 2000");
        build();
        runAndCheck(true, "a method it calls in another module (a jar)");

        edit(app, "app/Calc.java", "SCALE = 3", "SCALE = 4");
        build();
        runAndCheck(true, "a static final constant (inlined by javac)");

        edit(app, "app/Calc.java", "v + 7", "v + 8");
        build();
        runAndCheck(true, "a lambda");

        edit(app, "app/Calc.java", "return 100;", "return 200;");
        build();
        runAndCheck(true, "a nested class it uses");

        edit(app, "app/Square.java", "side * side", "side * side * 2");
        build();
        runAndCheck(true, "an override a virtual call reaches");

        edit(app, "app/Calc.java", "@Memo(version = \"1\")", "@Memo(version = \"2\")");
        build();
        runAndCheck(true, "@Memo(version)");

        edit(app, "app/Calc.java", "record Result(long value) {}", "record Result(long value, String note) {\n"
                + "        Result(long value) { this(value, \"n\"); }\n    }");
        build();
        String reshaped = runAndCheck(true, "the return type gained a component");
        assertTrue(reshaped.contains("note=n"), "decoded into the new shape only after recomputing: " + reshaped);
        assertEquals(reshaped, runAndCheck(false, "and then it is a hit again"));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "backdated class files: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void onlyTheCalleesClassRecompiledStillInvalidates(boolean backdated) throws Exception {
        backdate = backdated;
        setUpProject();
        build();
        runAndCheck(true, "first run");
        long generatedStamp = Files.getLastModifiedTime(app.resolve("classes/app/CalcMemo.class")).toMillis();

        edit(app, "app/Deeper.java", "a * b", "a * b + 1");
        recompileOnly("app/Deeper.java");
        assertEquals(generatedStamp, Files.getLastModifiedTime(app.resolve("classes/app/CalcMemo.class")).toMillis(),
                "the generated class was not regenerated");
        runAndCheck(true, "callee recompiled alone");
        runAndCheck(false, "then a hit");

        edit(app, "app/Deeper.java", "static int times", "// a comment\n    static int times");
        recompileOnly("app/Deeper.java");
        runAndCheck(false, "callee recompiled alone, comment only");
    }
}
