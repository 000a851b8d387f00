package dev.memogen.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.internal.codec.CorruptValueException;
import dev.memogen.internal.codec.ValueReader;
import dev.memogen.internal.codec.ValueWriter;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ValueCodecTest {

    @Test
    void everyPrimitiveAndArrayRoundTripsExactly() {
        ValueWriter out = new ValueWriter(16);
        out.writeBoolean(true);
        out.writeByte((byte) -7);
        out.writeShort((short) -300);
        out.writeChar('\uD800'); // a lone surrogate survives: strings are stored as code units
        out.writeInt(Integer.MIN_VALUE);
        out.writeLong(Long.MAX_VALUE);
        out.writeFloat(Float.intBitsToFloat(0x7fc00001));
        out.writeDouble(-0.0);
        out.writeString("h\u00e9llo \uD83D\uDE00 \uDC00");
        out.writeBooleanArray(new boolean[] {true, false});
        out.writeByteArray(new byte[] {1, 2, 3});
        out.writeShortArray(new short[] {-1, 2});
        out.writeCharArray(new char[] {'a', '\uFFFF'});
        out.writeIntArray(new int[] {1, -2, 3});
        out.writeLongArray(new long[] {Long.MIN_VALUE, 0});
        out.writeFloatArray(new float[] {1.5f, Float.intBitsToFloat(0x7fc00002)});
        double[] big = new double[100_000];
        Arrays.setAll(big, i -> i * 0.5);
        big[7] = Double.longBitsToDouble(0x7ff8000000000003L);
        out.writeDoubleArray(big);

        ValueReader in = new ValueReader(out.toByteArray());
        assertEquals(true, in.readBoolean());
        assertEquals(-7, in.readByte());
        assertEquals(-300, in.readShort());
        assertEquals('\uD800', in.readChar());
        assertEquals(Integer.MIN_VALUE, in.readInt());
        assertEquals(Long.MAX_VALUE, in.readLong());
        assertEquals(0x7fc00001, Float.floatToRawIntBits(in.readFloat()));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(in.readDouble()));
        assertEquals("h\u00e9llo \uD83D\uDE00 \uDC00", in.readString());
        assertArrayEquals(new boolean[] {true, false}, in.readBooleanArray());
        assertArrayEquals(new byte[] {1, 2, 3}, in.readByteArray());
        assertArrayEquals(new short[] {-1, 2}, in.readShortArray());
        assertArrayEquals(new char[] {'a', '\uFFFF'}, in.readCharArray());
        assertArrayEquals(new int[] {1, -2, 3}, in.readIntArray());
        assertArrayEquals(new long[] {Long.MIN_VALUE, 0}, in.readLongArray());
        float[] floats = in.readFloatArray();
        assertEquals(0x7fc00002, Float.floatToRawIntBits(floats[1]));
        double[] back = in.readDoubleArray();
        assertEquals(0x7ff8000000000003L, Double.doubleToRawLongBits(back[7]));
        assertArrayEquals(big, back);
        in.expectEnd();
    }

    @Test
    void truncatedOrDamagedInputIsRejectedNotMisread() {
        ValueWriter out = new ValueWriter();
        out.writeDoubleArray(new double[] {1, 2, 3});
        byte[] bytes = out.toByteArray();
        assertThrows(CorruptValueException.class,
                () -> new ValueReader(Arrays.copyOf(bytes, bytes.length - 1)).readDoubleArray());
        byte[] hugeLength = bytes.clone();
        hugeLength[3] = 0x7f; // length prefix now claims ~2 billion elements
        assertThrows(CorruptValueException.class, () -> new ValueReader(hugeLength).readDoubleArray());
        byte[] negative = bytes.clone();
        negative[3] = (byte) 0x80;
        assertThrows(CorruptValueException.class, () -> new ValueReader(negative).readDoubleArray());
        assertThrows(CorruptValueException.class, () -> new ValueReader(new byte[] {2}).readBoolean());
        ValueReader trailing = new ValueReader(new byte[] {1, 0});
        trailing.readBoolean();
        assertThrows(CorruptValueException.class, trailing::expectEnd);
    }

    /** Strings of every kind, at even and odd offsets, read whole and through a small buffer refilled from a source. */
    @Test
    void stringsRoundTripExactlyInBothForms() {
        StringBuilder longLatin1 = new StringBuilder();
        StringBuilder longUtf16 = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            longLatin1.append((char) (i % 256));
            longUtf16.append((char) (i * 37 % 65536)); // lone surrogates among them
        }
        String[] strings = {"", "a", "word", "h\u00e9llo w\u00f6rld \u00ff", "\u0000\u0001", "\u20ac", "\uD800",
            "\uDC00x", "ok \uD83D\uDE00", longLatin1.toString(), longUtf16.toString(), "x\u0100"};
        ValueWriter out = new ValueWriter(16);
        for (int odd = 0; odd < 2; odd++) {
            if (odd == 1) {
                out.writeByte((byte) 5); // every string after it starts at the other parity
            }
            for (String s : strings) {
                out.writeString(s);
            }
        }
        byte[] bytes = out.toByteArray();
        // Latin-1 strings take one byte a char, the others two: "word" is a length and 4 bytes
        ValueWriter word = new ValueWriter();
        word.writeString("word");
        assertEquals(8, word.size());
        ValueWriter accents = new ValueWriter();
        accents.writeString("\u00e9\u00ff");
        assertEquals(6, accents.size());
        ValueWriter euro = new ValueWriter();
        euro.writeString("\u20ac");
        assertEquals(6, euro.size());

        for (int buffer : new int[] {bytes.length, 16, 7}) {
            ValueReader in = buffer == bytes.length ? new ValueReader(bytes) : piecewise(bytes, buffer);
            for (int odd = 0; odd < 2; odd++) {
                if (odd == 1) {
                    assertEquals(5, in.readByte());
                }
                for (String s : strings) {
                    assertEquals(s, in.readString(), "buffer " + buffer);
                }
            }
            in.expectEnd();
        }
    }

    @Test
    void aStringLongerThanItsBytesIsCorrupt() {
        for (int header : new int[] {5, Integer.MAX_VALUE, ~3, ~Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            ValueWriter out = new ValueWriter();
            out.writeInt(header);
            out.writeInt(0x41414141); // 4 bytes: enough for a Latin-1 string of 4, a UTF-16 one of 2
            byte[] bytes = out.toByteArray();
            assertThrows(CorruptValueException.class, () -> new ValueReader(bytes).readString(), "header " + header);
            assertThrows(CorruptValueException.class, () -> piecewise(bytes, 5).readString(), "header " + header);
        }
        ValueWriter fits = new ValueWriter();
        fits.writeInt(~2);
        fits.writeInt(0x00420041);
        assertEquals("AB", new ValueReader(fits.toByteArray()).readString());
    }

    /** A reader of {@code bytes} that holds at most {@code buffer} of them at a time, as a store reads a large value. */
    private static ValueReader piecewise(byte[] bytes, int buffer) {
        byte[] buf = Arrays.copyOf(bytes, buffer);
        int[] next = {buffer};
        return new ValueReader(buf, buffer, (into, offset, length) -> {
            int k = Math.min(length, 3); // a source may give fewer bytes than asked
            System.arraycopy(bytes, next[0], into, offset, k);
            next[0] += k;
            return k;
        }, bytes.length - buffer);
    }

    @Test
    void aDeferringWriterGivesTheSameBytesWholeAndInChunks() throws Exception {
        int n = ValueWriter.DEFER_MIN / 2 + 3; // every array of 2+ byte elements is deferred, byte[] too below
        byte[] bytes = new byte[ValueWriter.DEFER_MIN + 5];
        short[] shorts = new short[n];
        char[] chars = new char[n];
        int[] ints = new int[n];
        long[] longs = new long[n];
        float[] floats = new float[n];
        double[] doubles = new double[n];
        java.util.Random random = new java.util.Random(3);
        random.nextBytes(bytes);
        for (int i = 0; i < n; i++) {
            shorts[i] = (short) random.nextInt();
            chars[i] = (char) random.nextInt();
            ints[i] = random.nextInt();
            longs[i] = random.nextLong();
            floats[i] = Float.intBitsToFloat(random.nextInt());
            doubles[i] = Double.longBitsToDouble(random.nextLong());
        }
        ValueWriter plain = new ValueWriter();
        ValueWriter deferring = ValueWriter.deferring(0);
        ValueWriter keepsSmall = ValueWriter.deferring(16 << 20); // the whole encoding is ~3.8 MiB
        ValueWriter fromTheMiddle = ValueWriter.deferring(1 << 20); // the int[] goes past 1 MiB
        for (ValueWriter out : new ValueWriter[] {plain, deferring, keepsSmall, fromTheMiddle}) {
            out.writeBoolean(true);
            out.writeByteArray(bytes);
            out.writeShortArray(shorts);
            out.writeString("between");
            out.writeCharArray(chars);
            out.writeIntArray(ints);
            out.writeByteArray(new byte[] {9, 8, 7}); // small: copied even by a deferring writer
            out.writeLongArray(longs);
            out.writeFloatArray(floats);
            out.writeDoubleArray(doubles);
            out.writeLong(-1);
        }
        assertEquals(false, plain.hasDeferred());
        assertEquals(false, keepsSmall.hasDeferred());
        assertEquals(true, deferring.hasDeferred());
        assertEquals(true, fromTheMiddle.hasDeferred());
        byte[] expected = plain.toByteArray();
        java.io.ByteArrayOutputStream middle = new java.io.ByteArrayOutputStream();
        fromTheMiddle.forEachChunk(4096, middle::write);
        assertArrayEquals(expected, middle.toByteArray());
        assertEquals(expected.length, deferring.size());
        for (int chunk : new int[] {8, 4096, 65536, 1 << 20}) {
            java.io.ByteArrayOutputStream pieces = new java.io.ByteArrayOutputStream();
            int[] largest = {0};
            deferring.forEachChunk(chunk, (b, off, len) -> {
                pieces.write(b, off, len);
                largest[0] = Math.max(largest[0], len);
            });
            assertArrayEquals(expected, pieces.toByteArray(), "chunks of " + chunk);
            if (chunk >= 4096) { // the buffer's own pieces here are a few dozen bytes
                assertEquals(true, largest[0] <= chunk, "a piece of an array is at most a chunk");
            }
        }
        assertArrayEquals(expected, Arrays.copyOf(deferring.array(), deferring.size()));
        assertEquals(false, deferring.hasDeferred(), "array() copies the deferred arrays in");
        assertArrayEquals(expected, deferring.toByteArray());
        assertArrayEquals(expected, keepsSmall.toByteArray());
    }

    @Test
    void aFileIsWrittenFromTheFileAndCopiedBackInPieces(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        byte[] content = new byte[(1 << 20) + 12345];
        new java.util.Random(7).nextBytes(content);
        java.nio.file.Path file = java.nio.file.Files.write(dir.resolve("f.bin"), content);
        ValueWriter plain = new ValueWriter();
        ValueWriter deferring = ValueWriter.deferring(0);
        for (ValueWriter out : new ValueWriter[] {plain, deferring}) {
            out.writeInt(42);
            out.writeFileBytes(file, content.length);
            out.writeInt(43);
        }
        assertEquals(false, plain.hasDeferred());
        assertEquals(true, deferring.hasDeferred(), "kept by reference: read when handed over");
        java.io.ByteArrayOutputStream chunks = new java.io.ByteArrayOutputStream();
        deferring.forEachChunk(4096, (b, off, len) -> {
            assertTrue(len <= 4096);
            chunks.write(b, off, len);
        });
        byte[] expected = plain.toByteArray();
        assertEquals(4 + content.length + 4, expected.length);
        assertArrayEquals(content, Arrays.copyOfRange(expected, 4, 4 + content.length));
        assertArrayEquals(expected, chunks.toByteArray());

        // Read back through a source that refills a small buffer, as a large entry is.
        byte[] buf = new byte[1024];
        int[] at = {0};
        ValueReader in = new ValueReader(buf, 0, (into, offset, length) -> {
            int n = Math.min(length, expected.length - at[0]);
            System.arraycopy(expected, at[0], into, offset, n);
            at[0] += n;
            return n;
        }, expected.length);
        assertEquals(42, in.readInt());
        java.io.ByteArrayOutputStream copied = new java.io.ByteArrayOutputStream();
        in.copyBytes(content.length, (b, off, len) -> {
            assertTrue(len <= buf.length, "never more than a buffer at once");
            copied.write(b, off, len);
        });
        assertArrayEquals(content, copied.toByteArray());
        assertEquals(43, in.readInt());
        in.expectEnd();
        ValueReader skipping = new ValueReader(expected);
        skipping.readInt();
        skipping.copyBytes(content.length, null);
        assertEquals(43, skipping.readInt());
        assertThrows(CorruptValueException.class, () -> new ValueReader(expected).copyBytes(expected.length + 1, null));

        assertArrayEquals(expected, deferring.toByteArray(), "flattened: read from the file");
        ValueWriter grown = ValueWriter.deferring(0);
        grown.writeFileBytes(file, content.length);
        java.nio.file.Files.write(file, new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
        java.io.IOException changed = assertThrows(java.io.IOException.class, () -> grown.forEachChunk(4096,
                (b, off, len) -> { }));
        assertTrue(changed.getMessage().contains("changed while it was being stored"), changed.getMessage());
        assertThrows(java.io.UncheckedIOException.class, () -> new ValueWriter().writeFileBytes(file, content.length),
                "a file of another length than said is refused when read at once too");
    }

    @Test
    @SuppressWarnings("deprecation") // a legacy locale its language tag does not give back
    void jdkValuesRoundTripToEqualValues() {
        java.util.List<Object> values = java.util.List.of(
                new java.math.BigInteger("-123456789012345678901234567890"), java.math.BigInteger.ZERO,
                new java.math.BigDecimal("1.00"), new java.math.BigDecimal("-1E+400"),
                java.time.LocalDate.of(-999_999_999, 1, 1), java.time.LocalTime.MAX,
                java.time.LocalDateTime.of(2026, 12, 2, 15, 45, 1, 7), java.time.Instant.ofEpochSecond(-1, 999_999_999),
                java.time.Duration.ofSeconds(-5, 250), java.time.Period.of(1, -2, 3),
                java.time.ZonedDateTime.of(2026, 10, 25, 2, 30, 0, 0, java.time.ZoneId.of("Europe/Paris"))
                        .withLaterOffsetAtOverlap(),
                java.time.OffsetDateTime.of(2026, 12, 2, 15, 45, 0, 0, java.time.ZoneOffset.ofHours(-5)),
                java.time.OffsetTime.of(15, 45, 0, 1, java.time.ZoneOffset.MAX), java.time.ZoneId.of("America/New_York"),
                java.time.ZoneOffset.ofHoursMinutes(5, 30), java.time.Year.of(-44), java.time.YearMonth.of(2026, 12),
                java.time.MonthDay.of(2, 29), java.util.UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
                java.net.URI.create("https://Example.com/a%20b?c=d#e"), java.util.Locale.forLanguageTag("sr-Latn-RS"),
                new java.util.Locale("en", "US", "a b"), new java.util.Locale("ja", "JP", "JP"),
                java.util.Currency.getInstance("EUR"), java.nio.charset.StandardCharsets.UTF_16LE,
                java.util.OptionalInt.of(-7), java.util.OptionalInt.empty(), java.util.OptionalLong.of(Long.MAX_VALUE),
                java.util.OptionalLong.empty(), java.util.OptionalDouble.of(-0.0), java.util.OptionalDouble.empty());
        ValueWriter out = new ValueWriter(16);
        for (Object v : values) {
            write(out, v);
        }
        ValueReader in = new ValueReader(out.toByteArray());
        for (Object v : values) {
            Object back = read(in, v.getClass());
            assertEquals(v, back);
            assertEquals(v.toString(), back.toString());
        }
        in.expectEnd();
    }

    @Test
    void damagedJdkValuesAreCorrupt() {
        ValueWriter out = new ValueWriter(16);
        out.writeInt(2026);
        out.writeByte((byte) 13); // month 13
        out.writeByte((byte) 1);
        assertThrows(CorruptValueException.class, () -> new ValueReader(out.toByteArray()).readLocalDate());
        ValueWriter zone = new ValueWriter(16);
        zone.writeString("Not/AZone");
        assertThrows(CorruptValueException.class, () -> new ValueReader(zone.toByteArray()).readZoneId());
    }

    @Test
    void patternsBitSetsAndCharSequencesRoundTrip() {
        java.util.regex.Pattern p = java.util.regex.Pattern.compile("(?<y>\\d{4})-é", java.util.regex.Pattern.UNICODE_CASE
                | java.util.regex.Pattern.CASE_INSENSITIVE);
        java.util.BitSet bits = new java.util.BitSet();
        bits.set(0);
        bits.set(63, 129);
        ValueWriter out = new ValueWriter(16);
        out.writePattern(p);
        out.writeBitSet(bits);
        out.writeBitSet(new java.util.BitSet());
        out.writeCharSequence(new StringBuilder("héllo"));
        ValueReader in = new ValueReader(out.toByteArray());
        java.util.regex.Pattern back = in.readPattern();
        assertEquals(p.pattern(), back.pattern());
        assertEquals(p.flags(), back.flags());
        assertEquals(bits, in.readBitSet());
        assertEquals(new java.util.BitSet(), in.readBitSet());
        CharSequence text = in.readCharSequence();
        assertEquals("héllo", text);
        assertEquals(String.class, text.getClass());
        in.expectEnd();
    }

    @Test
    void aDamagedPatternIsCorrupt() {
        ValueWriter syntax = new ValueWriter(16);
        syntax.writeString("(unclosed");
        syntax.writeInt(0);
        assertThrows(CorruptValueException.class, () -> new ValueReader(syntax.toByteArray()).readPattern());
        ValueWriter flags = new ValueWriter(16);
        flags.writeString("a");
        flags.writeInt(1 << 30); // no such flag
        assertThrows(CorruptValueException.class, () -> new ValueReader(flags.toByteArray()).readPattern());
    }

    @Test
    void sortedResultsWithTheirOwnComparatorAndDequesHoldingNullAreRefused() {
        ValueWriter out = new ValueWriter(16);
        out.writeSortedSize(2, null);
        assertThrows(IllegalArgumentException.class,
                () -> out.writeSortedSize(2, java.util.Comparator.reverseOrder()));
        java.util.Deque<String> withNull = new java.util.LinkedList<>();
        withNull.add("a");
        withNull.add(null);
        assertThrows(IllegalArgumentException.class, () -> out.writeDequeSize(withNull));
        out.writeDequeSize(new java.util.ArrayDeque<>(java.util.List.of("a", "b")));
        ValueReader in = new ValueReader(out.toByteArray());
        assertEquals(2, in.readInt());
        assertEquals(2, in.readInt());
        in.expectEnd();
    }

    private static void write(ValueWriter out, Object v) {
        if (v instanceof java.math.BigInteger x) {
            out.writeBigInteger(x);
        } else if (v instanceof java.math.BigDecimal x) {
            out.writeBigDecimal(x);
        } else if (v instanceof java.time.LocalDate x) {
            out.writeLocalDate(x);
        } else if (v instanceof java.time.LocalTime x) {
            out.writeLocalTime(x);
        } else if (v instanceof java.time.LocalDateTime x) {
            out.writeLocalDateTime(x);
        } else if (v instanceof java.time.Instant x) {
            out.writeInstant(x);
        } else if (v instanceof java.time.Duration x) {
            out.writeDuration(x);
        } else if (v instanceof java.time.Period x) {
            out.writePeriod(x);
        } else if (v instanceof java.time.ZonedDateTime x) {
            out.writeZonedDateTime(x);
        } else if (v instanceof java.time.OffsetDateTime x) {
            out.writeOffsetDateTime(x);
        } else if (v instanceof java.time.OffsetTime x) {
            out.writeOffsetTime(x);
        } else if (v instanceof java.time.ZoneOffset x) {
            out.writeZoneOffset(x);
        } else if (v instanceof java.time.ZoneId x) {
            out.writeZoneId(x);
        } else if (v instanceof java.time.Year x) {
            out.writeYear(x);
        } else if (v instanceof java.time.YearMonth x) {
            out.writeYearMonth(x);
        } else if (v instanceof java.time.MonthDay x) {
            out.writeMonthDay(x);
        } else if (v instanceof java.util.UUID x) {
            out.writeUuid(x);
        } else if (v instanceof java.net.URI x) {
            out.writeUri(x);
        } else if (v instanceof java.util.Locale x) {
            out.writeLocale(x);
        } else if (v instanceof java.nio.charset.Charset x) {
            out.writeCharset(x);
        } else if (v instanceof java.util.OptionalInt x) {
            out.writeOptionalInt(x);
        } else if (v instanceof java.util.OptionalLong x) {
            out.writeOptionalLong(x);
        } else if (v instanceof java.util.OptionalDouble x) {
            out.writeOptionalDouble(x);
        } else {
            out.writeCurrency((java.util.Currency) v);
        }
    }

    private static Object read(ValueReader in, Class<?> type) {
        if (type == java.math.BigInteger.class) {
            return in.readBigInteger();
        } else if (type == java.math.BigDecimal.class) {
            return in.readBigDecimal();
        } else if (type == java.time.LocalDate.class) {
            return in.readLocalDate();
        } else if (type == java.time.LocalTime.class) {
            return in.readLocalTime();
        } else if (type == java.time.LocalDateTime.class) {
            return in.readLocalDateTime();
        } else if (type == java.time.Instant.class) {
            return in.readInstant();
        } else if (type == java.time.Duration.class) {
            return in.readDuration();
        } else if (type == java.time.Period.class) {
            return in.readPeriod();
        } else if (type == java.time.ZonedDateTime.class) {
            return in.readZonedDateTime();
        } else if (type == java.time.OffsetDateTime.class) {
            return in.readOffsetDateTime();
        } else if (type == java.time.OffsetTime.class) {
            return in.readOffsetTime();
        } else if (type == java.time.ZoneOffset.class) {
            return in.readZoneOffset();
        } else if (java.time.ZoneId.class.isAssignableFrom(type)) {
            return in.readZoneId();
        } else if (type == java.time.Year.class) {
            return in.readYear();
        } else if (type == java.time.YearMonth.class) {
            return in.readYearMonth();
        } else if (type == java.time.MonthDay.class) {
            return in.readMonthDay();
        } else if (type == java.util.UUID.class) {
            return in.readUuid();
        } else if (type == java.net.URI.class) {
            return in.readUri();
        } else if (type == java.util.Locale.class) {
            return in.readLocale();
        } else if (java.nio.charset.Charset.class.isAssignableFrom(type)) {
            return in.readCharset();
        } else if (type == java.util.OptionalInt.class) {
            return in.readOptionalInt();
        } else if (type == java.util.OptionalLong.class) {
            return in.readOptionalLong();
        } else if (type == java.util.OptionalDouble.class) {
            return in.readOptionalDouble();
        }
        return in.readCurrency();
    }
}
