package dev.memogen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import dev.memogen.Memogen;
import dev.memogen.MemogenSettings;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Month;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDK's immutable value classes as arguments and results (alone, in a record, a list, a set, a
 * map, an Optional, an array): an equal value is a hit, values that are not {@code equals} are
 * different keys ({@code 1.0} and {@code 1.00}, instants 1 ns apart, one local time in two zones),
 * and a result read back from the store equals the original.
 */
class JdkValuesTest {
    static Compilation compilation;
    static TestCompiler.Loaded loaded;
    @TempDir java.nio.file.Path dir;

    static final JavaFileObject STAMP = TestCompiler.source("jdk.Stamp",
            "package jdk;",
            "import java.math.BigDecimal;",
            "import java.time.*;",
            "import java.util.*;",
            "public record Stamp(LocalDate day, Instant at, ZonedDateTime zoned, BigDecimal amount, UUID id,",
            "    Locale locale, Currency currency, java.net.URI uri, DayOfWeek weekday) {}");

    static final JavaFileObject VALUES = TestCompiler.source("jdk.Values",
            "package jdk;",
            "import dev.memogen.GenerateMemo;",
            "import java.math.*;",
            "import java.net.URI;",
            "import java.time.*;",
            "import java.util.*;",
            "@GenerateMemo",
            "@SuppressWarnings(\"memogen:state\") // runs counts calls; it does not affect results",
            "final class Values {",
            "  static int runs;",
            "  static BigInteger bigInteger(BigInteger v) { runs++; return v; }",
            "  static BigDecimal bigDecimal(BigDecimal v) { runs++; return v; }",
            "  static LocalDate localDate(LocalDate v) { runs++; return v; }",
            "  static LocalTime localTime(LocalTime v) { runs++; return v; }",
            "  static LocalDateTime localDateTime(LocalDateTime v) { runs++; return v; }",
            "  static Instant instant(Instant v) { runs++; return v; }",
            "  static Duration duration(Duration v) { runs++; return v; }",
            "  static Period period(Period v) { runs++; return v; }",
            "  static ZonedDateTime zonedDateTime(ZonedDateTime v) { runs++; return v; }",
            "  static OffsetDateTime offsetDateTime(OffsetDateTime v) { runs++; return v; }",
            "  static OffsetTime offsetTime(OffsetTime v) { runs++; return v; }",
            "  static ZoneId zoneId(ZoneId v) { runs++; return v; }",
            "  static ZoneOffset zoneOffset(ZoneOffset v) { runs++; return v; }",
            "  static Year year(Year v) { runs++; return v; }",
            "  static YearMonth yearMonth(YearMonth v) { runs++; return v; }",
            "  static MonthDay monthDay(MonthDay v) { runs++; return v; }",
            "  static UUID uuid(UUID v) { runs++; return v; }",
            "  static URI uri(URI v) { runs++; return v; }",
            "  static Locale locale(Locale v) { runs++; return v; }",
            "  static Currency currency(Currency v) { runs++; return v; }",
            "  static java.nio.charset.Charset charset(java.nio.charset.Charset v) { runs++; return v; }",
            "  static OptionalInt optionalInt(OptionalInt v) { runs++; return v; }",
            "  static OptionalLong optionalLong(OptionalLong v) { runs++; return v; }",
            "  static OptionalDouble optionalDouble(OptionalDouble v) { runs++; return v; }",
            "  static DayOfWeek dayOfWeek(DayOfWeek v) { runs++; return v; }",
            "  static Month month(Month v) { runs++; return v; }",
            "  static Stamp stamp(Stamp v) { runs++; return v; }",
            "  static List<Instant> instants(List<Instant> v) { runs++; return new ArrayList<>(v); }",
            "  static Map<LocalDate, BigDecimal> prices(Map<LocalDate, BigDecimal> v) { runs++; return new LinkedHashMap<>(v); }",
            "  static Set<ZoneId> zones(Set<ZoneId> v) { runs++; return new LinkedHashSet<>(v); }",
            "  static Optional<UUID> maybe(Optional<UUID> v) { runs++; return v; }",
            "  static LocalDate[] dates(LocalDate[] v) { runs++; return v.clone(); }",
            "  static LocalDate plusDays(LocalDate d, int n) { runs++; return d.plusDays(n); }",
            "  static String describe(BigDecimal amount, ZonedDateTime at) { runs++; return amount + \" @ \" + at; }",
            "}");

    static final JavaFileObject ACCOUNT = TestCompiler.source("jdk.Account",
            "package jdk;",
            "import dev.memogen.GenerateMemo;",
            "import java.math.BigDecimal;",
            "import java.time.LocalDate;",
            "@GenerateMemo",
            "public final class Account {",
            "  private final BigDecimal rate;",
            "  final LocalDate opened;",
            "  public Account(BigDecimal rate, LocalDate opened) { this.rate = rate; this.opened = opened; }",
            "  BigDecimal interest(BigDecimal amount) { Values.runs++; return amount.multiply(rate); }",
            "}");

    @BeforeAll
    static void compileOnce() {
        compilation = TestCompiler.compile(STAMP, VALUES, ACCOUNT);
        assertThat(compilation).succeeded();
        loaded = TestCompiler.load(compilation);
    }

    private static int runs() {
        return loaded.intField("jdk.Values", "runs");
    }

    /**
     * {@code make} gives a new, equal instance at each call; {@code other} is not {@code equals} to
     * it. An equal argument is a hit, {@code other} a miss, and after memory is cleared the stored
     * result equals the original.
     */
    private void check(String method, Supplier<Object> make, Object other) {
        checkCalls(method, () -> new Object[] {make.get()}, new Object[] {other});
    }

    /** {@link #check} for a method of any arity, whose results are compared with {@code deepEquals}. */
    private void checkCalls(String method, Supplier<Object[]> make, Object[] other) {
        Object[] first = make.get();
        Object[] second = make.get();
        assertTrue(Arrays.deepEquals(first, second), method);
        assertTrue(!Arrays.deepEquals(first, other), method);
        int before = runs();
        Object result = loaded.call("jdk.ValuesMemo", method, first);
        assertEquals(before + 1, runs(), method + ": the first call runs the method");
        assertDeepEquals(result, loaded.call("jdk.ValuesMemo", method, second), method);
        assertEquals(before + 1, runs(), method + ": an equal argument is a hit");
        Object otherResult = loaded.call("jdk.ValuesMemo", method, other);
        assertEquals(before + 2, runs(), method + ": " + Arrays.deepToString(other) + " is another key than "
                + Arrays.deepToString(first));
        Memogen.clearMemory();
        Object stored = loaded.call("jdk.ValuesMemo", method, make.get());
        assertEquals(before + 2, runs(), method + ": read from the store");
        assertDeepEquals(result, stored, method + ": the stored result equals the original");
        assertEquals(Arrays.deepToString(new Object[] {result}), Arrays.deepToString(new Object[] {stored}), method);
        Object storedOther = loaded.call("jdk.ValuesMemo", method, other);
        assertEquals(before + 2, runs(), method + ": read from the store");
        assertDeepEquals(otherResult, storedOther, method);
    }

    private static void assertDeepEquals(Object expected, Object actual, String message) {
        assertTrue(Objects.deepEquals(expected, actual), message + ": expected " + Arrays.deepToString(new Object[] {expected})
                + " but was " + Arrays.deepToString(new Object[] {actual}));
    }

    @Test
    @SuppressWarnings("deprecation") // a locale its language tag does not give back
    void eachJdkValueTypeIsAKeyByItsValueAndComesBackFromTheStore() {
        Memogen.configure(MemogenSettings.at(dir));
        check("bigInteger", () -> new BigInteger("123456789012345678901234567890"),
                new BigInteger("123456789012345678901234567891"));
        check("bigDecimal", () -> new BigDecimal("1.0"), new BigDecimal("1.00"));
        check("localDate", () -> LocalDate.of(2026, 12, 2), LocalDate.of(2026, 12, 3));
        check("localTime", () -> LocalTime.of(15, 45, 0, 1), LocalTime.of(15, 45, 0, 2));
        check("localDateTime", () -> LocalDateTime.of(2026, 12, 2, 15, 45), LocalDateTime.of(2026, 12, 2, 15, 45, 0, 1));
        Instant t = Instant.parse("2026-12-02T15:45:00Z");
        check("instant", () -> Instant.ofEpochSecond(t.getEpochSecond()), t.plusNanos(1));
        check("duration", () -> Duration.ofSeconds(90), Duration.ofSeconds(90, 1));
        check("period", () -> Period.ofYears(1), Period.ofMonths(12));
        LocalDateTime nine = LocalDateTime.of(2026, 12, 2, 9, 0);
        check("zonedDateTime", () -> nine.atZone(ZoneId.of("Europe/Paris")), nine.atZone(ZoneId.of("Europe/Berlin")));
        check("offsetDateTime", () -> nine.atOffset(ZoneOffset.ofHours(1)), nine.atOffset(ZoneOffset.ofHours(2)));
        check("offsetTime", () -> OffsetTime.of(9, 0, 0, 0, ZoneOffset.UTC), OffsetTime.of(9, 0, 0, 0, ZoneOffset.ofHours(1)));
        check("zoneId", () -> ZoneId.of("Europe/Paris"), ZoneId.of("Europe/Berlin"));
        check("zoneOffset", () -> ZoneOffset.ofHoursMinutes(5, 30), ZoneOffset.ofHoursMinutes(5, 45));
        check("year", () -> Year.of(2026), Year.of(2027));
        check("yearMonth", () -> YearMonth.of(2026, 12), YearMonth.of(2026, 11));
        check("monthDay", () -> MonthDay.of(2, 29), MonthDay.of(3, 1));
        check("uuid", () -> UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
                UUID.fromString("123e4567-e89b-12d3-a456-426614174001"));
        check("uri", () -> URI.create("https://example.com/a?b=c"), URI.create("https://example.com/a?b=d"));
        check("locale", () -> Locale.forLanguageTag("sr-Latn-RS"), Locale.forLanguageTag("sr-Cyrl-RS"));
        check("locale", () -> new Locale("en", "US", "a b"), Locale.US); // the tag of both is en-US
        check("currency", () -> Currency.getInstance("EUR"), Currency.getInstance("CHF"));
        check("charset", () -> java.nio.charset.StandardCharsets.UTF_8, java.nio.charset.StandardCharsets.UTF_16);
        check("optionalInt", () -> java.util.OptionalInt.of(7), java.util.OptionalInt.empty());
        check("optionalLong", () -> java.util.OptionalLong.of(7), java.util.OptionalLong.of(8));
        check("optionalDouble", () -> java.util.OptionalDouble.of(0.0), java.util.OptionalDouble.of(-0.0));
        check("dayOfWeek", () -> DayOfWeek.MONDAY, DayOfWeek.TUESDAY);
        check("month", () -> Month.FEBRUARY, Month.MARCH);
    }

    @Test
    void aUriIsAKeyByItsStringFormNotByUriEquals() {
        Memogen.configure(MemogenSettings.at(dir));
        URI lower = URI.create("https://example.com/x");
        URI upper = URI.create("https://EXAMPLE.com/x");
        assertEquals(lower, upper); // URI.equals ignores the host's case
        int before = runs();
        assertEquals("https://example.com/x", loaded.call("jdk.ValuesMemo", "uri", lower).toString());
        assertEquals("https://EXAMPLE.com/x", loaded.call("jdk.ValuesMemo", "uri", upper).toString(),
                "not the result of the other spelling");
        assertEquals(before + 2, runs());
    }

    private Object stamp(String amount, Instant at, ZoneId zone) {
        Class<?> type = loaded.type("jdk.Stamp");
        try {
            java.lang.reflect.Constructor<?> make = type.getDeclaredConstructors()[0];
            make.setAccessible(true);
            return make.newInstance(LocalDate.of(2026, 12, 2), at,
                    LocalDateTime.of(2026, 12, 2, 9, 0).atZone(zone), new BigDecimal(amount),
                    UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), Locale.CANADA_FRENCH,
                    Currency.getInstance("CAD"), URI.create("urn:isbn:0451450523"), DayOfWeek.WEDNESDAY);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private Object account(String rate) {
        try {
            return loaded.type("jdk.Account").getConstructor(BigDecimal.class, LocalDate.class)
                    .newInstance(new BigDecimal(rate), LocalDate.of(2026, 12, 2));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aReceiverIsKeyedByItsJdkValueFields() {
        Memogen.configure(MemogenSettings.at(dir));
        int before = runs();
        BigDecimal amount = new BigDecimal("100");
        assertEquals(new BigDecimal("10.00"), loaded.call("jdk.AccountMemo", "interest", account("0.10"), amount));
        assertEquals(new BigDecimal("10.00"), loaded.call("jdk.AccountMemo", "interest", account("0.10"), amount));
        assertEquals(before + 1, runs(), "an equal rate: a hit");
        assertEquals(new BigDecimal("10.000"), loaded.call("jdk.AccountMemo", "interest", account("0.100"), amount));
        assertEquals(before + 2, runs(), "0.100 is not 0.10");
    }

    private static ZonedDateTime nineIn(ZoneId zone) {
        return LocalDateTime.of(2026, 12, 2, 9, 0).atZone(zone);
    }

    @Test
    void jdkValuesInRecordsCollectionsOptionalsAndArrays() {
        Memogen.configure(MemogenSettings.at(dir));
        Instant t = Instant.parse("2026-12-02T15:45:00Z");
        ZoneId paris = ZoneId.of("Europe/Paris");
        check("stamp", () -> stamp("1.0", t, paris), stamp("1.00", t, paris));
        check("stamp", () -> stamp("2.0", t, paris), stamp("2.0", t.plusNanos(1), paris));
        check("stamp", () -> stamp("3.0", t, paris), stamp("3.0", t, ZoneId.of("Europe/Berlin")));
        check("instants", () -> List.of(t, t.plusSeconds(1)), List.of(t, t.plusSeconds(1).plusNanos(1)));
        check("prices", () -> new LinkedHashMap<>(Map.of(LocalDate.of(2026, 1, 1), new BigDecimal("1.0"))),
                new LinkedHashMap<>(Map.of(LocalDate.of(2026, 1, 1), new BigDecimal("1.00"))));
        check("zones", () -> new LinkedHashSet<>(List.of(paris, ZoneOffset.UTC)),
                new LinkedHashSet<>(List.of(paris, ZoneId.of("UTC"))));
        check("maybe", () -> Optional.of(UUID.fromString("123e4567-e89b-12d3-a456-426614174000")), Optional.empty());
        checkCalls("dates", () -> new Object[] {new LocalDate[] {LocalDate.of(2026, 12, 2), null}},
                new Object[] {new LocalDate[] {LocalDate.of(2026, 12, 2)}});
        checkCalls("plusDays", () -> new Object[] {LocalDate.of(2026, 12, 2), 1}, new Object[] {LocalDate.of(2026, 12, 2), 2});
        checkCalls("describe", () -> new Object[] {new BigDecimal("1.0"), nineIn(paris)},
                new Object[] {new BigDecimal("1.0"), nineIn(ZoneId.of("Europe/Berlin"))});
        checkCalls("describe", () -> new Object[] {new BigDecimal("5.0"), nineIn(paris)},
                new Object[] {new BigDecimal("5.00"), nineIn(paris)});
    }
}
