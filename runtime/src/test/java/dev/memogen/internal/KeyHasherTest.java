package dev.memogen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.dynatrace.hash4j.hashing.HashValue128;
import com.dynatrace.hash4j.hashing.Hashing;
import dev.memogen.internal.hash.Hex;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The hash spec ({@code docs/hash-spec.md}): golden digests, the spec's byte layout checked
 * against an independent encoder, and the properties the spec promises.
 */
class KeyHasherTest {

    static String digest(Consumer<KeyHasher> writes) {
        KeyHasher h = KeyHasher.create();
        writes.accept(h);
        h.finish();
        return Hex.of(h.high()) + Hex.of(h.low());
    }

    /** The spec's byte stream, written out by hand, and its XXH3-128 digest. */
    static final class SpecStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        SpecStream tag(int tag) {
            bytes.write(tag);
            return this;
        }

        SpecStream raw(int size, long value) {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
            bytes.write(b.array(), 0, size);
            return this;
        }

        /** Zero bytes up to a multiple of 8 of the stream's length (before long[]/double[] elements). */
        SpecStream pad8() {
            while (bytes.size() % 8 != 0) {
                bytes.write(0);
            }
            return this;
        }

        SpecStream str(String s) {
            raw(4, s.length());
            bytes.writeBytes(s.getBytes(StandardCharsets.UTF_16LE));
            return this;
        }

        /** A class name as the spec writes it: XXH3-128 of its UTF-16LE code units, high then low. */
        SpecStream name(String binaryName) {
            HashValue128 v = Hashing.xxh3_128().hashBytesTo128Bits(binaryName.getBytes(StandardCharsets.UTF_16LE));
            return raw(8, v.getMostSignificantBits()).raw(8, v.getLeastSignificantBits());
        }

        String digest() {
            HashValue128 v = Hashing.xxh3_128().hashBytesTo128Bits(bytes.toByteArray());
            return Hex.of(v.getMostSignificantBits()) + Hex.of(v.getLeastSignificantBits());
        }
    }

    @Test
    void goldenDigests() {
        // Spec version 3. Pinned: a change to any of these is a change of the hash spec (bump SPEC_VERSION).
        assertEquals("99aa06d3014798d86001c324468d497f", digest(h -> {}));
        assertEquals("ce3c812dc599b22f563c4cfaf3650be6", digest(h -> h.putInt(7)));
        assertEquals("9a92605ea01e708422f1cb14370b87aa", digest(h -> h.putLong(7)));
        assertEquals("0926b1b4bd741d150d399adffdc2b102", digest(h -> h.putString("memogen")));
        assertEquals("c4aa8c23244ee8f7635b88c296f0907a", digest(h -> h.putDoubleArray(new double[] {1.5, -2.25})));
        assertEquals("b675bd66cac7e1048f40b1436fd7c068", digest(h -> {
            h.beginRecord(KeyHasher.typeTag("com.acme.Sample"), 2);
            h.putString("x");
            h.putEnum(KeyHasher.typeTag("com.acme.Color"), "RED");
        }));
    }

    @Test
    void streamLayoutFollowsTheSpec() {
        assertEquals(new SpecStream().tag(0x05).raw(4, 7).digest(), digest(h -> h.putInt(7)));
        assertEquals(new SpecStream().tag(0x06).raw(8, 7).digest(), digest(h -> h.putLong(7)));
        assertEquals(new SpecStream().tag(0x01).raw(1, 1).digest(), digest(h -> h.putBoolean(true)));
        assertEquals(new SpecStream().tag(0x02).raw(1, -3).digest(), digest(h -> h.putByte((byte) -3)));
        assertEquals(new SpecStream().tag(0x03).raw(2, 300).digest(), digest(h -> h.putShort((short) 300)));
        assertEquals(new SpecStream().tag(0x04).raw(2, 'é').digest(), digest(h -> h.putChar('é')));
        assertEquals(new SpecStream().tag(0x07).raw(4, Float.floatToIntBits(1.5f)).digest(),
                digest(h -> h.putFloat(1.5f)));
        assertEquals(new SpecStream().tag(0x08).raw(8, Double.doubleToLongBits(-0.5)).digest(),
                digest(h -> h.putDouble(-0.5)));
        assertEquals(new SpecStream().tag(0x09).str("héllo").digest(), digest(h -> h.putString("héllo")));
        assertEquals(new SpecStream().tag(0x00).digest(), digest(KeyHasher::putNull));
        assertEquals(new SpecStream().tag(0x0A).name("a.Color").str("RED").digest(),
                digest(h -> h.putEnum(KeyHasher.typeTag("a.Color"), "RED")));
        assertEquals(new SpecStream().tag(0x0B).name("a.R").raw(4, 1).tag(0x05).raw(4, 2).digest(), digest(h -> {
            h.beginRecord(KeyHasher.typeTag("a.R"), 1);
            h.putInt(2);
        }));
        assertEquals(new SpecStream().tag(0x0C).raw(4, 1).tag(0x09).str("x").digest(), digest(h -> {
            h.beginList(1);
            h.putString("x");
        }));
        assertEquals(new SpecStream().tag(0x0F).raw(1, 1).tag(0x05).raw(4, 3).digest(), digest(h -> {
            h.beginOptional(true);
            h.putInt(3);
        }));
        assertEquals(new SpecStream().tag(0x18).raw(4, 2).tag(0x00).tag(0x14).raw(4, 1).raw(4, 9).digest(),
                digest(h -> {
                    h.beginArray(2);
                    h.putNull();
                    h.putIntArray(new int[] {9});
                }));
        assertEquals(new SpecStream().tag(0x10).raw(4, 2).raw(1, 1).raw(1, 0).digest(),
                digest(h -> h.putBooleanArray(new boolean[] {true, false})));
        assertEquals(new SpecStream().tag(0x11).raw(4, 2).raw(1, 5).raw(1, 6).digest(),
                digest(h -> h.putByteArray(new byte[] {5, 6})));
        assertEquals(new SpecStream().tag(0x12).raw(4, 1).raw(2, 5).digest(),
                digest(h -> h.putShortArray(new short[] {5})));
        assertEquals(new SpecStream().tag(0x13).raw(4, 1).raw(2, 'z').digest(),
                digest(h -> h.putCharArray(new char[] {'z'})));
        assertEquals(new SpecStream().tag(0x15).raw(4, 1).pad8().raw(8, -1).digest(),
                digest(h -> h.putLongArray(new long[] {-1})));
        float oddNaN = Float.intBitsToFloat(0x7fc00001);
        assertEquals(new SpecStream().tag(0x16).raw(4, 1).raw(4, 0x7fc00001).digest(),
                digest(h -> h.putFloatArray(new float[] {oddNaN})));
        double oddNaND = Double.longBitsToDouble(0x7ff8000000000001L);
        assertEquals(new SpecStream().tag(0x17).raw(4, 1).pad8().raw(8, 0x7ff8000000000001L).digest(),
                digest(h -> h.putDoubleArray(new double[] {oddNaND})));
    }

    @Test
    void setsAreHashedFromSortedElementDigests() {
        KeyHasher a = KeyHasher.create();
        a.putString("a");
        a.finish();
        KeyHasher b = KeyHasher.create();
        b.putString("b");
        b.finish();
        SpecStream expected = new SpecStream().tag(0x0D).raw(4, 2);
        boolean aFirst = Long.compareUnsigned(a.high(), b.high()) < 0;
        KeyHasher first = aFirst ? a : b;
        KeyHasher second = aFirst ? b : a;
        expected.raw(8, first.high()).raw(8, first.low()).raw(8, second.high()).raw(8, second.low());
        assertEquals(expected.digest(), digest(h -> h.putSet(new long[] {a.high(), a.low(), b.high(), b.low()}, 4)));
        assertEquals(expected.digest(), digest(h -> h.putSet(new long[] {b.high(), b.low(), a.high(), a.low()}, 4)));
    }

    @Test
    void ambiguousStreamsDiffer() {
        assertNotEquals(digest(h -> {
            h.putString("ab");
            h.putString("c");
        }), digest(h -> {
            h.putString("a");
            h.putString("bc");
        }));
        assertNotEquals(digest(h -> h.putInt(1)), digest(h -> h.putLong(1)));
        assertNotEquals(digest(h -> {
            h.beginArray(2);
            h.putIntArray(new int[] {1});
            h.putIntArray(new int[] {2});
        }), digest(h -> {
            h.beginArray(1);
            h.putIntArray(new int[] {1, 2});
        }));
        assertNotEquals(digest(h -> h.putDouble(0.0)), digest(h -> h.putDouble(-0.0)));
        assertNotEquals(digest(h -> h.putNull()), digest(h -> h.putString("")));
        assertNotEquals(digest(h -> h.putIntArray(new int[0])), digest(h -> h.putLongArray(new long[0])));
        assertNotEquals(digest(h -> h.putEnum(KeyHasher.typeTag("a.E"), "X")),
                digest(h -> h.putEnum(KeyHasher.typeTag("a.F"), "X")));
    }

    @Test
    void everyNaNIsOneKeyForSingleValues() {
        double otherNaN = Double.longBitsToDouble(0x7ff8000000000001L);
        assertEquals(digest(h -> h.putDouble(Double.NaN)), digest(h -> h.putDouble(otherNaN)));
        float otherFloatNaN = Float.intBitsToFloat(0x7fc00001);
        assertEquals(digest(h -> h.putFloat(Float.NaN)), digest(h -> h.putFloat(otherFloatNaN)));
    }

    @Test
    void aClassKnownAtRunTimeHasTheTagOfItsName() {
        assertEquals(KeyHasher.typeTag(Thread.State.class.getName()), KeyHasher.typeTag(Thread.State.class));
    }

    @Test
    void boxedAndPrimitiveHashAlike() {
        Integer boxed = 7;
        assertEquals(digest(h -> h.putInt(7)), digest(h -> h.putInt(boxed)));
    }

    @Test
    void aHasherInUseIsNeverHandedOutTwice() {
        KeyHasher outer = KeyHasher.acquire();
        KeyHasher nested = KeyHasher.acquire();
        assertNotSame(outer, nested);
        nested.finish();
        outer.finish();
        KeyHasher again = KeyHasher.acquire();
        assertSame(outer, again);
        again.finish();
    }

    @Test
    void shortInputsDigestExactlyAsHash4jDoes() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        for (int len = 0; len <= 300; len++) {
            for (int trial = 0; trial < 20; trial++) {
                byte[] bytes = new byte[len];
                for (int i = 0; i < len; i++) {
                    bytes[i] = (byte) random.nextInt();
                }
                KeyHasher h = KeyHasher.create();
                h.putByteArray(bytes);
                h.finish();
                SpecStream expected = new SpecStream().tag(0x11).raw(4, len);
                for (byte b : bytes) {
                    expected.raw(1, b);
                }
                assertEquals(expected.digest(), Hex.of(h.high()) + Hex.of(h.low()), "length " + (len + 5));
            }
        }
    }

    @Test
    void everyLengthAroundTheBufferDigestsAsOneStream() {
        // Streams that cross the in-memory buffer mix buffered and streamed writes.
        for (int strings = 0; strings < 40; strings++) {
            int n = strings;
            SpecStream expected = new SpecStream();
            for (int i = 0; i < n; i++) {
                expected.tag(0x09).str("s" + i).tag(0x17).raw(4, i).pad8();
                for (int k = 0; k < i; k++) {
                    expected.raw(8, Double.doubleToRawLongBits(k * 0.5));
                }
            }
            assertEquals(expected.digest(), digest(h -> {
                for (int i = 0; i < n; i++) {
                    h.putString("s" + i);
                    double[] d = new double[i];
                    for (int k = 0; k < i; k++) {
                        d[k] = k * 0.5;
                    }
                    h.putDoubleArray(d);
                }
            }), "strings " + n);
        }
    }

    @Test
    void aReusedHasherForgetsItsLastStream() {
        KeyHasher h = KeyHasher.acquire();
        h.putDoubleArray(new double[1000]); // spills
        h.finish();
        KeyHasher again = KeyHasher.acquire();
        again.putInt(7);
        again.finish();
        assertEquals(digest(x -> x.putInt(7)), Hex.of(again.high()) + Hex.of(again.low()));
    }

    @Test
    void packedStreamsDigestLikeTheSameBytes() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        for (int len = 0; len <= 16; len++) {
            for (int trial = 0; trial < 200; trial++) {
                byte[] bytes = new byte[len];
                long s0 = 0;
                long s1 = 0;
                for (int i = 0; i < len; i++) {
                    bytes[i] = (byte) random.nextInt();
                    long b = bytes[i] & 0xffL;
                    if (i < 8) {
                        s0 |= b << (8 * i);
                    } else {
                        s1 |= b << (8 * (i - 8));
                    }
                }
                HashValue128 expected = Hashing.xxh3_128().hashBytesTo128Bits(bytes);
                assertEquals(expected.getMostSignificantBits(), KeyHasher.packedHigh(s0, s1, len), "high, length " + len);
                assertEquals(expected.getLeastSignificantBits(), KeyHasher.packedLow(s0, s1, len), "low, length " + len);
            }
        }
    }

    @Test
    void largeArraysAcrossStagingChunksDigestAsTheirRawBits() {
        int n = 5_000; // 40 KB: several 8 KiB staging chunks
        double[] doubles = new double[n];
        long[] longs = new long[n];
        for (int i = 0; i < n; i++) {
            doubles[i] = i % 97 == 0 ? Double.longBitsToDouble(0x7ff8000000000000L + i) : i * 0.25; // NaN payloads kept
            longs[i] = i * 0x9E3779B97F4A7C15L;
        }
        SpecStream d = new SpecStream().tag(0x05).raw(4, 7).tag(0x17).raw(4, n).pad8();
        SpecStream l = new SpecStream().tag(0x05).raw(4, 7).tag(0x15).raw(4, n).pad8();
        for (int i = 0; i < n; i++) {
            d.raw(8, Double.doubleToRawLongBits(doubles[i]));
            l.raw(8, longs[i]);
        }
        assertEquals(d.digest(), digest(h -> {
            h.putInt(7);
            h.putDoubleArray(doubles);
        }));
        assertEquals(l.digest(), digest(h -> {
            h.putInt(7);
            h.putLongArray(longs);
        }));
    }
}
