package dev.memogen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.testing.compile.Compilation;
import dev.memogen.Memogen;
import dev.memogen.MemogenSettings;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles a class that uses every supported type family with the real processor (warnings are
 * errors), runs the generated methods, and checks what they return and how often the original
 * methods ran.
 */
class GenerationTest {
    static TestCompiler.Loaded loaded;
    static Compilation compilation;

    @TempDir Path dir;

    @BeforeAll
    static void compileOnce() {
        compilation = TestCompiler.compile(
                TestCompiler.source("p.Everything",
                        "package p;",
                        "import dev.memogen.GenerateMemo;",
                        "import dev.memogen.Memo;",
                        "import java.io.IOException;",
                        "import java.util.*;",
                        "@GenerateMemo",
                        "@SuppressWarnings(\"memogen:state\") // runs counts calls; it does not affect results",
                        "final class Everything {",
                        "  static int runs;",
                        "  enum Color { RED, GREEN }",
                        "  enum Shade { RED, DARK }",
                        "  record Pair<A, B>(A first, B second) {}",
                        "  record Tree(String label, List<Tree> children) {}",
                        "  record Sample(String name, double[] values, Color color, Optional<Integer> weight) {}",
                        "  static String prims(boolean z, byte b, short s, char c, int i, long l, float f, double d) {",
                        "    runs++; return z + \",\" + b + \",\" + s + \",\" + c + \",\" + i + \",\" + l + \",\" + f + \",\" + d; }",
                        "  static Integer boxes(Boolean z, Byte b, Short s, Character c, Integer i, Long l, Float f, Double d) {",
                        "    runs++; return i == null ? null : i + 1; }",
                        "  static char chars(char c) { runs++; return Character.toUpperCase(c); }",
                        "  static String strings(String a, String b) { runs++; return a + \"|\" + b; }",
                        "  static Color colors(Color c) { runs++; return c == Color.RED ? Color.GREEN : Color.RED; }",
                        "  static <E extends Enum<E>> String enumName(E e) { runs++; return e.getDeclaringClass().getSimpleName() + \".\" + e; }",
                        "  static Pair<String, List<Integer>> pair(Pair<String, Integer> p) { runs++; return new Pair<>(p.first(), List.of(p.second())); }",
                        "  static int size(Tree t) { runs++; return count(t); }",
                        "  private static int count(Tree t) { int n = 1; for (Tree c : t.children()) n += count(c); return n; }",
                        "  static Tree grow(int depth) { runs++; return build(depth); }",
                        "  private static Tree build(int depth) { List<Tree> kids = new ArrayList<>(); if (depth > 0) { kids.add(build(depth - 1)); kids.add(build(depth - 1)); } return new Tree(\"d\" + depth, kids); }",
                        "  static Sample sample(Sample s) { runs++; return new Sample(s.name() + \"!\", s.values().clone(), s.color(), s.weight()); }",
                        "  record Point(String label, double x, Integer n, Color c) {}",
                        "  static String point(Point p, double w) { runs++; return p + \"*\" + w; }",
                        "  static long triple(long a, long b, float c) { runs++; return a + b + (long) c; }",
                        "  static int length(String s) { runs++; return s.length(); }",
                        "  static int[] ints(int[] a) { runs++; return a.clone(); }",
                        "  static double[] doubles(double[] a) { runs++; return a.clone(); }",
                        "  static long[] longs(long[] a, byte[] b, short[] s, char[] c, float[] f, boolean[] z) { runs++; return new long[] {a.length, b.length, s.length, c.length, f.length, z.length}; }",
                        "  static String[] strs(String[] a) { runs++; return a.clone(); }",
                        "  static int[][] grid(int[][] g) { runs++; int[][] r = new int[g.length][]; for (int i = 0; i < g.length; i++) r[i] = g[i].clone(); return r; }",
                        "  static Color[] colorArray(Color[] a) { runs++; return a.clone(); }",
                        "  static List<String> list(List<String> l) { runs++; return new ArrayList<>(l); }",
                        "  static Set<Integer> set(Set<Integer> s) { runs++; return new LinkedHashSet<>(s); }",
                        "  static Map<String, List<Integer>> map(Map<String, List<Integer>> m) { runs++; return new LinkedHashMap<>(m); }",
                        "  static Optional<String> optional(Optional<String> o) { runs++; return o.map(String::toUpperCase); }",
                        "  static ArrayList<Double> arrayList(List<Double> l) { runs++; return new ArrayList<>(l); }",
                        "  static int sum(int... xs) { runs++; int s = 0; for (int x : xs) s += x; return s; }",
                        "  static int over(int x) { runs++; return x; }",
                        "  static long over(long x) { runs++; return -x; }",
                        "  static String read(String name) throws IOException { runs++; if (name.isEmpty()) throw new IOException(\"empty name\"); return name; }",
                        "  static long fib(int n) { runs++; return n < 2 ? n : EverythingMemo.fib(n - 1) + EverythingMemo.fib(n - 2); }",
                        "  static String slow(int x) throws InterruptedException { runs++; Thread.sleep(300); return \"slow\" + x; }",
                        "  @Memo(version = \"2\") static int versioned(int x) { runs++; return x; }",
                        "  @Memo.Skip static int skipped(int x) { return x; }",
                        "  static void sideEffect(int x) { }",
                        "  int instance(int x) { return x; }",
                        "  private static int hidden(int x) { return x; }",
                        "}"),
                TestCompiler.source("p.Outer",
                        "package p;",
                        "import dev.memogen.GenerateMemo;",
                        "class Outer {",
                        "  @GenerateMemo",
                        "  @SuppressWarnings(\"memogen:state\")",
                        "  static class Inner {",
                        "    static int runs;",
                        "    static int twice(int x) { runs++; return 2 * x; }",
                        "  }",
                        "}"));
        assertThat(compilation).succeeded();
        loaded = TestCompiler.load(compilation);
    }

    @BeforeEach
    void freshStore() {
        Memogen.configure(MemogenSettings.at(dir));
        setRuns(0);
    }

    private static void setRuns(int value) {
        try {
            java.lang.reflect.Field f = loaded.type("p.Everything").getDeclaredField("runs");
            f.setAccessible(true);
            f.setInt(null, value);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static int runs() {
        return (Integer) loaded.field("p.Everything", "runs");
    }

    private static Object call(String method, Object... args) {
        return loaded.call("p.EverythingMemo", method, args);
    }

    /** Calls twice; the method must run once and both results be equal (deeply). */
    private static Object twice(String method, Object... args) {
        int before = runs();
        Object first = call(method, args);
        Object second = call(method, args);
        assertEquals(before + 1, runs(), method + " must run once for two equal calls");
        assertDeepEquals(first, second);
        return second;
    }

    private static void assertDeepEquals(Object a, Object b) {
        assertEquals(Arrays.deepToString(new Object[] {a}), Arrays.deepToString(new Object[] {b}));
    }

    private static Object record(String cls, Object... components) {
        try {
            Class<?> type = loaded.type(cls);
            var ctor = type.getDeclaredConstructors()[0];
            ctor.setAccessible(true);
            return ctor.newInstance(components);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object constant(String enumClass, String name) {
        return Enum.valueOf((Class) loaded.type(enumClass), name);
    }

    @Test
    void primitivesAndBoxes() {
        assertEquals("true,1,2,c,3,4,5.0,6.0", twice("prims", true, (byte) 1, (short) 2, 'c', 3, 4L, 5f, 6d));
        assertEquals(4, twice("boxes", true, (byte) 1, (short) 2, 'c', 3, 4L, 5f, 6d));
        assertNull(twice("boxes", null, null, null, null, null, null, null, null));
        assertEquals('Q', twice("chars", 'q'));
        int before = runs();
        call("prims", true, (byte) 1, (short) 2, 'c', 3, 4L, 5f, -0.0d);
        call("prims", true, (byte) 1, (short) 2, 'c', 3, 4L, 5f, 0.0d);
        assertEquals(before + 2, runs(), "0.0 and -0.0 are different arguments");
    }

    @Test
    void stringsKeepTheirBoundaries() {
        assertEquals("ab|c", twice("strings", "ab", "c"));
        assertEquals("a|bc", call("strings", "a", "bc"));
        assertEquals("null|x", twice("strings", null, "x"));
        assertEquals(3, runs());
    }

    @Test
    void enumsAndEnumTypeVariables() {
        assertEquals(constant("p.Everything$Color", "GREEN"), twice("colors", constant("p.Everything$Color", "RED")));
        assertEquals("Color.RED", twice("enumName", constant("p.Everything$Color", "RED")));
        assertEquals("Shade.RED", twice("enumName", constant("p.Everything$Shade", "RED")));
    }

    @Test
    void recordsIncludingGenericAndRecursiveOnes() {
        Object pair = twice("pair", record("p.Everything$Pair", "k", 3));
        assertEquals(record("p.Everything$Pair", "k", List.of(3)), pair);
        Object tree = twice("grow", 2);
        assertEquals(7, twice("size", tree));
        Object sample = record("p.Everything$Sample", "s", new double[] {1, 2}, constant("p.Everything$Color", "RED"),
                Optional.of(5));
        int before = runs();
        call("sample", sample);
        Object result = call("sample", sample);
        assertEquals(before + 1, runs());
        assertEquals("s!", loaded.callAccessor(result, "name"));
        assertEquals(Optional.of(5), loaded.callAccessor(result, "weight"));
        double[] values = (double[]) loaded.callAccessor(result, "values");
        values[0] = 99; // mutating a component of a returned record does not leak
        assertArrayEquals(new double[] {1, 2}, (double[]) loaded.callAccessor(call("sample", sample), "values"));
    }

    @Test
    void arraysOfEveryKind() {
        assertArrayEquals(new int[] {1, 2}, (int[]) twice("ints", (Object) new int[] {1, 2}));
        assertArrayEquals(new double[] {1.5}, (double[]) twice("doubles", (Object) new double[] {1.5}));
        assertArrayEquals(new long[] {1, 2, 3, 4, 5, 6}, (long[]) twice("longs", new long[1], new byte[2], new short[3],
                new char[4], new float[5], new boolean[6]));
        assertArrayEquals(new String[] {"a", null}, (String[]) twice("strs", (Object) new String[] {"a", null}));
        twice("colorArray", (Object) new Object[0].getClass().cast(java.lang.reflect.Array.newInstance(
                loaded.type("p.Everything$Color"), 1)));
        int before = runs();
        call("grid", (Object) new int[][] {{1}, {2}});
        call("grid", (Object) new int[][] {{1, 2}});
        assertEquals(before + 2, runs(), "[[1],[2]] and [[1,2]] are different arguments");
        assertArrayEquals(new int[][] {{3}, {4}}, (int[][]) twice("grid", (Object) new int[][] {{3}, {4}}));
    }

    @Test
    void collectionsAndOptionals() {
        assertEquals(List.of("a", "b"), twice("list", List.of("a", "b")));
        Set<Integer> ab = new LinkedHashSet<>(List.of(1, 2));
        Set<Integer> ba = new LinkedHashSet<>(List.of(2, 1));
        int before = runs();
        assertEquals(ab, call("set", ab));
        assertEquals(ab, call("set", ba));
        assertEquals(before + 1, runs(), "a set's order does not change its key");
        Map<String, List<Integer>> m1 = new LinkedHashMap<>();
        m1.put("x", List.of(1));
        m1.put("y", List.of(2));
        Map<String, List<Integer>> m2 = new LinkedHashMap<>();
        m2.put("y", List.of(2));
        m2.put("x", List.of(1));
        before = runs();
        assertEquals(m1, call("map", m1));
        assertEquals(m1, call("map", m2));
        assertEquals(before + 1, runs(), "a map's order does not change its key");
        assertEquals(Optional.of("HI"), twice("optional", Optional.of("hi")));
        assertEquals(Optional.empty(), twice("optional", Optional.empty()));
        assertEquals(new ArrayList<>(List.of(1.0)), twice("arrayList", List.of(1.0)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void mutatingReturnedCollectionsDoesNotChangeLaterHits() {
        List<String> first = (List<String>) call("list", List.of("a"));
        first.add("mutated");
        assertEquals(List.of("a"), call("list", List.of("a")));
        int[] array = (int[]) call("ints", (Object) new int[] {7});
        array[0] = 0;
        assertArrayEquals(new int[] {7}, (int[]) call("ints", (Object) new int[] {7}));
        Memogen.configure(MemogenSettings.at(dir)); // now from the store
        List<String> loadedList = (List<String>) call("list", List.of("a"));
        loadedList.clear();
        assertEquals(List.of("a"), call("list", List.of("a")));
    }

    @Test
    void signaturesAreKept() throws Exception {
        Class<?> memo = loaded.type("p.EverythingMemo");
        assertEquals(Modifier.PUBLIC | Modifier.FINAL, memo.getModifiers());
        assertEquals(1, memo.getDeclaredConstructors().length);
        assertEquals(Modifier.PRIVATE, memo.getDeclaredConstructors()[0].getModifiers());
        Method sum = memo.getDeclaredMethod("sum", int[].class);
        assertEquals(true, sum.isVarArgs());
        Method read = memo.getDeclaredMethod("read", String.class);
        assertArrayEquals(new Class<?>[] {IOException.class}, read.getExceptionTypes());
        Method enumName = memo.getDeclaredMethod("enumName", Enum.class);
        assertEquals(1, enumName.getTypeParameters().length);
        assertEquals("E", enumName.getTypeParameters()[0].getName());
        assertDoesNotThrow(() -> memo.getDeclaredMethod("over", int.class));
        assertDoesNotThrow(() -> memo.getDeclaredMethod("over", long.class));
        for (String absent : new String[] {"skipped", "sideEffect", "instance", "hidden"}) {
            assertThrows(NoSuchMethodException.class, () -> memo.getDeclaredMethod(absent, int.class), absent);
        }
        for (Parameter p : memo.getDeclaredMethod("strings", String.class, String.class).getParameters()) {
            assertEquals(String.class, p.getType());
        }
    }

    @Test
    void varargsOverloadsAndVersions() {
        assertEquals(6, twice("sum", (Object) new int[] {1, 2, 3}));
        Class<?> memo = loaded.type("p.EverythingMemo");
        try {
            assertEquals(5, memo.getDeclaredMethod("over", int.class).invoke(null, 5));
            assertEquals(-5L, memo.getDeclaredMethod("over", long.class).invoke(null, 5L));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
        assertEquals(3, twice("versioned", 3));
    }

    @Test
    void exceptionsReachTheCallerAndStoreNothing() {
        RuntimeException wrapped = assertThrows(RuntimeException.class, () -> call("read", ""));
        assertEquals(IOException.class, wrapped.getCause().getClass());
        assertEquals("empty name", wrapped.getCause().getMessage());
        assertThrows(RuntimeException.class, () -> call("read", ""));
        assertEquals(2, runs(), "a failed call is not remembered");
        assertEquals("ok", twice("read", "ok"));
    }

    @Test
    void recursiveMemoizedCallsWork() {
        assertEquals(12586269025L, call("fib", 50));
        assertEquals(51, runs(), "each fib(n) computed once");
        assertEquals(12586269025L, call("fib", 50));
        assertEquals(51, runs());
    }

    @Test
    void concurrentCallsWithTheSameKeyComputeOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Object>> results = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                results.add(pool.submit((Callable<Object>) () -> call("slow", 1)));
            }
            for (Future<Object> f : results) {
                assertEquals("slow1", f.get(10, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, runs());
    }

    @Test
    void nestedClassesGetAnUnderscoredName() {
        assertEquals(8, loaded.call("p.Outer_InnerMemo", "twice", 4));
        assertEquals(8, loaded.call("p.Outer_InnerMemo", "twice", 4));
        assertEquals(1, loaded.field("p.Outer$Inner", "runs"));
    }

    @Test
    void resultsSurviveANewRuntime() {
        assertEquals("a|b", call("strings", "a", "b"));
        Memogen.configure(MemogenSettings.at(dir));
        assertEquals("a|b", call("strings", "a", "b"));
        assertEquals(1, runs());
    }

    @Test
    void disabledCallsEveryTime() {
        Memogen.configure(MemogenSettings.at(dir).withDisabled(true));
        call("strings", "a", "b");
        call("strings", "a", "b");
        assertEquals(2, runs());
    }

    @Test
    void packedPrimitiveKeysAreExactAndSurviveANewRuntime() throws Exception {
        Class<?> memo = loaded.type("p.EverythingMemo");
        Method overInt = memo.getDeclaredMethod("over", int.class);
        Method overLong = memo.getDeclaredMethod("over", long.class);
        for (int round = 0; round < 2; round++) {
            for (int i = -300; i <= 300; i += 3) {
                assertEquals(i, overInt.invoke(null, i));
                assertEquals((long) -i, overLong.invoke(null, (long) i));
            }
        }
        assertEquals(2 * 201, runs(), "each argument computed once, then served from memory");
        Memogen.configure(MemogenSettings.at(dir)); // from the store, then from memory again
        for (int i = -300; i <= 300; i += 3) {
            assertEquals(i, overInt.invoke(null, i));
            assertEquals(i, overInt.invoke(null, i));
        }
        assertEquals(2 * 201, runs());
        assertEquals("true,1,2,c,3,4,5.0,6.0", twice("prims", true, (byte) 1, (short) 2, 'c', 3, 4L, 5f, 6d));
    }

    private static long memoryHits(String function) {
        return dev.memogen.Memogen.statistics("p.Everything#" + function).orElseThrow().memoryHits();
    }

    @Test
    void valueArgumentsHitMemoryByEqualityAndNeverConfuseCollidingHashes() {
        Object red = constant("p.Everything$Color", "RED");
        // "Aa" and "BB" have the same String.hashCode, so these arguments share a memory key.
        assertEquals("Aa|x", call("strings", "Aa", "x"));
        assertEquals("BB|x", call("strings", "BB", "x"));
        assertEquals("Aa|x", call("strings", "Aa", "x"));
        assertEquals("BB|x", call("strings", "BB", "x"));
        assertEquals(2, runs());

        Object aa = record("p.Everything$Point", "Aa", 1.5, null, red);
        Object bb = record("p.Everything$Point", "BB", 1.5, null, red);
        String first = (String) call("point", aa, 2.0);
        assertEquals(aa + "*2.0", first);
        // An equal record in another instance (another String too) is a memory hit.
        Object aaAgain = record("p.Everything$Point", new String("Aa"), 1.5, null, red);
        assertEquals(first, call("point", aaAgain, 2.0));
        assertEquals(1, memoryHits("point(p.Everything.Point,double)"));
        // bb shares aa's memory key: it is computed, then each is right whatever the tier holds.
        assertEquals(bb + "*2.0", call("point", bb, 2.0));
        assertEquals(first, call("point", aaAgain, 2.0));
        assertEquals(bb + "*2.0", call("point", bb, 2.0));
        assertEquals(4, runs());

        // The hash spec's equality: 0.0 and -0.0 differ, every NaN is alike, null is a value.
        int before = runs();
        call("point", record("p.Everything$Point", "z", 0.0, 1, red), 1.0);
        call("point", record("p.Everything$Point", "z", -0.0, 1, red), 1.0);
        call("point", record("p.Everything$Point", "z", 0.0, 1, red), -0.0);
        assertEquals(before + 3, runs());
        call("point", record("p.Everything$Point", "n", Double.NaN, 1, red), 1.0);
        call("point", record("p.Everything$Point", "n", Double.longBitsToDouble(0x7ff8000000000123L), 1, red), 1.0);
        assertEquals(before + 4, runs());
        // The same for the double argument, whose bits are the memory key's second word.
        Object w = record("p.Everything$Point", "w", 1.0, 1, red);
        call("point", w, Double.NaN);
        long hits = memoryHits("point(p.Everything.Point,double)");
        call("point", w, Double.longBitsToDouble(0x7ff8000000000123L));
        assertEquals(hits + 1, memoryHits("point(p.Everything.Point,double)"), "another NaN is a memory hit");
        assertEquals(before + 5, runs());
        assertEquals("null*1.0", call("point", null, 1.0));
        assertEquals("null*1.0", call("point", null, 1.0));
        Object noLabel = record("p.Everything$Point", null, 1.0, 2, null);
        assertEquals(noLabel + "*1.0", call("point", noLabel, 1.0));
        assertEquals(noLabel + "*1.0", call("point", record("p.Everything$Point", null, 1.0, 2, null), 1.0));
        assertEquals(before + 7, runs());

        // More primitives than pack into 16 bytes: the same path, boxed only on a miss.
        assertEquals(6L, twice("triple", 1L, 2L, 3.5f));
        assertEquals(6L, twice("triple", 2L, 1L, 3.0f));
    }

    @Test
    void valueArgumentsAreFoundInTheStoreByANewRuntime() {
        Object p = record("p.Everything$Point", "s", 3.0, 7, constant("p.Everything$Color", "GREEN"));
        String first = (String) call("point", p, 0.5);
        Memogen.configure(MemogenSettings.at(dir));
        assertEquals(first, call("point", record("p.Everything$Point", "s", 3.0, 7, constant("p.Everything$Color", "GREEN")), 0.5));
        assertEquals(first, call("point", p, 0.5));
        assertEquals(1, runs());
        assertEquals(1, memoryHits("point(p.Everything.Point,double)"));
    }

    @Test
    void argumentsKeptInMemoryCountTowardsItsBound() {
        Memogen.configure(MemogenSettings.at(dir).withMemorySize(64 << 10));
        String big = "x".repeat(40_000); // an 80 KB key stream: more than the whole tier
        assertEquals(40_000, call("length", big));
        assertEquals(40_000, call("length", big));
        assertEquals(3, call("length", "abc"));
        assertEquals(3, call("length", "abc"));
        assertEquals(2, runs());
        assertEquals(1, memoryHits("length(java.lang.String)"), "only the small argument stays in memory");
    }
}
