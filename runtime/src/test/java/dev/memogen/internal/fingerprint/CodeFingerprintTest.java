package dev.memogen.internal.fingerprint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.internal.fingerprint.CodeFingerprint;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each edit of the "results follow the code" table, compiled for real with javac, and whether
 * it changes the code fingerprint of {@code app.Main#run(int)}.
 */
class CodeFingerprintTest {
    @TempDir Path dir;
    private int builds;

    /** The sources of a small application; each test edits one of them. */
    private static Map<String, String> app() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("app/Main.java", """
                package app;
                import java.util.List;
                import java.util.function.IntUnaryOperator;
                public final class Main {
                    static final int SCALE = 3;
                    static final List<Integer> OFFSETS = List.of(1, 2);
                    public static int run(int x) {
                        int doubled = helper(x);
                        IntUnaryOperator twist = v -> v + 7;
                        Shape shape = x > 0 ? new Square(x) : new Circle(x);
                        Runnable r = new Runnable() { public void run() { System.out.println("anon"); } };
                        return twist.applyAsInt(doubled) * SCALE + OFFSETS.get(0) + Util.square(x) + (int) shape.area();
                    }
                    static int helper(int x) { return 2 * x; }
                    static int unrelated(int x) { return x - 1; }
                }
                """);
        s.put("app/Util.java", """
                package app;
                final class Util {
                    static int square(int x) { return Deep.times(x, x); }
                }
                """);
        s.put("app/Deep.java", """
                package app;
                final class Deep {
                    static int times(int a, int b) { return a * b; }
                }
                """);
        s.put("app/Shape.java", """
                package app;
                interface Shape { double area(); }
                """);
        s.put("app/Square.java", """
                package app;
                record Square(int side) implements Shape { public double area() { return side * side; } }
                """);
        s.put("app/Circle.java", """
                package app;
                record Circle(int r) implements Shape { public double area() { return 3 * r * r; } }
                """);
        return s;
    }

    private String fingerprint(Map<String, String> sources) throws Exception {
        return result(sources).digest();
    }

    private CodeFingerprint.Result result(Map<String, String> sources) throws Exception {
        Path src = dir.resolve("src" + builds);
        Path out = dir.resolve("classes" + builds);
        builds++;
        List<String> files = new ArrayList<>();
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path f = src.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue());
            files.add(f.toString());
        }
        Files.createDirectories(out);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-d", out.toString(), "--release", "17", "-g"));
        args.addAll(files);
        assertEquals(0, javac.run(null, null, null, args.toArray(String[]::new)), "compiles");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()}, null)) {
            return CodeFingerprint.compute(loader.loadClass("app.Main"), "run", "(I)I", List.of());
        }
    }

    private Map<String, String> edit(String file, String from, String to) {
        Map<String, String> s = app();
        String before = s.get(file);
        String after = before.replace(from, to);
        assertNotEquals(before, after, "the edit applies");
        s.put(file, after);
        return s;
    }

    @Test
    void sameCodeSameFingerprint() throws Exception {
        assertEquals(fingerprint(app()), fingerprint(app()));
    }

    @Test
    void reachesTheClassesItUses() throws Exception {
        CodeFingerprint.Result r = result(app());
        assertTrue(r.classes() >= 6, "classes: " + r.classes());
        assertTrue(r.externals().stream().anyMatch(e -> e.startsWith("jdk ")), r.externals().toString());
    }

    @Test
    void formattingCommentsAndLocalNamesDoNotCount() throws Exception {
        String base = fingerprint(app());
        assertEquals(base, fingerprint(edit("app/Main.java", "int doubled = helper(x);",
                "// a comment\n\n        int   doubled =\n            helper(x);  /* another */")));
        assertEquals(base, fingerprint(edit("app/Main.java", "doubled", "twice")), "renamed local: a hit");
        assertEquals(base, fingerprint(edit("app/Main.java", "static int unrelated(int x) { return x - 1; }",
                "static int unrelated(int x) { return x - 2; }")), "a method it does not reach: a hit");
    }

    @Test
    void editsToWhatItRunsChangeTheFingerprint() throws Exception {
        String base = fingerprint(app());
        assertNotEquals(base, fingerprint(edit("app/Main.java", "v + 7", "v + 8")), "lambda body");
        assertNotEquals(base, fingerprint(edit("app/Main.java", "return 2 * x;", "return 3 * x;")), "same-class callee");
        assertNotEquals(base, fingerprint(edit("app/Deep.java", "a * b", "a * b + 1")), "transitive callee in another class");
        assertNotEquals(base, fingerprint(edit("app/Main.java", "SCALE = 3", "SCALE = 4")), "inlined constant");
        assertNotEquals(base, fingerprint(edit("app/Main.java", "List.of(1, 2)", "List.of(5, 2)")), "static final object");
        assertNotEquals(base, fingerprint(edit("app/Main.java", "\"anon\"", "\"ANON\"")), "anonymous class");
        assertNotEquals(base, fingerprint(edit("app/Circle.java", "3 * r * r", "4 * r * r")), "override reached by a virtual call");
        assertNotEquals(base, fingerprint(edit("app/Main.java", "int doubled = helper(x);",
                "int doubled = helper(x) + 0 * x;")), "body");
    }

    @Test
    void anOverrideItCannotReachDoesNotCount() throws Exception {
        Map<String, String> s = app();
        s.put("app/Triangle.java", """
                package app;
                record Triangle(int b) { public double area() { return b; } }
                """);
        String base = fingerprint(s);
        s.put("app/Triangle.java", s.get("app/Triangle.java").replace("return b;", "return b + 1;"));
        assertEquals(base, fingerprint(s), "Triangle is not a Shape and not used");
    }

    @Test
    void mutableStaticFieldsAreReported() throws Exception {
        Map<String, String> s = edit("app/Deep.java", "static int times(int a, int b) { return a * b; }",
                "static int calls; static int times(int a, int b) { return a * b * calls; }");
        assertEquals(List.of("app.Deep.calls"), result(s).mutableStatics());
        assertEquals(List.of(), result(app()).mutableStatics());
    }

    @Test
    void aJarCountsByItsContent() throws Exception {
        Path src = dir.resolve("lib-src/lib/Lib.java");
        Files.createDirectories(src.getParent());
        String fp1 = withLibrary(src, "return x + 1;");
        String fp2 = withLibrary(src, "return x + 1;");
        String fp3 = withLibrary(src, "return x + 2;");
        assertEquals(fp1, fp2, "the same jar content");
        assertNotEquals(fp1, fp3, "a changed jar");
    }

    private String withLibrary(Path src, String body) throws Exception {
        Files.writeString(src, "package lib; public final class Lib { public static int f(int x) { " + body + " } }");
        Path libClasses = dir.resolve("lib-classes" + builds);
        Path appClasses = dir.resolve("app-classes" + builds);
        Path jar = dir.resolve("lib" + builds + ".jar");
        builds++;
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "-d", libClasses.toString(), src.toString()));
        try (OutputStream o = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(o)) {
            JarEntry e = new JarEntry("lib/Lib.class");
            e.setTime(System.currentTimeMillis() + builds * 10_000L); // timestamps do not count
            j.putNextEntry(e);
            j.write(Files.readAllBytes(libClasses.resolve("lib/Lib.class")));
            j.closeEntry();
        }
        Path appSrc = dir.resolve("app-src" + builds + "/app/Uses.java");
        Files.createDirectories(appSrc.getParent());
        Files.writeString(appSrc, "package app; public final class Uses { public static int run(int x) { return lib.Lib.f(x); } }");
        assertEquals(0, javac.run(null, null, null, "-d", appClasses.toString(), "-cp", jar.toString(), appSrc.toString()));
        try (URLClassLoader loader = new URLClassLoader(new URL[] {appClasses.toUri().toURL(), jar.toUri().toURL()}, null)) {
            CodeFingerprint.Result r = CodeFingerprint.compute(loader.loadClass("app.Uses"), "run", "(I)I", List.of());
            assertTrue(r.externals().stream().anyMatch(x -> x.startsWith("jar ")), r.externals().toString());
            return r.digest().substring(0, 32) + r.externals().stream().filter(x -> x.startsWith("jar")).toList();
        }
    }

    @SuppressWarnings("unused")
    private static long count(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            return s.count();
        }
    }

    @Test
    void codeOfArgumentClassesCounts() throws Exception {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("app/Main.java", """
                package app;
                public final class Main {
                    public static double run(java.util.List<Square> squares) {
                        double total = 0;
                        for (Shape shape : squares) total += shape.area();
                        return total;
                    }
                }
                """);
        s.put("app/Shape.java", app().get("app/Shape.java"));
        s.put("app/Square.java", app().get("app/Square.java"));
        String base = withValueClasses(s);
        s.put("app/Square.java", s.get("app/Square.java").replace("side * side", "side * side * 2"));
        assertNotEquals(base, withValueClasses(s), "Square arrives as an argument: its area() can run");
    }

    private String withValueClasses(Map<String, String> sources) throws Exception {
        Path src = dir.resolve("vsrc" + builds);
        Path out = dir.resolve("vclasses" + builds);
        builds++;
        List<String> args = new ArrayList<>(List.of("-d", out.toString()));
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path f = src.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue());
            args.add(f.toString());
        }
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new)));
        try (URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()}, null)) {
            return CodeFingerprint.compute(loader.loadClass("app.Main"), "run", "(Ljava/util/List;)D",
                    List.of("app.Square")).digest();
        }
    }
}
