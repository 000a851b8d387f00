package dev.memogen.processor;

import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaFileObject;

/** Compiles sources with the real processor and runs what comes out, in this JVM. */
final class TestCompiler {
    private TestCompiler() {}

    static JavaFileObject source(String qualifiedName, String... lines) {
        return JavaFileObjects.forSourceLines(qualifiedName, lines);
    }

    /** A class from its opening lines (package, imports, declaration) and members; closes it. */
    static JavaFileObject source(String qualifiedName, java.util.List<String> opening, String... members) {
        java.util.List<String> lines = new java.util.ArrayList<>(opening);
        lines.addAll(java.util.List.of(members));
        lines.add("}");
        return source(qualifiedName, lines.toArray(String[]::new));
    }

    static Compilation compile(JavaFileObject... sources) {
        return javac().withProcessors(new MemoProcessor()).withOptions("-Xlint:all,-processing", "-Werror").compile(sources);
    }

    static Compilation compileLenient(JavaFileObject... sources) {
        return javac().withProcessors(new MemoProcessor()).compile(sources);
    }

    /**
     * Compiles {@code sources} (file name to text, in {@code dir/src/<pkg>}) with the processor
     * into {@code dir/classes}, as a build would, for programs run in separate JVMs; returns the
     * classes directory.
     */
    static Path compileToDirectory(Path dir, String pkg, java.util.Map<String, String> sources) throws IOException {
        Path src = dir.resolve("src").resolve(pkg);
        Files.createDirectories(src);
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        String testClassPath = System.getProperty("java.class.path");
        java.util.List<String> javac = new java.util.ArrayList<>(java.util.List.of("-d", classes.toString(), "-cp",
                testClassPath, "-processorpath", testClassPath, "-processor", MemoProcessor.class.getName()));
        for (java.util.Map.Entry<String, String> e : sources.entrySet()) {
            Files.writeString(src.resolve(e.getKey()), e.getValue());
            javac.add(src.resolve(e.getKey()).toString());
        }
        int status = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, javac.toArray(String[]::new));
        if (status != 0) {
            throw new AssertionError("javac failed: " + status);
        }
        return classes;
    }

    /**
     * Runs {@code main} from {@code classes} (and the test class path) in a new JVM on the store
     * {@code dir/store}; asserts it exits normally within two minutes and returns what it printed.
     */
    static String runInNewJvm(Path dir, Path classes, String main) throws IOException, InterruptedException {
        return runInNewJvm(dir, classes, main, java.util.List.of());
    }

    /**
     * {@link #runInNewJvm(Path, Path, String)} with {@code options} for the JVM ({@code -Xmx...},
     * {@code -D...}) before the main class; what it printed to stderr is left in {@code dir/err.txt}.
     */
    static String runInNewJvm(Path dir, Path classes, String main, java.util.List<String> options)
            throws IOException, InterruptedException {
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dmemogen.dir=" + dir.resolve("store")));
        command.addAll(options);
        command.addAll(java.util.List.of("-cp", classes + java.io.File.pathSeparator
                + System.getProperty("java.class.path"), main));
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("exit " + p.exitValue() + ": " + Files.readString(out) + Files.readString(err));
        }
        return Files.readString(out).trim();
    }

    /**
     * A method for the memoized class of a program run in separate JVMs: {@code record("name")}
     * at the start of each body appends the name to the file {@code -Dbodies.log} names, so a test
     * reads which bodies ran from that file ({@link #bodiesRan}), never from the cache. The class
     * imports {@code dev.memogen.Memo}, {@code java.io.*} and {@code java.nio.file.*}.
     */
    static final String RECORD_BODY = """
                @Memo.Skip
                private static void record(String body) {
                    try {
                        Files.writeString(Path.of(System.getProperty("bodies.log")), body + "\\n",
                                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            """;

    /** The bodies that ran since the last look, as {@link #RECORD_BODY} logged them in {@code log}, which is emptied. */
    static java.util.List<String> bodiesRan(Path log) throws IOException {
        java.util.List<String> ran = Files.exists(log) ? Files.readAllLines(log) : java.util.List.of();
        Files.deleteIfExists(log);
        return ran;
    }

    static String generatedSource(Compilation compilation, String qualifiedName) {
        try {
            return compilation.generatedSourceFile(qualifiedName).orElseThrow().getCharContent(true).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A class loader over the class files of a successful compilation, written to a temporary
     * directory so that they can also be read as resources (as the code fingerprint reads them).
     */
    static Loaded load(Compilation compilation) {
        try {
            Path dir = Files.createTempDirectory(classesRoot(), "classes");
            for (JavaFileObject f : compilation.generatedFiles()) {
                if (f.getKind() != JavaFileObject.Kind.CLASS) {
                    continue;
                }
                String path = f.toUri().getPath();
                Path target = dir.resolve(path.substring(path.indexOf("/CLASS_OUTPUT/") + "/CLASS_OUTPUT/".length()));
                Files.createDirectories(target.getParent());
                try (InputStream in = f.openInputStream()) {
                    Files.write(target, in.readAllBytes());
                }
            }
            return new Loaded(dir.toUri().toURL());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One temporary directory per test JVM for the class files {@link #load} writes, deleted when the JVM exits. */
    private static Path classesRoot;

    private static synchronized Path classesRoot() throws IOException {
        if (classesRoot == null) {
            Path root = Files.createTempDirectory("memogen-test-classes");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(root)));
            classesRoot = root;
        }
        return classesRoot;
    }

    private static void deleteTree(Path root) {
        try (java.util.stream.Stream<Path> all = Files.walk(root)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: a temporary directory
        }
    }

    static final class Loaded extends URLClassLoader {
        Loaded(URL classes) {
            super(new URL[] {classes}, TestCompiler.class.getClassLoader());
        }

        Class<?> type(String name) {
            try {
                return loadClass(name);
            } catch (ClassNotFoundException e) {
                throw new AssertionError(e);
            }
        }

        /** Calls the only static method called {@code method} of class {@code cls}. */
        Object call(String cls, String method, Object... args) {
            Method found = null;
            for (Method m : type(cls).getDeclaredMethods()) {
                if (m.getName().equals(method) && m.getParameterCount() == args.length) {
                    if (found != null) {
                        throw new AssertionError("overloaded: " + method);
                    }
                    found = m;
                }
            }
            if (found == null) {
                throw new AssertionError("no method " + cls + "." + method);
            }
            try {
                found.setAccessible(true);
                return found.invoke(null, args);
            } catch (InvocationTargetException e) {
                Throwable t = e.getCause();
                if (t instanceof RuntimeException r) {
                    throw r;
                }
                if (t instanceof Error err) {
                    throw err;
                }
                throw new RuntimeException(t);
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }

        /** Calls a no-argument accessor of a record instance. */
        Object callAccessor(Object instance, String accessor) {
            try {
                Method m = instance.getClass().getDeclaredMethod(accessor);
                m.setAccessible(true);
                return m.invoke(instance);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }

        /** The value of the static {@code int} field {@code field} of class {@code cls}: a counter of runs. */
        int intField(String cls, String field) {
            return (Integer) field(cls, field);
        }

        Object field(String cls, String field) {
            try {
                java.lang.reflect.Field f = type(cls).getDeclaredField(field);
                f.setAccessible(true);
                return f.get(null);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
    }
}
