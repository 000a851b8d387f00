package dev.memogen.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A growable little-endian byte buffer that generated codecs write values into. Floating-point
 * values keep their raw bits, strings their exact UTF-16 code units, so every value reads back
 * equal to what was written.
 *
 * <p>Not part of the public API.
 */
public final class ValueWriter {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] buf;
    private int pos;

    public ValueWriter() {
        this(256);
    }

    public ValueWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    private void ensure(long extra) {
        long need = pos + extra;
        if (need > buf.length) {
            if (need > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("value too large to store: " + need + " bytes");
            }
            long grown = Math.max(need, Math.min(Integer.MAX_VALUE - 16L, (long) buf.length * 2));
            buf = Arrays.copyOf(buf, (int) grown);
        }
    }

    /** The bytes written so far (a view: valid until the next write). */
    public byte[] array() {
        return buf;
    }

    public int size() {
        return pos;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
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

    public void writeString(String s) {
        int n = s.length();
        writeInt(n);
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
        ensure(a.length);
        System.arraycopy(a, 0, buf, pos, a.length);
        pos += a.length;
    }

    public void writeShortArray(short[] a) {
        writeInt(a.length);
        bulk(2L * a.length).asShortBuffer().put(a);
    }

    public void writeCharArray(char[] a) {
        writeInt(a.length);
        bulk(2L * a.length).asCharBuffer().put(a);
    }

    public void writeIntArray(int[] a) {
        writeInt(a.length);
        bulk(4L * a.length).asIntBuffer().put(a);
    }

    public void writeLongArray(long[] a) {
        writeInt(a.length);
        bulk(8L * a.length).asLongBuffer().put(a);
    }

    public void writeFloatArray(float[] a) {
        writeInt(a.length);
        bulk(4L * a.length).asFloatBuffer().put(a);
    }

    public void writeDoubleArray(double[] a) {
        writeInt(a.length);
        bulk(8L * a.length).asDoubleBuffer().put(a);
    }

    /** Reserves {@code bytes} and returns a little-endian view of them for one bulk copy. */
    private ByteBuffer bulk(long bytes) {
        ensure(bytes);
        ByteBuffer view = ByteBuffer.wrap(buf, pos, (int) bytes).slice().order(ByteOrder.LITTLE_ENDIAN);
        pos += (int) bytes;
        return view;
    }
}
