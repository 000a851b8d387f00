package dev.memogen.internal.codec;

/** Stored bytes that do not decode into the declared type: treated as a miss, never returned. */
public final class CorruptValueException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CorruptValueException(String message) {
        super(message, null, false, false);
    }
}
