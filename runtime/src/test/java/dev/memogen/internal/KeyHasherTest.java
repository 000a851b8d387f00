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
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
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
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
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

        /** A BigInteger as the spec writes it: int32 byte count, two's complement, little-endian. */
        SpecStream bigInteger(java.math.BigInteger v) {
            byte[] bigEndian = v.toByteArray();
            raw(4, bigEndian.length);
            for (int i = bigEndian.length - 1; i >= 0; i--) {
                bytes.write(bigEndian[i]);
            }
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
    void jdkValueGoldenDigests() {
        // Spec version 3, tags 19 to 2C. Pinned like goldenDigests().
        assertEquals("623a8aa43077dac53aaedce5be2cb6ab", digest(h -> h.putBigInteger(new BigInteger("-123456789012345678901234567890"))));
        assertEquals("69669e6a0394cfbeda87e7be93b461df", digest(h -> h.putBigDecimal(new BigDecimal("1.00"))));
        assertEquals("eece0bc5656c884ce6e602c1a8d49ef9", digest(h -> h.putLocalDate(LocalDate.of(2026, 12, 2))));
        assertEquals("29c9d19c70c3a1c0d2030f8126857ca6", digest(h -> h.putLocalTime(LocalTime.of(15, 45, 1, 7))));
        assertEquals("ea474240dd395aa209c933e51eacd25a", digest(h -> h.putLocalDateTime(LocalDateTime.of(2026, 12, 2, 15, 45))));
        assertEquals("936d11651af93985a7c9e9c2db3eac23", digest(h -> h.putInstant(Instant.ofEpochSecond(1_790_000_000L, 123))));
        assertEquals("526f835e23aaa1b3a997d9ddf73ac611", digest(h -> h.putDuration(Duration.ofSeconds(-5, 250))));
        assertEquals("a4c775ce48fc80eeeb4bdfb41c0eab59", digest(h -> h.putPeriod(Period.of(1, 2, 3))));
        assertEquals("dfc0dbf0e6b463905ad53ecc06337ef8", digest(h -> h.putZonedDateTime(
                ZonedDateTime.of(2026, 3, 29, 1, 30, 0, 0, ZoneId.of("Europe/Paris")))));
        assertEquals("b76c2feebcf0d54180e01b3d74b456f4", digest(h -> h.putOffsetDateTime(
                OffsetDateTime.of(2026, 12, 2, 15, 45, 0, 0, ZoneOffset.ofHours(-5)))));
        assertEquals("7a559c5207832c15d0aacb38b9ab1734", digest(h -> h.putOffsetTime(OffsetTime.of(15, 45, 0, 0, ZoneOffset.UTC))));
        assertEquals("3e98aa2987dfafe420528fc728d3ecbf", digest(h -> h.putZoneId(ZoneId.of("America/New_York"))));
        assertEquals("39811f1123a837ac1a9f06f1285e352d", digest(h -> h.putZoneOffset(ZoneOffset.ofHoursMinutes(5, 30))));
        assertEquals("eebdcfa578414bfd522f213cf4f0fac4", digest(h -> h.putYear(Year.of(2026))));
        assertEquals("d0420f07693cd89a185951491110fdad", digest(h -> h.putYearMonth(YearMonth.of(2026, 12))));
        assertEquals("8edcfa6f04b0ae9fb6a43adfd4f8cfe0", digest(h -> h.putMonthDay(MonthDay.of(2, 29))));
        assertEquals("299f7f6f38e81cd6ff924e060e5faec4", digest(h -> h.putUuid(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"))));
        assertEquals("f0da26749ebb7dd4a8bcf2bf5a3c14b2", digest(h -> h.putUri(URI.create("https://example.com/a?b=c#d"))));
        assertEquals("ca14c9792b443dab4ec029e49acffc26", digest(h -> h.putLocale(Locale.forLanguageTag("sr-Latn-RS"))));
        assertEquals("3042294202200e46a872a7780d68d7b9", digest(h -> h.putCurrency(Currency.getInstance("EUR"))));
        assertEquals("29af2e78ff2fcb7b40f0b68d375500a0", digest(h -> h.putCharset(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals("016216932132649c43d1e11b717a0108", digest(h -> h.putOptionalInt(java.util.OptionalInt.of(-7))));
        assertEquals("1e66557d4162c3d810fe9aef084cd737", digest(h -> h.putOptionalLong(java.util.OptionalLong.of(Long.MIN_VALUE))));
        assertEquals("7b0befa13953bf02d35479b2a37fd118", digest(h -> h.putOptionalDouble(java.util.OptionalDouble.of(2.5))));
    }

    @Test
    void jdkValueStreamsFollowTheSpec() {
        BigInteger big = new BigInteger("-123456789012345678901234567890");
        assertEquals(new SpecStream().tag(0x19).bigInteger(big).digest(), digest(h -> h.putBigInteger(big)));
        // The allocation-free path (at most 8 bytes) and toByteArray() agree, at every length around it.
        for (int bits = 0; bits < 80; bits++) {
            for (BigInteger v : List.of(BigInteger.ONE.shiftLeft(bits), BigInteger.ONE.shiftLeft(bits).negate(),
                    BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE),
                    BigInteger.ONE.shiftLeft(bits).negate().subtract(BigInteger.ONE))) {
                assertEquals(new SpecStream().tag(0x19).bigInteger(v).digest(), digest(h -> h.putBigInteger(v)), v.toString());
            }
        }
        assertEquals(new SpecStream().tag(0x19).raw(4, 1).raw(1, 0).digest(), digest(h -> h.putBigInteger(BigInteger.ZERO)));
        assertEquals(new SpecStream().tag(0x1A).raw(4, 2).raw(4, 1).raw(1, 100).digest(),
                digest(h -> h.putBigDecimal(new BigDecimal("1.00"))));
        assertEquals(new SpecStream().tag(0x1B).raw(4, 2026).raw(1, 12).raw(1, 2).digest(),
                digest(h -> h.putLocalDate(LocalDate.of(2026, 12, 2))));
        LocalTime time = LocalTime.of(15, 45, 1, 7);
        assertEquals(new SpecStream().tag(0x1C).raw(8, time.toNanoOfDay()).digest(), digest(h -> h.putLocalTime(time)));
        assertEquals(new SpecStream().tag(0x1D).raw(4, 2026).raw(1, 12).raw(1, 2).raw(8, time.toNanoOfDay()).digest(),
                digest(h -> h.putLocalDateTime(LocalDateTime.of(LocalDate.of(2026, 12, 2), time))));
        assertEquals(new SpecStream().tag(0x1E).raw(8, -1).raw(4, 999_999_999).digest(),
                digest(h -> h.putInstant(Instant.ofEpochSecond(0, -1))));
        assertEquals(new SpecStream().tag(0x1F).raw(8, -5).raw(4, 250).digest(),
                digest(h -> h.putDuration(Duration.ofSeconds(-5, 250))));
        assertEquals(new SpecStream().tag(0x20).raw(4, 1).raw(4, 2).raw(4, 3).digest(),
                digest(h -> h.putPeriod(Period.of(1, 2, 3))));
        ZonedDateTime paris = ZonedDateTime.of(2026, 3, 29, 3, 30, 0, 0, ZoneId.of("Europe/Paris"));
        assertEquals(new SpecStream().tag(0x21).raw(4, 2026).raw(1, 3).raw(1, 29)
                .raw(8, paris.toLocalTime().toNanoOfDay()).raw(4, 7200).str("Europe/Paris").digest(),
                digest(h -> h.putZonedDateTime(paris)));
        assertEquals(new SpecStream().tag(0x22).raw(4, 2026).raw(1, 3).raw(1, 29)
                .raw(8, paris.toLocalTime().toNanoOfDay()).raw(4, 7200).digest(),
                digest(h -> h.putOffsetDateTime(paris.toOffsetDateTime())));
        assertEquals(new SpecStream().tag(0x23).raw(8, paris.toLocalTime().toNanoOfDay()).raw(4, 7200).digest(),
                digest(h -> h.putOffsetTime(paris.toOffsetDateTime().toOffsetTime())));
        assertEquals(new SpecStream().tag(0x24).str("Europe/Paris").digest(), digest(h -> h.putZoneId(ZoneId.of("Europe/Paris"))));
        assertEquals(new SpecStream().tag(0x24).str("Z").digest(), digest(h -> h.putZoneId(ZoneOffset.UTC)));
        assertEquals(new SpecStream().tag(0x25).raw(4, -3600).digest(), digest(h -> h.putZoneOffset(ZoneOffset.ofHours(-1))));
        assertEquals(new SpecStream().tag(0x26).raw(4, -44).digest(), digest(h -> h.putYear(Year.of(-44))));
        assertEquals(new SpecStream().tag(0x27).raw(4, 2026).raw(1, 12).digest(), digest(h -> h.putYearMonth(YearMonth.of(2026, 12))));
        assertEquals(new SpecStream().tag(0x28).raw(1, 2).raw(1, 29).digest(), digest(h -> h.putMonthDay(MonthDay.of(2, 29))));
        UUID uuid = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        assertEquals(new SpecStream().tag(0x29).raw(8, uuid.getMostSignificantBits()).raw(8, uuid.getLeastSignificantBits())
                .digest(), digest(h -> h.putUuid(uuid)));
        assertEquals(new SpecStream().tag(0x2A).str("https://example.com/a?b=c#d").digest(),
                digest(h -> h.putUri(URI.create("https://example.com/a?b=c#d"))));
        assertEquals(new SpecStream().tag(0x2B).str("sr-Latn-RS").raw(1, 0).digest(),
                digest(h -> h.putLocale(Locale.forLanguageTag("sr-Latn-RS"))));
        @SuppressWarnings("deprecation") // a legacy locale the language tag does not give back
        Locale legacy = new Locale("en", "US", "a b"); // its tag is en-US: the variant is not well-formed
        assertEquals(new SpecStream().tag(0x2B).str("en-US").raw(1, 1).str("en").str("US").str("a b")
                .digest(), digest(h -> h.putLocale(legacy)));
        assertEquals(new SpecStream().tag(0x2C).str("EUR").digest(), digest(h -> h.putCurrency(Currency.getInstance("EUR"))));
        assertEquals(new SpecStream().tag(0x2D).str("UTF-8").digest(),
                digest(h -> h.putCharset(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals(new SpecStream().tag(0x2E).raw(1, 1).raw(4, -7).digest(),
                digest(h -> h.putOptionalInt(java.util.OptionalInt.of(-7))));
        assertEquals(new SpecStream().tag(0x2E).raw(1, 0).digest(),
                digest(h -> h.putOptionalInt(java.util.OptionalInt.empty())));
        assertEquals(new SpecStream().tag(0x2F).raw(1, 1).raw(8, Long.MIN_VALUE).digest(),
                digest(h -> h.putOptionalLong(java.util.OptionalLong.of(Long.MIN_VALUE))));
        assertEquals(new SpecStream().tag(0x30).raw(1, 1).raw(8, Double.doubleToLongBits(-0.0)).digest(),
                digest(h -> h.putOptionalDouble(java.util.OptionalDouble.of(-0.0))));
        assertEquals(new SpecStream().tag(0x30).raw(1, 1).raw(8, Double.doubleToLongBits(Double.NaN)).digest(),
                digest(h -> h.putOptionalDouble(java.util.OptionalDouble.of(Double.longBitsToDouble(0x7ff8000000000123L)))),
                "every NaN alike, as for double");
        assertEquals(new SpecStream().tag(0x30).raw(1, 0).digest(),
                digest(h -> h.putOptionalDouble(java.util.OptionalDouble.empty())));
    }

    @Test
    void patternBitSetAndCharSequenceGoldenDigests() {
        // Spec version 3, tags 31 and 32 (a CharSequence is a String's tag 09). Pinned as above.
        assertEquals("f4c0e2d59d71baf664579ef702d172a9", digest(h -> h.putPattern(
                java.util.regex.Pattern.compile("a+b", java.util.regex.Pattern.CASE_INSENSITIVE))));
        java.util.BitSet bits = new java.util.BitSet();
        bits.set(1);
        bits.set(64);
        bits.set(130);
        assertEquals("41303fd69d4245b6c151fc16226af729", digest(h -> h.putBitSet(bits)));
        // The String "memogen" of goldenDigests: a CharSequence with the same chars is the same key.
        assertEquals("0926b1b4bd741d150d399adffdc2b102", digest(h -> h.putCharSequence(new StringBuilder("memogen"))));
    }

    @Test
    void pathGoldenDigests() {
        // Spec version 3, tags 33 and 34: a path is its absolute normalised path in the stream, by
        // name alone or not; what the file holds is the argument version (below).
        assertEquals(new SpecStream().tag(0x33).str("/nonexistent-memogen-golden/in.csv").digest(),
                digest(h -> h.putPath(java.nio.file.Path.of("/nonexistent-memogen-golden/x/../in.csv"))));
        assertEquals("4a8dcf355705eb82aad62354c5ca4b64",
                digest(h -> h.putPath(java.nio.file.Path.of("/nonexistent-memogen-golden/in.csv"))));
        assertEquals("d408243a1a595b5d6cfe45ec08527a91", digest(h -> h.putPathName(java.nio.file.Path.of("/data/in.csv"))));
        assertEquals(new SpecStream().tag(0x34).str("/data/in.csv").digest(),
                digest(h -> h.putPathName(java.nio.file.Path.of("/data/./in.csv"))));
        assertEquals(digest(h -> h.putPathName(java.nio.file.Path.of("/data/in.csv"))),
                digest(h -> h.putFileName(new java.io.File("/data/in.csv"))), "a File is keyed as its Path");
    }

    /** The argument version of a stream of the given puts: "high low" in hex. */
    private static String version(java.util.function.Consumer<KeyHasher> puts) {
        KeyHasher h = KeyHasher.acquire();
        puts.accept(h);
        h.finish();
        return Hex.of(h.versionHigh()) + " " + Hex.of(h.versionLow());
    }

    /** The XXH3-128 of one path's (path, kind, digest), what it adds to the argument version. */
    private static long[] versionPart(String path, int kind, long high, long low) {
        SpecStream part = new SpecStream().str(path).raw(1, kind).raw(8, high).raw(8, low);
        HashValue128 v = Hashing.xxh3_128().hashBytesTo128Bits(part.bytes.toByteArray());
        return new long[] {v.getMostSignificantBits(), v.getLeastSignificantBits()};
    }

    @Test
    void filesAndTreesAreKeyedByWhatTheyHold(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        assertEquals("0000000000000000 0000000000000000", version(h -> h.putInt(7)), "no file: version zero");
        java.nio.file.Path file = dir.resolve("f.txt");
        java.nio.file.Files.writeString(file, "hello");
        HashValue128 content = Hashing.xxh3_128().hashBytesTo128Bits("hello".getBytes(StandardCharsets.US_ASCII));
        long[] part = versionPart(file.toString(), 1, content.getMostSignificantBits(), content.getLeastSignificantBits());
        assertEquals(Hex.of(part[0]) + " " + Hex.of(part[1]), version(h -> h.putPath(file)),
                "a file: the XXH3-128 of its path, kind 1 and the XXH3-128 of its bytes");
        assertEquals(version(h -> h.putPath(file)), version(h -> h.putFile(file.toFile())));
        long[] absent = versionPart(dir.resolve("none").toString(), 0, 0, 0);
        assertEquals(Hex.of(part[0] + absent[0]) + " " + Hex.of(part[1] + absent[1]),
                version(h -> {
                    h.putPath(dir.resolve("none"));
                    h.putPath(file);
                }), "the parts add up (order-independent, as a set's elements are)");
        assertEquals(version(h -> h.putPath(file)), version(h -> h.child().putPath(file)),
                "a path in a set or map (a child hasher) counts in the outer version");
        // A directory: kind 2 and the XXH3-128 of its sorted entries (count; each: kind, relative
        // path, executable bit, and for a file its content digest).
        java.nio.file.Path tree = dir.resolve("t");
        java.nio.file.Files.createDirectories(tree.resolve("sub"));
        java.nio.file.Files.writeString(tree.resolve("sub/f.txt"), "hello");
        SpecStream entries = new SpecStream().raw(4, 2)
                .raw(1, 2).str("sub").raw(1, 1) // directories are executable (searchable)
                .raw(1, 1).str("sub/f.txt").raw(1, 0)
                .raw(8, content.getMostSignificantBits()).raw(8, content.getLeastSignificantBits());
        HashValue128 treeDigest = Hashing.xxh3_128().hashBytesTo128Bits(entries.bytes.toByteArray());
        long[] treePart = versionPart(tree.toString(), 2, treeDigest.getMostSignificantBits(),
                treeDigest.getLeastSignificantBits());
        assertEquals(Hex.of(treePart[0]) + " " + Hex.of(treePart[1]), version(h -> h.putPath(tree)));
        assertEquals(new SpecStream().tag(0x33).str(tree.toString()).digest(), digest(h -> h.putPath(tree)));
    }

    @Test
    void patternBitSetAndCharSequenceStreamsFollowTheSpec() {
        assertEquals(new SpecStream().tag(0x31).str("a+b").raw(4, java.util.regex.Pattern.CASE_INSENSITIVE).digest(),
                digest(h -> h.putPattern(java.util.regex.Pattern.compile("a+b", java.util.regex.Pattern.CASE_INSENSITIVE))));
        assertEquals(new SpecStream().tag(0x31).str("").raw(4, 0).digest(),
                digest(h -> h.putPattern(java.util.regex.Pattern.compile(""))));
        java.util.BitSet bits = new java.util.BitSet();
        bits.set(1);
        bits.set(64);
        bits.set(130);
        assertEquals(new SpecStream().tag(0x32).raw(4, 3).raw(8, 2L).raw(8, 1L).raw(8, 4L).digest(),
                digest(h -> h.putBitSet(bits)));
        assertEquals(new SpecStream().tag(0x32).raw(4, 0).digest(), digest(h -> h.putBitSet(new java.util.BitSet())));
        java.util.BitSet cleared = new java.util.BitSet(1000); // room for 1000 bits, then a bit set and cleared
        cleared.set(700);
        cleared.clear(700);
        assertEquals(digest(h -> h.putBitSet(new java.util.BitSet())), digest(h -> h.putBitSet(cleared)),
                "no trailing zero words, as BitSet.equals");
        assertEquals(new SpecStream().tag(0x09).str("héllo").digest(),
                digest(h -> h.putCharSequence(new StringBuilder("héllo"))));
        assertEquals(digest(h -> h.putString("héllo")), digest(h -> h.putCharSequence(java.nio.CharBuffer.wrap("héllo"))));
        assertEquals(digest(h -> h.putString("ab")), digest(h -> h.putCharSequence("ab")));
    }

    @Test
    void patternsAreKeysByRegexAndFlagsNotByIdentity() {
        java.util.regex.Pattern a = java.util.regex.Pattern.compile("x*");
        java.util.regex.Pattern b = java.util.regex.Pattern.compile("x*");
        assertNotEquals(a, b); // Pattern.equals is identity
        assertEquals(digest(h -> h.putPattern(a)), digest(h -> h.putPattern(b)));
        assertNotEquals(digest(h -> h.putPattern(a)),
                digest(h -> h.putPattern(java.util.regex.Pattern.compile("x*", java.util.regex.Pattern.MULTILINE))));
        assertNotEquals(digest(h -> h.putPattern(a)), digest(h -> h.putString("x*")));
        assertEquals(true, MemoryKeys.samePattern(a, b));
        assertEquals(MemoryKeys.hashPattern(a), MemoryKeys.hashPattern(b));
        assertEquals(false, MemoryKeys.samePattern(a, java.util.regex.Pattern.compile("x*", java.util.regex.Pattern.COMMENTS)));
        assertEquals(false, MemoryKeys.samePattern(a, null));
    }

    @Test
    void aSequenceIsCountedBeforeItsElementsAndIteratedOnce() {
        java.util.List<String> list = java.util.List.of("a", "b");
        assertSame(list, KeyHasher.sized(list), "a Collection is used as it is");
        int[] iterations = {0};
        Iterable<String> once = () -> {
            iterations[0]++;
            return java.util.List.of("a", "b").iterator();
        };
        assertEquals(list, new java.util.ArrayList<>(KeyHasher.sized(once)));
        assertEquals(1, iterations[0]);
    }

    @Test
    void jdkValuesThatAreNotEqualAreDifferentKeys() {
        assertNotEquals(digest(h -> h.putBigDecimal(new BigDecimal("1.0"))), digest(h -> h.putBigDecimal(new BigDecimal("1.00"))));
        assertNotEquals(digest(h -> h.putBigDecimal(new BigDecimal("1"))), digest(h -> h.putBigInteger(BigInteger.ONE)));
        Instant t = Instant.parse("2026-12-02T15:45:00Z");
        assertNotEquals(digest(h -> h.putInstant(t)), digest(h -> h.putInstant(t.plusNanos(1))));
        LocalDateTime local = LocalDateTime.of(2026, 12, 2, 9, 0);
        assertNotEquals(digest(h -> h.putZonedDateTime(local.atZone(ZoneId.of("Europe/Paris")))),
                digest(h -> h.putZonedDateTime(local.atZone(ZoneId.of("Europe/Berlin")))));
        // The same instant, written in two zones: equals says they differ, and so do their keys.
        ZonedDateTime utc = t.atZone(ZoneOffset.UTC);
        assertNotEquals(digest(h -> h.putZonedDateTime(utc)), digest(h -> h.putZonedDateTime(utc.withZoneSameInstant(ZoneId.of("UTC")))));
        assertNotEquals(digest(h -> h.putPeriod(Period.ofYears(1))), digest(h -> h.putPeriod(Period.ofMonths(12))));
        assertNotEquals(digest(h -> h.putZoneId(ZoneId.of("UTC"))), digest(h -> h.putZoneId(ZoneOffset.UTC)));
        assertNotEquals(digest(h -> h.putLocale(Locale.CANADA)), digest(h -> h.putLocale(Locale.CANADA_FRENCH)));
        assertNotEquals(digest(h -> h.putLocale(Locale.US)), digest(h -> h.putLocale(legacyLocale())));
    }

    @SuppressWarnings("deprecation") // a locale its language tag (en-US) does not give back
    private static Locale legacyLocale() {
        return new Locale("en", "US", "a b");
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
