package dev.memogen.internal;

import dev.memogen.internal.hash.Xxh3Short;
import dev.memogen.internal.hash.Xxh3Stream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.Charset;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
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
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Writes arguments into the canonical byte stream of the hash spec and digests it with
 * XXH3-128 (seed 0). Generated code calls one {@code put} method per value, chosen at compile
 * time from the parameter's static type. The stream is described in {@code docs/hash-spec.md}.
 *
 * <p>Not part of the public API: generated code is its only intended caller.
 *
 * <p>One instance per thread is reused ({@link #acquire()}); an instance in use (for example
 * when a record accessor itself calls a memoized method while its arguments are hashed) is
 * never shared: a fresh one is made instead.
 */
public final class KeyHasher {

    /** Version of the hash spec; part of every stored entry's system state. */
    public static final int SPEC_VERSION = 3;

    // Type tags: one byte before every value, so values of different types never share a stream.
    static final byte NULL = 0x00;
    static final byte BOOLEAN = 0x01;
    static final byte BYTE = 0x02;
    static final byte SHORT_TAG = 0x03;
    static final byte CHAR = 0x04;
    static final byte INT_TAG = 0x05;
    static final byte LONG_TAG = 0x06;
    static final byte FLOAT = 0x07;
    static final byte DOUBLE = 0x08;
    static final byte STRING = 0x09;
    static final byte ENUM = 0x0A;
    static final byte RECORD = 0x0B;
    static final byte LIST = 0x0C;
    static final byte SET = 0x0D;
    static final byte MAP = 0x0E;
    static final byte OPTIONAL = 0x0F;
    static final byte BOOLEAN_ARRAY = 0x10;
    static final byte BYTE_ARRAY = 0x11;
    static final byte SHORT_ARRAY = 0x12;
    static final byte CHAR_ARRAY = 0x13;
    static final byte INT_ARRAY = 0x14;
    static final byte LONG_ARRAY = 0x15;
    static final byte FLOAT_ARRAY = 0x16;
    static final byte DOUBLE_ARRAY = 0x17;
    static final byte OBJECT_ARRAY = 0x18;
    static final byte BIG_INTEGER = 0x19;
    static final byte BIG_DECIMAL = 0x1A;
    static final byte LOCAL_DATE = 0x1B;
    static final byte LOCAL_TIME = 0x1C;
    static final byte LOCAL_DATE_TIME = 0x1D;
    static final byte INSTANT = 0x1E;
    static final byte DURATION = 0x1F;
    static final byte PERIOD = 0x20;
    static final byte ZONED_DATE_TIME = 0x21;
    static final byte OFFSET_DATE_TIME = 0x22;
    static final byte OFFSET_TIME = 0x23;
    static final byte ZONE_ID = 0x24;
    static final byte ZONE_OFFSET = 0x25;
    static final byte YEAR = 0x26;
    static final byte YEAR_MONTH = 0x27;
    static final byte MONTH_DAY = 0x28;
    static final byte UUID_TAG = 0x29;
    static final byte URI_TAG = 0x2A;
    static final byte LOCALE = 0x2B;
    static final byte CURRENCY = 0x2C;
    static final byte CHARSET = 0x2D;
    static final byte OPTIONAL_INT = 0x2E;
    static final byte OPTIONAL_LONG = 0x2F;
    static final byte OPTIONAL_DOUBLE = 0x30;
    static final byte PATTERN = 0x31;
    static final byte BIT_SET = 0x32;
    static final byte PATH = 0x33;
    static final byte PATH_NAME = 0x34;

    private static final ThreadLocal<KeyHasher> PER_THREAD = new PerThread();

    /** A hasher per thread; a class, not {@code ThreadLocal.withInitial} and a method reference (spun at run time in a fresh JVM). */
    private static final class PerThread extends ThreadLocal<KeyHasher> {
        @Override
        protected KeyHasher initialValue() {
            return new KeyHasher();
        }
    }
    /**
     * The stream and its digest: streams of up to {@value Xxh3Short#MAX} bytes (most argument
     * lists) are buffered and digested by {@link Xxh3Short}; longer ones are consumed as they
     * come, large arrays straight from the array. Neither allocates.
     */
    private final Xxh3Stream stream = new Xxh3Stream();
    /** The hasher this one is a {@link #child} of: versions add up in the outermost one. */
    private KeyHasher parent;
    /** The argument version so far: a sum, so that the order of a set's elements does not count. */
    private long version0;
    private long version1;
    private long versionHigh;
    private long versionLow;
    private boolean busy;
    private long high;
    private long low;
    private long length;
    private KeyHasher child;

    KeyHasher() {}

    /** Returns this thread's hasher, reset, or a fresh one if this thread's is in use. */
    public static KeyHasher acquire() {
        KeyHasher h = PER_THREAD.get();
        if (h.busy) {
            h = new KeyHasher();
        }
        h.busy = true;
        h.reset();
        return h;
    }

    /**
     * The high half of the digest of a stream of at most 16 bytes packed into two little-endian
     * words ({@code s0}: bytes 0..7, {@code s1}: bytes 8..15, unused bytes zero). Generated code
     * for methods whose parameters are a few primitives packs their stream itself and calls this
     * and {@link #packedLow}: no hasher, no thread-local, the same digest as {@link #finish()}.
     */
    public static long packedHigh(long s0, long s1, int length) {
        return Xxh3Short.packedHigh(s0, s1, length);
    }

    /** The low half; see {@link #packedHigh}. */
    public static long packedLow(long s0, long s1, int length) {
        return Xxh3Short.packedLow(s0, s1, length);
    }

    /** A fresh, empty hasher that is not shared with anybody (tests, tools). */
    public static KeyHasher create() {
        return new KeyHasher();
    }

    private void reset() {
        stream.reset();
        parent = null;
        version0 = 0;
        version1 = 0;
    }

    /**
     * Digests what was written and releases this hasher for the next {@link #acquire()}.
     * Read the digest with {@link #high()} and {@link #low()} right after.
     */
    public void finish() {
        if (parent == null) {
            versionHigh = version0;
            versionLow = version1;
        }
        length = stream.length();
        stream.finish();
        high = stream.high();
        low = stream.low();
        busy = false;
    }

    /** The upper 64 bits of the last digest (the first 8 bytes of XXH3-128's canonical form). */
    public long high() {
        return high;
    }

    /** The lower 64 bits of the last digest. */
    public long low() {
        return low;
    }

    /**
     * The upper 64 bits of the argument version of the last digest: what the files among the
     * arguments hold ({@link #putPath}); 0 with {@link #versionLow()} when there are none. Entries
     * of one argument key whose version differs are stale: recomputed and replaced.
     */
    public long versionHigh() {
        return versionHigh;
    }

    /** The lower 64 bits of the argument version of the last digest. */
    public long versionLow() {
        return versionLow;
    }

    /** The length in bytes of the last digested stream: what the arguments weigh, roughly. */
    public long length() {
        return length;
    }

    /**
     * A hasher for one element of an unordered collection: reset, and owned by this one. Hash
     * the element into it, call {@link #finish()}, and collect its digest.
     */
    public KeyHasher child() {
        KeyHasher c = child;
        if (c == null) {
            c = new KeyHasher();
            child = c;
        }
        c.reset();
        c.parent = this;
        return c;
    }

    private void tag(byte tag) {
        stream.int8(tag);
    }

    private void int8(byte v) {
        stream.int8(v);
    }

    private void int16(short v) {
        stream.int16(v);
    }

    private void int32(int v) {
        stream.int32(v);
    }

    private void int64(long v) {
        stream.int64(v);
    }

    /** A primitive array's tag and length; its elements follow. */
    private void arrayHeader(byte tag, int length) {
        stream.int8(tag);
        stream.int32(length);
    }

    public void putNull() {
        tag(NULL);
    }

    public void putBoolean(boolean v) {
        tag(BOOLEAN);
        int8(v ? (byte) 1 : (byte) 0);
    }

    public void putByte(byte v) {
        tag(BYTE);
        int8(v);
    }

    public void putShort(short v) {
        tag(SHORT_TAG);
        int16(v);
    }

    public void putChar(char v) {
        tag(CHAR);
        int16((short) v);
    }

    public void putInt(int v) {
        tag(INT_TAG);
        int32(v);
    }

    public void putLong(long v) {
        tag(LONG_TAG);
        int64(v);
    }

    /** Canonical bits: every NaN hashes alike; {@code 0.0f} and {@code -0.0f} differ. */
    public void putFloat(float v) {
        tag(FLOAT);
        int32(Float.floatToIntBits(v));
    }

    /** Canonical bits: every NaN hashes alike; {@code 0.0} and {@code -0.0} differ. */
    public void putDouble(double v) {
        tag(DOUBLE);
        int64(Double.doubleToLongBits(v));
    }

    public void putString(String v) {
        tag(STRING);
        rawString(v);
    }

    /**
     * A record or enum class, by the XXH3-128 digest of its binary name (as UTF-16 code units).
     * Generated code holds one per type in a {@code static final} field, so a call hashes 16
     * bytes instead of the name. Its fields are constants to the JIT (a record's are trusted).
     */
    public record TypeTag(long high, long low) {}

    private static final ClassValue<TypeTag> TAGS = new ClassValue<>() {
        @Override
        protected TypeTag computeValue(Class<?> type) {
            return typeTag(type.getName());
        }
    };

    /** The tag of the class with this binary name. */
    public static TypeTag typeTag(String binaryName) {
        KeyHasher h = new KeyHasher();
        h.stream.putChars(binaryName);
        h.finish();
        return new TypeTag(h.high, h.low);
    }

    /** The tag of a class known only at run time (an enum constant of a type variable), cached. */
    public static TypeTag typeTag(Class<?> type) {
        return TAGS.get(type);
    }

    /** An enum constant, by its enum class and the constant's name (not its ordinal). */
    public void putEnum(TypeTag enumClass, String constantName) {
        tag(ENUM);
        int64(enumClass.high);
        int64(enumClass.low);
        rawString(constantName);
    }

    /** Starts a record; its components follow, in declaration order, each with its own tag. */
    public void beginRecord(TypeTag recordClass, int componentCount) {
        tag(RECORD);
        int64(recordClass.high);
        int64(recordClass.low);
        int32(componentCount);
    }

    /** Starts a list; its elements follow, in order. */
    public void beginList(int size) {
        tag(LIST);
        int32(size);
    }

    /** Starts an array of references; its elements follow, in order. */
    public void beginArray(int length) {
        tag(OBJECT_ARRAY);
        int32(length);
    }

    /** Starts an optional; if present, its value follows. */
    public void beginOptional(boolean present) {
        tag(OPTIONAL);
        int8(present ? (byte) 1 : (byte) 0);
    }

    /**
     * A set, given the digests of its elements as ({@code high}, {@code low}) pairs in
     * {@code digests[0..count)}. Sorted here, so iteration order does not matter.
     */
    public void putSet(long[] digests, int count) {
        putUnordered(SET, digests, count);
    }

    /** A map, given the digests of its entries (key then value, one stream per entry). */
    public void putMap(long[] digests, int count) {
        putUnordered(MAP, digests, count);
    }

    private void putUnordered(byte tag, long[] digests, int count) {
        int n = count / 2;
        Long128[] sorted = new Long128[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = new Long128(digests[2 * i], digests[2 * i + 1]);
        }
        Arrays.sort(sorted);
        tag(tag);
        int32(n);
        for (Long128 d : sorted) {
            int64(d.high);
            int64(d.low);
        }
    }

    private record Long128(long high, long low) implements Comparable<Long128> {
        @Override
        public int compareTo(Long128 o) {
            int c = Long.compareUnsigned(high, o.high);
            return c != 0 ? c : Long.compareUnsigned(low, o.low);
        }
    }

    public void putBooleanArray(boolean[] a) {
        arrayHeader(BOOLEAN_ARRAY, a.length);
        stream.putBooleans(a);
    }

    public void putByteArray(byte[] a) {
        arrayHeader(BYTE_ARRAY, a.length);
        stream.putByteArray(a);
    }

    public void putShortArray(short[] a) {
        arrayHeader(SHORT_ARRAY, a.length);
        stream.putShorts(a);
    }

    public void putCharArray(char[] a) {
        arrayHeader(CHAR_ARRAY, a.length);
        stream.putChars(a);
    }

    public void putIntArray(int[] a) {
        arrayHeader(INT_ARRAY, a.length);
        stream.putInts(a);
    }

    public void putLongArray(long[] a) {
        arrayHeader(LONG_ARRAY, a.length);
        stream.alignTo8();
        stream.putLongs(a);
    }

    /** Raw bits, hashed straight from the array: NaNs with different payloads differ. */
    public void putFloatArray(float[] a) {
        arrayHeader(FLOAT_ARRAY, a.length);
        stream.putFloats(a);
    }

    /** Raw bits, hashed straight from the array: NaNs with different payloads differ. */
    public void putDoubleArray(double[] a) {
        arrayHeader(DOUBLE_ARRAY, a.length);
        stream.alignTo8();
        stream.putDoubles(a);
    }

    // ---- JDK value types (hash-spec.md: tags 19 to 2C) ----

    /** Two's complement, little-endian, in the fewest bytes that hold the sign: int32 count, then the bytes. */
    public void putBigInteger(BigInteger v) {
        tag(BIG_INTEGER);
        bigInteger(v);
    }

    /** By unscaled value and scale, as {@code equals} (not {@code compareTo}): {@code 1.0} and {@code 1.00} differ. */
    public void putBigDecimal(BigDecimal v) {
        tag(BIG_DECIMAL);
        int32(v.scale());
        bigInteger(v.unscaledValue());
    }

    private void bigInteger(BigInteger v) {
        int n = v.bitLength() / 8 + 1; // the length of toByteArray()
        if (n <= 8) {
            long x = v.longValue(); // no allocation for the common, small values
            int32(n);
            for (int i = 0; i < n; i++) {
                int8((byte) (x >>> (8 * i)));
            }
            return;
        }
        byte[] bigEndian = v.toByteArray();
        int32(bigEndian.length);
        for (int i = bigEndian.length - 1; i >= 0; i--) {
            int8(bigEndian[i]);
        }
    }

    public void putLocalDate(LocalDate v) {
        tag(LOCAL_DATE);
        localDate(v);
    }

    public void putLocalTime(LocalTime v) {
        tag(LOCAL_TIME);
        int64(v.toNanoOfDay());
    }

    public void putLocalDateTime(LocalDateTime v) {
        tag(LOCAL_DATE_TIME);
        localDateTime(v);
    }

    public void putInstant(Instant v) {
        tag(INSTANT);
        int64(v.getEpochSecond());
        int32(v.getNano());
    }

    public void putDuration(Duration v) {
        tag(DURATION);
        int64(v.getSeconds());
        int32(v.getNano());
    }

    public void putPeriod(Period v) {
        tag(PERIOD);
        int32(v.getYears());
        int32(v.getMonths());
        int32(v.getDays());
    }

    /** The local date-time, the offset and the zone: the same instant in two zones are two keys. */
    public void putZonedDateTime(ZonedDateTime v) {
        tag(ZONED_DATE_TIME);
        localDateTime(v.toLocalDateTime());
        int32(v.getOffset().getTotalSeconds());
        rawString(v.getZone().getId());
    }

    public void putOffsetDateTime(OffsetDateTime v) {
        tag(OFFSET_DATE_TIME);
        localDateTime(v.toLocalDateTime());
        int32(v.getOffset().getTotalSeconds());
    }

    public void putOffsetTime(OffsetTime v) {
        tag(OFFSET_TIME);
        int64(v.toLocalTime().toNanoOfDay());
        int32(v.getOffset().getTotalSeconds());
    }

    /** By its id ({@code Europe/Paris}, {@code Z}, {@code +01:00}), as {@code ZoneId.equals}. */
    public void putZoneId(ZoneId v) {
        tag(ZONE_ID);
        rawString(v.getId());
    }

    public void putZoneOffset(ZoneOffset v) {
        tag(ZONE_OFFSET);
        int32(v.getTotalSeconds());
    }

    public void putYear(Year v) {
        tag(YEAR);
        int32(v.getValue());
    }

    public void putYearMonth(YearMonth v) {
        tag(YEAR_MONTH);
        int32(v.getYear());
        int8((byte) v.getMonthValue());
    }

    public void putMonthDay(MonthDay v) {
        tag(MONTH_DAY);
        int8((byte) v.getMonthValue());
        int8((byte) v.getDayOfMonth());
    }

    private void localDate(LocalDate v) {
        int32(v.getYear());
        int8((byte) v.getMonthValue());
        int8((byte) v.getDayOfMonth());
    }

    private void localDateTime(LocalDateTime v) {
        localDate(v.toLocalDate());
        int64(v.toLocalTime().toNanoOfDay());
    }

    public void putUuid(UUID v) {
        tag(UUID_TAG);
        int64(v.getMostSignificantBits());
        int64(v.getLeastSignificantBits());
    }

    /** By its string form: URIs that are {@code equals} but spelled apart (host case) are two keys, at worst a miss. */
    public void putUri(URI v) {
        tag(URI_TAG);
        rawString(v.toString());
    }

    /**
     * By its language tag, then {@code 00}; a locale the tag does not give back (an ill-formed
     * variant, {@code ja_JP_JP}) is {@code 01} and its language, country and variant after the tag.
     */
    public void putLocale(Locale v) {
        tag(LOCALE);
        String languageTag = v.toLanguageTag();
        rawString(languageTag);
        if (Locale.forLanguageTag(languageTag).equals(v)) {
            int8((byte) 0);
        } else {
            int8((byte) 1);
            rawString(v.getLanguage());
            rawString(v.getCountry());
            rawString(v.getVariant());
        }
    }

    /** By its ISO 4217 code. */
    public void putCurrency(Currency v) {
        tag(CURRENCY);
        rawString(v.getCurrencyCode());
    }

    /** By its canonical name. */
    public void putCharset(Charset v) {
        tag(CHARSET);
        rawString(v.name());
    }

    public void putOptionalInt(OptionalInt v) {
        tag(OPTIONAL_INT);
        int8((byte) (v.isPresent() ? 1 : 0));
        if (v.isPresent()) {
            int32(v.getAsInt());
        }
    }

    public void putOptionalLong(OptionalLong v) {
        tag(OPTIONAL_LONG);
        int8((byte) (v.isPresent() ? 1 : 0));
        if (v.isPresent()) {
            int64(v.getAsLong());
        }
    }

    /** The value as a {@code double} is hashed: {@code doubleToLongBits} (every NaN alike). */
    public void putOptionalDouble(OptionalDouble v) {
        tag(OPTIONAL_DOUBLE);
        int8((byte) (v.isPresent() ? 1 : 0));
        if (v.isPresent()) {
            int64(Double.doubleToLongBits(v.getAsDouble()));
        }
    }

    /** By its pattern and flags ({@code Pattern.equals} is identity): the same regex compiled twice is one key. */
    public void putPattern(java.util.regex.Pattern v) {
        tag(PATTERN);
        rawString(v.pattern());
        int32(v.flags());
    }

    /**
     * By its set bits: int32 word count, then the words of {@code toLongArray()} (bit 0 is the
     * lowest bit of the first word; no trailing zero words), as {@code BitSet.equals}.
     */
    public void putBitSet(java.util.BitSet v) {
        tag(BIT_SET);
        long[] words = v.toLongArray();
        int32(words.length);
        for (long w : words) {
            int64(w);
        }
    }

    /**
     * A file or directory tree: its absolute normalised path in the key stream; what it is
     * (absent, a file, a directory, unreadable) and the 128-bit digest of its contents
     * ({@link FileDigests}) in the argument version ({@link #versionHigh}), as the XXH3-128 of
     * (path, kind, digest) added to it. Read (or found unchanged by its {@code stat}) at each
     * call, so a changed file makes the entry of the same key stale. Inside the body of another
     * memoized method, that computation depends on the file too ({@code Memogen.dependsOn}).
     */
    public void putPath(java.nio.file.Path v) {
        java.nio.file.Path p = v.toAbsolutePath().normalize();
        String path = p.toString();
        tag(PATH);
        rawString(path);
        FileDigests.Digest d = FileDigests.of(p);
        Xxh3Stream one = new Xxh3Stream();
        one.int32(path.length());
        one.putChars(path);
        one.int8(d.kind());
        one.int64(d.high());
        one.int64(d.low());
        one.finish();
        KeyHasher root = this;
        while (root.parent != null) {
            root = root.parent;
        }
        root.version0 += one.high();
        root.version1 += one.low();
        // A memoized call made while another computes: the file it reads is the caller's input too.
        MemoFunction.Flight.dependOn(path, d.kind(), d.high(), d.low());
    }

    /** As the {@code Path} it names: a {@code File} and a {@code Path} of one file are one key. */
    public void putFile(java.io.File v) {
        putPath(v.toPath());
    }

    /** By its absolute normalised path alone ({@code @Memo.PathOnly}): what the file holds does not count. */
    public void putPathName(java.nio.file.Path v) {
        tag(PATH_NAME);
        rawString(v.toAbsolutePath().normalize().toString());
    }

    /** As the {@code Path} it names, by name alone. */
    public void putFileName(java.io.File v) {
        putPathName(v.toPath());
    }

    /**
     * By its content, exactly as a {@code String} with the same chars (tag {@code 09}): a
     * {@code StringBuilder} holding "ab" and "ab" are one key. The chars are read once, now.
     */
    public void putCharSequence(CharSequence v) {
        if (v instanceof String s) {
            putString(s);
            return;
        }
        tag(STRING);
        int n = v.length();
        int32(n);
        for (int i = 0; i < n; i++) {
            int16((short) v.charAt(i));
        }
    }

    /**
     * The elements of a sequence argument ({@code Iterable}, {@code Collection}, {@code Queue},
     * {@code Deque}) with their count known: a {@code Collection} as it is; any other
     * {@code Iterable} iterated once now into a list, so that its size can be hashed before them.
     */
    public static <T> java.util.Collection<T> sized(Iterable<T> v) {
        if (v instanceof java.util.Collection<T> c) {
            return c;
        }
        java.util.ArrayList<T> buffered = new java.util.ArrayList<>();
        for (T e : v) {
            buffered.add(e);
        }
        return buffered;
    }

    private void rawString(String s) {
        int32(s.length());
        stream.putChars(s);
    }
}
