package dev.memogen.processor;

import java.util.List;

/**
 * How a memoized method is keyed in memory, chosen once per method by the model builder; each
 * kind has one emitter that writes the method's lookup ({@link Wrapper}).
 */
sealed interface KeyStrategy {

    /**
     * A few primitives: the key stream, at most 16 bytes, packed into two {@code long}s; an exact
     * memory key, digested only when the store is needed ({@link PackedKeyEmitter}).
     */
    record Packed(int length) implements KeyStrategy {}

    /**
     * Values (primitives, boxes, strings, enums, records of those): memory keyed by a cheap hash
     * of the arguments, and a hit compares the arguments kept with the value; the key stream and
     * its digest are made only on a miss ({@link MemoryKeyEmitter}). {@code inKey} is the last
     * primitive part (parameter, or field of a receiver keyed by its fields), whose bits are the
     * memory key's second word, or -1.
     */
    record ValueHash(int inKey) implements KeyStrategy {}

    /** Anything else: memory and store keyed by the digest of the key stream ({@link DigestKeyEmitter}). */
    record Digest() implements KeyStrategy {}

    static KeyStrategy of(List<MemoModel.Parameter> params) {
        int packed = PackedKeyEmitter.packedLength(params);
        if (packed >= 0) {
            return new Packed(packed);
        }
        if (MemoryKeyEmitter.applies(params)) {
            List<MemoryKeyEmitter.Part> parts = MemoryKeyEmitter.parts(params);
            int inKey = -1;
            for (int i = parts.size() - 1; i >= 0 && inKey < 0; i--) {
                if (parts.get(i).type() instanceof ValueType.Primitive) {
                    inKey = i;
                }
            }
            return new ValueHash(inKey);
        }
        return new Digest();
    }
}
