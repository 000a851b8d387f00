package dev.memogen.internal.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
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
import java.util.Locale;
import java.util.UUID;

/**
 * Reads what a {@link ValueWriter} wrote. Every length is checked against the bytes that remain,
 * so damaged input fails with {@link CorruptValueException} instead of allocating huge arrays or
 * returning a wrong value.
 *
 * <p>Not part of the public API.
 */
public final class ValueReader {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * Where the bytes after the buffer come from when a value is read from a file in pieces
     * (see {@code FileStore}): fills {@code into} with at least one byte, or throws
     * {@link CorruptValueException} at a premature end (and {@link java.io.UncheckedIOException}
     * when the file cannot be read).
     */
    public interface Source {
        int read(byte[] into, int offset, int length);
    }

    private final byte[] buf;
    private int pos;
    /** End of the valid bytes in {@link #buf}. */
    private int end;
    /** Null for a value held whole in {@link #buf}. */
    private final Source source;
    /** Bytes of the value still in {@link #source}, after {@link #end}. */
    private long more;
    /** Whether the bytes are known to decode: their sizes are then trusted for {@link #room}. */
    private final boolean known;

    /**
     * The most elements a collection or an array of references is made room for before any is
     * read, unless the bytes are {@linkplain #known known to decode}. A size is checked against
     * the bytes that remain, but an element of one byte (a null) holds a reference of four or
     * eight, and the collections enclosing the one being read (a tree through a list, each level
     * claiming all the bytes after it) are not filled yet: beyond this, room grows with the
     * elements read, so a size in hostile bytes never allocates more than a constant per
     * collection being read.
     */
    public static final int ROOM_BEFORE_READING = 16;

    public ValueReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public ValueReader(byte[] buf, int offset, int length) {
        this(buf, offset, length, false);
    }

    private ValueReader(byte[] buf, int offset, int length, boolean known) {
        this.buf = buf;
        this.pos = offset;
        this.end = offset + length;
        this.source = null;
        this.known = known;
    }

    /**
     * A reader of bytes known to decode, which this runtime encoded or has decoded once already
     * (what the memory tier keeps of a mutable value): collections are made room for at once.
     */
    public static ValueReader known(byte[] buf, int offset, int length) {
        return new ValueReader(buf, offset, length, true);
    }

    /**
     * A reader of {@code length} bytes in {@code buf} followed by {@code more} bytes from
     * {@code source}, which refills {@code buf}: a large value is decoded from a file without
     * being read whole into memory first.
     */
    public ValueReader(byte[] buf, int length, Source source, long more) {
        this.buf = buf;
        this.pos = 0;
        this.end = length;
        this.source = source;
        this.more = more;
        this.known = false;
    }

    private void need(long n) {
        if (n < 0 || pos + n > end) {
            fill(n);
        }
    }

    /** Makes {@code n} bytes available in the buffer from the source, or throws. */
    private void fill(long n) {
        if (source == null || n < 0 || n > buf.length || n > (end - pos) + more) {
            throw new CorruptValueException("stored value is truncated or damaged (needs " + n
                    + " bytes at offset " + pos + ", " + ((end - pos) + more) + " remain)");
        }
        int kept = end - pos;
        System.arraycopy(buf, pos, buf, 0, kept);
        pos = 0;
        end = kept;
        while (end < n) {
            int got = source.read(buf, end, (int) Math.min(buf.length - end, more));
            end += got;
            more -= got;
        }
    }

    /** Bytes not read yet. */
    public int remaining() {
        return (int) Math.min(Integer.MAX_VALUE, (end - pos) + more);
    }

    /** Throws unless every byte was consumed: trailing bytes mean the value does not fit the type. */
    public void expectEnd() {
        if (pos != end || more != 0) {
            throw new CorruptValueException(((end - pos) + more) + " unexpected trailing bytes in stored value");
        }
    }

    public boolean readBoolean() {
        byte b = readByte();
        if (b == 0) {
            return false;
        }
        if (b == 1) {
            return true;
        }
        throw new CorruptValueException("bad boolean byte " + b);
    }

    public byte readByte() {
        need(1);
        return buf[pos++];
    }

    /** The next byte, left unread. */
    public byte peekByte() {
        need(1);
        return buf[pos];
    }

    public short readShort() {
        need(2);
        short v = (short) SHORT.get(buf, pos);
        pos += 2;
        return v;
    }

    public char readChar() {
        return (char) readShort();
    }

    public int readInt() {
        need(4);
        int v = (int) INT.get(buf, pos);
        pos += 4;
        return v;
    }

    public long readLong() {
        need(8);
        long v = (long) LONG.get(buf, pos);
        pos += 8;
        return v;
    }

    public float readFloat() {
        return Float.intBitsToFloat(readInt());
    }

    public double readDouble() {
        return Double.longBitsToDouble(readLong());
    }

    /**
     * A size prefix of a collection or array whose elements take at least
     * {@code minBytesPerElement} bytes each; checked against the bytes that remain.
     */
    public int readSize(int minBytesPerElement) {
        int n = readInt();
        if (n < 0 || (long) n * Math.max(1, minBytesPerElement) > (end - pos) + more) {
            throw new CorruptValueException("bad size " + n + " with " + ((end - pos) + more) + " bytes left");
        }
        return n;
    }

    /**
     * The room to make for {@code n} elements of a collection or an array of references (a size
     * {@link #readSize} returned) before any is read: all of it for bytes {@linkplain #known known
     * to decode}, else at most {@link #ROOM_BEFORE_READING}; the decoder grows it as elements come.
     */
    public int room(int n) {
        return known ? n : Math.min(n, ROOM_BEFORE_READING);
    }

    /**
     * Which of {@code count} alternatives follows (the permitted subtype of a sealed type), as
     * {@link ValueWriter#writeChoice} wrote it; checked to be one of them.
     */
    public int readChoice(int count) {
        int i = readByte() & 0xFF;
        if (i >= count) {
            throw new CorruptValueException("bad choice " + i + " of " + count);
        }
        return i;
    }

    /** A string as {@link ValueWriter#writeString} wrote it: Latin-1 bytes, or UTF-16 code units after a negative length. */
    public String readString() {
        int h = readInt();
        if (h >= 0) {
            if (h > (end - pos) + more) {
                throw new CorruptValueException("bad size " + h + " with " + ((end - pos) + more) + " bytes left");
            }
            if (h <= end - pos) { // one bulk copy (a string's chars are its bytes): the usual case
                String s = new String(buf, pos, h, StandardCharsets.ISO_8859_1);
                pos += h;
                return s;
            }
            return new String(bytes(h), StandardCharsets.ISO_8859_1);
        }
        int n = ~h;
        if (2L * n > (end - pos) + more) {
            throw new CorruptValueException("bad size " + n + " chars with " + ((end - pos) + more) + " bytes left");
        }
        char[] chars = new char[n];
        if (2L * n <= end - pos) {
            charsAt(pos).get(pos >>> 1, chars, 0, n);
            pos += 2 * n;
        } else {
            for (int i = 0; i < n; i++) {
                chars[i] = readChar();
            }
        }
        return new String(chars);
    }

    /**
     * Hands the next {@code n} bytes to {@code sink} in pieces of at most a buffer's worth (a value
     * read from a file in pieces is never held whole), or, with a {@code null} sink, skips them.
     * Checked against the bytes that remain.
     */
    public void copyBytes(long n, ValueWriter.ChunkSink sink) throws java.io.IOException {
        if (n < 0 || n > (end - pos) + more) {
            throw new CorruptValueException("stored value is truncated or damaged (needs " + n
                    + " bytes at offset " + pos + ", " + ((end - pos) + more) + " remain)");
        }
        while (n > 0) {
            if (pos == end) {
                fill(Math.min(n, buf.length));
            }
            int k = (int) Math.min(n, end - pos);
            if (sink != null) {
                sink.accept(buf, pos, k);
            }
            pos += k;
            n -= k;
        }
    }

    public boolean[] readBooleanArray() {
        int n = readSize(1);
        boolean[] a = new boolean[n];
        for (int i = 0; i < n; i++) {
            a[i] = readBoolean();
        }
        return a;
    }

    public byte[] readByteArray() {
        return bytes(readSize(1));
    }

    /** The next {@code n} bytes, a number checked against the bytes that remain. */
    private byte[] bytes(int n) {
        byte[] a = new byte[n];
        int k = Math.min(n, end - pos);
        System.arraycopy(buf, pos, a, 0, k);
        pos += k;
        // The rest (a value read in pieces) goes from the source straight into the array, at most
        // a buffer's worth per read: no copy through the buffer. The caller checked that it is there.
        for (int done = k; done < n; ) {
            int got = source.read(a, done, (int) Math.min(Math.min(n - done, buf.length), more));
            done += got;
            more -= got;
        }
        return a;
    }

    public short[] readShortArray() {
        short[] a = new short[readSize(2)];
        for (int done = 0; done < a.length; ) {
            int k = piece(2, a.length - done);
            bulk(2L * k).asShortBuffer().get(a, done, k);
            done += k;
        }
        return a;
    }

    public char[] readCharArray() {
        char[] a = new char[readSize(2)];
        for (int done = 0; done < a.length; ) {
            int k = piece(2, a.length - done);
            bulk(2L * k).asCharBuffer().get(a, done, k);
            done += k;
        }
        return a;
    }

    public int[] readIntArray() {
        int[] a = new int[readSize(4)];
        for (int done = 0; done < a.length; ) {
            int k = piece(4, a.length - done);
            bulk(4L * k).asIntBuffer().get(a, done, k);
            done += k;
        }
        return a;
    }

    public long[] readLongArray() {
        long[] a = new long[readSize(8)];
        for (int done = 0; done < a.length; ) {
            int k = piece(8, a.length - done);
            bulk(8L * k).asLongBuffer().get(a, done, k);
            done += k;
        }
        return a;
    }

    public float[] readFloatArray() {
        float[] a = new float[readSize(4)];
        for (int done = 0; done < a.length; ) {
            int k = piece(4, a.length - done);
            bulk(4L * k).asFloatBuffer().get(a, done, k);
            done += k;
        }
        return a;
    }

    public double[] readDoubleArray() {
        double[] a = new double[readSize(8)];
        for (int done = 0; done < a.length; ) {
            int k = piece(8, a.length - done);
            bulk(8L * k).asDoubleBuffer().get(a, done, k);
            done += k;
        }
        return a;
    }

    // ---- JDK value types (see ValueWriter) ----

    public BigInteger readBigInteger() {
        byte[] bytes = readByteArray();
        if (bytes.length == 0) {
            throw new CorruptValueException("empty BigInteger");
        }
        return new BigInteger(bytes);
    }

    public BigDecimal readBigDecimal() {
        int scale = readInt();
        return new BigDecimal(readBigInteger(), scale);
    }

    public LocalDate readLocalDate() {
        int year = readInt();
        int month = readByte();
        int day = readByte();
        try {
            return LocalDate.of(year, month, day);
        } catch (DateTimeException e) {
            throw corrupt(e);
        }
    }

    public LocalTime readLocalTime() {
        long nanos = readLong();
        try {
            return LocalTime.ofNanoOfDay(nanos);
        } catch (DateTimeException e) {
            throw corrupt(e);
        }
    }

    public LocalDateTime readLocalDateTime() {
        return LocalDateTime.of(readLocalDate(), readLocalTime());
    }

    public Instant readInstant() {
        long seconds = readLong();
        int nanos = readInt();
        try {
            return Instant.ofEpochSecond(seconds, nanos);
        } catch (DateTimeException | ArithmeticException e) {
            throw corrupt(e);
        }
    }

    public Duration readDuration() {
        long seconds = readLong();
        int nanos = readInt();
        try {
            return Duration.ofSeconds(seconds, nanos);
        } catch (ArithmeticException e) {
            throw corrupt(e);
        }
    }

    public Period readPeriod() {
        int years = readInt();
        int months = readInt();
        return Period.of(years, months, readInt());
    }

    public ZonedDateTime readZonedDateTime() {
        LocalDateTime local = readLocalDateTime();
        ZoneOffset offset = readZoneOffset();
        ZoneId zone = readZoneId();
        try {
            return ZonedDateTime.ofStrict(local, offset, zone);
        } catch (DateTimeException e) {
            throw corrupt(e);
        }
    }

    public OffsetDateTime readOffsetDateTime() {
        LocalDateTime local = readLocalDateTime();
        return OffsetDateTime.of(local, readZoneOffset());
    }

    public OffsetTime readOffsetTime() {
        LocalTime local = readLocalTime();
        return OffsetTime.of(local, readZoneOffset());
    }

    public ZoneId readZoneId() {
        String id = readString();
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            throw corrupt(e);
        }
    }

    public ZoneOffset readZoneOffset() {
        int seconds = readInt();
        try {
            return ZoneOffset.ofTotalSeconds(seconds);
        } catch (DateTimeException e) {
            throw corrupt(e);
        }
    }

    public Year readYear() {
        int year = readInt();
        try {
            return Year.of(year);
        } catch (DateTimeException e) {
            throw corrupt(e);
        }
    }

    public YearMonth readYearMonth() {
        int year = readInt();
        int month = readByte();
        try {
            return YearMonth.of(year, month);
        } catch (DateTimeException e) {
            throw corrupt(e);
        }
    }

    public MonthDay readMonthDay() {
        int month = readByte();
        int day = readByte();
        try {
            return MonthDay.of(month, day);
        } catch (DateTimeException e) {
            throw corrupt(e);
        }
    }

    public UUID readUuid() {
        long most = readLong();
        return new UUID(most, readLong());
    }

    public URI readUri() {
        String s = readString();
        try {
            return new URI(s);
        } catch (java.net.URISyntaxException e) {
            throw corrupt(e);
        }
    }

    @SuppressWarnings("deprecation") // the three-string constructor is the only way to some legacy locales
    public Locale readLocale() {
        String tag = readString();
        if (!readBoolean()) {
            return Locale.forLanguageTag(tag);
        }
        String language = readString();
        String country = readString();
        return new Locale(language, country, readString());
    }

    public Currency readCurrency() {
        String code = readString();
        try {
            return Currency.getInstance(code);
        } catch (IllegalArgumentException e) {
            throw corrupt(e);
        }
    }

    public java.nio.charset.Charset readCharset() {
        String name = readString();
        try {
            return java.nio.charset.Charset.forName(name);
        } catch (IllegalArgumentException e) {
            throw corrupt(e);
        }
    }

    public java.util.OptionalInt readOptionalInt() {
        return readBoolean() ? java.util.OptionalInt.of(readInt()) : java.util.OptionalInt.empty();
    }

    public java.util.OptionalLong readOptionalLong() {
        return readBoolean() ? java.util.OptionalLong.of(readLong()) : java.util.OptionalLong.empty();
    }

    public java.util.OptionalDouble readOptionalDouble() {
        return readBoolean() ? java.util.OptionalDouble.of(readDouble()) : java.util.OptionalDouble.empty();
    }

    public java.util.regex.Pattern readPattern() {
        String pattern = readString();
        int flags = readInt();
        try {
            return java.util.regex.Pattern.compile(pattern, flags);
        } catch (IllegalArgumentException e) { // PatternSyntaxException too
            throw corrupt(e);
        }
    }

    public java.util.BitSet readBitSet() {
        return java.util.BitSet.valueOf(readLongArray());
    }

    /** A {@code CharSequence} result comes back as a String with its content. */
    public CharSequence readCharSequence() {
        return readString();
    }

    private static CorruptValueException corrupt(Exception e) {
        return new CorruptValueException("stored value is damaged: " + e.getMessage());
    }

    /**
     * How many of the {@code left} elements of {@code width} bytes can be copied from the buffer
     * now (all of them for a value held whole): at least one, refilling from the source first if
     * needed.
     */
    private int piece(int width, int left) {
        int ready = (end - pos) / width;
        if (ready == 0) {
            fill(width);
            ready = (end - pos) / width;
        }
        return Math.min(ready, left);
    }

    /** Views of {@link #buf} as little-endian chars from an even and an odd offset; made at first use. */
    private java.nio.CharBuffer evenChars, oddChars;

    /** The view of {@link #buf} whose chars are aligned with byte offset {@code at}: char {@code at >>> 1} starts there. */
    private java.nio.CharBuffer charsAt(int at) {
        if ((at & 1) == 0) {
            java.nio.CharBuffer v = evenChars;
            return v != null ? v : (evenChars = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN).asCharBuffer());
        }
        java.nio.CharBuffer v = oddChars;
        return v != null ? v
                : (oddChars = ByteBuffer.wrap(buf, 1, buf.length - 1).slice().order(ByteOrder.LITTLE_ENDIAN).asCharBuffer());
    }

    private ByteBuffer bulk(long bytes) {
        need(bytes);
        ByteBuffer view = ByteBuffer.wrap(buf, pos, (int) bytes).slice().order(ByteOrder.LITTLE_ENDIAN);
        pos += (int) bytes;
        return view;
    }
}
