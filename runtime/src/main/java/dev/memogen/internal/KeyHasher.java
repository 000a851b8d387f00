package dev.memogen.internal;

import com.dynatrace.hash4j.hashing.HashStream128;
import com.dynatrace.hash4j.hashing.HashValue128;
import com.dynatrace.hash4j.hashing.Hashing;
import java.util.Arrays;

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
    public static final int SPEC_VERSION = 1;

    // Type tags: one byte before every value, so values of different types never share a stream.
    static final byte NULL = 0x00;
    static final byte BOOLEAN = 0x01;
    static final byte BYTE = 0x02;
    static final byte SHORT = 0x03;
    static final byte CHAR = 0x04;
    static final byte INT = 0x05;
    static final byte LONG = 0x06;
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

    private static final ThreadLocal<KeyHasher> PER_THREAD = ThreadLocal.withInitial(KeyHasher::new);

    private final HashStream128 stream = Hashing.xxh3_128().hashStream();
    private boolean busy;
    private long high;
    private long low;
    private KeyHasher child;

    KeyHasher() {}

    /** Returns this thread's hasher, reset, or a fresh one if this thread's is in use. */
    public static KeyHasher acquire() {
        KeyHasher h = PER_THREAD.get();
        if (h.busy) {
            h = new KeyHasher();
        }
        h.busy = true;
        h.stream.reset();
        return h;
    }

    /** A fresh, empty hasher that is not shared with anybody (tests, tools). */
    public static KeyHasher create() {
        KeyHasher h = new KeyHasher();
        h.stream.reset();
        return h;
    }

    /**
     * Digests what was written and releases this hasher for the next {@link #acquire()}.
     * Read the digest with {@link #high()} and {@link #low()} right after.
     */
    public void finish() {
        HashValue128 v = stream.get();
        high = v.getMostSignificantBits();
        low = v.getLeastSignificantBits();
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
     * A hasher for one element of an unordered collection: reset, and owned by this one. Hash
     * the element into it, call {@link #finish()}, and collect its digest.
     */
    public KeyHasher child() {
        KeyHasher c = child;
        if (c == null) {
            c = new KeyHasher();
            child = c;
        }
        c.stream.reset();
        return c;
    }

    public void putNull() {
        stream.putByte(NULL);
    }

    public void putBoolean(boolean v) {
        stream.putByte(BOOLEAN).putByte(v ? (byte) 1 : (byte) 0);
    }

    public void putByte(byte v) {
        stream.putByte(BYTE).putByte(v);
    }

    public void putShort(short v) {
        stream.putByte(SHORT).putShort(v);
    }

    public void putChar(char v) {
        stream.putByte(CHAR).putChar(v);
    }

    public void putInt(int v) {
        stream.putByte(INT).putInt(v);
    }

    public void putLong(long v) {
        stream.putByte(LONG).putLong(v);
    }

    /** Canonical bits: every NaN hashes alike; {@code 0.0f} and {@code -0.0f} differ. */
    public void putFloat(float v) {
        stream.putByte(FLOAT).putInt(Float.floatToIntBits(v));
    }

    /** Canonical bits: every NaN hashes alike; {@code 0.0} and {@code -0.0} differ. */
    public void putDouble(double v) {
        stream.putByte(DOUBLE).putLong(Double.doubleToLongBits(v));
    }

    public void putString(String v) {
        stream.putByte(STRING).putInt(v.length()).putChars(v);
    }

    /** An enum constant, by the enum's binary class name and the constant's name. */
    public void putEnum(String enumClassName, String constantName) {
        stream.putByte(ENUM);
        rawString(enumClassName);
        rawString(constantName);
    }

    /** Starts a record; its components follow, in declaration order, each with its own tag. */
    public void beginRecord(String recordClassName, int componentCount) {
        stream.putByte(RECORD);
        rawString(recordClassName);
        stream.putInt(componentCount);
    }

    /** Starts a list; its elements follow, in order. */
    public void beginList(int size) {
        stream.putByte(LIST).putInt(size);
    }

    /** Starts an array of references; its elements follow, in order. */
    public void beginArray(int length) {
        stream.putByte(OBJECT_ARRAY).putInt(length);
    }

    /** Starts an optional; if present, its value follows. */
    public void beginOptional(boolean present) {
        stream.putByte(OPTIONAL).putByte(present ? (byte) 1 : (byte) 0);
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
        stream.putByte(tag).putInt(n);
        for (Long128 d : sorted) {
            stream.putLong(d.high).putLong(d.low);
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
        stream.putByte(BOOLEAN_ARRAY).putInt(a.length).putBooleans(a);
    }

    public void putByteArray(byte[] a) {
        stream.putByte(BYTE_ARRAY).putInt(a.length).putBytes(a);
    }

    public void putShortArray(short[] a) {
        stream.putByte(SHORT_ARRAY).putInt(a.length).putShorts(a);
    }

    public void putCharArray(char[] a) {
        stream.putByte(CHAR_ARRAY).putInt(a.length).putChars(a);
    }

    public void putIntArray(int[] a) {
        stream.putByte(INT_ARRAY).putInt(a.length).putInts(a);
    }

    public void putLongArray(long[] a) {
        stream.putByte(LONG_ARRAY).putInt(a.length).putLongs(a);
    }

    /** Raw bits, hashed straight from the array: NaNs with different payloads differ. */
    public void putFloatArray(float[] a) {
        stream.putByte(FLOAT_ARRAY).putInt(a.length).putFloats(a);
    }

    /** Raw bits, hashed straight from the array: NaNs with different payloads differ. */
    public void putDoubleArray(double[] a) {
        stream.putByte(DOUBLE_ARRAY).putInt(a.length).putDoubles(a);
    }

    private void rawString(String s) {
        stream.putInt(s.length()).putChars(s);
    }
}
