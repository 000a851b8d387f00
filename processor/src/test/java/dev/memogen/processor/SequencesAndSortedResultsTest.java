package dev.memogen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.testing.compile.Compilation;
import dev.memogen.Memogen;
import dev.memogen.MemogenSettings;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Collection}, {@code Iterable}, {@code Queue} and {@code Deque} arguments (a sequence in
 * iteration order, the same key as a List of the same elements; a Set inside stays
 * order-independent), and sorted map and set, deque and LinkedHashMap results, loaded as the same
 * kind in natural order; a sorted result with a comparator of its own is returned, not stored.
 */
class SequencesAndSortedResultsTest {
    static TestCompiler.Loaded loaded;
    @TempDir java.nio.file.Path dir;

    static final JavaFileObject SEQUENCES = TestCompiler.source("seq.Sequences",
            "package seq;",
            "import dev.memogen.GenerateMemo;",
            "import java.util.*;",
            "@GenerateMemo",
            "@SuppressWarnings(\"memogen:state\") // runs counts calls; it does not affect results",
            "final class Sequences {",
            "  static int runs;",
            "  static String join(Collection<String> c) { runs++; return String.join(\",\", c); }",
            "  static int sum(Iterable<Integer> xs) { runs++; int s = 0; for (int x : xs) s += x; return s; }",
            "  static String head(Queue<String> q) { runs++; return q.peek(); }",
            "  static String last(Deque<String> d) { runs++; return d.peekLast(); }",
            "  static int count(Collection<? extends List<Integer>> c) { runs++; return c.size(); }",
            "  static String bag(Bag b) { runs++; return b.name() + b.items(); }",
            "  static TreeMap<String, Integer> lengths(List<String> words) {",
            "    runs++; TreeMap<String, Integer> m = new TreeMap<>(); for (String w : words) m.put(w, w.length()); return m; }",
            "  static SortedMap<Integer, String> sortedMap(Map<Integer, String> m) { runs++; return new TreeMap<>(m); }",
            "  static NavigableMap<java.time.LocalDate, Integer> navigableMap(List<java.time.LocalDate> days) {",
            "    runs++; NavigableMap<java.time.LocalDate, Integer> m = new TreeMap<>();",
            "    for (java.time.LocalDate d : days) m.merge(d, 1, Integer::sum); return m; }",
            "  static TreeSet<String> treeSet(List<String> words) { runs++; return new TreeSet<>(words); }",
            "  static SortedSet<Integer> sortedSet(List<Integer> xs) { runs++; return new TreeSet<>(xs); }",
            "  static NavigableSet<Level> levels(List<Level> xs) { runs++; return new TreeSet<>(xs); }",
            "  static Deque<String> deque(List<String> xs) { runs++; return new LinkedList<>(xs); }",
            "  static ArrayDeque<Integer> arrayDeque(List<Integer> xs) { runs++; return new ArrayDeque<>(xs); }",
            "  static LinkedHashMap<String, Integer> linked(List<String> ws) {",
            "    runs++; LinkedHashMap<String, Integer> m = new LinkedHashMap<>(); for (String w : ws) m.put(w, w.length()); return m; }",
            "  static TreeSet<String> reversed(List<String> words) {",
            "    runs++; TreeSet<String> s = new TreeSet<>(Comparator.reverseOrder()); s.addAll(words); return s; }",
            "  static Deque<String> withNull(int n) { runs++; Deque<String> d = new LinkedList<>(); d.add(null); return d; }",
            "  static Shelf shelf(int n) { runs++; TreeMap<String, Integer> m = new TreeMap<>(); m.put(\"b\", n); m.put(\"a\", 1);",
            "    return new Shelf(m, new ArrayDeque<>(List.of(\"x\", \"y\"))); }",
            "}");

    static final JavaFileObject BAG = TestCompiler.source("seq.Bag",
            "package seq;",
            "public record Bag(String name, java.util.Collection<String> items) {}");

    static final JavaFileObject LEVEL = TestCompiler.source("seq.Level",
            "package seq;",
            "public enum Level { LOW, MID, HIGH }");

    static final JavaFileObject SHELF = TestCompiler.source("seq.Shelf",
            "package seq;",
            "public record Shelf(java.util.NavigableMap<String, Integer> counts, java.util.Deque<String> queue) {}");

    @BeforeAll
    static void compileOnce() {
        Compilation compilation = TestCompiler.compile(SEQUENCES, BAG, LEVEL, SHELF);
        assertThat(compilation).succeeded();
        loaded = TestCompiler.load(compilation);
    }

    private static int runs() {
        return loaded.intField("seq.Sequences", "runs");
    }

    private static Object call(String method, Object... args) {
        return loaded.call("seq.SequencesMemo", method, args);
    }

    /** Calls once; returns how many times the method ran (0: a hit, 1: computed). */
    private static int runsFor(String method, Object... args) {
        int before = runs();
        call(method, args);
        return runs() - before;
    }

    @Test
    void aCollectionIsASequenceInIterationOrderAndTheSameKeyAsAList() {
        Memogen.configure(MemogenSettings.at(dir));
        assertEquals(1, runsFor("join", new ArrayList<>(List.of("a", "b"))));
        assertEquals(0, runsFor("join", new ArrayDeque<>(List.of("a", "b"))), "the same sequence: a hit");
        assertEquals(0, runsFor("join", Collections.unmodifiableCollection(List.of("a", "b"))));
        assertEquals(1, runsFor("join", new ArrayDeque<>(List.of("b", "a"))), "another order, another key");
        assertEquals(1, runsFor("join", new ArrayList<>(List.of("a", "b", "c"))));
        // A Set is hashed as a Set: independent of its iteration order.
        assertEquals(1, runsFor("join", new LinkedHashSet<>(List.of("x", "y"))));
        assertEquals(0, runsFor("join", new LinkedHashSet<>(List.of("y", "x"))), "a Set in another order: a hit");
        assertEquals(1, runsFor("join", new ArrayList<>(List.of("x", "y"))), "a List is not a Set");
        assertEquals(1, runsFor("join", List.of()));
        assertEquals(0, runsFor("join", new ArrayDeque<>()));
    }

    @Test
    void anIterableIsIteratedOnceToHashIt() {
        Memogen.configure(MemogenSettings.at(dir));
        int[] iterations = {0};
        Iterable<Integer> oneTwo = () -> {
            iterations[0]++;
            return List.of(1, 2).iterator();
        };
        assertEquals(3, call("sum", oneTwo));
        assertEquals(2, iterations[0], "once for the key, once by the method");
        assertEquals(0, runsFor("sum", List.of(1, 2)), "the same elements: a hit");
        assertEquals(0, runsFor("sum", oneTwo));
        assertEquals(3, iterations[0], "a hit iterates it once, to hash it");
        assertEquals(1, runsFor("sum", (Iterable<Integer>) () -> List.of(2, 1).iterator()));
        // An Iterable that can be iterated only once gives the method nothing the second time: the
        // JDK's (a stream's iterator) throw; see README.
        Iterable<Integer> once = java.util.stream.Stream.of(4, 5)::iterator;
        assertThrows(IllegalStateException.class, () -> call("sum", once));
    }

    @Test
    void queuesAndDequesAreSequences() {
        Memogen.configure(MemogenSettings.at(dir));
        assertEquals("a", call("head", new ArrayDeque<>(List.of("a", "b"))));
        assertEquals(0, runsFor("head", new LinkedList<>(List.of("a", "b"))));
        assertEquals(1, runsFor("head", new ArrayDeque<>(List.of("b", "a"))));
        // A PriorityQueue is hashed in its iteration order (its heap's): at worst a miss.
        PriorityQueue<String> pq = new PriorityQueue<>(List.of("c", "a"));
        assertEquals("a", call("head", pq));
        assertEquals("b", call("last", new ArrayDeque<>(List.of("a", "b"))));
        assertEquals(0, runsFor("last", new LinkedList<>(List.of("a", "b"))));
        assertEquals(1, runsFor("last", new LinkedList<>(List.of("a", "c"))));
        assertEquals(1, runsFor("count", List.of(List.of(1), List.of(2))));
        assertEquals(1, runsFor("count", List.of(List.of(1, 2))), "[[1],[2]] is not [[1,2]]");
        assertEquals(0, runsFor("count", new ArrayDeque<>(List.of(List.of(1, 2)))));
    }

    private Object bag(String name, Collection<String> items) {
        try {
            return loaded.type("seq.Bag").getConstructor(String.class, Collection.class).newInstance(name, items);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aCollectionInARecordIsASequenceToo() {
        Memogen.configure(MemogenSettings.at(dir));
        assertEquals(1, runsFor("bag", bag("b", List.of("x", "y"))));
        assertEquals(0, runsFor("bag", bag("b", new ArrayDeque<>(List.of("x", "y")))));
        assertEquals(1, runsFor("bag", bag("b", new ArrayDeque<>(List.of("y", "x")))));
        assertEquals(1, runsFor("bag", bag("b", Set.of("x"))));
        assertEquals(0, runsFor("bag", bag("b", new TreeSet<>(Set.of("x")))));
    }

    /**
     * The first call computes, an equal call is a hit, and after memory is cleared the stored
     * result equals the computed one and has class {@code kind}, in the same order.
     */
    private void checkResult(String method, Supplier<Object> argument, Class<?> kind) {
        int before = runs();
        Object computed = call(method, argument.get());
        assertEquals(before + 1, runs(), method);
        Object hit = call(method, argument.get());
        assertEquals(before + 1, runs(), method + ": a hit");
        Memogen.clearMemory();
        Object stored = call(method, argument.get());
        assertEquals(before + 1, runs(), method + ": read from the store");
        for (Object back : List.of(hit, stored)) {
            assertEquals(kind, back.getClass(), method);
            assertEquals(computed.toString(), back.toString(), method + ": the same elements in the same order");
            if (!(back instanceof ArrayDeque<?>)) { // ArrayDeque has identity equals
                assertEquals(computed, back, method);
            }
        }
        if (stored instanceof TreeMap<?, ?> m) {
            assertNull(m.comparator(), "natural order");
        }
        if (stored instanceof TreeSet<?> s) {
            assertNull(s.comparator(), "natural order");
        }
    }

    @Test
    void sortedMapsAndSetsDequesAndLinkedHashMapsComeBackAsTheSameKind() {
        Memogen.configure(MemogenSettings.at(dir));
        checkResult("lengths", () -> List.of("pear", "fig", "apple"), TreeMap.class);
        checkResult("sortedMap", () -> Map.of(3, "c", 1, "a", 2, "b"), TreeMap.class);
        checkResult("navigableMap", () -> List.of(java.time.LocalDate.of(2026, 12, 3), java.time.LocalDate.of(2026, 1, 1),
                java.time.LocalDate.of(2026, 12, 3)), TreeMap.class);
        checkResult("treeSet", () -> List.of("b", "c", "a"), TreeSet.class);
        checkResult("sortedSet", () -> List.of(10, -1, 3), TreeSet.class);
        checkResult("levels", () -> List.of(Enum.valueOf(level(), "HIGH"), Enum.valueOf(level(), "LOW")), TreeSet.class);
        checkResult("deque", () -> List.of("z", "a", "m"), ArrayDeque.class);
        checkResult("arrayDeque", () -> List.of(3, 1, 2), ArrayDeque.class);
        checkResult("linked", () -> List.of("zz", "a", "mmm"), LinkedHashMap.class);
        Object shelf = call("shelf", 5);
        Memogen.clearMemory();
        Object stored = call("shelf", 5);
        assertEquals(TreeMap.class, loaded.callAccessor(stored, "counts").getClass());
        assertEquals("{a=1, b=5}", loaded.callAccessor(stored, "counts").toString());
        assertEquals(ArrayDeque.class, loaded.callAccessor(stored, "queue").getClass());
        assertEquals(loaded.callAccessor(shelf, "queue").toString(), loaded.callAccessor(stored, "queue").toString());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Class<Enum> level() {
        return (Class<Enum>) loaded.type("seq.Level");
    }

    @Test
    void aSortedResultWithItsOwnComparatorIsReturnedButNotStored() {
        Memogen.configure(MemogenSettings.at(dir));
        int before = runs();
        Object first = call("reversed", List.of("a", "c", "b"));
        assertEquals("[c, b, a]", first.toString());
        assertEquals(Comparator.reverseOrder(), ((TreeSet<?>) first).comparator(), "the computed value, as it is");
        Object second = call("reversed", List.of("a", "c", "b"));
        assertEquals("[c, b, a]", second.toString());
        assertEquals(before + 2, runs(), "not stored: computed again");
        assertEquals(1, runsFor("withNull", 1), "a deque holding null is not stored either");
        assertEquals(1, runsFor("withNull", 1));
    }
}
