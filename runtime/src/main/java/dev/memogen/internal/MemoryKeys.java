package dev.memogen.internal;

/**
 * Hashes and equality for the memory key of a function whose arguments are values (primitives,
 * their boxes, strings, enums, records of those): generated code combines these per argument
 * ({@code h = 31 * h + part}) into the key that {@link MemoFunction#probe} looks up, and compares
 * the arguments kept with a value against the call's with {@code same}. Equality follows the hash
 * spec: two argument lists are the same here exactly when their key streams are the same bytes
 * ({@code double}s by {@code doubleToLongBits}, so {@code 0.0} and {@code -0.0} differ and every
 * NaN is alike; strings by their UTF-16 code units). The hash is for this JVM's memory only and
 * is never stored.
 *
 * <p>Not part of the public API.
 */
public final class MemoryKeys {
    /** The part of a {@code null} argument or component. */
    public static final long NULL = 0x6E756C6C6E756C6CL;

    /**
     * The part of a record nested {@link DeepValues#LEVELS} deep: the hash looks no deeper (a hit
     * still compares the arguments in full, so values that differ only deeper share a hash, never
     * a hit).
     */
    public static final long DEEP = 0x6465657064656570L;

    private MemoryKeys() {}

    public static long hash(Boolean v) {
        return v == null ? NULL : v ? 1 : 0;
    }

    public static long hash(Byte v) {
        return v == null ? NULL : v;
    }

    public static long hash(Short v) {
        return v == null ? NULL : v;
    }

    public static long hash(Character v) {
        return v == null ? NULL : v;
    }

    public static long hash(Integer v) {
        return v == null ? NULL : v;
    }

    public static long hash(Long v) {
        return v == null ? NULL : v;
    }

    public static long hash(Float v) {
        return v == null ? NULL : Float.floatToIntBits(v);
    }

    public static long hash(Double v) {
        return v == null ? NULL : Double.doubleToLongBits(v);
    }

    /** {@link String#hashCode()}, which the string caches. */
    public static long hash(String v) {
        return v == null ? NULL : v.hashCode();
    }

    /** The ordinal: within one JVM, equal constants are the same object (a memory key never leaves the JVM). */
    @SuppressWarnings("EnumOrdinal")
    public static long hash(Enum<?> v) {
        return v == null ? NULL : v.ordinal();
    }

    public static boolean same(Boolean a, Boolean b) {
        return a == null ? b == null : b != null && a.booleanValue() == b.booleanValue();
    }

    public static boolean same(Byte a, Byte b) {
        return a == null ? b == null : b != null && a.byteValue() == b.byteValue();
    }

    public static boolean same(Short a, Short b) {
        return a == null ? b == null : b != null && a.shortValue() == b.shortValue();
    }

    public static boolean same(Character a, Character b) {
        return a == null ? b == null : b != null && a.charValue() == b.charValue();
    }

    public static boolean same(Integer a, Integer b) {
        return a == null ? b == null : b != null && a.intValue() == b.intValue();
    }

    public static boolean same(Long a, Long b) {
        return a == null ? b == null : b != null && a.longValue() == b.longValue();
    }

    public static boolean same(Float a, Float b) {
        return a == null ? b == null : b != null && same(a.floatValue(), b.floatValue());
    }

    public static boolean same(Double a, Double b) {
        return a == null ? b == null : b != null && same(a.doubleValue(), b.doubleValue());
    }

    @SuppressWarnings("ReferenceEquality")
    public static boolean same(String a, String b) {
        return a == b || (a != null && a.equals(b)); // the same string first: the usual hit
    }

    public static boolean same(float a, float b) {
        return Float.floatToIntBits(a) == Float.floatToIntBits(b);
    }

    public static boolean same(double a, double b) {
        return Double.doubleToLongBits(a) == Double.doubleToLongBits(b);
    }

    /**
     * A JDK value type whose {@code equals} is its key's equality ({@code BigDecimal}: unscaled
     * value and scale, so {@code 1.0} and {@code 1.00} differ; the {@code java.time} types, UUID,
     * Locale, Currency): its {@code hashCode}.
     */
    public static long hashValue(Object v) {
        return v == null ? NULL : v.hashCode();
    }

    /** Whether two JDK values of a type whose {@code equals} is its key's equality (see {@link #hashValue}) are equal. */
    public static boolean sameValue(Object a, Object b) {
        return a == b || (a != null && a.equals(b));
    }

    /**
     * Whether two URIs have the same string form, as their key does: {@code URI.equals} ignores the
     * case of the host, so two equal URIs may be two keys (and this uses only the string's hash).
     */
    @SuppressWarnings("ReferenceEquality") // the same URI first: the usual hit
    public static boolean sameUri(java.net.URI a, java.net.URI b) {
        return a == b || (a != null && b != null && a.toString().equals(b.toString()));
    }

    public static long hashUri(java.net.URI v) {
        return v == null ? NULL : v.toString().hashCode();
    }

    /** A pattern by its regex and flags, as its key: {@code Pattern.equals} is identity. */
    public static long hashPattern(java.util.regex.Pattern v) {
        return v == null ? NULL : 31L * v.pattern().hashCode() + v.flags();
    }

    /** Whether two patterns have the same regex and flags, as their key does. */
    @SuppressWarnings("ReferenceEquality") // the same pattern first: the usual hit
    public static boolean samePattern(java.util.regex.Pattern a, java.util.regex.Pattern b) {
        return a == b || (a != null && b != null && a.flags() == b.flags() && a.pattern().equals(b.pattern()));
    }
}
