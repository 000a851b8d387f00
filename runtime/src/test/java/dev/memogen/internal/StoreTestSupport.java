package dev.memogen.internal;

import dev.memogen.internal.codec.Codec;
import dev.memogen.internal.codec.ValueReader;
import dev.memogen.internal.codec.ValueWriter;

/** Codecs and calls written the way generated code writes them, for runtime tests. */
public final class StoreTestSupport {
    private StoreTestSupport() {}

    public static final Codec<String> STRING = new Codec<>() {
        @Override
        public void encode(ValueWriter out, String value) {
            out.writeString(value);
        }

        @Override
        public String decode(ValueReader in) {
            return in.readString();
        }
    };

    public static final Codec<Long> LONG = new Codec<>() {
        @Override
        public void encode(ValueWriter out, Long value) {
            out.writeLong(value);
        }

        @Override
        public Long decode(ValueReader in) {
            return in.readLong();
        }
    };

    public static final Codec<double[]> DOUBLES = new Codec<>() {
        @Override
        public void encode(ValueWriter out, double[] value) {
            out.writeDoubleArray(value);
        }

        @Override
        public double[] decode(ValueReader in) {
            return in.readDoubleArray();
        }
    };

    /** What a generated wrapper does for {@code T f(int x)}, with {@code body} as the method. */
    public static <T> T call(MemoFunction<T> fn, int x, java.util.function.IntFunction<T> body) {
        KeyHasher h = fn.begin();
        if (h == null) {
            return body.apply(x);
        }
        try {
            h.putInt(x);
        } finally {
            h.finish();
        }
        long k0 = h.high();
        long k1 = h.low();
        Object cached = fn.get(k0, k1);
        if (cached != MemoFunction.MISS) {
            return fn.value(cached);
        }
        MemoFunction.Flight<T> flight = fn.miss(k0, k1);
        if (flight.hasValue()) {
            return flight.value();
        }
        T result;
        try {
            result = body.apply(x);
        } catch (Throwable t) {
            flight.fail();
            throw t;
        }
        return flight.complete(result);
    }
}
