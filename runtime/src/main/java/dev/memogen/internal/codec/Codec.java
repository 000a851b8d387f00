package dev.memogen.internal.codec;

/**
 * Writes and reads values of one declared type. The processor generates one per memoized
 * method's return type, so stored values never go through Java serialization and a stored entry
 * can only ever be decoded into the type it was written for.
 *
 * <p>Not part of the public API.
 *
 * @param <T> the declared return type
 */
public interface Codec<T> {

    void encode(ValueWriter out, T value);

    /** Reads one value; throws {@link CorruptValueException} if the bytes do not fit. */
    T decode(ValueReader in);

    /**
     * Whether a value names files that a hit puts back where they were (a {@code Path} or
     * {@code File} result). Asked of the codec so that a function of another type does not load
     * the classes that restore files.
     */
    default boolean restoresFiles() {
        return false;
    }
}
