package dev.memogen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import dev.memogen.Memogen;
import dev.memogen.MemogenSettings;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Instance methods of a {@code @GenerateMemo} class become static wrappers that take the receiver
 * first; the receiver's fields (its superclasses' first, private ones too, through VarHandles)
 * are part of the key, read at call time, and {@code @Memo.Ignore} leaves one out.
 */
class InstanceMethodsTest {
    @TempDir Path dir;

    private static final JavaFileObject BASE = TestCompiler.source("shop.Base",
            "package shop;",
            "class Base {",
            "  private final String region;",
            "  protected int scale;",
            "  Base(String region, int scale) { this.region = region; this.scale = scale; }",
            "  String region() { return region; }",
            "}");

    private static final JavaFileObject TIER = TestCompiler.source("shop.Tier",
            "package shop;",
            "record Tier(String name, int level) {}");

    private static final JavaFileObject PRICING = TestCompiler.source("shop.Pricing",
            "package shop;",
            "import dev.memogen.GenerateMemo;",
            "import dev.memogen.Memo;",
            "import java.util.List;",
            "import java.util.Map;",
            "@GenerateMemo",
            "@SuppressWarnings(\"memogen:state\") // runs counts calls; it does not affect results",
            "final class Pricing extends Base {",
            "  static int runs;",
            "  private final double rate;",
            "  List<Double> weights;",
            "  private Map<String, Integer> limits;",
            "  Tier tier;",
            "  @Memo.Ignore final StringBuilder log = new StringBuilder();",
            "  Pricing(String region, int scale, double rate, List<Double> weights, Map<String, Integer> limits, Tier tier) {",
            "    super(region, scale);",
            "    this.rate = rate; this.weights = weights; this.limits = limits; this.tier = tier;",
            "  }",
            "  double price(int qty) { runs++; log.append('.'); return qty * rate * scale; }",
            "  String describe(String prefix) { runs++; return prefix + region() + tier + weights + limits; }",
            "  static int twice(int x) { runs++; return 2 * x; }",
            "  void limit(String k, int v) { limits.put(k, v); }",
            "}");

    private static final JavaFileObject DRIVER = TestCompiler.source("shop.Driver",
            "package shop;",
            "import java.util.*;",
            "public final class Driver {",
            "  private Driver() {}",
            "  static Pricing make(String region) {",
            "    return new Pricing(region, 2, 1.5, new ArrayList<>(List.of(1.0)), new HashMap<>(Map.of(\"x\", 1)),",
            "        new Tier(\"gold\", 1));",
            "  }",
            "  public static List<String> run() {",
            "    List<String> out = new ArrayList<>();",
            "    Pricing a = make(\"eu\");",
            "    Pricing b = make(\"eu\");",
            "    Pricing c = make(\"us\");",
            "    out.add(PricingMemo.price(a, 3) + \" \" + Pricing.runs);",
            "    out.add(PricingMemo.price(b, 3) + \" \" + Pricing.runs); // the same state: a hit",
            "    out.add(PricingMemo.price(c, 3) + \" \" + Pricing.runs); // another private field in the superclass",
            "    a.scale = 3;",
            "    out.add(PricingMemo.price(a, 3) + \" \" + Pricing.runs); // a protected field changed",
            "    out.add(PricingMemo.price(b, 3) + \" \" + Pricing.runs); // b unchanged: still a hit",
            "    out.add(PricingMemo.describe(a, \"> \") + \" \" + Pricing.runs);",
            "    a.weights.add(2.0);",
            "    out.add(PricingMemo.describe(a, \"> \") + \" \" + Pricing.runs); // the list's contents changed",
            "    a.limit(\"y\", 2);",
            "    out.add(PricingMemo.describe(a, \"> \") + \" \" + Pricing.runs); // a private map changed",
            "    a.tier = new Tier(\"gold\", 1);",
            "    out.add(PricingMemo.describe(a, \"> \") + \" \" + Pricing.runs); // an equal record: a hit",
            "    out.add(PricingMemo.price(a, 3) + \" \" + Pricing.runs); // every field is in every method's key",
            "    a.log.append(\"ignored\");",
            "    out.add(PricingMemo.price(a, 3) + \" \" + Pricing.runs); // an ignored field changed: a hit",
            "    out.add(PricingMemo.twice(4) + \" \" + Pricing.runs);",
            "    return out;",
            "  }",
            "}");

    @Test
    void receiversAreKeyedByTheirFieldsReadAtCallTime() {
        Compilation c = TestCompiler.compile(BASE, TIER, PRICING, DRIVER);
        assertThat(c).succeeded();
        String generated = TestCompiler.generatedSource(c, "shop.PricingMemo");
        assertTrue(generated.contains("public static double price(Pricing self, int qty)"), generated);
        assertTrue(generated.contains("privateLookupIn"), "private fields through VarHandles: " + generated);
        Memogen.configure(MemogenSettings.at(dir));
        @SuppressWarnings("unchecked")
        List<String> out = (List<String>) TestCompiler.load(c).call("shop.Driver", "run");
        assertEquals(List.of(
                "9.0 1",
                "9.0 1",
                "9.0 2",
                "13.5 3",
                "9.0 3",
                "> euTier[name=gold, level=1][1.0]{x=1} 4",
                "> euTier[name=gold, level=1][1.0, 2.0]{x=1} 5",
                "> euTier[name=gold, level=1][1.0, 2.0]{x=1, y=2} 6",
                "> euTier[name=gold, level=1][1.0, 2.0]{x=1, y=2} 6",
                "13.5 7",
                "13.5 7",
                "8 8"), out);
    }

    @Test
    void aFieldThatCannotBeHashedIsAnErrorOnTheFieldUnlessIgnored() {
        JavaFileObject src = TestCompiler.source("shop.Report",
                "package shop;",
                "import dev.memogen.GenerateMemo;",
                "@GenerateMemo",
                "final class Report {",
                "  private final Object lock = new Object();",
                "  private final int year = 2026;",
                "  int year() { return year; }",
                "}");
        Compilation c = TestCompiler.compileLenient(src);
        assertThat(c).hadErrorContaining("[MemoUnhashableField] field 'lock' of type java.lang.Object")
                .inFile(src).onLineContaining("Object lock");
        assertThat(c).hadErrorContaining("Mark it @Memo.Ignore");

        JavaFileObject ignored = TestCompiler.source("shop.Report",
                "package shop;",
                "import dev.memogen.GenerateMemo;",
                "import dev.memogen.Memo;",
                "@GenerateMemo",
                "final class Report {",
                "  @Memo.Ignore private final Object lock = new Object();",
                "  private final int year = 2026;",
                "  int year() { return year; }",
                "}");
        assertThat(TestCompiler.compile(ignored)).succeeded();
    }

    @Test
    void aStaticMethodWithTheWrappersSignatureIsAnError() {
        JavaFileObject src = TestCompiler.source("shop.Clash",
                "package shop;",
                "import dev.memogen.GenerateMemo;",
                "@GenerateMemo",
                "final class Clash {",
                "  int size(int x) { return x; }",
                "  static int size(Clash c, int x) { return x; }",
                "}");
        assertThat(TestCompiler.compileLenient(src)).hadErrorContaining("[MemoWrapperClash]")
                .inFile(src).onLineContaining("int size(int x)");
    }

    @Test
    void stateInAJdkSuperclassIsAnError() {
        JavaFileObject src = TestCompiler.source("shop.Names",
                "package shop;",
                "import dev.memogen.GenerateMemo;",
                "@GenerateMemo",
                "final class Names extends java.util.ArrayList<String> {",
                "  private static final long serialVersionUID = 1L;",
                "  int count(String s) { return size() + s.length(); }",
                "}");
        assertThat(TestCompiler.compileLenient(src)).hadErrorContaining("[MemoUnreadableState] Names extends");
    }

    @Test
    void recordsByTheirComponentsEnumsByNameAndNoWarningForInstanceState() {
        Compilation c = TestCompiler.compile(
                TestCompiler.source("geo.Box",
                        "package geo;",
                        "import dev.memogen.GenerateMemo;",
                        "@GenerateMemo",
                        "record Box(double w, double h) {",
                        "  double area(double scale) { Counter.runs++; return w * h * scale; }",
                        "}"),
                TestCompiler.source("geo.Unit",
                        "package geo;",
                        "import dev.memogen.GenerateMemo;",
                        "@GenerateMemo",
                        "enum Unit {",
                        "  MM(0.001), M(1);",
                        "  private final double meters;",
                        "  Unit(double meters) { this.meters = meters; }",
                        "  double toMeters(double x) { Counter.runs++; return x * meters; }",
                        "}"),
                TestCompiler.source("geo.Account",
                        "package geo;",
                        "import dev.memogen.GenerateMemo;",
                        "@GenerateMemo",
                        "final class Account {",
                        "  private long balance;",
                        "  void deposit(long x) { balance += x; }",
                        "  long projected(int years) { Counter.runs++; return balance * (100 + years) / 100; }",
                        "}"),
                TestCompiler.source("geo.Counter",
                        "package geo;",
                        "import java.util.*;",
                        "public final class Counter {",
                        "  private Counter() {}",
                        "  @SuppressWarnings(\"memogen:state\") // counts calls; no result depends on it",
                        "  static int runs;",
                        "  public static List<String> run() {",
                        "    List<String> out = new ArrayList<>();",
                        "    out.add(BoxMemo.area(new Box(2, 3), 1) + \" \" + BoxMemo.area(new Box(2, 3), 1) + \" \" + runs);",
                        "    out.add(UnitMemo.toMeters(Unit.MM, 5) + \" \" + UnitMemo.toMeters(Unit.MM, 5)"
                        + " + \" \" + UnitMemo.toMeters(Unit.M, 5) + \" \" + runs);",
                        "    Account a = new Account();",
                        "    a.deposit(100);",
                        "    out.add(AccountMemo.projected(a, 10) + \" \" + AccountMemo.projected(a, 10) + \" \" + runs);",
                        "    a.deposit(100);",
                        "    out.add(AccountMemo.projected(a, 10) + \" \" + runs);",
                        "    return out;",
                        "  }",
                        "}"));
        assertThat(c).succeededWithoutWarnings();
        Memogen.configure(MemogenSettings.at(dir));
        @SuppressWarnings("unchecked")
        List<String> out = (List<String>) TestCompiler.load(c).call("geo.Counter", "run");
        assertEquals(List.of("6.0 6.0 1", "0.005 0.005 5.0 3", "110 110 4", "220 5"), out);
    }

    @Test
    void anInnerClassesInstanceMethodsAreLeftOutSayingWhy() {
        JavaFileObject src = TestCompiler.source("shop.Outer",
                "package shop;",
                "import dev.memogen.GenerateMemo;",
                "class Outer {",
                "  int rate = 2;",
                "  @GenerateMemo",
                "  class Inner {",
                "    int price(int x) { return x * rate; }",
                "  }",
                "}");
        Compilation c = TestCompiler.compileLenient(src);
        assertThat(c).succeeded();
        assertThat(c).hadWarningContaining("price(int) (instance method of an inner class: it can read the enclosing"
                + " instance, which is not part of the key; make the class static to memoize it)");
    }
}
