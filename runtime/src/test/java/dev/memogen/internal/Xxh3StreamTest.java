package dev.memogen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.dynatrace.hash4j.hashing.HashValue128;
import com.dynatrace.hash4j.hashing.Hashing;
import dev.memogen.internal.hash.Hex;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * {@link Xxh3Stream}, XXH3's long-input path fed straight from the arguments, against hash4j's
 * one-shot XXH3-128 of the same bytes. The bytes are written by {@link Expected}, an encoder of
 * the spec's layout that shares no code with {@link KeyHasher}. Arrays start at every offset
 * modulo 64 of the stream, and streams take every length through several 1024-byte blocks.
 */
class Xxh3StreamTest {

    /** The spec's byte stream, element by element through a little-endian {@link ByteBuffer}. */
    static final class Expected {
        private ByteBuffer out = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);

        private ByteBuffer room(long n) {
            if (out.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate((int) Math.max(2L * out.capacity(), out.position() + n))
                        .order(ByteOrder.LITTLE_ENDIAN);
                bigger.put(out.flip());
                out = bigger;
            }
            return out;
        }

        Expected tag(int tag) {
            room(1).put((byte) tag);
            return this;
        }

        Expected header(int tag, int length) {
            room(5).put((byte) tag).putInt(length);
            return this;
        }

        Expected bytes(byte[] a) {
            header(0x11, a.length);
            room(a.length).put(a);
            return this;
        }

        Expected booleans(boolean[] a) {
            header(0x10, a.length);
            room(a.length);
            for (boolean v : a) {
                out.put(v ? (byte) 1 : (byte) 0);
            }
            return this;
        }

        Expected shorts(short[] a) {
            header(0x12, a.length);
            room(2L * a.length);
            for (short v : a) {
                out.putShort(v);
            }
            return this;
        }

        Expected chars(char[] a) {
            header(0x13, a.length);
            room(2L * a.length);
            for (char v : a) {
                out.putChar(v);
            }
            return this;
        }

        Expected ints(int[] a) {
            header(0x14, a.length);
            room(4L * a.length);
            for (int v : a) {
                out.putInt(v);
            }
            return this;
        }

        /** Zero bytes up to a multiple of 8 of the stream's length (spec v3, before long[]/double[] elements). */
        private void pad8() {
            while (out.position() % 8 != 0) {
                room(1).put((byte) 0);
            }
        }

        Expected longs(long[] a) {
            header(0x15, a.length);
            pad8();
            room(8L * a.length);
            for (long v : a) {
                out.putLong(v);
            }
            return this;
        }

        Expected floats(float[] a) {
            header(0x16, a.length);
            room(4L * a.length);
            for (float v : a) {
                out.putInt(Float.floatToRawIntBits(v));
            }
            return this;
        }

        Expected doubles(double[] a) {
            header(0x17, a.length);
            pad8();
            room(8L * a.length);
            for (double v : a) {
                out.putLong(Double.doubleToRawLongBits(v));
            }
            return this;
        }

        Expected string(String s) {
            header(0x09, s.length());
            room(2L * s.length());
            for (int i = 0; i < s.length(); i++) {
                out.putChar(s.charAt(i));
            }
            return this;
        }

        Expected int32(int v) {
            room(5).put((byte) 0x05).putInt(v);
            return this;
        }

        Expected int64(long v) {
            room(9).put((byte) 0x06).putLong(v);
            return this;
        }

        Expected int16(short v) {
            room(3).put((byte) 0x03).putShort(v);
            return this;
        }

        int length() {
            return out.position();
        }

        String digest() {
            HashValue128 v = Hashing.xxh3_128().hashBytesTo128Bits(out.array(), 0, out.position());
            return Hex.of(v.getMostSignificantBits()) + Hex.of(v.getLeastSignificantBits());
        }
    }

    /** One put method of {@link KeyHasher}, with its expected bytes, for a random value of {@code bytes} bytes or so. */
    interface Put {
        void write(SplittableRandom random, int bytes, KeyHasher h, Expected e);
    }

    static final Put BYTES = (r, bytes, h, e) -> {
        byte[] a = new byte[bytes];
        r.nextBytes(a);
        h.putByteArray(a);
        e.bytes(a);
    };
    static final Put BOOLEANS = (r, bytes, h, e) -> {
        boolean[] a = new boolean[bytes];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextBoolean();
        }
        h.putBooleanArray(a);
        e.booleans(a);
    };
    static final Put SHORTS = (r, bytes, h, e) -> {
        short[] a = new short[bytes / 2];
        for (int i = 0; i < a.length; i++) {
            a[i] = (short) r.nextInt();
        }
        h.putShortArray(a);
        e.shorts(a);
    };
    static final Put CHARS = (r, bytes, h, e) -> {
        char[] a = new char[bytes / 2];
        for (int i = 0; i < a.length; i++) {
            a[i] = (char) r.nextInt();
        }
        h.putCharArray(a);
        e.chars(a);
    };
    static final Put INTS = (r, bytes, h, e) -> {
        int[] a = new int[bytes / 4];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextInt();
        }
        h.putIntArray(a);
        e.ints(a);
    };
    static final Put LONGS = (r, bytes, h, e) -> {
        long[] a = new long[bytes / 8];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextLong();
        }
        h.putLongArray(a);
        e.longs(a);
    };
    /** Random bits: NaNs with all sorts of payloads among them, which must keep their raw bits. */
    static final Put FLOATS = (r, bytes, h, e) -> {
        float[] a = new float[bytes / 4];
        for (int i = 0; i < a.length; i++) {
            a[i] = Float.intBitsToFloat(r.nextInt() | (r.nextInt(4) == 0 ? 0x7f800000 : 0));
        }
        h.putFloatArray(a);
        e.floats(a);
    };
    static final Put DOUBLES = (r, bytes, h, e) -> {
        double[] a = new double[bytes / 8];
        for (int i = 0; i < a.length; i++) {
            a[i] = Double.longBitsToDouble(r.nextLong() | (r.nextInt(4) == 0 ? 0x7ff0000000000000L : 0));
        }
        h.putDoubleArray(a);
        e.doubles(a);
    };
    /** Latin-1 and other code units: a string's chars may be stored either way. */
    static final Put STRING = (r, bytes, h, e) -> {
        char[] c = new char[bytes / 2];
        boolean latin1 = r.nextBoolean();
        for (int i = 0; i < c.length; i++) {
            c[i] = latin1 ? (char) r.nextInt(256) : (char) r.nextInt();
        }
        String s = new String(c);
        h.putString(s);
        e.string(s);
    };
    static final Put[] ARRAYS = {BYTES, BOOLEANS, SHORTS, CHARS, INTS, LONGS, FLOATS, DOUBLES, STRING};
    static final String[] NAMES = {"byte[]", "boolean[]", "short[]", "char[]", "int[]", "long[]", "float[]", "double[]", "String"};

    static String digest(KeyHasher h) {
        h.finish();
        return Hex.of(h.high()) + Hex.of(h.low());
    }

    /**
     * Every array type after a prefix of 0..63 bytes (so its data starts at every offset modulo
     * 8 and 64 of the stream), with every array size through 2100 bytes, with and without
     * something after it: streams of 0 to about 2200 bytes, across two 1024-byte blocks.
     */
    @Test
    void everyArrayAtEveryOffsetAndSizeDigestsAsHash4j() {
        SplittableRandom random = new SplittableRandom(5);
        int checked = 0;
        for (int type = 0; type < ARRAYS.length; type++) {
            for (int prefix = 0; prefix < 64; prefix++) {
                for (int bytes = 0; bytes <= 2100; bytes++) {
                    // every size after every prefix would be 64 x 2101 streams per type: each
                    // size meets 4 prefixes (one in 16), each prefix one size in 16
                    if ((bytes + type) % 16 != prefix % 16) {
                        continue;
                    }
                    KeyHasher k = KeyHasher.acquire(); // this thread's hasher, reused throughout

                    Expected e = new Expected();
                    for (int i = 0; i < prefix; i++) {
                        k.putNull();
                        e.tag(0x00);
                    }
                    ARRAYS[type].write(random, bytes, k, e);
                    if ((bytes & 1) == 0) {
                        k.putInt(bytes);
                        e.int32(bytes);
                    }
                    assertEquals(e.digest(), digest(k),
                            NAMES[type] + " of " + bytes + " bytes after " + prefix + ", stream " + e.length());
                    checked++;
                }
            }
        }
        assertEquals(9 * 2101 * 4, checked);
    }

    /**
     * A large {@code byte[]}, {@code long[]} or {@code double[]} after a short head waits for
     * {@code finish()} and is digested in one pass; any later write hashes it first. Both ways, for
     * every head that leaves it waiting and sizes around the smallest array that waits: the digest
     * is hash4j's and {@code length()} counts the waiting array.
     */
    @Test
    void anArrayWaitingForFinishDigestsAsHash4j() {
        SplittableRandom random = new SplittableRandom(21);
        Put[] waiting = {BYTES, LONGS, DOUBLES};
        String[] names = {"byte[]", "long[]", "double[]"};
        int checked = 0;
        for (int type = 0; type < waiting.length; type++) {
            for (int head = 0; head < 64; head++) {
                for (int bytes : new int[] {248, 255, 256, 257, 263, 264, 320, 1024, 1031, 1088, 2056, 4096}) {
                    for (boolean more : new boolean[] {false, true}) {
                        KeyHasher h = KeyHasher.acquire();
                        Expected e = new Expected();
                        for (int i = 0; i < head; i++) {
                            h.putNull();
                            e.tag(0x00);
                        }
                        waiting[type].write(random, bytes, h, e);
                        if (more) {
                            h.putLong(bytes);
                            e.int64(bytes);
                        }
                        String what = names[type] + " of " + bytes + " bytes after " + head + (more ? ", then a long" : "");
                        String expected = e.digest();
                        String actual = digest(h);
                        assertEquals(e.length(), h.length(), what);
                        assertEquals(expected, actual, what);
                        checked++;
                    }
                }
            }
        }
        assertEquals(3 * 64 * 12 * 2, checked);
    }

    /** Streams of every length from 0 to 4200 bytes, made of small writes only (the buffer's compaction). */
    @Test
    void everyLengthOfSmallWritesDigestsAsHash4j() {
        SplittableRandom random = new SplittableRandom(9);
        for (int length = 0; length <= 4200; length++) {
            KeyHasher h = KeyHasher.create();
            Expected e = new Expected();
            int left = length;
            while (left > 0) {
                int choice = random.nextInt(4);
                if (choice == 0 && left >= 9) {
                    long v = random.nextLong();
                    h.putLong(v);
                    e.int64(v);
                    left -= 9;
                } else if (choice == 1 && left >= 5) {
                    int v = random.nextInt();
                    h.putInt(v);
                    e.int32(v);
                    left -= 5;
                } else if (choice == 2 && left >= 3) {
                    short v = (short) random.nextInt();
                    h.putShort(v);
                    e.int16(v);
                    left -= 3;
                } else {
                    h.putNull();
                    e.tag(0x00);
                    left -= 1;
                }
            }
            assertEquals(length, e.length());
            assertEquals(e.digest(), digest(h), "length " + length);
        }
    }

    /** Random sequences of every put, small and large arrays mixed, streams up to a few hundred KB. */
    @Test
    void randomMixturesOfPutsDigestAsHash4j() {
        SplittableRandom random = new SplittableRandom(13);
        for (int trial = 0; trial < 3000; trial++) {
            KeyHasher h = KeyHasher.acquire();
            Expected e = new Expected();
            int puts = 1 + random.nextInt(trial % 10 == 0 ? 40 : 8);
            for (int p = 0; p < puts; p++) {
                int choice = random.nextInt(ARRAYS.length + 3);
                if (choice < ARRAYS.length) {
                    int size = random.nextInt(8) == 0 ? random.nextInt(40_000) : random.nextInt(600);
                    ARRAYS[choice].write(random, size, h, e);
                } else if (choice == ARRAYS.length) {
                    long v = random.nextLong();
                    h.putLong(v);
                    e.int64(v);
                } else if (choice == ARRAYS.length + 1) {
                    int v = random.nextInt();
                    h.putInt(v);
                    e.int32(v);
                } else {
                    h.putNull();
                    e.tag(0x00);
                }
            }
            assertEquals(e.digest(), digest(h), "trial " + trial + ", stream " + e.length());
        }
    }

    /** 1 MiB and a few odd bytes of each array type, after prefixes of 0..8 bytes. */
    @Test
    void largeArraysDigestAsHash4j() {
        SplittableRandom random = new SplittableRandom(17);
        for (int type = 0; type < ARRAYS.length; type++) {
            for (int prefix = 0; prefix <= 8; prefix++) {
                KeyHasher h = KeyHasher.acquire();
                Expected e = new Expected();
                for (int i = 0; i < prefix; i++) {
                    h.putNull();
                    e.tag(0x00);
                }
                ARRAYS[type].write(random, (1 << 20) + 8 * prefix + 3 + random.nextInt(64), h, e);
                assertEquals(e.digest(), digest(h), NAMES[type] + " after " + prefix);
            }
        }
    }

    /** The digest of one hasher's writes, for {@link #typeTagsAreTheDigestsOfTheNamesCodeUnits}. */
    static String digestOf(Consumer<KeyHasher> writes) {
        KeyHasher h = KeyHasher.create();
        writes.accept(h);
        return digest(h);
    }

    /** Type tags hash a name's code units alone (no tag, no length), short and long names alike. */
    @Test
    void typeTagsAreTheDigestsOfTheNamesCodeUnits() {
        for (int length : new int[] {0, 1, 7, 60, 119, 120, 121, 300, 5000}) {
            String name = "a".repeat(length);
            KeyHasher.TypeTag tag = KeyHasher.typeTag(name);
            HashValue128 v = Hashing.xxh3_128().hashCharsTo128Bits(name);
            assertEquals(v.getMostSignificantBits(), tag.high(), "length " + length);
            assertEquals(v.getLeastSignificantBits(), tag.low(), "length " + length);
        }
    }
}
