package dev.memogen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** One test per diagnostic: the message, its tag, and the exact line it points at. */
class DiagnosticsTest {

    private static JavaFileObject memoClass(String... body) {
        return TestCompiler.source("p.Bad",
                List.of("package p;", "import dev.memogen.*;", "import java.util.*;", "@GenerateMemo", "final class Bad {"), body);
    }

    private static Compilation compile(JavaFileObject source) {
        return TestCompiler.compileLenient(source);
    }

    @Test
    void unhashableParameterIsReportedOnTheParameter() {
        JavaFileObject src = memoClass(
                "  static final class Settings { int level; }",
                "  static int run(int ok,",
                "                 Settings settings) { return ok; }");
        Compilation c = compile(src);
        assertThat(c).failed();
        assertThat(c).hadErrorCount(1);
        assertThat(c).hadErrorContaining("[MemoUnhashable] parameter 'settings' of type p.Bad.Settings cannot be hashed")
                .inFile(src).onLineContaining("Settings settings");
        assertThat(c).hadErrorContaining("Settings is a class, not a record: make it a record");
    }

    @Test
    void eachRejectedTypeIsToldWhatToDoForItsOwnCase() {
        JavaFileObject src = memoClass(
                "  interface Shape { double area(); }",
                "  static abstract class Base { }",
                "  static int stream(java.util.stream.Stream<String> lines) { return 0; }",
                "  static int supplier(java.util.function.Supplier<String> s) { return 0; }",
                "  static int function(java.util.function.Function<String, String> f) { return 0; }",
                "  static int shape(Shape shape) { return 0; }",
                "  static int base(Base base) { return 0; }",
                "  static int both(java.util.Map<Shape, Base> map) { return 0; }",
                "  static int later(java.util.concurrent.CompletableFuture<String> pending) { return 0; }");
        Compilation c = TestCompiler.compileLenient(src);
        assertThat(c).hadErrorContaining("CompletableFuture is not a value but a computation that produces one")
                .inFile(src).onLineContaining("CompletableFuture<String> pending");
        assertThat(c).hadErrorContaining("Stream is not a value but something that produces values")
                .inFile(src).onLineContaining("Stream<String> lines");
        assertThat(c).hadErrorContaining("Supplier is not a value but something that produces values")
                .inFile(src).onLineContaining("Supplier<String> s");
        assertThat(c).hadErrorContaining("Function is code, not a value").inFile(src).onLineContaining("Function<");
        assertThat(c).hadErrorContaining("Shape is an interface").inFile(src).onLineContaining("Shape shape");
        assertThat(c).hadErrorContaining("Base is an abstract class").inFile(src).onLineContaining("Base base");
        assertThat(c).hadErrorContaining("its keys: Shape is an interface").inFile(src).onLineContaining("map");
        assertThat(c).hadErrorContaining("and its values: Base is an abstract class");
    }

    @Test
    void objectRawAndWildcardParametersAreUnhashable() {
        JavaFileObject src = memoClass(
                "  static int a(Object anything) { return 0; }",
                "  @SuppressWarnings(\"rawtypes\") static int b(List raw) { return 0; }",
                "  static int c(List<?> unknown) { return 0; }",
                "  static <T> int d(T value) { return 0; }",
                "  @SuppressWarnings(\"rawtypes\") static int e(Collection bag) { return 0; }");
        Compilation c = compile(src);
        assertThat(c).hadErrorCount(5);
        assertThat(c).hadErrorContaining("parameter 'anything' of type java.lang.Object cannot be hashed: Object can be anything")
                .inFile(src).onLineContaining("Object anything");
        assertThat(c).hadErrorContaining("a raw List: give it a type argument").inFile(src).onLineContaining("List raw");
        assertThat(c).hadErrorContaining("a '?' wildcard").inFile(src).onLineContaining("List<?> unknown");
        assertThat(c).hadErrorContaining("bounded by an enum").inFile(src).onLineContaining("T value");
        assertThat(c).hadErrorContaining("a raw Collection: give it a type argument").inFile(src)
                .onLineContaining("Collection bag");
    }

    @Test
    void recordWithAnUnhashableComponentNamesTheComponent() {
        JavaFileObject src = memoClass(
                "  record Job(String name, Thread worker) {}",
                "  static int run(Job job) { return 0; }");
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("component 'worker' of record Job is java.lang.Thread")
                .inFile(src).onLineContaining("Job job");
    }

    @Test
    void onlyTheListedJdkValueClassesAreValues() {
        // Date and Calendar are mutable; a Temporal could be any class: all still errors.
        JavaFileObject src = memoClass(
                "  static int days(java.time.LocalDate ok,",
                "                  Date date) { return 0; }",
                "  static int cal(Calendar calendar) { return 0; }",
                "  static java.time.temporal.Temporal next(java.time.Instant ok) { return ok; }");
        Compilation c = compile(src);
        assertThat(c).hadErrorCount(3);
        assertThat(c).hadErrorContaining("[MemoUnhashable] parameter 'date' of type java.util.Date cannot be hashed")
                .inFile(src).onLineContaining("Date date");
        assertThat(c).hadErrorContaining("Date is a JDK class that is not one of the value types memogen hashes"
                + " (BigDecimal, BigInteger, java.time, UUID, URI, Locale, Currency, Charset, Pattern, BitSet,"
                + " OptionalInt, OptionalLong, OptionalDouble): pass one of those, or the values the result depends on,"
                + " or write a MemoAdapter<Date, ...>");
        assertThat(c).hadErrorContaining("[MemoUnhashable] parameter 'calendar' of type java.util.Calendar")
                .inFile(src).onLineContaining("Calendar calendar");
        assertThat(c).hadErrorContaining("[MemoUnstorable] return type java.time.temporal.Temporal cannot be stored")
                .inFile(src).onLineContaining("Temporal next");
    }

    @Test
    void unstorableReturnTypeIsReportedOnTheMethod() {
        JavaFileObject src = memoClass(
                "  static final class Handle {}",
                "  static Handle open(int id) { return new Handle(); }");
        Compilation c = compile(src);
        assertThat(c).hadErrorCount(1);
        assertThat(c).hadErrorContaining("[MemoUnstorable] return type p.Bad.Handle cannot be stored")
                .inFile(src).onLineContaining("Handle open(int id)");
    }

    @Test
    void typeVariableAndUnrebuildableResultsAreUnstorable() {
        JavaFileObject src = memoClass(
                "  static <E extends Enum<E>> E first(E e) { return e; }",
                "  static PriorityQueue<String> sorted(int n) { return new PriorityQueue<>(); }",
                "  static List<String>[] lists(int n) { return null; }");
        Compilation c = compile(src);
        assertThat(c).hadErrorCount(3);
        assertThat(c).hadErrorContaining("does not say which enum class to decode").inFile(src).onLineContaining("E first(");
        assertThat(c).hadErrorContaining("cannot be rebuilt when loading").inFile(src).onLineContaining("sorted(");
        assertThat(c).hadErrorContaining("arrays of generic types").inFile(src).onLineContaining("lists(");
    }

    @Test
    void aSortedResultOfElementsThatAreNotComparableIsUnstorable() {
        JavaFileObject src = memoClass(
                "  record Point(int x, int y) {}",
                "  static SortedSet<Point> points(int n) { return new TreeSet<>(); }",
                "  static NavigableMap<Point, String> names(int n) { return new TreeMap<>(); }",
                "  static TreeMap<List<String>, Integer> counts(int n) { return new TreeMap<>(); }",
                "  static Queue<String> queue(int n) { return new ArrayDeque<>(); }",
                "  static TreeSet<String> fine(int n) { return new TreeSet<>(); }",
                "  static int sequences(Iterable<String> a, Collection<Point> b, Queue<Long> c, Deque<Point> d) { return 0; }");
        Compilation c = compile(src);
        assertThat(c).hadErrorCount(4);
        assertThat(c).hadErrorContaining("[MemoUnstorable] return type java.util.SortedSet<p.Bad.Point> cannot be stored:"
                + " its elements (p.Bad.Point) are not Comparable, and memogen rebuilds a SortedSet in natural order"
                + " when loading (a comparator cannot be stored); return a Set, make p.Bad.Point Comparable, or write a"
                + " dev.memogen.MemoAdapter").inFile(src).onLineContaining("points(");
        assertThat(c).hadErrorContaining("its keys (p.Bad.Point) are not Comparable").inFile(src)
                .onLineContaining("names(");
        assertThat(c).hadErrorContaining("its keys (java.util.List<java.lang.String>) are not Comparable").inFile(src)
                .onLineContaining("counts(");
        assertThat(c).hadErrorContaining("java.util.Queue cannot be rebuilt when loading; declare List, Set, Map,"
                + " SortedSet, SortedMap or Deque").inFile(src).onLineContaining("queue(");
    }

    @Test
    void inaccessibleTypeIsUnhashable() {
        JavaFileObject other = TestCompiler.source("q.Hidden",
                "package q;",
                "public class Hidden { record Secret(int x) {} public record Open(Secret s) {} }");
        JavaFileObject src = TestCompiler.source("p.Uses",
                "package p;",
                "@dev.memogen.GenerateMemo",
                "class Uses {",
                "  static int f(q.Hidden.Open open) { return 0; }",
                "}");
        Compilation c = TestCompiler.compileLenient(other, src);
        assertThat(c).hadErrorContaining("Secret is not public and not in package p").inFile(src)
                .onLineContaining("q.Hidden.Open open");
    }

    @Test
    void memoOnAnInstanceMethodMemoizesIt() {
        JavaFileObject src = memoClass("  @Memo(version = \"2\") int twice(int x) { return 2 * x; }");
        Compilation c = compile(src);
        assertThat(c).succeeded();
        String generated = TestCompiler.generatedSource(c, "p.BadMemo");
        org.junit.jupiter.api.Assertions.assertTrue(generated.contains("public static int twice(Bad self, int x)"),
                generated);
    }

    @Test
    void memoOnAnAbstractMethod() {
        JavaFileObject src = TestCompiler.source("p.Shape",
                "package p;",
                "import dev.memogen.Memo;",
                "@dev.memogen.GenerateMemo",
                "abstract class Shape {",
                "  @Memo abstract double area(double scale);",
                "  double twice(double x) { return 2 * x; }",
                "}");
        Compilation c = TestCompiler.compileLenient(src);
        assertThat(c).hadErrorContaining("[MemoAbstract]").inFile(src).onLineContaining("abstract double area");
    }

    @Test
    void memoOnAPrivateMethod() {
        JavaFileObject src = memoClass("  @Memo private static int twice(int x) { return 2 * x; }");
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("[MemoPrivate]").inFile(src).onLineContaining("int twice");
    }

    @Test
    void aTtlThatIsNotADurationIsReportedOnTheMethod() {
        JavaFileObject src = memoClass(
                "  @Memo(ttl = \"2 hours\") static int slow(int x) { return x; }",
                "  @Memo(ttl = \"0s\") static int zero(int x) { return x; }",
                "  @Memo(ttl = \"2h\") static int age(int x) { return x; }",
                "  @Memo(ttl = \"PT1H30M\") static int iso(int x) { return x; }",
                "  @Memo(ttl = \"every 1d\") static int daily(int x) { return x; }");
        Compilation c = compile(src);
        assertThat(c).hadErrorCount(2);
        assertThat(c).hadErrorContaining("[MemoBadTtl] ttl \"2 hours\" is not a duration").inFile(src)
                .onLineContaining("int slow");
        assertThat(c).hadErrorContaining("[MemoBadTtl] ttl \"0s\"").inFile(src).onLineContaining("int zero");
    }

    @Test
    void aValidTtlIsPassedToTheRuntime() {
        JavaFileObject src = memoClass(
                "  @Memo(ttl = \"every 1d\") static int daily(int x) { return x; }",
                "  static int plain(int x) { return x; }");
        Compilation c = compile(src);
        assertThat(c).succeededWithoutWarnings();
        assertThat(c).generatedSourceFile("p.BadMemo").contentsAsUtf8String().contains(".withTtl(86400000L, true)");
    }

    @Test
    void memoOnAVoidMethod() {
        JavaFileObject src = memoClass("  @Memo static void print(int x) { }");
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("[MemoVoid]").inFile(src).onLineContaining("void print");
    }

    @Test
    void memoAndSkipTogether() {
        JavaFileObject src = memoClass("  @Memo @Memo.Skip static int twice(int x) { return 2 * x; }");
        Compilation c = compile(src);
        assertThat(c).hadErrorContaining("[MemoSkipConflict]").inFile(src).onLineContaining("int twice");
    }

    @Test
    void memoWithoutGenerateMemo() {
        JavaFileObject src = TestCompiler.source("p.Plain",
                "package p;",
                "class Plain {",
                "  @dev.memogen.Memo(version = \"1\") static int twice(int x) { return 2 * x; }",
                "}");
        Compilation c = compile(src);
        assertThat(c).hadErrorCount(1);
        assertThat(c).hadErrorContaining("[MemoWithoutGenerateMemo]").inFile(src).onLineContaining("int twice");
    }

    @Test
    void generateMemoOnAnInterface() {
        JavaFileObject src = TestCompiler.source("p.Api",
                "package p;",
                "@dev.memogen.GenerateMemo",
                "interface Api {",
                "  static int twice(int x) { return 2 * x; }",
                "}");
        Compilation c = compile(src);
        assertThat(c).hadErrorCount(1);
        assertThat(c).hadErrorContaining("[MemoNotAClass] @GenerateMemo goes on a class, record or enum, not on an interface")
                .inFile(src).onLineContaining("@dev.memogen.GenerateMemo");
    }

    @Test
    void generateMemoOnAPrivateNestedClass() {
        JavaFileObject src = TestCompiler.source("p.Outer",
                "package p;",
                "class Outer {",
                "  @dev.memogen.GenerateMemo",
                "  private static final class Hidden { static int twice(int x) { return 2 * x; } }",
                "}");
        Compilation c = compile(src);
        assertThat(c).hadErrorCount(1);
        assertThat(c).hadErrorContaining("[MemoNotAccessible]").inFile(src).onLineContaining("@dev.memogen.GenerateMemo");
    }

    @Test
    void nothingToMemoizeIsAWarning() {
        JavaFileObject src = memoClass("  static void log(String s) { }", "  private int instance() { return 1; }");
        Compilation c = compile(src);
        assertThat(c).succeeded();
        assertThat(c).hadWarningContaining("[MemoNothingToMemoize] Bad has no non-private method")
                .inFile(src).onLineContaining("final class Bad");
        assertThat(c).hadWarningContaining("Left out: log(java.lang.String) (void: no result to remember),"
                + " instance() (private: the generated class cannot call it)");
        assertThat(c).hadNoteCount(0); // the warning says it all
    }

    @Test
    void unresolvedTypeIsReportedAfterTheLastRound() {
        JavaFileObject src = memoClass("  static int f(Missing m) { return 0; }");
        Compilation c = compile(src);
        assertThat(c).failed();
        assertThat(c).hadErrorContaining("[MemoUnresolvedType] type Missing could not be resolved")
                .inFile(src).onLineContaining("Missing m");
    }

    @Test
    void generatedNameAlreadyTaken() {
        JavaFileObject taken = TestCompiler.source("p.ToolMemo", "package p;", "class ToolMemo {}");
        JavaFileObject src = TestCompiler.source("p.Tool",
                "package p;",
                "@dev.memogen.GenerateMemo",
                "class Tool {",
                "  static int twice(int x) { return 2 * x; }",
                "}");
        Compilation c = TestCompiler.compileLenient(taken, src);
        assertThat(c).failed();
        assertThat(c).hadErrorContaining("[MemoCannotWrite] could not write ToolMemo").inFile(src)
                .onLineContaining("class Tool");
    }

    @Test
    void readingAMutableStaticFieldIsAWarning() {
        JavaFileObject src = memoClass(
                "  static int factor = 2;",
                "  static int calls;",
                "  static int scaled(int x) { calls = 0; return helper(x); }",
                "  private static int helper(int x) { return x * factor; }",
                "  @SuppressWarnings(\"memogen:state\") static int counted(int x) { calls++; return x; }");
        Compilation c = compile(src);
        assertThat(c).succeeded();
        assertThat(c).hadWarningCount(1);
        assertThat(c).hadWarningContaining("[MemoReadsMutableState] scaled reads the non-final static field Bad.factor;")
                .inFile(src).onLineContaining("static int scaled");
    }

    @Test
    void aFailingMutableStateCheckIsANoteNotACrash() {
        MutableStateScanner failing = new MutableStateScanner(null, null, null) {
            @Override
            java.util.Map<String, String> readsOf(javax.lang.model.element.ExecutableElement method,
                    java.util.Set<String> skipped) {
                throw new AssertionError("scanner bug");
            }
        };
        JavaFileObject src = memoClass("  static int twice(int x) { return 2 * x; }");
        Compilation c = com.google.testing.compile.Compiler.javac().withProcessors(new MemoProcessor(failing))
                .withOptions("-Xlint:all,-processing", "-Werror").compile(src);
        assertThat(c).succeededWithoutWarnings();
        assertThat(c).hadNoteContaining("[MemoStateCheckSkipped] could not check whether twice reads mutable static state"
                + " (java.lang.AssertionError: scanner bug)").inFile(src).onLineContaining("static int twice");
        assertThat(c).generatedSourceFile("p.BadMemo");
    }

    @Test
    void methodsLeftOutAreListedInOneNoteOnTheClass() {
        JavaFileObject src = memoClass(
                "  static int kept(int x) { return x; }",
                "  int instance(int x) { return x; }",
                "  static void log(String s) { }",
                "  private static int helper(int x) { return x; }",
                "  @Memo.Skip static void skipped(int x) { }",
                "  @Memo.Skip int skippedInstance() { return 0; }",
                "  public static void main(String[] args) { }",
                "  @Override public String toString() { return \"Bad\"; }",
                "  @Override public boolean equals(Object o) { return o == this; }",
                "  @Override public int hashCode() { return 1; }");
        Compilation c = TestCompiler.compile(src);
        assertThat(c).succeededWithoutWarnings();
        assertThat(c).hadNoteCount(1);
        assertThat(c).hadNoteContaining("[MemoLeftOut] methods of Bad that are not memoized:"
                + " log(java.lang.String) (void: no result to remember),"
                + " helper(int) (private: the generated class cannot call it)."
                + " Mark those not meant to be memoized with @Memo.Skip").inFile(src).onLineContaining("final class Bad");
    }

    @Test
    void recordAccessorsAndInterfaceMethodsAreNotLeftOut() {
        JavaFileObject src = TestCompiler.source("p.Range",
                "package p;",
                "@dev.memogen.GenerateMemo",
                "record Range(int from, int to) implements Comparable<Range> {",
                "  public int from() { return from; }",
                "  public int compareTo(Range o) { return Integer.compare(from, o.from); }",
                "  static int width(int a, int b) { return b - a; }",
                "}");
        Compilation c = TestCompiler.compile(src);
        assertThat(c).succeededWithoutWarnings();
        assertThat(c).hadNoteCount(0);
    }

    /** An enum's {@code values()} and {@code valueOf(String)}, which javac declares, are neither memoized nor listed. */
    @Test
    void theMethodsJavacDeclaresInAnEnumAreLeftAlone() throws Exception {
        JavaFileObject src = TestCompiler.source("p.Planet",
                "package p;",
                "@dev.memogen.GenerateMemo",
                "enum Planet {",
                "  MERCURY, VENUS;",
                "  static double gravity(Planet p, double mass) { return p.ordinal() * mass; }",
                "}");
        Compilation c = TestCompiler.compile(src);
        assertThat(c).succeededWithoutWarnings();
        assertThat(c).hadNoteCount(0);
        String generated = TestCompiler.generatedSource(c, "p.PlanetMemo");
        org.junit.jupiter.api.Assertions.assertTrue(generated.contains(" gravity("), generated);
        org.junit.jupiter.api.Assertions.assertFalse(generated.contains(" values("), generated);
        org.junit.jupiter.api.Assertions.assertFalse(generated.contains(" valueOf("), generated);
    }
}
