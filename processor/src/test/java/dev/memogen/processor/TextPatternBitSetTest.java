package dev.memogen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import dev.memogen.Memogen;
import dev.memogen.MemogenSettings;
import java.util.BitSet;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Pattern} (by regex and flags: its {@code equals} is identity), {@code CharSequence} (by
 * content, the same key as a String; a result comes back as a String), {@code BitSet} (mutable:
 * each caller gets its own copy) and {@code char}/{@code Character}/{@code char[]}, as arguments
 * and results, alone and in a record: an equal value is a hit, a different one another key, and a
 * result read back from the store is equal and of the declared kind.
 */
class TextPatternBitSetTest {
    static TestCompiler.Loaded loaded;
    @TempDir java.nio.file.Path dir;

    static final JavaFileObject RULE = TestCompiler.source("text.Rule",
            "package text;",
            "public record Rule(java.util.regex.Pattern pattern, CharSequence label, java.util.BitSet columns) {}");

    static final JavaFileObject TEXTS = TestCompiler.source("text.Texts",
            "package text;",
            "import dev.memogen.GenerateMemo;",
            "import java.util.*;",
            "import java.util.regex.*;",
            "@GenerateMemo",
            "@SuppressWarnings(\"memogen:state\") // runs counts calls; it does not affect results",
            "final class Texts {",
            "  static int runs;",
            "  static Pattern pattern(Pattern p) { runs++; return p; }",
            "  static String firstMatch(Pattern p, CharSequence text) {",
            "    runs++; Matcher m = p.matcher(text); return m.find() ? m.group() : null; }",
            "  static int length(CharSequence s) { runs++; return s.length(); }",
            "  static CharSequence shout(CharSequence s) { runs++; return new StringBuilder(s).append('!'); }",
            "  static BitSet flip(BitSet b, int bit) { runs++; BitSet c = (BitSet) b.clone(); c.flip(bit); return c; }",
            "  static char upper(char c) { runs++; return Character.toUpperCase(c); }",
            "  static Character lower(Character c) { runs++; return c == null ? null : Character.toLowerCase(c); }",
            "  static char[] reversed(char[] a) {",
            "    runs++; char[] r = new char[a.length]; for (int i = 0; i < a.length; i++) r[i] = a[a.length - 1 - i]; return r; }",
            "  static Rule rule(Rule r) { runs++; return r; }",
            "  static List<Pattern> patterns(List<Pattern> ps) { runs++; return new ArrayList<>(ps); }",
            "}");

    @BeforeAll
    static void compileOnce() {
        Compilation compilation = TestCompiler.compile(RULE, TEXTS);
        assertThat(compilation).succeeded();
        loaded = TestCompiler.load(compilation);
    }

    private static int runs() {
        return loaded.intField("text.Texts", "runs");
    }

    private static Object call(String method, Object... args) {
        return loaded.call("text.TextsMemo", method, args);
    }

    /**
     * {@code make} gives new, equal arguments at each call; {@code other} makes another key. A
     * second equal call is a hit, {@code other} a miss; after memory is cleared both results come
     * from the store, {@code same} as the computed ones and of class {@code storedClass}.
     */
    private void check(String method, Supplier<Object[]> make, Object[] other, BiPredicate<Object, Object> same,
            Class<?> storedClass) {
        int before = runs();
        Object result = call(method, make.get());
        assertEquals(before + 1, runs(), method + ": the first call runs the method");
        assertTrue(same.test(result, call(method, make.get())), method);
        assertEquals(before + 1, runs(), method + ": equal arguments are a hit");
        Object otherResult = call(method, other);
        assertEquals(before + 2, runs(), method + ": another key");
        Memogen.clearMemory();
        Object stored = call(method, make.get());
        Object storedOther = call(method, other);
        assertEquals(before + 2, runs(), method + ": read from the store");
        assertTrue(same.test(result, stored), method + ": " + result + " vs stored " + stored);
        assertTrue(same.test(otherResult, storedOther), method + ": " + otherResult + " vs stored " + storedOther);
        if (storedClass != null) {
            assertEquals(storedClass, stored.getClass(), method);
        }
    }

    private static boolean samePattern(Object a, Object b) {
        Pattern x = (Pattern) a;
        Pattern y = (Pattern) b;
        return x.pattern().equals(y.pattern()) && x.flags() == y.flags();
    }

    private static BitSet bits(int... set) {
        BitSet b = new BitSet();
        for (int i : set) {
            b.set(i);
        }
        return b;
    }

    private Object rule(String regex, String label, int column) {
        try {
            return loaded.type("text.Rule").getConstructor(Pattern.class, CharSequence.class, BitSet.class)
                    .newInstance(Pattern.compile(regex), new StringBuilder(label), bits(column));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void patternsAreKeysByRegexAndFlags() {
        Memogen.configure(MemogenSettings.at(dir));
        check("pattern", () -> new Object[] {Pattern.compile("a+b")}, new Object[] {Pattern.compile("a+b", Pattern.CASE_INSENSITIVE)},
                TextPatternBitSetTest::samePattern, Pattern.class);
        check("firstMatch", () -> new Object[] {Pattern.compile("\\d+"), "ab 12 cd"},
                new Object[] {Pattern.compile("\\d+"), "ab 13 cd"}, java.util.Objects::equals, String.class);
        check("patterns", () -> new Object[] {List.of(Pattern.compile("x"), Pattern.compile("y", Pattern.MULTILINE))},
                new Object[] {List.of(Pattern.compile("x"), Pattern.compile("y"))}, (a, b) -> {
                    List<?> x = (List<?>) a;
                    List<?> y = (List<?>) b;
                    if (x.size() != y.size()) {
                        return false;
                    }
                    for (int i = 0; i < x.size(); i++) {
                        if (!samePattern(x.get(i), y.get(i))) {
                            return false;
                        }
                    }
                    return true;
                }, java.util.ArrayList.class);
    }

    @Test
    void twoCompilationsOfOneRegexAreAMemoryHit() {
        Memogen.configure(MemogenSettings.at(dir));
        String id = "text.Texts#pattern(java.util.regex.Pattern)";
        call("pattern", Pattern.compile("q+", Pattern.DOTALL));
        long hits = Memogen.statistics(id).orElseThrow().memoryHits();
        call("pattern", Pattern.compile("q+", Pattern.DOTALL));
        assertEquals(hits + 1, Memogen.statistics(id).orElseThrow().memoryHits(),
                "the memory tier compares patterns by regex and flags, not by identity");
        call("pattern", Pattern.compile("q+"));
        assertEquals(hits + 1, Memogen.statistics(id).orElseThrow().memoryHits(), "other flags: another key");
    }

    @Test
    void aCharSequenceIsAKeyByItsContentAsAStringIs() {
        Memogen.configure(MemogenSettings.at(dir));
        int before = runs();
        assertEquals(5, call("length", "hello"));
        assertEquals(5, call("length", new StringBuilder("hello")));
        assertEquals(5, call("length", java.nio.CharBuffer.wrap("hello")));
        assertEquals(before + 1, runs(), "the same chars are one key, whatever the CharSequence");
        assertEquals(5, call("length", "hellO"));
        assertEquals(before + 2, runs());
        check("shout", () -> new Object[] {new StringBuilder("hey")}, new Object[] {"hey "},
                (a, b) -> a.toString().equals(b.toString()), String.class);
        StringBuilder mutable = new StringBuilder("abc");
        assertEquals("abc!", call("shout", mutable).toString());
        mutable.append('d'); // a changed argument is another key
        assertEquals("abcd!", call("shout", mutable).toString());
    }

    @Test
    void aBitSetIsAKeyByItsBitsAndEachCallerGetsItsOwnCopy() {
        Memogen.configure(MemogenSettings.at(dir));
        check("flip", () -> new Object[] {bits(1, 64), 3}, new Object[] {bits(1, 65), 3}, java.util.Objects::equals,
                BitSet.class);
        BitSet first = (BitSet) call("flip", bits(2, 200), 5);
        first.clear(); // the caller's copy
        BitSet second = (BitSet) call("flip", bits(2, 200), 5);
        assertNotSame(first, second);
        assertEquals(bits(2, 5, 200), second, "a hit is not changed by what a caller did to its result");
        BitSet argument = bits(7);
        int before = runs();
        assertEquals(bits(7, 8), call("flip", argument, 8));
        argument.set(9); // mutated after the call: a new key, not a stale hit
        assertEquals(bits(7, 8, 9), call("flip", argument, 8));
        assertEquals(before + 2, runs());
    }

    @Test
    void charsCharactersAndCharArrays() {
        Memogen.configure(MemogenSettings.at(dir));
        check("upper", () -> new Object[] {'é'}, new Object[] {'e'}, java.util.Objects::equals, Character.class);
        check("lower", () -> new Object[] {Character.valueOf('Q')}, new Object[] {null}, java.util.Objects::equals, null);
        check("reversed", () -> new Object[] {new char[] {'a', 'b', '\uD83D'}}, new Object[] {new char[] {'a', 'b'}},
                (a, b) -> java.util.Arrays.equals((char[]) a, (char[]) b), char[].class);
        char[] kept = (char[]) call("reversed", (Object) new char[] {'x', 'y'});
        kept[0] = '!';
        assertArrayEquals(new char[] {'y', 'x'}, (char[]) call("reversed", (Object) new char[] {'x', 'y'}));
    }

    @Test
    void inARecord() {
        Memogen.configure(MemogenSettings.at(dir));
        check("rule", () -> new Object[] {rule("a.c", "abc", 3)}, new Object[] {rule("a.c", "abc", 4)}, (a, b) -> {
            Pattern pa = (Pattern) loaded.callAccessor(a, "pattern");
            Pattern pb = (Pattern) loaded.callAccessor(b, "pattern");
            return samePattern(pa, pb) && loaded.callAccessor(a, "label").toString()
                    .equals(loaded.callAccessor(b, "label").toString())
                    && loaded.callAccessor(a, "columns").equals(loaded.callAccessor(b, "columns"));
        }, loaded.type("text.Rule"));
        check("rule", () -> new Object[] {rule("a.c", "abd", 3)}, new Object[] {rule("a.d", "abd", 3)},
                (a, b) -> samePattern(loaded.callAccessor(a, "pattern"), loaded.callAccessor(b, "pattern")), null);
        Object stored = call("rule", rule("a.c", "abc", 3));
        assertEquals(String.class, loaded.callAccessor(stored, "label").getClass(), "a CharSequence loads as a String");
    }
}
