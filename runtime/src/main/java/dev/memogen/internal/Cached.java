package dev.memogen.internal;

/**
 * One value in the in-memory tier, as generated code sees it on a hit: {@link MemoFunction#probe}
 * finds it, the generated method checks {@link #args()} where the function keys memory by a hash
 * of its arguments, and {@link MemoFunction#hit} / {@link MemoFunction#hitBits} return its value.
 * Immutable except for the replacement bit.
 *
 * <p>Not part of the public API.
 */
public final class Cached {
    final MemoFunction<?> fn;
    /** The memory key: the packed stream, a hash of the arguments, or the digest. */
    final long m0;
    final long m1;
    /** The store key (the digest of the arguments' stream): equal digests mean equal arguments. */
    final long k0;
    final long k1;
    /** The value itself for immutable result types, its encoded bytes for mutable ones. */
    final Object value;
    /** A primitive result's bits ({@code doubleToRawLongBits}, widened integers, 1/0), read without unboxing. */
    final long bits;
    /** The arguments, for a function keyed in memory by a hash of them; otherwise {@code null}. */
    final Object args;
    final long weight;
    /** Epoch millis from which the value is no longer valid (a ttl); {@link Long#MAX_VALUE} for never. */
    final long expiresAt;
    /** The files the value depends on and the output to replay on a hit; {@code null} for neither. */
    final Recorded recorded;
    /**
     * What computing the value cost, in nanoseconds: measured here, or the cost stored with the
     * entry it was read from. Read by a hit only when somebody watches (the events file, JFR): its
     * event tells what the hit saved.
     */
    final long cost;
    volatile boolean referenced;

    Cached(MemoFunction<?> fn, long m0, long m1, long k0, long k1, Object value, Object args, long weight,
            long expiresAt, Recorded recorded, long cost) {
        this.fn = fn;
        this.m0 = m0;
        this.m1 = m1;
        this.k0 = k0;
        this.k1 = k1;
        this.value = value;
        this.bits = bitsOf(value);
        this.args = args;
        this.weight = weight;
        this.expiresAt = expiresAt;
        this.recorded = recorded;
        this.cost = cost;
    }

    /**
     * The arguments the value was computed from: the argument itself for a one-parameter function
     * (boxed if primitive), an {@code Object[]} for more, {@code null} unless the function keys
     * memory by a hash of its arguments (the generated method then compares them with its own).
     */
    public Object args() {
        return args;
    }

    private static long bitsOf(Object v) {
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        } else if (v instanceof Double d) {
            return Double.doubleToRawLongBits(d);
        } else if (v instanceof Float f) {
            return Float.floatToRawIntBits(f);
        } else if (v instanceof Boolean b) {
            return b ? 1 : 0;
        } else if (v instanceof Character c) {
            return c;
        }
        return 0;
    }
}
