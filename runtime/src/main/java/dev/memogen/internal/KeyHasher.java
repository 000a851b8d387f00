package dev.memogen.internal;

import com.dynatrace.hash4j.hashing.HashStream128;
import com.dynatrace.hash4j.hashing.HashValue128;
import com.dynatrace.hash4j.hashing.Hashing;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
    public static final int SPEC_VERSION = 2;

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

    private static final ThreadLocal<KeyHasher> PER_THREAD = ThreadLocal.withInitial(KeyHasher::new);
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * Streams of up to {@value Xxh3Short#MAX} bytes (most argument lists) are collected here and
     * digested by {@link Xxh3Short} without allocating; longer ones spill into hash4j's stream.
     */
    private final byte[] buffer = new byte[Xxh3Short.MAX];
    private int length;
    private HashStream128 stream; // created on the first spill, reused after
    private java.nio.ByteBuffer chunk; // little-endian staging for large arrays, created on first use
    private boolean spilled; // whether this stream's bytes went to {@code stream}
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
        length = 0;
        spilled = false;
    }

    /**
     * Digests what was written and releases this hasher for the next {@link #acquire()}.
     * Read the digest with {@link #high()} and {@link #low()} right after.
     */
    public void finish() {
        if (spilled) {
            stream.putBytes(buffer, 0, length);
            HashValue128 v = stream.get();
            high = v.getMostSignificantBits();
            low = v.getLeastSignificantBits();
        } else {
            Xxh3Short.hash(buffer, length, this);
        }
        busy = false;
    }

    void setDigest(long high, long low) {
        this.high = high;
        this.low = low;
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
        c.reset();
        return c;
    }

    /** Room for {@code n} more bytes in the buffer; if there is none, the buffer goes to the stream. */
    private boolean room(long n) {
        if (length + n <= buffer.length) {
            return true;
        }
        spill();
        return false;
    }

    /** Moves the buffered bytes into hash4j's stream; later bytes go there too. */
    private HashStream128 spill() {
        if (stream == null) {
            stream = Hashing.xxh3_128().hashStream();
        }
        if (!spilled) {
            stream.reset();
            spilled = true;
        }
        stream.putBytes(buffer, 0, length);
        length = 0;
        return stream;
    }

    private void tag(byte tag) {
        int8(tag);
    }

    private void int8(byte v) {
        if (room(1)) {
            buffer[length++] = v;
        } else {
            stream.putByte(v);
        }
    }

    private void int16(short v) {
        if (room(2)) {
            SHORT.set(buffer, length, v);
            length += 2;
        } else {
            stream.putShort(v);
        }
    }

    private void int32(int v) {
        if (room(4)) {
            INT.set(buffer, length, v);
            length += 4;
        } else {
            stream.putInt(v);
        }
    }

    private void int64(long v) {
        if (room(8)) {
            LONG.set(buffer, length, v);
            length += 8;
        } else {
            stream.putLong(v);
        }
    }

    private void chars(String s) {
        int n = s.length();
        if (room(2L * n)) {
            for (int i = 0; i < n; i++) {
                SHORT.set(buffer, length, (short) s.charAt(i));
                length += 2;
            }
        } else {
            stream.putChars(s);
        }
    }

    /** Bulk data: hashed straight from the array by hash4j once the buffer cannot hold it. */
    private HashStream128 bulk(byte tag, int count, long bytes) {
        tag(tag);
        int32(count);
        return room(bytes) ? null : stream;
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
        HashValue128 v = Hashing.xxh3_128().hashCharsTo128Bits(binaryName);
        return new TypeTag(v.getMostSignificantBits(), v.getLeastSignificantBits());
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

    /**
     * A large array's bytes, fed to the stream through a small little-endian staging buffer:
     * bulk copies of 16 KiB that stay in the CPU cache, then hash4j's byte path (several times
     * faster than its element-by-element path). The array itself is never copied whole.
     */
    private java.nio.ByteBuffer staging() {
        java.nio.ByteBuffer c = chunk;
        if (c == null) {
            c = java.nio.ByteBuffer.allocate(1 << 14).order(ByteOrder.LITTLE_ENDIAN);
            chunk = c;
        }
        return c;
    }

    private void putStaged(HashStream128 s, java.nio.ByteBuffer c) {
        s.putBytes(c.array(), 0, c.position());
        c.clear();
    }

    public void putBooleanArray(boolean[] a) {
        HashStream128 s = bulk(BOOLEAN_ARRAY, a.length, a.length);
        if (s != null) {
            s.putBooleans(a);
        } else {
            for (boolean v : a) {
                buffer[length++] = v ? (byte) 1 : (byte) 0;
            }
        }
    }

    public void putByteArray(byte[] a) {
        HashStream128 s = bulk(BYTE_ARRAY, a.length, a.length);
        if (s != null) {
            s.putBytes(a);
        } else {
            System.arraycopy(a, 0, buffer, length, a.length);
            length += a.length;
        }
    }

    public void putShortArray(short[] a) {
        HashStream128 s = bulk(SHORT_ARRAY, a.length, 2L * a.length);
        if (s != null) {
            s.putShorts(a);
        } else {
            for (short v : a) {
                int16(v);
            }
        }
    }

    public void putCharArray(char[] a) {
        HashStream128 s = bulk(CHAR_ARRAY, a.length, 2L * a.length);
        if (s != null) {
            s.putChars(a);
        } else {
            for (char v : a) {
                int16((short) v);
            }
        }
    }

    public void putIntArray(int[] a) {
        HashStream128 s = bulk(INT_ARRAY, a.length, 4L * a.length);
        if (s != null) {
            s.putInts(a);
        } else {
            for (int v : a) {
                int32(v);
            }
        }
    }

    public void putLongArray(long[] a) {
        HashStream128 s = bulk(LONG_ARRAY, a.length, 8L * a.length);
        if (s != null) {
            java.nio.ByteBuffer c = staging();
            java.nio.LongBuffer view = c.asLongBuffer();
            for (int from = 0; from < a.length; from += view.capacity()) {
                int n = Math.min(view.capacity(), a.length - from);
                view.clear();
                view.put(a, from, n);
                c.position(8 * n);
                putStaged(s, c);
            }
        } else {
            for (long v : a) {
                int64(v);
            }
        }
    }

    /** Raw bits, hashed straight from the array: NaNs with different payloads differ. */
    public void putFloatArray(float[] a) {
        HashStream128 s = bulk(FLOAT_ARRAY, a.length, 4L * a.length);
        if (s != null) {
            s.putFloats(a);
        } else {
            for (float v : a) {
                int32(Float.floatToRawIntBits(v));
            }
        }
    }

    /** Raw bits, hashed straight from the array: NaNs with different payloads differ. */
    public void putDoubleArray(double[] a) {
        HashStream128 s = bulk(DOUBLE_ARRAY, a.length, 8L * a.length);
        if (s != null) {
            java.nio.ByteBuffer c = staging();
            java.nio.DoubleBuffer view = c.asDoubleBuffer(); // raw bits, as the spec says
            for (int from = 0; from < a.length; from += view.capacity()) {
                int n = Math.min(view.capacity(), a.length - from);
                view.clear();
                view.put(a, from, n);
                c.position(8 * n);
                putStaged(s, c);
            }
        } else {
            for (double v : a) {
                int64(Double.doubleToRawLongBits(v));
            }
        }
    }

    private void rawString(String s) {
        int32(s.length());
        chars(s);
    }
}
