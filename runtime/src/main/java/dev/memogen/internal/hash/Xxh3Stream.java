package dev.memogen.internal.hash;

import static dev.memogen.internal.hash.Xxh3Short.LONG;
import static dev.memogen.internal.hash.Xxh3Short.P32_2;
import static dev.memogen.internal.hash.Xxh3Short.P64_1;
import static dev.memogen.internal.hash.Xxh3Short.P64_2;
import static dev.memogen.internal.hash.Xxh3Short.P64_3;
import static dev.memogen.internal.hash.Xxh3Short.P64_4;
import static dev.memogen.internal.hash.Xxh3Short.SECRET;
import static dev.memogen.internal.hash.Xxh3Short.avalanche3;
import static dev.memogen.internal.hash.Xxh3Short.r64;
import static dev.memogen.internal.hash.Xxh3Short.unsignedMultiplyHigh;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/**
 * XXH3-128 (seed 0, default secret) of a byte stream written piece by piece, without allocating.
 * Streams of at most {@value Xxh3Short#MAX} bytes stay in {@link #buf} and are digested by
 * {@link Xxh3Short}; longer ones take XXH3's long-input path: eight accumulators fed 64-byte
 * stripes, scrambled after every block of 16 stripes, then the last stripe and the 128-bit merge.
 *
 * <p>Large arrays are read straight from the array, a stripe at a time: {@code byte[]} through a
 * little-endian {@code long} view, {@code long[]} and {@code double[]} one element a lane (hash
 * spec v3 pads the stream to a lane before their elements, {@link #alignTo8}). Strings, the other
 * arrays, and a {@code long[]}/{@code double[]} off the lanes (no caller writes one) are copied in
 * 8 KiB chunks into a little-endian staging buffer (a bulk copy that stays in the CPU cache) and
 * read from there like a {@code byte[]}: measured faster than joining every lane from two
 * elements with shifts.
 *
 * <p>XXH3 gives the last stripe of the input its own secret, and a stripe (or block) is consumed
 * the usual way only when at least one byte follows it. The stream therefore consumes a stripe
 * only when at least 64 bytes follow it: the last 64..127 bytes written always stay in
 * {@link #buf}, and {@link #finish} finds the whole last stripe there.
 */
public final class Xxh3Stream {
    /** Bytes buffered before stripes are consumed; a multiple of 64, and at least {@value Xxh3Short#MAX}. */
    static final int CAPACITY = 512;

    private static final int STRIPE = 64;
    private static final int STRIPES_PER_BLOCK = 16; // (secret length 192 - 64) / 8
    private static final long M32 = 0xffffffffL;
    private static final long P32_1 = 0x9E3779B1L;
    private static final long P32_3 = 0xC2B2AE3DL;
    private static final long P64_5 = 0x27D4EB2F165667C5L;
    private static final int STAGE = 1 << 13;
    /**
     * The smallest array, in bytes, that may wait for {@link #finish}: the stream is then past
     * {@link Xxh3Short#MAX}, and its first and last stripes do not overlap.
     */
    private static final int DEFERRED_MIN_BYTES = 256;

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** The secret as 24 words; stripe {@code s} of a block reads words {@code s..s+7}. */
    private static final long[] KEY = words(0, 24);
    /** Block scrambling: the secret's last 64 bytes. */
    private static final long SC0 = KEY[16], SC1 = KEY[17], SC2 = KEY[18], SC3 = KEY[19];
    private static final long SC4 = KEY[20], SC5 = KEY[21], SC6 = KEY[22], SC7 = KEY[23];
    /** The last stripe: the secret from byte 192 - 64 - 7. */
    private static final long L0 = r64(SECRET, 121), L1 = r64(SECRET, 129), L2 = r64(SECRET, 137), L3 = r64(SECRET, 145);
    private static final long L4 = r64(SECRET, 153), L5 = r64(SECRET, 161), L6 = r64(SECRET, 169), L7 = r64(SECRET, 177);
    /** The merge of the low half: the secret from byte 11. */
    private static final long ML0 = r64(SECRET, 11), ML1 = r64(SECRET, 19), ML2 = r64(SECRET, 27), ML3 = r64(SECRET, 35);
    private static final long ML4 = r64(SECRET, 43), ML5 = r64(SECRET, 51), ML6 = r64(SECRET, 59), ML7 = r64(SECRET, 67);
    /** The merge of the high half: the secret from byte 192 - 64 - 11. */
    private static final long MH0 = r64(SECRET, 117), MH1 = r64(SECRET, 125), MH2 = r64(SECRET, 133), MH3 = r64(SECRET, 141);
    private static final long MH4 = r64(SECRET, 149), MH5 = r64(SECRET, 157), MH6 = r64(SECRET, 165), MH7 = r64(SECRET, 173);

    private static long[] words(int from, int count) {
        long[] w = new long[count];
        for (int i = 0; i < count; i++) {
            w[i] = r64(SECRET, from + 8 * i);
        }
        return w;
    }

    /**
     * The bytes written and not yet consumed, {@code buf[0..n)}. The 8 bytes past
     * {@link #CAPACITY} take the part of an array's element that passes a stripe boundary.
     */
    final byte[] buf;
    int n;
    private long consumed; // bytes consumed as stripes
    private int stripe; // stripes consumed in the current block
    private long a0, a1, a2, a3, a4, a5, a6, a7;
    /**
     * A large {@code byte[]}, {@code long[]} or {@code double[]} written right after a head of less
     * than a stripe (nothing consumed yet; for the last two a whole number of lanes), not hashed
     * yet: if {@link #finish} comes next, which is the usual case of one array argument, the whole
     * stream is digested in one pass that copies only its first stripe ({@link #finishPending});
     * any other write hashes it first ({@link #flush}).
     */
    private Object pending;
    /** The last digest, set by {@link #finish} and {@link #digest}. */
    private long high, low;

    // Staging for strings and for arrays other than byte[], long[] and double[]; made on first use.
    private byte[] stage;
    private char[] chars;
    private CharBuffer charView;
    private ShortBuffer shortView;
    private IntBuffer intView;
    private FloatBuffer floatView;
    private LongBuffer longView;
    private DoubleBuffer doubleView;

    public Xxh3Stream() {
        this.buf = new byte[CAPACITY + 8];
    }

    public Xxh3Stream(byte[] buf) {
        this.buf = buf;
    }

    private static final byte[] NO_BUFFER = new byte[0];
    private static final ThreadLocal<Xxh3Stream> DIGESTS = new PerThread();

    /** A stream per thread; a class, not {@code ThreadLocal.withInitial} and a lambda, which a fresh JVM would spin at its first hash. */
    private static final class PerThread extends ThreadLocal<Xxh3Stream> {
        @Override
        protected Xxh3Stream initialValue() {
            return new Xxh3Stream(NO_BUFFER);
        }
    }

    /**
     * XXH3-128 of {@code b[off..off+len)} in one pass straight from the array (entry checksums,
     * function ids): the same digest as writing those bytes to a stream and finishing it. Reads
     * no byte outside the range. Returns this thread's digest holder ({@link #high()},
     * {@link #low()}): read it before the next digest on this thread; it has no buffer and must
     * not be written to. (Reused, not made per call: a store read checksums every entry.)
     */
    public static Xxh3Stream digest(byte[] b, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        Xxh3Stream d = DIGESTS.get();
        d.reset();
        if (len <= Xxh3Short.MAX) {
            Xxh3Short.hash(off == 0 ? b : java.util.Arrays.copyOfRange(b, off, off + len), len, d);
            return d;
        }
        int count = (len - 1) >>> 6; // the stripes that have at least one byte after them
        if (coldBytesLeft > 0 && count >= COLD_MIN_STRIPES) {
            d.coldStripes(b, off, count); // a fresh JVM's first store reads: see putBytes
        } else {
            d.byteStripes(b, off, count);
        }
        int e = off + len - STRIPE;
        d.lastStripe(r64(b, e), r64(b, e + 8), r64(b, e + 16), r64(b, e + 24), r64(b, e + 32), r64(b, e + 40),
                r64(b, e + 48), r64(b, e + 56), len);
        return d;
    }

    public void reset() {
        pending = null;
        n = 0;
        consumed = 0;
        stripe = 0;
    }

    public void int8(byte v) {
        if (pending != null) {
            flush();
        }
        if (n + 1 > CAPACITY) {
            compact();
        }
        buf[n++] = v;
    }

    public void int16(short v) {
        if (pending != null) {
            flush();
        }
        if (n + 2 > CAPACITY) {
            compact();
        }
        SHORT.set(buf, n, v);
        n += 2;
    }

    public void int32(int v) {
        if (pending != null) {
            flush();
        }
        if (n + 4 > CAPACITY) {
            compact();
        }
        INT.set(buf, n, v);
        n += 4;
    }

    public void int64(long v) {
        if (pending != null) {
            flush();
        }
        if (n + 8 > CAPACITY) {
            compact();
        }
        LONG.set(buf, n, v);
        n += 8;
    }

    /**
     * Consumes the buffered stripes that have at least 64 bytes after them and moves the rest
     * (64..127 bytes) to the front. Called only when {@code n} is close to {@link #CAPACITY}.
     */
    private void compact() {
        int count = (n - STRIPE) >> 6;
        if (count > 0) {
            byteStripes(buf, 0, count);
            int from = count << 6;
            n -= from;
            System.arraycopy(buf, from, buf, 0, n);
        }
    }

    /**
     * Zero bytes up to the next multiple of 8 of the stream's length (hash spec v3, before the
     * elements of a {@code long[]} or {@code double[]}), so that their elements fall on XXH3's
     * 8-byte lanes and are read straight from the array.
     */
    public void alignTo8() {
        if (pending != null) {
            flush();
        }
        int pad = -n & 7; // consumed is a multiple of 64: n has the stream's alignment
        if (pad == 0) {
            return;
        }
        if (n + pad > CAPACITY) {
            compact();
        }
        for (int i = 0; i < pad; i++) {
            buf[n++] = 0;
        }
    }

    /** {@code b[off..off+len)}. */
    public void putBytes(byte[] b, int off, int len) {
        if (pending != null) {
            flush();
        }
        if (n + (long) len <= CAPACITY) {
            System.arraycopy(b, off, buf, n, len);
            n += len;
            return;
        }
        int head = -n & (STRIPE - 1); // bytes that fill the buffer up to a stripe boundary
        int rest = len - head;
        if (rest < 2 * STRIPE) { // too short to read in place: buffer it
            compact();
            System.arraycopy(b, off, buf, n, len);
            n += len;
            return;
        }
        System.arraycopy(b, off, buf, n, head);
        byteStripes(buf, 0, (n + head) >>> 6);
        off += head;
        int count = (rest - STRIPE) >>> 6; // in place, keeping the last 64..127 bytes back
        if (coldBytesLeft > 0 && count >= COLD_MIN_STRIPES) {
            coldStripes(b, off, count);
        } else {
            byteStripes(b, off, count);
        }
        int done = count << 6;
        n = rest - done;
        System.arraycopy(b, off + done, buf, 0, n);
    }

    /**
     * Bytes that {@link #putBytes} and {@link #digest} still hash the cold way in this JVM ({@link #coldStripes}).
     * A plain field: threads racing on it only move the switch by a few calls.
     */
    private static long coldBytesLeft = 64L << 20;
    /** The shortest run of stripes worth the copy: 4 KiB. */
    private static final int COLD_MIN_STRIPES = 64;
    /** Doubles of {@link #scratch}: 32 KiB, which stays in cache between the copy and the hash. */
    private static final int SCRATCH_DOUBLES = 4096;
    /** Where {@link #coldStripes} copies bytes to; made at its first use. */
    private double[] scratch;

    /** Sets how many more bytes {@link #putBytes} hashes the cold way: for tests of both ways. */
    public static void coldBytes(long bytes) {
        coldBytesLeft = bytes;
    }

    /**
     * {@code count} stripes of {@code b} from {@code off}, the way a fresh JVM hashes fastest:
     * copied in 32 KiB pieces into a {@code double[]} (one bulk copy, raw bits, little-endian) and
     * hashed by the kernel of {@link #putDoubles}. Same digest as {@link #byteStripes}. That
     * kernel reads an array with plain loads, where the byte kernel reads through a
     * {@link VarHandle}, which the interpreter and the first compiled code run slowly; and it is
     * likely compiled already, by the hashing of a large array argument. Measured in fresh JVMs
     * (JDK 17, 2 cores): 8 MiB through the byte kernel 40-65 ms, through this 20-30 ms. Once
     * warm, the copy would cost more than it saves: after the first 64 MiB of a JVM,
     * {@link #putBytes} goes straight to the byte kernel.
     */
    private void coldStripes(byte[] b, int off, int count) {
        coldBytesLeft -= (long) count << 6;
        double[] into = scratch;
        if (into == null) {
            into = new double[SCRATCH_DOUBLES];
            scratch = into;
        }
        java.nio.DoubleBuffer from = java.nio.ByteBuffer.wrap(b, off, count << 6)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
        while (count > 0) {
            int stripes = Math.min(count, SCRATCH_DOUBLES >>> 3);
            from.get(into, 0, stripes << 3);
            doubleStripes(into, 0, stripes);
            count -= stripes;
        }
    }

    /** The elements of {@code a} as little-endian 8-byte values. */
    public void putLongs(long[] a) {
        if (!held(a, 8L * a.length, true)) {
            putLongsNow(a);
        }
    }

    /** The raw bits of the elements of {@code a}; see {@link #putLongs}. */
    public void putDoubles(double[] a) {
        if (!held(a, 8L * a.length, true)) {
            putDoublesNow(a);
        }
    }

    /**
     * A whole {@code byte[]}: like {@link #putBytes}, but a large one may wait for {@link #finish}
     * as {@link #putLongs} does. Only for arrays the caller does not reuse before {@code finish}
     * (the staging buffer goes through {@link #putBytes}).
     */
    public void putByteArray(byte[] b) {
        if (!held(b, b.length, false)) {
            putBytes(b, 0, b.length);
        }
    }

    /**
     * Makes {@code array} ({@code bytes} long) the {@link #pending} one if it is large and comes
     * right after a short head (with the head a whole number of lanes, when {@code onLanes}), and
     * returns whether it did; hashes the array pending before it in any case.
     */
    private boolean held(Object array, long bytes, boolean onLanes) {
        if (pending != null) {
            flush();
        }
        if (consumed == 0 && n < STRIPE && (!onLanes || (n & 7) == 0) && bytes >= DEFERRED_MIN_BYTES) {
            pending = array;
            return true;
        }
        return false;
    }

    /** Hashes the pending array as if it had been written at once. */
    private void flush() {
        Object p = pending;
        pending = null;
        if (p instanceof long[] l) {
            putLongsNow(l);
        } else if (p instanceof double[] d) {
            putDoublesNow(d);
        } else {
            byte[] b = (byte[]) p;
            putBytes(b, 0, b.length);
        }
    }

    private void putLongsNow(long[] a) {
        int len = a.length;
        int at = n;
        if (at + 8L * len <= CAPACITY) {
            for (long v : a) {
                LONG.set(buf, at, v);
                at += 8;
            }
            n = at;
            return;
        }
        int head = (-at & (STRIPE - 1)) >>> 3; // elements that fill the buffer up to a stripe boundary
        if ((at & 7) != 0 || len - head < 16) { // elements across lanes: staged, see putBytes
            staging();
            LongBuffer view = longView;
            for (int from = 0; from < len; from += view.capacity()) {
                int m = Math.min(view.capacity(), len - from);
                view.clear();
                view.put(a, from, m);
                putBytes(stage, 0, 8 * m);
            }
            return;
        }
        for (int i = 0; i < head; i++) {
            LONG.set(buf, at, a[i]);
            at += 8;
        }
        byteStripes(buf, 0, at >>> 6);
        int count = (len - head - 8) >>> 3; // in place, keeping the last 8..15 elements back
        longStripes(a, head, count);
        int i = head + (count << 3);
        at = 0;
        for (; i < len; i++) {
            LONG.set(buf, at, a[i]);
            at += 8;
        }
        n = at;
    }

    /** The raw bits of the elements of {@code a}; the same code as {@link #putLongsNow}. */
    private void putDoublesNow(double[] a) {
        int len = a.length;
        int at = n;
        if (at + 8L * len <= CAPACITY) {
            for (double v : a) {
                LONG.set(buf, at, Double.doubleToRawLongBits(v));
                at += 8;
            }
            n = at;
            return;
        }
        int head = (-at & (STRIPE - 1)) >>> 3;
        if ((at & 7) != 0 || len - head < 16) {
            staging();
            DoubleBuffer view = doubleView; // raw bits, as a bulk copy
            for (int from = 0; from < len; from += view.capacity()) {
                int m = Math.min(view.capacity(), len - from);
                view.clear();
                view.put(a, from, m);
                putBytes(stage, 0, 8 * m);
            }
            return;
        }
        for (int i = 0; i < head; i++) {
            LONG.set(buf, at, Double.doubleToRawLongBits(a[i]));
            at += 8;
        }
        byteStripes(buf, 0, at >>> 6);
        int count = (len - head - 8) >>> 3;
        doubleStripes(a, head, count);
        int i = head + (count << 3);
        at = 0;
        for (; i < len; i++) {
            LONG.set(buf, at, Double.doubleToRawLongBits(a[i]));
            at += 8;
        }
        n = at;
    }

    /** The UTF-16LE code units of {@code s}. */
    public void putChars(String s) {
        if (pending != null) {
            flush();
        }
        int len = s.length();
        int at = n;
        if (at + 2L * len <= CAPACITY) {
            for (int i = 0; i < len; i++) {
                SHORT.set(buf, at, (short) s.charAt(i));
                at += 2;
            }
            n = at;
            return;
        }
        staging();
        char[] c = chars;
        for (int from = 0; from < len; from += c.length) {
            int m = Math.min(c.length, len - from);
            s.getChars(from, from + m, c, 0);
            charView.clear();
            charView.put(c, 0, m);
            putBytes(stage, 0, 2 * m);
        }
    }

    public void putChars(char[] a) {
        if (pending != null) {
            flush();
        }
        int at = n;
        if (at + 2L * a.length <= CAPACITY) {
            for (char v : a) {
                SHORT.set(buf, at, (short) v);
                at += 2;
            }
            n = at;
            return;
        }
        staging();
        for (int from = 0; from < a.length; from += charView.capacity()) {
            int m = Math.min(charView.capacity(), a.length - from);
            charView.clear();
            charView.put(a, from, m);
            putBytes(stage, 0, 2 * m);
        }
    }

    public void putShorts(short[] a) {
        if (pending != null) {
            flush();
        }
        int at = n;
        if (at + 2L * a.length <= CAPACITY) {
            for (short v : a) {
                SHORT.set(buf, at, v);
                at += 2;
            }
            n = at;
            return;
        }
        staging();
        for (int from = 0; from < a.length; from += shortView.capacity()) {
            int m = Math.min(shortView.capacity(), a.length - from);
            shortView.clear();
            shortView.put(a, from, m);
            putBytes(stage, 0, 2 * m);
        }
    }

    public void putInts(int[] a) {
        if (pending != null) {
            flush();
        }
        int at = n;
        if (at + 4L * a.length <= CAPACITY) {
            for (int v : a) {
                INT.set(buf, at, v);
                at += 4;
            }
            n = at;
            return;
        }
        staging();
        for (int from = 0; from < a.length; from += intView.capacity()) {
            int m = Math.min(intView.capacity(), a.length - from);
            intView.clear();
            intView.put(a, from, m);
            putBytes(stage, 0, 4 * m);
        }
    }

    /** Raw bits: a float buffer view copies them as they are. */
    public void putFloats(float[] a) {
        if (pending != null) {
            flush();
        }
        int at = n;
        if (at + 4L * a.length <= CAPACITY) {
            for (float v : a) {
                INT.set(buf, at, Float.floatToRawIntBits(v));
                at += 4;
            }
            n = at;
            return;
        }
        staging();
        for (int from = 0; from < a.length; from += floatView.capacity()) {
            int m = Math.min(floatView.capacity(), a.length - from);
            floatView.clear();
            floatView.put(a, from, m);
            putBytes(stage, 0, 4 * m);
        }
    }

    /** One byte per element, {@code 01} or {@code 00}. */
    public void putBooleans(boolean[] a) {
        if (pending != null) {
            flush();
        }
        int at = n;
        if (at + a.length <= CAPACITY) {
            for (boolean v : a) {
                buf[at++] = v ? (byte) 1 : (byte) 0;
            }
            n = at;
            return;
        }
        staging();
        byte[] b = stage;
        for (int from = 0; from < a.length; from += b.length) {
            int m = Math.min(b.length, a.length - from);
            for (int i = 0; i < m; i++) {
                b[i] = a[from + i] ? (byte) 1 : (byte) 0;
            }
            putBytes(b, 0, m);
        }
    }

    private void staging() {
        if (stage == null) {
            stage = new byte[STAGE];
            ByteBuffer b = ByteBuffer.wrap(stage).order(ByteOrder.LITTLE_ENDIAN);
            chars = new char[STAGE / 2];
            charView = b.asCharBuffer();
            shortView = b.asShortBuffer();
            intView = b.asIntBuffer();
            floatView = b.asFloatBuffer();
            longView = b.asLongBuffer();
            doubleView = b.asDoubleBuffer();
        }
    }

    /** Bytes written since {@link #reset()}. */
    public long length() {
        Object p = pending;
        long waiting = p == null ? 0
                : p instanceof long[] l ? 8L * l.length : p instanceof double[] d ? 8L * d.length : ((byte[]) p).length;
        return consumed + n + waiting;
    }

    /** The upper 64 bits of the last digest (the first 8 bytes of XXH3-128's canonical form). */
    public long high() {
        return high;
    }

    /** The lower 64 bits of the last digest. */
    public long low() {
        return low;
    }

    /** Where {@link Xxh3Short} leaves its digest. */
    void setDigest(long high, long low) {
        this.high = high;
        this.low = low;
    }

    /** Digests the stream; read the digest with {@link #high()} and {@link #low()}. */
    public void finish() {
        if (pending != null) {
            finishPending();
            return;
        }
        if (consumed == 0 && n <= Xxh3Short.MAX) {
            Xxh3Short.hash(buf, n, this);
            return;
        }
        long total = consumed + n;
        byteStripes(buf, 0, (n - 1) >>> 6); // the stripes that have at least one byte after them
        byte[] b = buf;
        int p = n - STRIPE; // the last stripe, read with its own secret
        lastStripe(r64(b, p), r64(b, p + 8), r64(b, p + 16), r64(b, p + 24), r64(b, p + 32), r64(b, p + 40),
                r64(b, p + 48), r64(b, p + 56), total);
    }

    /**
     * The pending array and the head before it, in one pass: the first stripe (the head, then the
     * array's first bytes), the other stripes straight from the array, and the last stripe, which
     * is the array's last 64 bytes.
     */
    private void finishPending() {
        Object p = pending;
        pending = null;
        int h = n >>> 3; // the head's words, 0..7 (arrays of 8-byte elements only)
        byte[] b = buf;
        if (p instanceof byte[] a) {
            int head = STRIPE - n;
            System.arraycopy(a, 0, b, n, head);
            long total = (long) n + a.length;
            byteStripes(b, 0, 1);
            byteStripes(a, head, (int) ((total - 1) >>> 6) - 1);
            int e = a.length - STRIPE;
            lastStripe(r64(a, e), r64(a, e + 8), r64(a, e + 16), r64(a, e + 24), r64(a, e + 32), r64(a, e + 40),
                    r64(a, e + 48), r64(a, e + 56), total);
        } else if (p instanceof long[] a) {
            for (int w = h; w < 8; w++) {
                LONG.set(b, w << 3, a[w - h]);
            }
            long total = 8L * (h + a.length);
            byteStripes(b, 0, 1);
            longStripes(a, 8 - h, (int) ((total - 1) >>> 6) - 1);
            int e = a.length - 8;
            lastStripe(a[e], a[e + 1], a[e + 2], a[e + 3], a[e + 4], a[e + 5], a[e + 6], a[e + 7], total);
        } else {
            double[] a = (double[]) p;
            for (int w = h; w < 8; w++) {
                LONG.set(b, w << 3, Double.doubleToRawLongBits(a[w - h]));
            }
            long total = 8L * (h + a.length);
            byteStripes(b, 0, 1);
            doubleStripes(a, 8 - h, (int) ((total - 1) >>> 6) - 1);
            int e = a.length - 8;
            lastStripe(Double.doubleToRawLongBits(a[e]), Double.doubleToRawLongBits(a[e + 1]),
                    Double.doubleToRawLongBits(a[e + 2]), Double.doubleToRawLongBits(a[e + 3]),
                    Double.doubleToRawLongBits(a[e + 4]), Double.doubleToRawLongBits(a[e + 5]),
                    Double.doubleToRawLongBits(a[e + 6]), Double.doubleToRawLongBits(a[e + 7]), total);
        }
    }

    /** The last stripe (its 8 lanes), read with its own secret, and the merge of the accumulators. */
    private void lastStripe(long d0, long d1, long d2, long d3, long d4, long d5, long d6, long d7, long total) {
        long x0 = a0, x1 = a1, x2 = a2, x3 = a3, x4 = a4, x5 = a5, x6 = a6, x7 = a7;
        long k;
        k = d0 ^ L0;
        x1 += d0;
        x0 += (k & M32) * (k >>> 32);
        k = d1 ^ L1;
        x0 += d1;
        x1 += (k & M32) * (k >>> 32);
        k = d2 ^ L2;
        x3 += d2;
        x2 += (k & M32) * (k >>> 32);
        k = d3 ^ L3;
        x2 += d3;
        x3 += (k & M32) * (k >>> 32);
        k = d4 ^ L4;
        x5 += d4;
        x4 += (k & M32) * (k >>> 32);
        k = d5 ^ L5;
        x4 += d5;
        x5 += (k & M32) * (k >>> 32);
        k = d6 ^ L6;
        x7 += d6;
        x6 += (k & M32) * (k >>> 32);
        k = d7 ^ L7;
        x6 += d7;
        x7 += (k & M32) * (k >>> 32);
        long low = avalanche3(total * P64_1 + mix(x0 ^ ML0, x1 ^ ML1) + mix(x2 ^ ML2, x3 ^ ML3)
                + mix(x4 ^ ML4, x5 ^ ML5) + mix(x6 ^ ML6, x7 ^ ML7));
        long high = avalanche3(~(total * P64_2) + mix(x0 ^ MH0, x1 ^ MH1) + mix(x2 ^ MH2, x3 ^ MH3)
                + mix(x4 ^ MH4, x5 ^ MH5) + mix(x6 ^ MH6, x7 ^ MH7));
        this.high = high;
        this.low = low;
    }

    /** XXH3's mul128_fold64. */
    private static long mix(long x, long y) {
        return x * y ^ unsignedMultiplyHigh(x, y);
    }

    private static long scramble(long acc, long key) {
        return ((acc ^ (acc >>> 47)) ^ key) * P32_1;
    }

    private void start() {
        if (consumed == 0) {
            a0 = P32_3;
            a1 = P64_1;
            a2 = P64_2;
            a3 = P64_3;
            a4 = P64_4;
            a5 = P32_2;
            a6 = P64_5;
            a7 = P32_1;
        }
    }

    /*
     * The three stripe loops below differ only in how they read a lane. Each keeps the
     * accumulators in locals, reads the secret words of stripe s at KEY[s..s+7] and scrambles
     * after the 16th stripe of a block (their callers guarantee that more bytes follow).
     */

    /** Consumes {@code count} stripes of {@code b} from {@code off}. */
    private void byteStripes(byte[] b, int off, int count) {
        start();
        consumed += (long) count << 6;
        long x0 = a0, x1 = a1, x2 = a2, x3 = a3, x4 = a4, x5 = a5, x6 = a6, x7 = a7;
        int s = stripe;
        while (count > 0) {
            if (s == 0 && count >= STRIPES_PER_BLOCK) { // whole blocks: one call each
                a0 = x0;
                a1 = x1;
                a2 = x2;
                a3 = x3;
                a4 = x4;
                a5 = x5;
                a6 = x6;
                a7 = x7;
                do {
                    byteBlock(b, off);
                    off += STRIPES_PER_BLOCK << 6;
                    count -= STRIPES_PER_BLOCK;
                } while (count >= STRIPES_PER_BLOCK);
                x0 = a0;
                x1 = a1;
                x2 = a2;
                x3 = a3;
                x4 = a4;
                x5 = a5;
                x6 = a6;
                x7 = a7;
                continue;
            }
            int end = Math.min(STRIPES_PER_BLOCK, s + count);
            count -= end - s;
            int base = off - (s << 6);
            for (; s < end; s++) {
                int p = base + (s << 6);
                long d0 = (long) LONG.get(b, p);
                long d1 = (long) LONG.get(b, p + 8);
                long d2 = (long) LONG.get(b, p + 16);
                long d3 = (long) LONG.get(b, p + 24);
                long d4 = (long) LONG.get(b, p + 32);
                long d5 = (long) LONG.get(b, p + 40);
                long d6 = (long) LONG.get(b, p + 48);
                long d7 = (long) LONG.get(b, p + 56);
                long k0 = d0 ^ KEY[s];
                long k1 = d1 ^ KEY[s + 1];
                long k2 = d2 ^ KEY[s + 2];
                long k3 = d3 ^ KEY[s + 3];
                long k4 = d4 ^ KEY[s + 4];
                long k5 = d5 ^ KEY[s + 5];
                long k6 = d6 ^ KEY[s + 6];
                long k7 = d7 ^ KEY[s + 7];
                x0 += d1 + (k0 & M32) * (k0 >>> 32);
                x1 += d0 + (k1 & M32) * (k1 >>> 32);
                x2 += d3 + (k2 & M32) * (k2 >>> 32);
                x3 += d2 + (k3 & M32) * (k3 >>> 32);
                x4 += d5 + (k4 & M32) * (k4 >>> 32);
                x5 += d4 + (k5 & M32) * (k5 >>> 32);
                x6 += d7 + (k6 & M32) * (k6 >>> 32);
                x7 += d6 + (k7 & M32) * (k7 >>> 32);
            }
            off = base + (s << 6);
            if (s == STRIPES_PER_BLOCK) {
                x0 = scramble(x0, SC0);
                x1 = scramble(x1, SC1);
                x2 = scramble(x2, SC2);
                x3 = scramble(x3, SC3);
                x4 = scramble(x4, SC4);
                x5 = scramble(x5, SC5);
                x6 = scramble(x6, SC6);
                x7 = scramble(x7, SC7);
                s = 0;
            }
        }
        a0 = x0;
        a1 = x1;
        a2 = x2;
        a3 = x3;
        a4 = x4;
        a5 = x5;
        a6 = x6;
        a7 = x7;
        stripe = s;
    }

    /**
     * One whole block (16 stripes, then the scramble) of {@code b} from {@code off}, on the
     * accumulator fields. A method of its own so that it is compiled after a few hundred blocks
     * by its invocation count: inside one long loop, a first call hashing megabytes ran in the
     * interpreter until the loop's back-edge counter asked for an on-stack replacement.
     */
    private void byteBlock(byte[] b, int off) {
        long x0 = a0, x1 = a1, x2 = a2, x3 = a3, x4 = a4, x5 = a5, x6 = a6, x7 = a7;
        for (int t = 0; t < STRIPES_PER_BLOCK; t++) {
            int p = off + (t << 6);
            long d0 = (long) LONG.get(b, p);
            long d1 = (long) LONG.get(b, p + 8);
            long d2 = (long) LONG.get(b, p + 16);
            long d3 = (long) LONG.get(b, p + 24);
            long d4 = (long) LONG.get(b, p + 32);
            long d5 = (long) LONG.get(b, p + 40);
            long d6 = (long) LONG.get(b, p + 48);
            long d7 = (long) LONG.get(b, p + 56);
            long k0 = d0 ^ KEY[t];
            long k1 = d1 ^ KEY[t + 1];
            long k2 = d2 ^ KEY[t + 2];
            long k3 = d3 ^ KEY[t + 3];
            long k4 = d4 ^ KEY[t + 4];
            long k5 = d5 ^ KEY[t + 5];
            long k6 = d6 ^ KEY[t + 6];
            long k7 = d7 ^ KEY[t + 7];
            x0 += d1 + (k0 & M32) * (k0 >>> 32);
            x1 += d0 + (k1 & M32) * (k1 >>> 32);
            x2 += d3 + (k2 & M32) * (k2 >>> 32);
            x3 += d2 + (k3 & M32) * (k3 >>> 32);
            x4 += d5 + (k4 & M32) * (k4 >>> 32);
            x5 += d4 + (k5 & M32) * (k5 >>> 32);
            x6 += d7 + (k6 & M32) * (k6 >>> 32);
            x7 += d6 + (k7 & M32) * (k7 >>> 32);
        }
        a0 = scramble(x0, SC0);
        a1 = scramble(x1, SC1);
        a2 = scramble(x2, SC2);
        a3 = scramble(x3, SC3);
        a4 = scramble(x4, SC4);
        a5 = scramble(x5, SC5);
        a6 = scramble(x6, SC6);
        a7 = scramble(x7, SC7);
    }

    /** Consumes {@code count} stripes of elements of {@code a} from {@code from}, one element a lane. */
    private void longStripes(long[] a, int from, int count) {
        start();
        consumed += (long) count << 6;
        long x0 = a0, x1 = a1, x2 = a2, x3 = a3, x4 = a4, x5 = a5, x6 = a6, x7 = a7;
        int s = stripe;
        while (count > 0) {
            if (s == 0 && count >= STRIPES_PER_BLOCK) { // whole blocks: one call each
                a0 = x0;
                a1 = x1;
                a2 = x2;
                a3 = x3;
                a4 = x4;
                a5 = x5;
                a6 = x6;
                a7 = x7;
                do {
                    longBlock(a, from);
                    from += STRIPES_PER_BLOCK << 3;
                    count -= STRIPES_PER_BLOCK;
                } while (count >= STRIPES_PER_BLOCK);
                x0 = a0;
                x1 = a1;
                x2 = a2;
                x3 = a3;
                x4 = a4;
                x5 = a5;
                x6 = a6;
                x7 = a7;
                continue;
            }
            int end = Math.min(STRIPES_PER_BLOCK, s + count);
            count -= end - s;
            int base = from - (s << 3);
            for (; s < end; s++) {
                int p = base + (s << 3);
                long d0 = a[p];
                long d1 = a[p + 1];
                long d2 = a[p + 2];
                long d3 = a[p + 3];
                long d4 = a[p + 4];
                long d5 = a[p + 5];
                long d6 = a[p + 6];
                long d7 = a[p + 7];
                long k0 = d0 ^ KEY[s];
                long k1 = d1 ^ KEY[s + 1];
                long k2 = d2 ^ KEY[s + 2];
                long k3 = d3 ^ KEY[s + 3];
                long k4 = d4 ^ KEY[s + 4];
                long k5 = d5 ^ KEY[s + 5];
                long k6 = d6 ^ KEY[s + 6];
                long k7 = d7 ^ KEY[s + 7];
                x0 += d1 + (k0 & M32) * (k0 >>> 32);
                x1 += d0 + (k1 & M32) * (k1 >>> 32);
                x2 += d3 + (k2 & M32) * (k2 >>> 32);
                x3 += d2 + (k3 & M32) * (k3 >>> 32);
                x4 += d5 + (k4 & M32) * (k4 >>> 32);
                x5 += d4 + (k5 & M32) * (k5 >>> 32);
                x6 += d7 + (k6 & M32) * (k6 >>> 32);
                x7 += d6 + (k7 & M32) * (k7 >>> 32);
            }
            from = base + (s << 3);
            if (s == STRIPES_PER_BLOCK) {
                x0 = scramble(x0, SC0);
                x1 = scramble(x1, SC1);
                x2 = scramble(x2, SC2);
                x3 = scramble(x3, SC3);
                x4 = scramble(x4, SC4);
                x5 = scramble(x5, SC5);
                x6 = scramble(x6, SC6);
                x7 = scramble(x7, SC7);
                s = 0;
            }
        }
        a0 = x0;
        a1 = x1;
        a2 = x2;
        a3 = x3;
        a4 = x4;
        a5 = x5;
        a6 = x6;
        a7 = x7;
        stripe = s;
    }

    /**
     * One whole block (16 stripes, then the scramble) of {@code a} from {@code from}, on the
     * accumulator fields. A method of its own so that it is compiled after a few hundred blocks
     * by its invocation count: inside one long loop, a first call hashing megabytes ran in the
     * interpreter until the loop's back-edge counter asked for an on-stack replacement.
     */
    private void longBlock(long[] a, int from) {
        long x0 = a0, x1 = a1, x2 = a2, x3 = a3, x4 = a4, x5 = a5, x6 = a6, x7 = a7;
        for (int t = 0; t < STRIPES_PER_BLOCK; t++) {
            int p = from + (t << 3);
            long d0 = a[p];
            long d1 = a[p + 1];
            long d2 = a[p + 2];
            long d3 = a[p + 3];
            long d4 = a[p + 4];
            long d5 = a[p + 5];
            long d6 = a[p + 6];
            long d7 = a[p + 7];
            long k0 = d0 ^ KEY[t];
            long k1 = d1 ^ KEY[t + 1];
            long k2 = d2 ^ KEY[t + 2];
            long k3 = d3 ^ KEY[t + 3];
            long k4 = d4 ^ KEY[t + 4];
            long k5 = d5 ^ KEY[t + 5];
            long k6 = d6 ^ KEY[t + 6];
            long k7 = d7 ^ KEY[t + 7];
            x0 += d1 + (k0 & M32) * (k0 >>> 32);
            x1 += d0 + (k1 & M32) * (k1 >>> 32);
            x2 += d3 + (k2 & M32) * (k2 >>> 32);
            x3 += d2 + (k3 & M32) * (k3 >>> 32);
            x4 += d5 + (k4 & M32) * (k4 >>> 32);
            x5 += d4 + (k5 & M32) * (k5 >>> 32);
            x6 += d7 + (k6 & M32) * (k6 >>> 32);
            x7 += d6 + (k7 & M32) * (k7 >>> 32);
        }
        a0 = scramble(x0, SC0);
        a1 = scramble(x1, SC1);
        a2 = scramble(x2, SC2);
        a3 = scramble(x3, SC3);
        a4 = scramble(x4, SC4);
        a5 = scramble(x5, SC5);
        a6 = scramble(x6, SC6);
        a7 = scramble(x7, SC7);
    }

    /** {@link #longStripes} over the raw bits of {@code a}. */
    private void doubleStripes(double[] a, int from, int count) {
        start();
        consumed += (long) count << 6;
        long x0 = a0, x1 = a1, x2 = a2, x3 = a3, x4 = a4, x5 = a5, x6 = a6, x7 = a7;
        int s = stripe;
        while (count > 0) {
            if (s == 0 && count >= STRIPES_PER_BLOCK) { // whole blocks: one call each
                a0 = x0;
                a1 = x1;
                a2 = x2;
                a3 = x3;
                a4 = x4;
                a5 = x5;
                a6 = x6;
                a7 = x7;
                do {
                    doubleBlock(a, from);
                    from += STRIPES_PER_BLOCK << 3;
                    count -= STRIPES_PER_BLOCK;
                } while (count >= STRIPES_PER_BLOCK);
                x0 = a0;
                x1 = a1;
                x2 = a2;
                x3 = a3;
                x4 = a4;
                x5 = a5;
                x6 = a6;
                x7 = a7;
                continue;
            }
            int end = Math.min(STRIPES_PER_BLOCK, s + count);
            count -= end - s;
            int base = from - (s << 3);
            for (; s < end; s++) {
                int p = base + (s << 3);
                long d0 = Double.doubleToRawLongBits(a[p]);
                long d1 = Double.doubleToRawLongBits(a[p + 1]);
                long d2 = Double.doubleToRawLongBits(a[p + 2]);
                long d3 = Double.doubleToRawLongBits(a[p + 3]);
                long d4 = Double.doubleToRawLongBits(a[p + 4]);
                long d5 = Double.doubleToRawLongBits(a[p + 5]);
                long d6 = Double.doubleToRawLongBits(a[p + 6]);
                long d7 = Double.doubleToRawLongBits(a[p + 7]);
                long k0 = d0 ^ KEY[s];
                long k1 = d1 ^ KEY[s + 1];
                long k2 = d2 ^ KEY[s + 2];
                long k3 = d3 ^ KEY[s + 3];
                long k4 = d4 ^ KEY[s + 4];
                long k5 = d5 ^ KEY[s + 5];
                long k6 = d6 ^ KEY[s + 6];
                long k7 = d7 ^ KEY[s + 7];
                x0 += d1 + (k0 & M32) * (k0 >>> 32);
                x1 += d0 + (k1 & M32) * (k1 >>> 32);
                x2 += d3 + (k2 & M32) * (k2 >>> 32);
                x3 += d2 + (k3 & M32) * (k3 >>> 32);
                x4 += d5 + (k4 & M32) * (k4 >>> 32);
                x5 += d4 + (k5 & M32) * (k5 >>> 32);
                x6 += d7 + (k6 & M32) * (k6 >>> 32);
                x7 += d6 + (k7 & M32) * (k7 >>> 32);
            }
            from = base + (s << 3);
            if (s == STRIPES_PER_BLOCK) {
                x0 = scramble(x0, SC0);
                x1 = scramble(x1, SC1);
                x2 = scramble(x2, SC2);
                x3 = scramble(x3, SC3);
                x4 = scramble(x4, SC4);
                x5 = scramble(x5, SC5);
                x6 = scramble(x6, SC6);
                x7 = scramble(x7, SC7);
                s = 0;
            }
        }
        a0 = x0;
        a1 = x1;
        a2 = x2;
        a3 = x3;
        a4 = x4;
        a5 = x5;
        a6 = x6;
        a7 = x7;
        stripe = s;
    }

    /**
     * One whole block (16 stripes, then the scramble) of {@code a} from {@code from}, on the
     * accumulator fields. A method of its own so that it is compiled after a few hundred blocks
     * by its invocation count: inside one long loop, a first call hashing megabytes ran in the
     * interpreter until the loop's back-edge counter asked for an on-stack replacement.
     */
    private void doubleBlock(double[] a, int from) {
        long x0 = a0, x1 = a1, x2 = a2, x3 = a3, x4 = a4, x5 = a5, x6 = a6, x7 = a7;
        for (int t = 0; t < STRIPES_PER_BLOCK; t++) {
            int p = from + (t << 3);
            long d0 = Double.doubleToRawLongBits(a[p]);
            long d1 = Double.doubleToRawLongBits(a[p + 1]);
            long d2 = Double.doubleToRawLongBits(a[p + 2]);
            long d3 = Double.doubleToRawLongBits(a[p + 3]);
            long d4 = Double.doubleToRawLongBits(a[p + 4]);
            long d5 = Double.doubleToRawLongBits(a[p + 5]);
            long d6 = Double.doubleToRawLongBits(a[p + 6]);
            long d7 = Double.doubleToRawLongBits(a[p + 7]);
            long k0 = d0 ^ KEY[t];
            long k1 = d1 ^ KEY[t + 1];
            long k2 = d2 ^ KEY[t + 2];
            long k3 = d3 ^ KEY[t + 3];
            long k4 = d4 ^ KEY[t + 4];
            long k5 = d5 ^ KEY[t + 5];
            long k6 = d6 ^ KEY[t + 6];
            long k7 = d7 ^ KEY[t + 7];
            x0 += d1 + (k0 & M32) * (k0 >>> 32);
            x1 += d0 + (k1 & M32) * (k1 >>> 32);
            x2 += d3 + (k2 & M32) * (k2 >>> 32);
            x3 += d2 + (k3 & M32) * (k3 >>> 32);
            x4 += d5 + (k4 & M32) * (k4 >>> 32);
            x5 += d4 + (k5 & M32) * (k5 >>> 32);
            x6 += d7 + (k6 & M32) * (k6 >>> 32);
            x7 += d6 + (k7 & M32) * (k7 >>> 32);
        }
        a0 = scramble(x0, SC0);
        a1 = scramble(x1, SC1);
        a2 = scramble(x2, SC2);
        a3 = scramble(x3, SC3);
        a4 = scramble(x4, SC4);
        a5 = scramble(x5, SC5);
        a6 = scramble(x6, SC6);
        a7 = scramble(x7, SC7);
    }
}
