package dev.memogen.internal.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Currency;
import java.util.Locale;
import java.util.UUID;

/**
 * A growable little-endian byte buffer that generated codecs write values into. Floating-point
 * values keep their raw bits, strings their exact chars (one byte each when all are Latin-1, else
 * their UTF-16 code units), so every value reads back equal to what was written.
 *
 * <p>A writer made by {@link #deferring} does not copy a primitive array larger than its limit:
 * it keeps a reference, and {@link #forEachChunk} hands the bytes to the store in pieces (so a
 * large result is never copied into one large buffer that nobody keeps). {@link #array()} still
 * returns every byte, copying them then. The bytes of a large file ({@link #writeFileBytes}) are
 * likewise read from the file when they are handed over, never held whole.
 *
 * <p>Not part of the public API.
 */
public final class ValueWriter {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** The smallest array a deferring writer keeps by reference. */
    static final int DEFER_MIN = 256 * 1024;

    private byte[] buf;
    private int pos;
    /** Arrays that take the encoding past this many bytes are kept by reference ({@link #deferring}). */
    private final long deferAbove;
    /** Arrays kept by reference, in order; {@code null} when there are none. */
    private ArrayList<Deferred> deferred;
    private long deferredBytes;

    /** An array (or a {@link FileRegion}) whose {@code bytes} follow the first {@code at} bytes of {@link #buf}. */
    private record Deferred(int at, Object array, int bytes) {}

    /** A file whose bytes are read when the encoding is handed over; it must still hold {@code Deferred.bytes}. */
    private record FileRegion(java.nio.file.Path file) {}

    /** Receives an encoding piece by piece ({@link #forEachChunk}). */
    public interface ChunkSink {
        void accept(byte[] bytes, int offset, int length) throws java.io.IOException;
    }

    public ValueWriter() {
        this(256);
    }

    public ValueWriter(int initialCapacity) {
        this(initialCapacity, Long.MAX_VALUE);
    }

    private ValueWriter(int initialCapacity, long deferAbove) {
        buf = new byte[Math.max(16, initialCapacity)];
        this.deferAbove = deferAbove;
    }

    /**
     * A writer that keeps a primitive array of at least {@link #DEFER_MIN} bytes by reference,
     * instead of copying it, when it takes the encoding past {@code limit} bytes (so nothing that
     * keeps at most {@code limit} bytes will keep this encoding). The arrays must not change until
     * the writer has been read.
     */
    public static ValueWriter deferring(long limit) {
        return new ValueWriter(256, Math.max(0, limit));
    }

    private void ensure(long extra) {
        long need = pos + extra;
        if (need > buf.length) {
            if (need + deferredBytes > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("value too large to store: " + (need + deferredBytes) + " bytes");
            }
            long grown = Math.max(need, Math.min(Integer.MAX_VALUE - 16L, (long) buf.length * 2));
            buf = Arrays.copyOf(buf, (int) grown);
        }
    }

    /**
     * The bytes written so far, from index 0 to {@link #size()} (a view: valid until the next
     * write). Arrays kept by reference are copied in first.
     */
    public byte[] array() {
        if (deferred != null) {
            flatten();
        }
        return buf;
    }

    public int size() {
        return (int) (pos + deferredBytes);
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(array(), size());
    }

    /** Whether arrays are kept by reference: {@link #forEachChunk} then saves a copy of them. */
    public boolean hasDeferred() {
        return deferred != null;
    }

    /**
     * Hands every byte written, in order, to {@code sink}: the buffer's pieces as they are, a
     * {@code byte[]} kept by reference in slices of at most {@code chunk} bytes, other arrays
     * converted into one reused buffer of {@code chunk} bytes (a multiple of 8).
     */
    public void forEachChunk(int chunk, ChunkSink sink) throws java.io.IOException {
        int from = 0;
        if (deferred != null) {
            byte[] scratch = null;
            for (Deferred d : deferred) {
                if (d.at > from) {
                    sink.accept(buf, from, d.at - from);
                }
                from = d.at;
                if (d.array instanceof byte[] bytes) {
                    for (int off = 0; off < d.bytes; off += chunk) {
                        sink.accept(bytes, off, Math.min(chunk, d.bytes - off));
                    }
                } else if (d.array instanceof FileRegion f) {
                    if (scratch == null) {
                        scratch = new byte[chunk];
                    }
                    readFile(f.file, d.bytes, scratch, sink);
                } else {
                    if (scratch == null) {
                        scratch = new byte[chunk];
                    }
                    for (int off = 0; off < d.bytes; off += chunk) {
                        int n = Math.min(chunk, d.bytes - off);
                        copyBytes(d.array, off, scratch, 0, n);
                        sink.accept(scratch, 0, n);
                    }
                }
            }
        }
        if (pos > from) {
            sink.accept(buf, from, pos - from);
        }
    }

    /** Copies every byte into one array, arrays kept by reference included. */
    private void flatten() {
        byte[] all = new byte[size()];
        int from = 0;
        int to = 0;
        for (Deferred d : deferred) {
            System.arraycopy(buf, from, all, to, d.at - from);
            to += d.at - from;
            from = d.at;
            if (d.array instanceof FileRegion f) {
                int[] at = {to};
                try {
                    readFile(f.file, d.bytes, new byte[(int) Math.min(d.bytes, 1 << 16)],
                            (bytes, offset, length) -> {
                                System.arraycopy(bytes, offset, all, at[0], length);
                                at[0] += length;
                            });
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            } else {
                copyBytes(d.array, 0, all, to, d.bytes);
            }
            to += d.bytes;
        }
        System.arraycopy(buf, from, all, to, pos - from);
        buf = all;
        pos = all.length;
        deferred = null;
        deferredBytes = 0;
    }

    /** Copies {@code n} bytes, from byte {@code offset} on, of a primitive array's little-endian form. */
    private static void copyBytes(Object array, int offset, byte[] into, int at, int n) {
        if (array instanceof byte[] a) {
            System.arraycopy(a, offset, into, at, n);
            return;
        }
        ByteBuffer view = ByteBuffer.wrap(into, at, n).slice().order(ByteOrder.LITTLE_ENDIAN);
        if (array instanceof short[] a) {
            view.asShortBuffer().put(a, offset / 2, n / 2);
        } else if (array instanceof char[] a) {
            view.asCharBuffer().put(a, offset / 2, n / 2);
        } else if (array instanceof int[] a) {
            view.asIntBuffer().put(a, offset / 4, n / 4);
        } else if (array instanceof long[] a) {
            view.asLongBuffer().put(a, offset / 8, n / 8);
        } else if (array instanceof float[] a) {
            view.asFloatBuffer().put(a, offset / 4, n / 4);
        } else {
            view.asDoubleBuffer().put((double[]) array, offset / 8, n / 8);
        }
    }

    /**
     * Hands the {@code length} bytes of {@code file} to {@code sink} through {@code scratch}; throws
     * if the file holds another number of bytes now (it changed since it was encoded).
     */
    private static void readFile(java.nio.file.Path file, int length, byte[] scratch, ChunkSink sink)
            throws java.io.IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            ByteBuffer into = ByteBuffer.wrap(scratch);
            long done = 0;
            int n;
            while ((n = ch.read(into.clear().limit((int) Math.min(scratch.length, length - done + 1)))) > 0) {
                if (done + n > length) {
                    break;
                }
                sink.accept(scratch, 0, n);
                done += n;
            }
            if (done != length || n > 0) {
                throw new java.io.IOException(file + " changed while it was being stored (it holds "
                        + (n > 0 ? "more" : "fewer") + " than the " + length + " bytes it held when the method returned)");
            }
        }
    }

    /** Keeps {@code array} by reference if it is large enough; else the caller copies it. */
    private boolean deferred(Object array, long bytes) {
        if (bytes < DEFER_MIN || pos + deferredBytes + bytes <= deferAbove) {
            return false;
        }
        if (pos + deferredBytes + bytes > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("value too large to store: " + (pos + deferredBytes + bytes) + " bytes");
        }
        if (deferred == null) {
            deferred = new ArrayList<>(2);
        }
        deferred.add(new Deferred(pos, array, (int) bytes));
        deferredBytes += bytes;
        return true;
    }

    public void writeBoolean(boolean v) {
        writeByte(v ? (byte) 1 : (byte) 0);
    }

    public void writeByte(byte v) {
        ensure(1);
        buf[pos++] = v;
    }

    public void writeShort(short v) {
        ensure(2);
        SHORT.set(buf, pos, v);
        pos += 2;
    }

    public void writeChar(char v) {
        writeShort((short) v);
    }

    public void writeInt(int v) {
        ensure(4);
        INT.set(buf, pos, v);
        pos += 4;
    }

    public void writeLong(long v) {
        ensure(8);
        LONG.set(buf, pos, v);
        pos += 8;
    }

    public void writeFloat(float v) {
        writeInt(Float.floatToRawIntBits(v));
    }

    public void writeDouble(double v) {
        writeLong(Double.doubleToRawLongBits(v));
    }

    /** A length or size prefix. */
    public void writeSize(int n) {
        writeInt(n);
    }

    /** Which of at most 256 alternatives follows (the permitted subtype of a sealed type). */
    public void writeChoice(int i) {
        writeByte((byte) i);
    }

    /** Raw bytes, no length: bytes another writer made. */
    public void writeBytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
    }

    /**
     * A string whose chars are all below 256 (Latin-1) as its length and one byte per char, which
     * a reader turns into a string with one bulk copy; any other as the complement of its length
     * ({@code ~length}, negative) and its UTF-16 code units, two bytes each, lone surrogates
     * included.
     */
    public void writeString(String s) {
        int n = s.length();
        ensure(4L + n);
        int at = pos + 4;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c > 0xFF) {
                writeUtf16(s);
                return;
            }
            buf[at + i] = (byte) c;
        }
        INT.set(buf, pos, n);
        pos = at + n;
    }

    private void writeUtf16(String s) {
        int n = s.length();
        writeInt(~n);
        ensure(2L * n);
        for (int i = 0; i < n; i++) {
            SHORT.set(buf, pos, (short) s.charAt(i));
            pos += 2;
        }
    }

    public void writeBooleanArray(boolean[] a) {
        writeInt(a.length);
        ensure(a.length);
        for (boolean b : a) {
            buf[pos++] = b ? (byte) 1 : (byte) 0;
        }
    }

    public void writeByteArray(byte[] a) {
        writeInt(a.length);
        writeElements(a, a.length);
    }

    public void writeShortArray(short[] a) {
        writeInt(a.length);
        writeElements(a, 2L * a.length);
    }

    public void writeCharArray(char[] a) {
        writeInt(a.length);
        writeElements(a, 2L * a.length);
    }

    public void writeIntArray(int[] a) {
        writeInt(a.length);
        writeElements(a, 4L * a.length);
    }

    public void writeLongArray(long[] a) {
        writeInt(a.length);
        writeElements(a, 8L * a.length);
    }

    public void writeFloatArray(float[] a) {
        writeInt(a.length);
        writeElements(a, 4L * a.length);
    }

    public void writeDoubleArray(double[] a) {
        writeInt(a.length);
        writeElements(a, 8L * a.length);
    }

    // ---- JDK value types: the hash spec's layout of each, without its tag ----

    /** {@code toByteArray()}: two's complement, big-endian, with its length. */
    public void writeBigInteger(BigInteger v) {
        writeByteArray(v.toByteArray());
    }

    public void writeBigDecimal(BigDecimal v) {
        writeInt(v.scale());
        writeBigInteger(v.unscaledValue());
    }

    public void writeLocalDate(LocalDate v) {
        writeInt(v.getYear());
        writeByte((byte) v.getMonthValue());
        writeByte((byte) v.getDayOfMonth());
    }

    public void writeLocalTime(LocalTime v) {
        writeLong(v.toNanoOfDay());
    }

    public void writeLocalDateTime(LocalDateTime v) {
        writeLocalDate(v.toLocalDate());
        writeLocalTime(v.toLocalTime());
    }

    public void writeInstant(Instant v) {
        writeLong(v.getEpochSecond());
        writeInt(v.getNano());
    }

    public void writeDuration(Duration v) {
        writeLong(v.getSeconds());
        writeInt(v.getNano());
    }

    public void writePeriod(Period v) {
        writeInt(v.getYears());
        writeInt(v.getMonths());
        writeInt(v.getDays());
    }

    public void writeZonedDateTime(ZonedDateTime v) {
        writeLocalDateTime(v.toLocalDateTime());
        writeInt(v.getOffset().getTotalSeconds());
        writeString(v.getZone().getId());
    }

    public void writeOffsetDateTime(OffsetDateTime v) {
        writeLocalDateTime(v.toLocalDateTime());
        writeInt(v.getOffset().getTotalSeconds());
    }

    public void writeOffsetTime(OffsetTime v) {
        writeLocalTime(v.toLocalTime());
        writeInt(v.getOffset().getTotalSeconds());
    }

    public void writeZoneId(ZoneId v) {
        writeString(v.getId());
    }

    public void writeZoneOffset(ZoneOffset v) {
        writeInt(v.getTotalSeconds());
    }

    public void writeYear(Year v) {
        writeInt(v.getValue());
    }

    public void writeYearMonth(YearMonth v) {
        writeInt(v.getYear());
        writeByte((byte) v.getMonthValue());
    }

    public void writeMonthDay(MonthDay v) {
        writeByte((byte) v.getMonthValue());
        writeByte((byte) v.getDayOfMonth());
    }

    public void writeUuid(UUID v) {
        writeLong(v.getMostSignificantBits());
        writeLong(v.getLeastSignificantBits());
    }

    public void writeUri(URI v) {
        writeString(v.toString());
    }

    /**
     * The language tag, then {@code 00}; or {@code 01} and the language, country and variant for a
     * locale the tag does not give back. Throws for a locale neither gives back (none that the
     * JDK's factories make).
     */
    @SuppressWarnings("deprecation") // the three-string constructor is the only way to some legacy locales
    public void writeLocale(Locale v) {
        String tag = v.toLanguageTag();
        writeString(tag);
        if (Locale.forLanguageTag(tag).equals(v)) {
            writeBoolean(false);
            return;
        }
        if (!new Locale(v.getLanguage(), v.getCountry(), v.getVariant()).equals(v)) {
            throw new IllegalArgumentException("locale " + v + " cannot be stored: neither its language tag nor"
                    + " its language, country and variant give it back");
        }
        writeBoolean(true);
        writeString(v.getLanguage());
        writeString(v.getCountry());
        writeString(v.getVariant());
    }

    public void writeCurrency(Currency v) {
        writeString(v.getCurrencyCode());
    }

    public void writeCharset(java.nio.charset.Charset v) {
        writeString(v.name());
    }

    public void writeOptionalInt(java.util.OptionalInt v) {
        writeBoolean(v.isPresent());
        if (v.isPresent()) {
            writeInt(v.getAsInt());
        }
    }

    public void writeOptionalLong(java.util.OptionalLong v) {
        writeBoolean(v.isPresent());
        if (v.isPresent()) {
            writeLong(v.getAsLong());
        }
    }

    public void writeOptionalDouble(java.util.OptionalDouble v) {
        writeBoolean(v.isPresent());
        if (v.isPresent()) {
            writeDouble(v.getAsDouble());
        }
    }

    /** The little-endian form of a primitive array's elements ({@code bytes} long), or a reference to it. */
    private void writeElements(Object array, long bytes) {
        if (deferred(array, bytes)) {
            return;
        }
        ensure(bytes);
        copyBytes(array, 0, buf, pos, (int) bytes);
        pos += (int) bytes;
    }

    /**
     * The {@code length} bytes of {@code file}, no length prefix: read into the buffer now, or,
     * by a {@link #deferring} writer past its limit, when the encoding is handed over
     * ({@link #forEachChunk}). Throws {@link java.io.UncheckedIOException} when the file cannot be
     * read or holds another number of bytes, now or then.
     */
    public void writeFileBytes(java.nio.file.Path file, long length) {
        if (deferred(new FileRegion(file), length)) {
            return;
        }
        ensure(length);
        int[] at = {pos};
        try {
            readFile(file, (int) length, new byte[(int) Math.min(Math.max(length, 1), 1 << 16)],
                    (bytes, offset, n) -> {
                        System.arraycopy(bytes, offset, buf, at[0], n);
                        at[0] += n;
                    });
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        pos += (int) length;
    }

    /** Its pattern and flags. */
    public void writePattern(java.util.regex.Pattern v) {
        writeString(v.pattern());
        writeInt(v.flags());
    }

    /** Its words ({@code toLongArray()}), as a {@code long[]}. */
    public void writeBitSet(java.util.BitSet v) {
        writeLongArray(v.toLongArray());
    }

    /** Its content, as a String (loaded as one). */
    public void writeCharSequence(CharSequence v) {
        writeString(v.toString());
    }

    /**
     * The size of a sorted map or set, which is loaded in its elements' natural order; one with a
     * comparator of its own cannot be rebuilt, so it is refused (the result is then not stored).
     */
    public void writeSortedSize(int size, java.util.Comparator<?> comparator) {
        if (comparator != null) {
            throw new IllegalArgumentException("a sorted map or set with a comparator of its own ("
                    + comparator.getClass().getName() + ") cannot be rebuilt when loading: memogen loads sorted"
                    + " results in natural order; return one in natural order, or a Map or Set");
        }
        writeSize(size);
    }

    /** The size of a deque, which is loaded as an {@code ArrayDeque}: one holding {@code null} is refused. */
    public void writeDequeSize(java.util.Collection<?> deque) {
        for (Object e : deque) {
            if (e == null) {
                throw new IllegalArgumentException("a deque holding null cannot be rebuilt as an ArrayDeque when"
                        + " loading");
            }
        }
        writeSize(deque.size());
    }
}
