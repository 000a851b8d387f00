package dev.memogen.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recursive records 100,000 deep (a linked list, a tree through {@code List}, a chain through
 * {@code Optional}, two mutually recursive records, a generic list) as results and as arguments, in two JVMs on
 * one store, on the default thread stack (no {@code -Xss}): hashing, the memory key, the
 * comparison of kept arguments, encoding and decoding must not depend on the call stack's depth.
 * The program checks every value itself, iteratively (a record's own {@code equals} would
 * overflow the stack), and prints for every call whether the method ran.
 */
class DeepValuesAcrossJvmsTest {
    @TempDir Path dir;

    private static final String CHAINS = """
            package app;
            import dev.memogen.GenerateMemo;
            import java.util.*;
            @GenerateMemo
            @SuppressWarnings("memogen:state") // runs counts calls; it does not affect results
            final class Chains {
                static int runs;
                record Node(int v, Node next) {}
                record Tree(int v, List<Tree> kids) {}
                record Link(int v, Optional<Link> next) {}
                record Even(int v, Odd next) {}
                record Odd(int v, Even next) {}
                record Cons<T>(T head, Cons<T> tail) {}

                static Node chain(int n) { runs++; return Main.chain(n, 0); }
                static long sum(Node n) {
                    runs++;
                    long s = 0;
                    for (Node x = n; x != null; x = x.next()) s = 31 * s + x.v();
                    return s;
                }
                static Tree tower(int n) { runs++; return Main.tower(n); }
                static int height(Tree t) {
                    runs++;
                    int h = 0;
                    for (Tree x = t; !x.kids().isEmpty(); x = x.kids().get(0)) h++;
                    return h;
                }
                static Optional<Link> links(int n) {
                    runs++;
                    Optional<Link> l = Optional.empty();
                    for (int i = 0; i < n; i++) l = Optional.of(new Link(i, l));
                    return l;
                }
                static Even evens(int n) { runs++; return Main.evens(n); }
                static Odd odds(int n) { runs++; return new Odd(-1, Main.evens(n)); }
                static int weighEven(Even e) { runs++; return Main.length(e); }
                static int weighOdd(Odd o) { runs++; return 1 + Main.length(o.next()); }
                static Cons<String> words(int n) { runs++; return Main.words(n); }
                static int count(Cons<String> c) {
                    runs++;
                    int n = 0;
                    for (; c != null; c = c.tail()) n++;
                    return n;
                }
            }
            """;

    private static final String MAIN = """
            package app;
            import java.util.*;
            public final class Main {
                static final int N = 100_000;

                /** n, n-1, ..., 1, with {@code last} added to the deepest value. */
                static Chains.Node chain(int n, int last) {
                    Chains.Node head = null;
                    for (int i = 1; i <= n; i++) head = new Chains.Node(i == 1 ? 1 + last : i, head);
                    return head;
                }

                static Chains.Cons<String> words(int n) {
                    Chains.Cons<String> c = null;
                    for (int i = 0; i < n; i++) c = new Chains.Cons<>("w" + i, c);
                    return c;
                }

                static void checkWords(Chains.Cons<String> c, int n) {
                    for (int i = n - 1; i >= 0; i--, c = c.tail()) check(c.head().equals("w" + i), "word " + i);
                    check(c == null, "words end");
                }

                /** A tree of n levels, one child each. */
                static Chains.Tree tower(int n) {
                    Chains.Tree t = new Chains.Tree(0, List.of());
                    for (int i = 1; i < n; i++) t = new Chains.Tree(i, List.of(t));
                    return t;
                }

                static Chains.Even evens(int n) {
                    Chains.Even e = null;
                    for (int i = n; i > 0; i -= 2) e = new Chains.Even(i - 2, new Chains.Odd(i - 1, e));
                    return e;
                }

                static int length(Chains.Even e) {
                    int n = 0;
                    while (e != null) {
                        n++;
                        Chains.Odd o = e.next();
                        if (o == null) break;
                        n++;
                        e = o.next();
                    }
                    return n;
                }

                static void check(boolean ok, String what) {
                    if (!ok) throw new AssertionError(what);
                }

                static void checkChain(Chains.Node c, int n) {
                    for (int i = n; i >= 1; i--, c = c.next()) check(c.v() == i, "chain value " + i);
                    check(c == null, "chain end");
                }

                static void checkTower(Chains.Tree t, int n) {
                    for (int i = n - 1; i > 0; i--, t = t.kids().get(0)) check(t.v() == i && t.kids().size() == 1, "tree " + i);
                    check(t.v() == 0 && t.kids().isEmpty(), "tree leaf");
                }

                static void checkLinks(Optional<Chains.Link> l, int n) {
                    for (int i = n - 1; i >= 0; i--, l = l.get().next()) check(l.get().v() == i, "link " + i);
                    check(l.isEmpty(), "links end");
                }

                static void checkEvens(Chains.Even e, int n) {
                    for (int i = 0; i < n; i += 2, e = e.next().next()) check(e.v() == i && e.next().v() == i + 1, "even " + i);
                    check(e == null, "evens end");
                }

                static <T> T call(String what, java.util.function.Supplier<T> call) {
                    int before = Chains.runs;
                    T value = call.get();
                    System.out.println(what + (Chains.runs == before ? " hit" : " ran"));
                    return value;
                }

                /** Runs one step; a failure is printed, and the next step runs. */
                static void step(Runnable step) {
                    try {
                        step.run();
                    } catch (Throwable t) {
                        System.out.println("failed: " + t);
                    }
                }

                public static void main(String[] args) {
                    step(() -> checkChain(call("chain", () -> ChainsMemo.chain(N)), N));
                    step(() -> checkChain(call("chain", () -> ChainsMemo.chain(N)), N));
                    long sum = Chains.sum(chain(N, 0));
                    step(() -> check(call("sum", () -> ChainsMemo.sum(chain(N, 0))) == sum, "sum"));
                    step(() -> check(call("sum", () -> ChainsMemo.sum(chain(N, 0))) == sum, "sum"));
                    step(() -> check(call("sum of a chain that differs at its end", () -> ChainsMemo.sum(chain(N, 7)))
                            == Chains.sum(chain(N, 7)), "a different chain, its own sum"));
                    step(() -> checkTower(call("tower", () -> ChainsMemo.tower(N)), N));
                    step(() -> checkTower(call("tower", () -> ChainsMemo.tower(N)), N));
                    step(() -> check(call("height", () -> ChainsMemo.height(tower(N))) == N - 1, "height"));
                    step(() -> check(call("height", () -> ChainsMemo.height(tower(N))) == N - 1, "height"));
                    step(() -> checkLinks(call("links", () -> ChainsMemo.links(N)), N));
                    step(() -> checkLinks(call("links", () -> ChainsMemo.links(N)), N));
                    step(() -> checkEvens(call("evens", () -> ChainsMemo.evens(N)), N));
                    step(() -> checkEvens(call("odds", () -> ChainsMemo.odds(N)).next(), N));
                    step(() -> check(call("weighEven", () -> ChainsMemo.weighEven(evens(N))) == N, "weighEven"));
                    step(() -> check(call("weighEven", () -> ChainsMemo.weighEven(evens(N))) == N, "weighEven"));
                    step(() -> check(call("weighOdd", () -> ChainsMemo.weighOdd(new Chains.Odd(-1, evens(N)))) == N + 1,
                            "weighOdd"));
                    step(() -> check(call("weighOdd", () -> ChainsMemo.weighOdd(new Chains.Odd(-1, evens(N)))) == N + 1,
                            "weighOdd"));
                    step(() -> checkWords(call("words", () -> ChainsMemo.words(N)), N));
                    step(() -> check(call("count", () -> ChainsMemo.count(words(N))) == N, "count"));
                    step(() -> check(call("count", () -> ChainsMemo.count(words(N))) == N, "count"));
                }
            }
            """;

    @Test
    void deepResultsAndArgumentsWorkOnTheDefaultStackInTwoJvms() throws Exception {
        Path classes = TestCompiler.compileToDirectory(dir, "app", java.util.Map.of("Chains.java", CHAINS, "Main.java", MAIN));

        assertEquals("""
                chain ran
                chain hit
                sum ran
                sum hit
                sum of a chain that differs at its end ran
                tower ran
                tower hit
                height ran
                height hit
                links ran
                links hit
                evens ran
                odds ran
                weighEven ran
                weighEven hit
                weighOdd ran
                weighOdd hit
                words ran
                count ran
                count hit""", run(classes), "first JVM");
        // A new JVM on the same store: every value is decoded from it, every argument found by its digest.
        assertEquals("""
                chain hit
                chain hit
                sum hit
                sum hit
                sum of a chain that differs at its end hit
                tower hit
                tower hit
                height hit
                height hit
                links hit
                links hit
                evens hit
                odds hit
                weighEven hit
                weighEven hit
                weighOdd hit
                weighOdd hit
                words hit
                count hit
                count hit""", run(classes), "second JVM");
    }

    /** Runs the program in a new JVM with the default thread stack; returns what it printed. */
    private String run(Path classes) throws Exception {
        return TestCompiler.runInNewJvm(dir, classes, "app.Main");
    }
}
