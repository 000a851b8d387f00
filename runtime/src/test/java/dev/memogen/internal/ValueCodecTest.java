package dev.memogen.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
