package dev.memogen.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.palantir.javapoet.JavaFile;
import dev.memogen.Memogen;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime as a named module, used by a modular application with no flags beyond the module
 * path: the application is compiled against the runtime module (generated code needs the packages
 * it exports) with the processor on the processor path, then run twice in new JVMs on one store.
 */
class ModuleUseTest {
    @TempDir Path dir;

    private static final String MODULE_INFO = """
            module com.acme.app {
                requires dev.memogen.runtime;
            }
            """;

    private static final String STATS = """
            package com.acme.app;

            import dev.memogen.GenerateMemo;

            @GenerateMemo
            final class Stats {
                private Stats() {}

                static double mean(double[] xs) {
                    double sum = 0;
                    for (double x : xs) {
                        sum += x;
                    }
                    return sum / xs.length;
                }
            }
            """;

    /** An instance method: the receiver's private field is read through a VarHandle, in a named module. */
    private static final String SCALER = """
            package com.acme.app;

            import dev.memogen.GenerateMemo;

            @GenerateMemo
            final class Scaler {
                private final double factor;

                Scaler(double factor) {
                    this.factor = factor;
                }

                double scale(double x) {
                    return x * factor;
                }
            }
            """;

    private static final String MAIN = """
            package com.acme.app;

            import dev.memogen.FunctionStats;
            import dev.memogen.Memogen;

            public final class Main {
                private Main() {}

                public static void main(String[] args) {
                    double[] xs = {1, 2, 3, 4};
                    double first = StatsMemo.mean(xs);
                    double second = StatsMemo.mean(xs);
                    System.out.println("modules " + Main.class.getModule().getName() + " " + Memogen.class.getModule().getName());
                    System.out.println("mean " + first + " " + second);
                    FunctionStats s = Memogen.statistics("com.acme.app.Stats#mean(double[])").orElseThrow();
                    System.out.println("misses " + s.misses() + ", memory hits " + s.memoryHits() + ", store hits " + s.storeHits());
                    System.out.println("scaled " + ScalerMemo.scale(new Scaler(2), 1.5) + " " + ScalerMemo.scale(new Scaler(2), 1.5)
                            + " " + ScalerMemo.scale(new Scaler(3), 1.5));
                    FunctionStats t = Memogen.statistics("com.acme.app.Scaler#scale(double)").orElseThrow();
                    System.out.println("scaler misses " + t.misses() + ", hits " + t.hits());
                }
            }
            """;

    @Test
    void modularApplicationCompilesAndRunsOnTheRuntimeModule() throws Exception {
        // runtime/target/classes under mvn test, the runtime's jar under mvn verify (the reactor
        // hands out the packaged jar once it exists); both carry module-info.class.
        Path runtime = locationOf(Memogen.class);
        assertTrue(hasModuleInfo(runtime), "the runtime on the test class path is a module: " + runtime);

        Path src = dir.resolve("src");
        write(src.resolve("module-info.java"), MODULE_INFO);
        write(src.resolve("com/acme/app/Stats.java"), STATS);
        write(src.resolve("com/acme/app/Scaler.java"), SCALER);
        write(src.resolve("com/acme/app/Main.java"), MAIN);
        Path app = dir.resolve("classes");
        compile(runtime, src, app);

        Path store = dir.resolve("store");
        assertEquals(List.of("modules com.acme.app dev.memogen.runtime", "mean 2.5 2.5",
                "misses 1, memory hits 1, store hits 0", "scaled 3.0 3.0 4.5", "scaler misses 2, hits 1"),
                run(runtime, app, store), "first JVM");
        assertEquals(List.of("modules com.acme.app dev.memogen.runtime", "mean 2.5 2.5",
                "misses 0, memory hits 1, store hits 1", "scaled 3.0 3.0 4.5", "scaler misses 0, hits 3"),
                run(runtime, app, store), "second JVM, same store");
    }

    /**
     * {@code @Generated} lives in module {@code java.compiler}: a generated class carries it only
     * when its module reads that module, so an application module compiles whether or not
     * {@code java.compiler} is in the module graph for another reason.
     */
    @Test
    void generatedAnnotationOnlyWhereTheModuleReadsJavaCompiler() throws Exception {
        Path runtime = locationOf(Memogen.class);
        Path src = dir.resolve("src");
        write(src.resolve("com/acme/app/Stats.java"), STATS);
        write(src.resolve("com/acme/app/Scaler.java"), SCALER);
        write(src.resolve("com/acme/app/Main.java"), MAIN);

        write(src.resolve("module-info.java"), MODULE_INFO);
        compile(runtime, src, dir.resolve("without"), "--add-modules", "java.compiler");
        assertFalse(Files.readString(dir.resolve("generated/com/acme/app/StatsMemo.java")).contains("@Generated"),
                "java.compiler in the graph, not read by the module");

        write(src.resolve("module-info.java"), MODULE_INFO.replace("requires dev.memogen.runtime;",
                "requires dev.memogen.runtime;\n    requires static java.compiler;"));
        compile(runtime, src, dir.resolve("with"));
        assertTrue(Files.readString(dir.resolve("generated/com/acme/app/StatsMemo.java")).contains("@Generated"),
                "the module reads java.compiler");
    }

    /**
     * javac on the module path, as a modular build runs it. The processor path is the processor's
     * own classes and its one run-time dependency, JavaPoet, found where this test loaded them.
     */
    private static void compile(Path runtime, Path src, Path out, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of(extra));
        args.addAll(List.of("-d", out.toString(),
                "-s", Files.createDirectories(out.resolveSibling("generated")).toString(),
                "--module-path", runtime.toString(),
                "-processorpath", locationOf(MemoProcessor.class) + File.pathSeparator + locationOf(JavaFile.class),
                "-Xlint:all,-processing", "-Werror"));
        try (var files = Files.walk(src)) {
            files.filter(p -> p.toString().endsWith(".java")).map(Path::toString).sorted().forEach(args::add);
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int status = javac.run(null, diagnostics, diagnostics, args.toArray(String[]::new));
        assertEquals(0, status, "javac " + String.join(" ", args) + "\n" + diagnostics.toString(StandardCharsets.UTF_8));
        assertTrue(Files.exists(out.resolve("com/acme/app/StatsMemo.class")), "the processor ran");
    }

    /** The application in a new JVM: only the module path, the main module and the store directory. */
    private List<String> run(Path runtime, Path app, Path store) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(java, "-Dmemogen.dir=" + store,
                "--module-path", runtime + File.pathSeparator + app,
                "-m", "com.acme.app/com.acme.app.Main")
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("MEMOGEN_")); // only the -D settings
        Process p = builder.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out");
        String errors = Files.readString(err);
        assertEquals(0, p.exitValue(), errors);
        assertFalse(errors.contains("WARNING"), "no warnings: " + errors);
        return Files.readAllLines(out);
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** The directory or jar a class was loaded from. */
    private static Path locationOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean hasModuleInfo(Path location) throws IOException {
        if (Files.isDirectory(location)) {
            return Files.exists(location.resolve("module-info.class"));
        }
        try (ZipFile jar = new ZipFile(location.toFile())) {
            return jar.getEntry("module-info.class") != null;
        }
    }
}
