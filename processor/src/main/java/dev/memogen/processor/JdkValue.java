package dev.memogen.processor;

import java.util.HashMap;
import java.util.Map;

/**
 * The immutable JDK value classes memogen hashes and stores by their value, each with its own tag
 * in the key stream ({@code docs/hash-spec.md}) and its own {@code KeyHasher.put}, {@code
 * ValueWriter.write} and {@code ValueReader.read} method, named by {@link #suffix}.
 */
enum JdkValue {
    BIG_INTEGER("java.math.BigInteger", "BigInteger"),
    BIG_DECIMAL("java.math.BigDecimal", "BigDecimal"),
    LOCAL_DATE("java.time.LocalDate", "LocalDate"),
    LOCAL_TIME("java.time.LocalTime", "LocalTime"),
    LOCAL_DATE_TIME("java.time.LocalDateTime", "LocalDateTime"),
    INSTANT("java.time.Instant", "Instant"),
    DURATION("java.time.Duration", "Duration"),
    PERIOD("java.time.Period", "Period"),
    ZONED_DATE_TIME("java.time.ZonedDateTime", "ZonedDateTime"),
    OFFSET_DATE_TIME("java.time.OffsetDateTime", "OffsetDateTime"),
    OFFSET_TIME("java.time.OffsetTime", "OffsetTime"),
    ZONE_ID("java.time.ZoneId", "ZoneId"),
    ZONE_OFFSET("java.time.ZoneOffset", "ZoneOffset"),
    YEAR("java.time.Year", "Year"),
    YEAR_MONTH("java.time.YearMonth", "YearMonth"),
    MONTH_DAY("java.time.MonthDay", "MonthDay"),
    UUID("java.util.UUID", "Uuid"),
    URI("java.net.URI", "Uri"),
    LOCALE("java.util.Locale", "Locale"),
    CURRENCY("java.util.Currency", "Currency"),
    CHARSET("java.nio.charset.Charset", "Charset"),
    OPTIONAL_INT("java.util.OptionalInt", "OptionalInt"),
    OPTIONAL_LONG("java.util.OptionalLong", "OptionalLong"),
    OPTIONAL_DOUBLE("java.util.OptionalDouble", "OptionalDouble"),
    PATTERN("java.util.regex.Pattern", "Pattern"),
    /** Mutable: a caller may change it, so it is no memory-tier value and results are copied per caller. */
    BIT_SET("java.util.BitSet", "BitSet", true),
    /** Hashed by content as a String is (tag 09); mutable (a StringBuilder); a result loads as a String. */
    CHAR_SEQUENCE("java.lang.CharSequence", "CharSequence", true),
    /**
     * A file or directory tree, by its path and what it holds at each call: "mutable" as the file
     * can change under the same path, so it never keys the memory tier. A parameter only.
     */
    PATH("java.nio.file.Path", "Path", true),
    FILE("java.io.File", "File", true),
    /** A {@code @Memo.PathOnly} path: by its absolute normalised path alone (not found by name). */
    PATH_NAME("java.nio.file.Path", "PathName", false),
    FILE_NAME("java.io.File", "FileName", false);

    private static final Map<String, JdkValue> BY_NAME = new HashMap<>();

    static {
        for (JdkValue v : values()) {
            if (v != PATH_NAME && v != FILE_NAME) {
                BY_NAME.put(v.qualifiedName, v);
            }
        }
    }

    private final String qualifiedName;
    private final String suffix;

    private final boolean mutable;

    JdkValue(String qualifiedName, String suffix) {
        this(qualifiedName, suffix, false);
    }

    JdkValue(String qualifiedName, String suffix, boolean mutable) {
        this.qualifiedName = qualifiedName;
        this.suffix = suffix;
        this.mutable = mutable;
    }

    /** Whether a caller can change a value of this class ({@code BitSet}, a {@code StringBuilder} as a {@code CharSequence}). */
    boolean mutable() {
        return mutable;
    }

    /** Whether it names a file ({@code Path}, {@code File}), keyed by what it holds unless by name alone. */
    boolean isFile() {
        return this == PATH || this == FILE || this == PATH_NAME || this == FILE_NAME;
    }

    /** The same class keyed by its path alone ({@code @Memo.PathOnly}). */
    JdkValue byName() {
        return this == PATH ? PATH_NAME : this == FILE ? FILE_NAME : this;
    }

    /** The one named {@code qualifiedName}, or {@code null}. */
    static JdkValue named(String qualifiedName) {
        return BY_NAME.get(qualifiedName);
    }

    String qualifiedName() {
        return qualifiedName;
    }

    /** The suffix of its {@code KeyHasher.put}, {@code ValueWriter.write} and {@code ValueReader.read} methods. */
    String suffix() {
        return suffix;
    }

    /**
     * The {@code MemoryKeys} method hashing an immutable value of this class for the memory tier:
     * {@code hashValue} (its {@code hashCode}, compared by {@code equals}) where {@code equals} is
     * exactly the key's equality; else one that follows the key. A URI's {@code equals} ignores the
     * case of its host while its key is its string form: it is compared by that. A Pattern's
     * {@code equals} is identity while its key is its regex and flags.
     */
    String memoryHash() {
        return this == URI ? "hashUri" : this == PATTERN ? "hashPattern" : "hashValue";
    }

    /** The {@code MemoryKeys} method comparing two values of this class as their keys compare. */
    String memorySame() {
        return this == URI ? "sameUri" : this == PATTERN ? "samePattern" : "sameValue";
    }
}
