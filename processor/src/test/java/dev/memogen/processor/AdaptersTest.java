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
 * {@code MemoAdapter}s: a mutable class memogen cannot read ({@code mat.Matrix}, as a third-party
 * matrix class would be) used as an argument, a result, a record component, a list element and a
 * receiver's field, through the adapter listed on the class; and the compile-time checks of
 * adapters. The checks run inside the compiled sources ({@code mat.Checks}).
 */
class AdaptersTest {
    static TestCompiler.Loaded loaded;
    @TempDir java.nio.file.Path dir;

    static final JavaFileObject MATRIX = TestCompiler.source("mat.Matrix",
            "package mat;",
            "/** Mutable, not a record, no public state: like a library's matrix class. */",
            "public final class Matrix {",
            "  private final double[][] data;",
            "  public Matrix(double[][] data) { this.data = data; }",
            "  public double get(int i, int j) { return data[i][j]; }",
            "  public void set(int i, int j, double v) { data[i][j] = v; }",
            "  public int rows() { return data.length; }",
            "  public double[][] copy() { double[][] c = new double[data.length][]; for (int i = 0; i < c.length; i++) c[i] = data[i].clone(); return c; }",
            "  @Override public String toString() { return java.util.Arrays.deepToString(data); }",
            "}");

    static final JavaFileObject ADAPTER = TestCompiler.source("mat.MatrixAdapter",
            "package mat;",
            "import dev.memogen.MemoAdapter;",
            "public final class MatrixAdapter implements MemoAdapter<Matrix, double[][]> {",
            "  static int made;",
            "  public MatrixAdapter() { made++; }",
            "  @Override public double[][] toStored(Matrix m) { return m.copy(); }",
            "  @Override public Matrix fromStored(double[][] d) { return new Matrix(d); }",
            "}");

    static final JavaFileObject ALGEBRA = TestCompiler.source("mat.Algebra",
            "package mat;",
            "import dev.memogen.GenerateMemo;",
            "import java.util.*;",
            "@GenerateMemo(adapters = MatrixAdapter.class)",
            "@SuppressWarnings(\"memogen:state\") // runs counts calls; it does not affect results",
            "final class Algebra {",
            "  static int runs;",
            "  record Job(String name, Matrix m) {}",
            "  static double trace(Matrix m) { runs++; double t = 0; for (int i = 0; i < m.rows(); i++) t += m.get(i, i); return t; }",
            "  static Matrix scale(Matrix m, double k) { runs++; double[][] d = m.copy(); for (double[] r : d) for (int j = 0; j < r.length; j++) r[j] *= k; return new Matrix(d); }",
            "  static String jobName(Job job) { runs++; return job.name() + \":\" + job.m(); }",
            "  static List<Matrix> split(Matrix m) { runs++; List<Matrix> out = new ArrayList<>(); for (double[] r : m.copy()) out.add(new Matrix(new double[][] {r})); return out; }",
            "  static Optional<Matrix> nothing(int i) { runs++; return Optional.empty(); }",
            "}");

    static final JavaFileObject MODEL = TestCompiler.source("mat.Model",
            "package mat;",
            "import dev.memogen.GenerateMemo;",
            "@GenerateMemo(adapters = {MatrixAdapter.class})",
            "public final class Model {",
            "  private final Matrix weights;",
            "  public Model(Matrix weights) { this.weights = weights; }",
            "  double score(double x) { Algebra.runs++; return weights.get(0, 0) * x; }",
            "}");

    static final JavaFileObject CHECKS = TestCompiler.source("mat.Checks",
            "package mat;",
            "public final class Checks {",
            "  static Matrix m() { return new Matrix(new double[][] {{1, 2}, {3, 4}}); }",
            "  static String run() {",
            "    StringBuilder out = new StringBuilder();",
            "    int r0 = Algebra.runs;",
            "    AlgebraMemo.trace(m()); AlgebraMemo.trace(m());",
            "    out.append(\"equal matrices: \").append(Algebra.runs - r0).append('\\n');",
            "    Matrix changed = m(); changed.set(1, 1, 5);",
            "    out.append(\"changed: \").append(AlgebraMemo.trace(changed)).append(' ').append(Algebra.runs - r0).append('\\n');",
            "    Matrix scaled = AlgebraMemo.scale(m(), 2);",
            "    scaled.set(0, 0, -1);", // the caller owns what it gets
            "    out.append(\"a copy each: \").append(AlgebraMemo.scale(m(), 2)).append(' ').append(Algebra.runs - r0).append('\\n');",
            "    AlgebraMemo.jobName(new Algebra.Job(\"a\", m())); AlgebraMemo.jobName(new Algebra.Job(\"a\", m()));",
            "    AlgebraMemo.jobName(new Algebra.Job(\"a\", changed));",
            "    out.append(\"in a record: \").append(Algebra.runs - r0).append('\\n');",
            "    AlgebraMemo.split(m()); AlgebraMemo.nothing(1);",
            "    dev.memogen.Memogen.clearMemory();",
            "    int r1 = Algebra.runs;",
            "    out.append(\"from the store: \").append(AlgebraMemo.scale(m(), 2)).append(' ').append(AlgebraMemo.split(m()))",
            "        .append(' ').append(AlgebraMemo.nothing(1)).append(' ').append(Algebra.runs - r1).append('\\n');",
            "    Matrix w = m();",
            "    Model model = new Model(w);",
            "    int r2 = Algebra.runs;",
            "    ModelMemo.score(model, 10); ModelMemo.score(new Model(m()), 10);",
            "    w.set(0, 0, 7);",
            "    out.append(\"a receiver's field: \").append(ModelMemo.score(model, 10)).append(' ').append(Algebra.runs - r2);",
            "    return out.toString();",
            "  }",
            "}");

    @BeforeAll
    static void compileOnce() {
        Compilation c = TestCompiler.compile(MATRIX, ADAPTER, ALGEBRA, MODEL, CHECKS);
        assertThat(c).succeeded();
        loaded = TestCompiler.load(c);
    }

    @Test
    void anAdaptedTypeIsHashedAndStoredAsWhatItsAdapterStores() {
        Memogen.configure(MemogenSettings.at(dir));
        assertEquals("""
                equal matrices: 1
                changed: 6.0 2
                a copy each: [[2.0, 4.0], [6.0, 8.0]] 3
                in a record: 5
                from the store: [[2.0, 4.0], [6.0, 8.0]] [[[1.0, 2.0]], [[3.0, 4.0]]] Optional.empty 0
                a receiver's field: 70.0 2""", loaded.call("mat.Checks", "run"));
    }

    private static JavaFileObject user(String annotation) {
        return TestCompiler.source("mat.User",
                "package mat;",
                "import dev.memogen.GenerateMemo;",
                annotation,
                "final class User {",
                "  static double trace(Matrix m) { return 0; }",
                "}");
    }

    @Test
    void aMatrixWithoutItsAdapterIsToldToWriteOne() {
        JavaFileObject src = user("@GenerateMemo");
        Compilation c = TestCompiler.compileLenient(MATRIX, src);
        assertThat(c).failed();
        assertThat(c).hadErrorContaining("Matrix is a class, not a record: make it a record (its components are then the"
                + " key and what is stored), or write a MemoAdapter<Matrix, ...> that converts it to a supported type and"
                + " list it in @GenerateMemo(adapters = ...)").inFile(src).onLineContaining("Matrix m");
    }

    @Test
    void twoAdaptersForOneTypeAreAnError() {
        JavaFileObject other = TestCompiler.source("mat.OtherAdapter",
                "package mat;",
                "public final class OtherAdapter implements dev.memogen.MemoAdapter<Matrix, String> {",
                "  public String toStored(Matrix m) { return m.toString(); }",
                "  public Matrix fromStored(String s) { return null; }",
                "}");
        JavaFileObject src = user("@GenerateMemo(adapters = {MatrixAdapter.class, OtherAdapter.class})");
        Compilation c = TestCompiler.compileLenient(MATRIX, ADAPTER, other, src);
        assertThat(c).failed();
        assertThat(c).hadErrorContaining("[MemoAdapterClash] MatrixAdapter and OtherAdapter both adapt mat.Matrix")
                .inFile(src).onLineContaining("@GenerateMemo");
    }

    @Test
    void anAdapterMustStoreASupportedTypeAndBeCreatable() {
        JavaFileObject unsupported = TestCompiler.source("mat.ToObject",
                "package mat;",
                "public final class ToObject implements dev.memogen.MemoAdapter<Matrix, Object> {",
                "  public Object toStored(Matrix m) { return m; }",
                "  public Matrix fromStored(Object o) { return (Matrix) o; }",
                "}");
        JavaFileObject noConstructor = TestCompiler.source("mat.Needy",
                "package mat;",
                "public final class Needy implements dev.memogen.MemoAdapter<StringBuilder, String> {",
                "  public Needy(int x) {}",
                "  public String toStored(StringBuilder m) { return m.toString(); }",
                "  public StringBuilder fromStored(String s) { return new StringBuilder(s); }",
                "}");
        JavaFileObject src = user("@GenerateMemo(adapters = {ToObject.class, Needy.class})");
        Compilation c = TestCompiler.compileLenient(MATRIX, unsupported, noConstructor, src);
        assertThat(c).failed();
        assertThat(c).hadErrorContaining("[MemoBadAdapter] adapter ToObject cannot be used: it stores java.lang.Object,"
                + " which memogen cannot hash: Object can be anything").inFile(src).onLineContaining("@GenerateMemo");
        assertThat(c).hadErrorContaining("adapter Needy cannot be used: it has no public no-argument constructor")
                .inFile(src).onLineContaining("@GenerateMemo");
    }
}
