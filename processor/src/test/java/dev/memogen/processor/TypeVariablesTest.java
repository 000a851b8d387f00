package dev.memogen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import dev.memogen.Memogen;
import dev.memogen.MemogenSettings;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parameters whose type is a type variable bounded by a supported type are hashed by the bound's
 * rule: a sealed bound keys by the subtype the value is, a {@code List} bound by the elements;
 * results of such a type are stored as the bound and come back as the subtype they were; a bound
 * memogen does not hash ({@code Number}, one of the variable itself) is told why.
 */
class TypeVariablesTest {
    @TempDir java.nio.file.Path dir;

    @Test
    void aTypeVariableBoundedByASupportedTypeIsHashedByItsBound() {
        JavaFileObject shape = TestCompiler.source("tv.Shape",
                "package tv;",
                "public sealed interface Shape permits Shape.Circle, Shape.Square {",
                "  record Circle(double r) implements Shape {}",
                "  record Square(double r) implements Shape {}",
                "}");
        JavaFileObject generic = TestCompiler.source("tv.Generic",
                "package tv;",
                "import dev.memogen.GenerateMemo;",
                "import java.util.*;",
                "@GenerateMemo",
                "@SuppressWarnings(\"memogen:state\") // runs counts calls; it does not affect results",
                "final class Generic {",
                "  static int runs;",
                "  static <S extends Shape> String describe(S s) { runs++; return s.toString(); }",
                "  static <L extends List<String>> int letters(L words) { runs++; return String.join(\"\", words).length(); }",
                "  static <K extends Comparable<K> & Shape> String both(K k) { runs++; return \"\" + k; }",
                "  @SuppressWarnings(\"unchecked\")",
                "  static <S extends Shape> S doubled(S s) {",
                "    runs++;",
                "    if (s instanceof Shape.Circle c) return (S) new Shape.Circle(c.r() * 2);",
                "    return (S) new Shape.Square(((Shape.Square) s).r() * 2);",
                "  }",
                "}");
        JavaFileObject checks = TestCompiler.source("tv.Checks",
                "package tv;",
                "import java.util.*;",
                "public final class Checks {",
                "  static String run() {",
                "    int r0 = Generic.runs;",
                "    GenericMemo.describe(new Shape.Circle(1)); GenericMemo.describe(new Shape.Circle(1));",
                "    String square = GenericMemo.describe(new Shape.Square(1));",
                "    int shapes = Generic.runs - r0;",
                "    GenericMemo.letters(new ArrayList<>(List.of(\"ab\", \"c\"))); GenericMemo.letters(new LinkedList<>(List.of(\"ab\", \"c\")));",
                "    GenericMemo.letters(new ArrayList<>(List.of(\"a\", \"bc\")));",
                "    int lists = Generic.runs - r0 - shapes;",
                "    Shape.Circle c = GenericMemo.doubled(new Shape.Circle(1));",
                "    dev.memogen.Memogen.clearMemory();",
                "    int r1 = Generic.runs;",
                "    Shape.Circle stored = GenericMemo.doubled(new Shape.Circle(1));",
                "    Shape.Square q = GenericMemo.doubled(new Shape.Square(3));",
                "    return shapes + \" \" + square + \" \" + lists + \" \" + stored + \" \" + c.equals(stored) + \" \" + q",
                "        + \" \" + (Generic.runs - r1);",
                "  }",
                "}");
        Compilation c = TestCompiler.compile(shape, generic, checks);
        assertThat(c).succeeded();
        Memogen.configure(MemogenSettings.at(dir));
        assertEquals("2 Square[r=1.0] 2 Circle[r=2.0] true Square[r=6.0] 1", TestCompiler.load(c).call("tv.Checks", "run"),
                "Circle(1) twice is one key, Square(1) another; equal lists are one key whatever their class,"
                        + " [ab, c] and [a, bc] two; a result of type S comes back from the store as the subtype it was");
    }

    @Test
    void aTypeVariableBoundedByWhatMemogenDoesNotHashIsToldWhy() {
        JavaFileObject src = TestCompiler.source("tv.Bad",
                "package tv;",
                "import dev.memogen.GenerateMemo;",
                "import java.util.*;",
                "@GenerateMemo",
                "final class Bad {",
                "  static <N extends Number> double number(N n) { return n.doubleValue(); }",
                "  static <T extends List<T>> int selfish(T t) { return t.size(); }",
                "  static <T> int anything(T t) { return 0; }",
                "}");
        Compilation c = TestCompiler.compileLenient(src);
        assertThat(c).failed();
        assertThat(c).hadErrorContaining("type variable N is bounded by java.lang.Number, and Number can be any of its"
                + " subclasses, some mutable (AtomicLong, LongAdder)").inFile(src).onLineContaining("N n");
        assertThat(c).hadErrorContaining("type variable T is bounded by a type of itself").inFile(src)
                .onLineContaining("T t) { return t.size()");
        assertThat(c).hadErrorContaining("type variable T can be any class").inFile(src)
                .onLineContaining("anything");
    }
}
