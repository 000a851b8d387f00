package dev.memogen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import dev.memogen.Memogen;
import dev.memogen.MemogenSettings;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sealed interfaces and sealed abstract classes as arguments and results: a value is keyed as its
 * permitted subtype (two subtypes with equal components are two keys), comes back from the store
 * as that subtype, and recursive sealed hierarchies (an expression tree) work at any depth. The
 * checks run inside the compiled sources ({@code geo.Checks}), which report what they saw.
 */
class SealedTypesTest {
    static TestCompiler.Loaded loaded;
    @TempDir java.nio.file.Path dir;

    static final JavaFileObject SHAPES = TestCompiler.source("geo.Shape",
            "package geo;",
            "public sealed interface Shape permits Shape.Circle, Shape.Square, Shape.Group, Shape.Unit, Polygon {",
            "  record Circle(double r) implements Shape {}",
            "  record Square(double r) implements Shape {}", // same components as Circle: another key
            "  record Group(String name, java.util.List<Shape> parts) implements Shape {}",
            "  enum Unit implements Shape { POINT, LINE }",
            "}");

    static final JavaFileObject POLYGON = TestCompiler.source("geo.Polygon",
            "package geo;",
            "public sealed interface Polygon extends Shape permits Polygon.Triangle {",
            "  record Triangle(double a, double b, double c) implements Polygon {}",
            "}");

    static final JavaFileObject EXPR = TestCompiler.source("geo.Expr",
            "package geo;",
            "public abstract sealed class Expr permits Expr.Num, Expr.Neg, Expr.Add {",
            "  public static final class Num extends Expr {", // not a record: rejected unless adapted...
            "    final int v; public Num(int v) { this.v = v; }",
            "    @Override public boolean equals(Object o) { return o instanceof Num n && n.v == v; }",
            "    @Override public int hashCode() { return v; }",
            "  }",
            "  public static final class Neg extends Expr {",
            "    final Expr e; public Neg(Expr e) { this.e = e; }",
            "    @Override public boolean equals(Object o) { return o instanceof Neg n && n.e.equals(e); }",
            "    @Override public int hashCode() { return -e.hashCode(); }",
            "  }",
            "  public static final class Add extends Expr {",
            "    final Expr l, r; public Add(Expr l, Expr r) { this.l = l; this.r = r; }",
            "    @Override public boolean equals(Object o) { return o instanceof Add a && a.l.equals(l) && a.r.equals(r); }",
            "    @Override public int hashCode() { return l.hashCode() * 31 + r.hashCode(); }",
            "  }",
            "}");

    static final JavaFileObject TERM = TestCompiler.source("geo.Term",
            "package geo;",
            "public sealed interface Term permits Term.Lit, Term.Neg, Term.Sum {",
            "  record Lit(long v) implements Term {}",
            "  record Neg(Term t) implements Term {}",
            "  record Sum(Term l, Term r) implements Term {}",
            "}");

    static final JavaFileObject GEOMETRY = TestCompiler.source("geo.Geometry",
            "package geo;",
            "import dev.memogen.GenerateMemo;",
            "import java.util.*;",
            "@GenerateMemo",
            "@SuppressWarnings(\"memogen:state\") // runs counts calls; it does not affect results",
            "final class Geometry {",
            "  static int runs;",
            "  static double area(Shape s) {",
            "    runs++;",
            "    if (s instanceof Shape.Circle c) return Math.PI * c.r() * c.r();",
            "    if (s instanceof Shape.Square q) return q.r() * q.r();",
            "    if (s instanceof Shape.Group g) { double a = 0; for (Shape p : g.parts()) a += area(p); return a; }",
            "    if (s instanceof Polygon.Triangle t) return t.a() * t.b() / 2;",
            "    return 0;",
            "  }",
            "  static Shape grow(Shape s, double k) {",
            "    runs++;",
            "    if (s instanceof Shape.Circle c) return new Shape.Circle(c.r() * k);",
            "    if (s instanceof Shape.Square q) return new Shape.Square(q.r() * k);",
            "    if (s instanceof Shape.Group g) { List<Shape> out = new ArrayList<>(); for (Shape p : g.parts()) out.add(grow(p, k)); return new Shape.Group(g.name(), out); }",
            "    return s;",
            "  }",
            "  static long eval(Term t) {",
            "    runs++;",
            "    long acc = 0; int sign = 1;",
            "    while (true) {",
            "      if (t instanceof Term.Lit l) return acc + sign * l.v();",
            "      if (t instanceof Term.Neg n) { sign = -sign; t = n.t(); continue; }",
            "      Term.Sum s = (Term.Sum) t; acc += sign * evalPlain(s.r()); t = s.l();",
            "    }",
            "  }",
            "  private static long evalPlain(Term t) {",
            "    if (t instanceof Term.Lit l) return l.v();",
            "    if (t instanceof Term.Neg n) return -evalPlain(n.t());",
            "    Term.Sum s = (Term.Sum) t; return evalPlain(s.l()) + evalPlain(s.r());",
            "  }",
            "  static Term same(Term t) { runs++; return t; }",
            "}");

    static final JavaFileObject CHECKS = TestCompiler.source("geo.Checks",
            "package geo;",
            "import java.util.*;",
            "public final class Checks {",
            "  static String shapes() {",
            "    StringBuilder out = new StringBuilder();",
            "    int r0 = Geometry.runs;",
            "    GeometryMemo.area(new Shape.Circle(1)); GeometryMemo.area(new Shape.Circle(1));",
            "    out.append(\"circle twice: \").append(Geometry.runs - r0).append('\\n');",
            "    GeometryMemo.area(new Shape.Square(1));",
            "    out.append(\"square of the same r: \").append(Geometry.runs - r0).append('\\n');",
            "    GeometryMemo.area(Shape.Unit.POINT); GeometryMemo.area(Shape.Unit.LINE); GeometryMemo.area(Shape.Unit.POINT);",
            "    out.append(\"two enum constants: \").append(Geometry.runs - r0).append('\\n');",
            "    GeometryMemo.area(new Polygon.Triangle(3, 4, 5)); GeometryMemo.area(new Polygon.Triangle(3, 4, 5));",
            "    out.append(\"a nested sealed subtype: \").append(Geometry.runs - r0).append('\\n');",
            "    Shape g = new Shape.Group(\"g\", List.of(new Shape.Circle(2), new Shape.Square(3), Shape.Unit.LINE));",
            "    Shape grown = GeometryMemo.grow(g, 2);",
            "    dev.memogen.Memogen.clearMemory();",
            "    int r1 = Geometry.runs;",
            "    Shape again = GeometryMemo.grow(new Shape.Group(\"g\", List.of(new Shape.Circle(2), new Shape.Square(3), Shape.Unit.LINE)), 2);",
            "    out.append(\"from the store: \").append(Geometry.runs - r1).append(' ').append(again.equals(grown)).append(' ').append(again).append('\\n');",
            "    out.append(\"null: \").append(GeometryMemo.grow(null, 2)).append(' ').append(GeometryMemo.area(null));",
            "    return out.toString();",
            "  }",
            "  static String deep(int depth) {",
            "    long first = GeometryMemo.eval(tree(depth));",
            "    Term back = GeometryMemo.same(tree(depth));",
            "    int r0 = Geometry.runs;",
            "    long second = GeometryMemo.eval(tree(depth));",
            "    dev.memogen.Memogen.clearMemory();",
            "    Term stored = GeometryMemo.same(tree(depth));",
            "    return first + \" \" + second + \" \" + (Geometry.runs - r0) + \" \" + walk(stored).equals(walk(back))",
            "        + \" \" + walk(stored).equals(walk(tree(depth)));",
            "  }",
            "  static Term tree(int depth) {",
            "    Term t = new Term.Lit(1);",
            "    for (int i = 0; i < depth; i++) t = (i % 3 == 0) ? new Term.Neg(t) : new Term.Sum(t, new Term.Lit(i));",
            "    return t;",
            "  }",
            "  /** The tree's spine, without recursion (a record's equals would overflow the stack). */",
            "  static String walk(Term t) {",
            "    StringBuilder s = new StringBuilder();",
            "    while (!(t instanceof Term.Lit)) {",
            "      if (t instanceof Term.Neg n) { s.append('-'); t = n.t(); }",
            "      else { Term.Sum x = (Term.Sum) t; s.append(x.r()).append('+'); t = x.l(); }",
            "    }",
            "    return s.append(t).toString();",
            "  }",
            "}");

    @BeforeAll
    static void compileOnce() {
        Compilation c = TestCompiler.compile(SHAPES, POLYGON, TERM, GEOMETRY, CHECKS);
        assertThat(c).succeeded();
        loaded = TestCompiler.load(c);
    }

    @Test
    void aSealedValueIsKeyedAndStoredAsItsPermittedSubtype() {
        Memogen.configure(MemogenSettings.at(dir));
        String out = (String) loaded.call("geo.Checks", "shapes");
        assertEquals("""
                circle twice: 1
                square of the same r: 2
                two enum constants: 4
                a nested sealed subtype: 5
                from the store: 0 true Group[name=g, parts=[Circle[r=4.0], Square[r=6.0], LINE]]
                null: null 0.0""", out);
    }

    @Test
    void aRecursiveSealedHierarchyWorksAtAnyDepth() {
        Memogen.configure(MemogenSettings.at(dir));
        for (int depth : new int[] {10, 100_000}) { // far deeper than a naive recursive hash or decode allows
            String[] out = ((String) loaded.call("geo.Checks", "deep", depth)).split(" ");
            assertEquals(out[0], out[1], "the same value");
            assertEquals("0", out[2], "an equal tree is a hit, in memory and from the store");
            assertEquals("true true", out[3] + " " + out[4], "the tree comes back from the store whole");
        }
    }

    @Test
    void aSealedTypeWithAnUnsupportedSubtypeNamesEverySubtypeThatIsNot() {
        JavaFileObject src = TestCompiler.source("geo.Calc",
                "package geo;",
                "import dev.memogen.GenerateMemo;",
                "@GenerateMemo",
                "final class Calc {",
                "  static int eval(Expr e) { return 0; }",
                "}");
        Compilation c = TestCompiler.compileLenient(EXPR, src);
        assertThat(c).failed();
        assertThat(c).hadErrorContaining("Expr is sealed, and memogen supports a sealed type whose permitted subtypes"
                + " are all supported, but permitted subtype Num: Num is a class, not a record")
                .inFile(src).onLineContaining("Expr e");
        assertThat(c).hadErrorContaining("permitted subtype Neg: ").inFile(src).onLineContaining("Expr e");
        assertThat(c).hadErrorContaining("permitted subtype Add: ").inFile(src).onLineContaining("Expr e");
    }

    @Test
    void nonSealedGenericAndConcreteSealedTypesAreToldWhy() {
        JavaFileObject types = TestCompiler.source("geo.Kinds",
                "package geo;",
                "public final class Kinds {",
                "  public sealed interface Open permits Free {}",
                "  public static non-sealed class Free implements Open {}",
                "  public sealed interface Result<T> permits Ok {}",
                "  public record Ok<T>(T value) implements Result<T> {}",
                "  public static sealed class Base permits Leaf {}",
                "  public static final class Leaf extends Base {}",
                "}");
        JavaFileObject src = TestCompiler.source("geo.Uses",
                "package geo;",
                "import dev.memogen.GenerateMemo;",
                "@GenerateMemo",
                "final class Uses {",
                "  static int open(Kinds.Open open) { return 0; }",
                "  static int result(Kinds.Result<String> result) { return 0; }",
                "  static int base(Kinds.Base base) { return 0; }",
                "}");
        Compilation c = TestCompiler.compileLenient(types, src);
        assertThat(c).failed();
        assertThat(c).hadErrorContaining("Free is non-sealed, so a value can be of any subclass of it")
                .inFile(src).onLineContaining("Open open");
        assertThat(c).hadErrorContaining("Result is a generic sealed type, which memogen does not support yet")
                .inFile(src).onLineContaining("Result<String> result");
        assertThat(c).hadErrorContaining("Base is a sealed class that is not abstract")
                .inFile(src).onLineContaining("Base base");
    }
}
