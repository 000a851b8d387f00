package dev.memogen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import dev.memogen.Memogen;
import dev.memogen.MemogenSettings;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code @GenerateMemo} class that calls its own generated class, in every form javac has to
 * attribute: the generated class does not exist when the processor first sees the class, so
 * nothing the processor does may make javac attribute those bodies early (it crashed javac, or
 * gave false type errors). Each form is compiled with warnings as errors, and run.
 */
class SelfReferenceTest {
    @TempDir Path dir;

    private TestCompiler.Loaded compileAndLoad(JavaFileObject... sources) {
        Compilation c = TestCompiler.compile(sources);
        assertThat(c).succeededWithoutWarnings();
        Memogen.configure(MemogenSettings.at(dir));
        return TestCompiler.load(c);
    }

    private static JavaFileObject k(String... members) {
        return TestCompiler.source("p.K", List.of("package p;", "import dev.memogen.GenerateMemo;", "import java.util.*;",
                "import java.util.function.*;", "import java.util.stream.*;", "@GenerateMemo", "final class K {",
                "  static List<Integer> load(int p) { return List.of(p, p + 1); }"), members);
    }

    @Test
    void streamHeadWithALambda() {
        var loaded = compileAndLoad(k(
                "  static List<Integer> plus(int p) { return KMemo.load(p).stream().map(x -> x + 1).toList(); }",
                "  static int sum(int p) { return KMemo.load(p).stream().mapToInt(x -> x * 10).sum(); }"));
        assertEquals(List.of(4, 5), loaded.call("p.KMemo", "plus", 3));
        assertEquals(70, loaded.call("p.KMemo", "sum", 3));
    }

    @Test
    void methodReferencesToTheGeneratedClass() {
        var loaded = compileAndLoad(k(
                "  static final IntFunction<List<Integer>> LOADER = KMemo::load;",
                "  static List<List<Integer>> all(int n) { return IntStream.range(0, n).mapToObj(KMemo::load).toList(); }",
                "  static int viaField(int p) { return LOADER.apply(p).get(1); }"));
        assertEquals(List.of(List.of(0, 1), List.of(1, 2)), loaded.call("p.KMemo", "all", 2));
        assertEquals(8, loaded.call("p.KMemo", "viaField", 7));
    }

    @Test
    void lambdasAndAnonymousClassesCallingTheGeneratedClass() {
        var loaded = compileAndLoad(k(
                "  static int lambda(int p) { IntUnaryOperator f = x -> KMemo.load(x).get(0) * 2; return f.applyAsInt(p); }",
                "  static int nested(int p) {",
                "    Supplier<IntSupplier> s = () -> () -> KMemo.load(p).stream().reduce(0, (a, b) -> a + b);",
                "    return s.get().getAsInt(); }",
                "  static int anonymous(int p) {",
                "    return new IntSupplier() { public int getAsInt() { return KMemo.load(p).size(); } }.getAsInt(); }"));
        assertEquals(10, loaded.call("p.KMemo", "lambda", 5));
        assertEquals(11, loaded.call("p.KMemo", "nested", 5));
        assertEquals(2, loaded.call("p.KMemo", "anonymous", 5));
    }

    @Test
    void genericCallsOnTheGeneratedClass() {
        var loaded = compileAndLoad(k(
                "  enum Color { RED, GREEN }",
                "  static <E extends Enum<E>> String name(E e) { return e.name().toLowerCase(); }",
                "  static String explicit(int p) { return KMemo.<Color>name(Color.values()[p]); }",
                "  static List<String> inferred(int p) { return Collections.unmodifiableList(List.of(KMemo.name(Color.RED), KMemo.name(Color.values()[p]))); }",
                "  static Map<Integer, List<Integer>> grouped(int p) {",
                "    return KMemo.load(p).stream().collect(Collectors.groupingBy(x -> x % 2, TreeMap::new, Collectors.toList())); }"));
        assertEquals("green", loaded.call("p.KMemo", "explicit", 1));
        assertEquals(List.of("red", "green"), loaded.call("p.KMemo", "inferred", 1));
        assertEquals(java.util.Map.of(0, List.of(4), 1, List.of(5)), loaded.call("p.KMemo", "grouped", 4));
    }

    @Test
    void nestedClassesCallingTheGeneratedClasses() {
        var loaded = compileAndLoad(k(
                "  static final class Inner { int first(int p) { return KMemo.load(p).stream().findFirst().orElse(-1); } }",
                "  static int viaInner(int p) { return new Inner().first(p); }",
                "  @GenerateMemo static final class Deep {",
                "    static List<Integer> squares(int n) { return IntStream.range(0, n).map(i -> i * i).boxed().toList(); }",
                "    static int total(int n) { return K_DeepMemo.squares(n).stream().mapToInt(Integer::intValue).sum()",
                "        + KMemo.load(n).stream().map(x -> -x).reduce(0, Integer::sum); }",
                "  }"));
        assertEquals(6, loaded.call("p.KMemo", "viaInner", 6));
        assertEquals(0 + 1 + 4 - 3 - 4, loaded.call("p.K_DeepMemo", "total", 3));
    }

    @Test
    void anotherClassOfTheCompilationCallingTheGeneratedClass() {
        var loaded = compileAndLoad(k("  static int viaOther(int p) { return Other.first(p); }"),
                TestCompiler.source("p.Other",
                        "package p;",
                        "final class Other {",
                        "  static int first(int p) { return KMemo.load(p).stream().map(x -> x * 3).findFirst().get(); }",
                        "}"));
        assertEquals(6, loaded.call("p.KMemo", "viaOther", 2));
    }

    @Test
    void mutableStateIsStillReportedInAClassThatCallsItsGeneratedClass() {
        JavaFileObject src = k(
                "  static int offset = 1;",
                "  static List<Integer> shifted(int p) { return KMemo.load(p).stream().map(x -> x + offset).toList(); }");
        Compilation c = TestCompiler.compileLenient(src);
        assertThat(c).succeeded();
        assertThat(c).hadWarningCount(1);
        assertThat(c).hadWarningContaining("[MemoReadsMutableState] shifted reads the non-final static field K.offset")
                .inFile(src).onLineContaining("static List<Integer> shifted");
    }
}
