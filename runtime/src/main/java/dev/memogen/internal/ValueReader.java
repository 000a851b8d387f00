package dev.memogen.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

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

    private final byte[] buf;
    private int pos;
    private final int end;

    public ValueReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public ValueReader(byte[] buf, int offset, int length) {
        this.buf = buf;
        this.pos = offset;
        this.end = offset + length;
    }

    private void need(long n) {
        if (n < 0 || pos + n > end) {
            throw new CorruptValueException("stored value is truncated or damaged (needs " + n
                    + " bytes at offset " + pos + ", " + (end - pos) + " remain)");
        }
    }

    /** Bytes not read yet. */
    public int remaining() {
        return end - pos;
    }

    /** Throws unless every byte was consumed: trailing bytes mean the value does not fit the type. */
    public void expectEnd() {
        if (pos != end) {
            throw new CorruptValueException((end - pos) + " unexpected trailing bytes in stored value");
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
        if (n < 0 || (long) n * Math.max(1, minBytesPerElement) > end - pos) {
            throw new CorruptValueException("bad size " + n + " with " + (end - pos) + " bytes left");
        }
        return n;
    }

    public String readString() {
        int n = readSize(2);
        char[] chars = new char[n];
        for (int i = 0; i < n; i++) {
            chars[i] = (char) (short) SHORT.get(buf, pos);
            pos += 2;
        }
        return new String(chars);
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
        int n = readSize(1);
        byte[] a = new byte[n];
        System.arraycopy(buf, pos, a, 0, n);
        pos += n;
        return a;
    }

    public short[] readShortArray() {
        short[] a = new short[readSize(2)];
        bulk(2L * a.length).asShortBuffer().get(a);
        return a;
    }

    public char[] readCharArray() {
        char[] a = new char[readSize(2)];
        bulk(2L * a.length).asCharBuffer().get(a);
        return a;
    }

    public int[] readIntArray() {
        int[] a = new int[readSize(4)];
        bulk(4L * a.length).asIntBuffer().get(a);
        return a;
    }

    public long[] readLongArray() {
        long[] a = new long[readSize(8)];
        bulk(8L * a.length).asLongBuffer().get(a);
        return a;
    }

    public float[] readFloatArray() {
        float[] a = new float[readSize(4)];
        bulk(4L * a.length).asFloatBuffer().get(a);
        return a;
    }

    public double[] readDoubleArray() {
        double[] a = new double[readSize(8)];
        bulk(8L * a.length).asDoubleBuffer().get(a);
        return a;
    }

    private ByteBuffer bulk(long bytes) {
        need(bytes);
        ByteBuffer view = ByteBuffer.wrap(buf, pos, (int) bytes).slice().order(ByteOrder.LITTLE_ENDIAN);
        pos += (int) bytes;
        return view;
    }
}
