package dev.memogen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * {@code [MemoReadsMutableState]}: which static fields count as mutable state (non-final ones,
 * and final ones whose contents can change), which do not (immutable constants), and how far
 * the processor follows calls (every method of the compilation).
 */
class MutableStateTest {

    private static JavaFileObject tool(String... members) {
        return TestCompiler.source("p.Tool", List.of("package p;", "import dev.memogen.GenerateMemo;",
                "import java.util.*;", "@GenerateMemo", "final class Tool {"), members);
    }

    @Test
    void staticFinalFieldsWhoseContentsCanChangeAreMutableState() {
        JavaFileObject src = tool(
                "  static final Map<String, String> ALIASES = new HashMap<>();",
                "  static final ArrayList<Double> SEEN = new ArrayList<>();",
                "  static final double[] WEIGHTS = {1, 2};",
                "  static final StringBuilder LOG = new StringBuilder();",
                "  static final class Settings { double scale = 1; }",
                "  static final Settings SETTINGS = new Settings();",
                "  record Table(String name, int[] rows) {}",
                "  static final Table TABLE = new Table(\"t\", new int[] {1});",
                "  static final List<String> NAMES = Arrays.asList(\"a\", \"b\");",
                "  static double lookup(String name) { return Double.parseDouble(ALIASES.getOrDefault(name, name)); }",
                "  static int seen(double x) { SEEN.add(x); return SEEN.size(); }",
                "  static double weight(int i) { return WEIGHTS[i]; }",
                "  static String logged(String s) { return LOG.append(s).toString(); }",
                "  static double scaled(double x) { return x * SETTINGS.scale; }",
                "  static int row(int i) { return TABLE.rows()[i]; }",
                "  static String name(int i) { return NAMES.get(i); }",
                "  public static void main(String[] args) { ALIASES.put(args[0], args[1]); }");
        Compilation c = TestCompiler.compileLenient(src);
        assertThat(c).succeeded();
        assertThat(c).hadWarningCount(7);
        assertThat(c).hadWarningContaining("[MemoReadsMutableState] lookup reads the static final field Tool.ALIASES"
                + " (java.util.Map<java.lang.String,java.lang.String>), whose contents can change; a stored result does"
                + " not follow changes to it. Pass the value as a parameter").inFile(src).onLineContaining("double lookup(");
        assertThat(c).hadWarningContaining("seen reads the static final field Tool.SEEN").inFile(src)
                .onLineContaining("int seen(");
        assertThat(c).hadWarningContaining("weight reads the static final field Tool.WEIGHTS (double[])").inFile(src)
                .onLineContaining("double weight(");
        assertThat(c).hadWarningContaining("logged reads the static final field Tool.LOG").inFile(src)
                .onLineContaining("String logged(");
        assertThat(c).hadWarningContaining("scaled reads the static final field Tool.SETTINGS").inFile(src)
                .onLineContaining("double scaled(");
        assertThat(c).hadWarningContaining("row reads the static final field Tool.TABLE").inFile(src)
                .onLineContaining("int row(");
        assertThat(c).hadWarningContaining("name reads the static final field Tool.NAMES").inFile(src)
                .onLineContaining("String name(");
    }

    @Test
    void immutableConstantsAreNotMutableState() {
        JavaFileObject src = tool(
                "  enum Unit { NM, UM }",
                "  record Range(String label, double from, double to, Unit unit) {}",
                "  static final String PREFIX = \"x\";",
                "  static final int LIMIT = 3;",
                "  static final Integer BOXED = 4;",
                "  static final Unit DEFAULT = Unit.NM;",
                "  static final Range VISIBLE = new Range(\"v\", 380, 750, Unit.NM);",
                "  static final List<String> KNOWN = List.of(\"a\", \"b\");",
                "  static final Map<String, Integer> CODES = Map.of(\"a\", 1);",
                "  static final Set<String> TAGS = Set.copyOf(KNOWN);",
                "  static final List<Integer> SQUARES = Collections.unmodifiableList(new ArrayList<>(List.of(1, 4)));",
                "  static final List<String> SORTED = KNOWN.stream().sorted().toList();",
                "  static final double[] NONE = new double[0];",
                "  static final Object LOCK = new Object();",
                "  static final java.util.regex.Pattern WORD = java.util.regex.Pattern.compile(\"\\\\w+\");",
                "  static final java.time.Duration TIMEOUT = java.time.Duration.ofSeconds(3);",
                "  static final java.util.function.IntUnaryOperator TWICE = x -> 2 * x;",
                "  static String all(int i) {",
                "    synchronized (LOCK) {",
                "      return PREFIX + LIMIT + BOXED + DEFAULT + VISIBLE + KNOWN + CODES.get(\"a\") + TAGS + SQUARES + SORTED",
                "          + NONE.length + WORD.matcher(\"a\").matches() + TIMEOUT + TWICE.applyAsInt(i);",
                "    }",
                "  }");
        Compilation c = TestCompiler.compile(src);
        assertThat(c).succeededWithoutWarnings();
    }

    @Test
    void readsInCodeItReachesInOtherClassesOfTheCompilation() {
        JavaFileObject src = tool(
                "  static double convert(String unit, double x) { return Units.factor(unit) * x; }",
                "  static int made(int x) { return new Counter().next() + x; }",
                "  static List<String> mapped(List<String> in) { return in.stream().map(Units::alias).toList(); }");
        JavaFileObject units = TestCompiler.source("p.Units",
                "package p;",
                "import java.util.*;",
                "final class Units {",
                "  static final Map<String, Double> FACTORS = new HashMap<>();",
                "  static String suffix = \"\";",
                "  static double factor(String unit) { return FACTORS.getOrDefault(unit, 1.0); }",
                "  static String alias(String s) { return s + suffix; }",
                "}");
        JavaFileObject counter = TestCompiler.source("p.Counter",
                "package p;",
                "final class Counter {",
                "  static int created;",
                "  final int id;",
                "  Counter() { id = created++; }",
                "  int next() { return id + 1; }",
                "}");
        Compilation c = TestCompiler.compileLenient(src, units, counter);
        assertThat(c).succeeded();
        assertThat(c).hadWarningCount(3);
        assertThat(c).hadWarningContaining("convert reads the static final field Units.FACTORS").inFile(src)
                .onLineContaining("double convert(");
        assertThat(c).hadWarningContaining("made reads the non-final static field Counter.created;").inFile(src)
                .onLineContaining("int made(");
        assertThat(c).hadWarningContaining("mapped reads the non-final static field Units.suffix;").inFile(src)
                .onLineContaining("mapped(");
    }

    @Test
    void suppressionOnTheMethodTheClassTheFieldOrAReachedMethod() {
        JavaFileObject src = tool(
                "  @SuppressWarnings(\"memogen:state\") static final List<String> AUDIT = new ArrayList<>();",
                "  static final Map<String, String> CACHE = new HashMap<>();",
                "  static int audited(int x) { AUDIT.add(\"\" + x); return x; }",
                "  @SuppressWarnings(\"memogen:state\") static String cached(String k) { return CACHE.computeIfAbsent(k, String::trim); }",
                "  static String viaHelper(String k) { return helper(k); }",
                "  @SuppressWarnings(\"memogen:state\") static String helper(String k) { return CACHE.getOrDefault(k, k); }",
                "  @SuppressWarnings(\"memogen:state\") static final class Quiet {",
                "    static final int[] BUFFER = new int[8];",
                "  }",
                "  static int quiet(int i) { return Quiet.BUFFER[i]; }");
        Compilation c = TestCompiler.compile(src);
        assertThat(c).succeededWithoutWarnings();
    }
}
