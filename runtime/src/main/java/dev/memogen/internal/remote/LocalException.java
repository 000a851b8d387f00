package dev.memogen.internal.remote;

import java.io.IOException;

/** The caller's source or sink failed: not the remote's fault. */
final class LocalException extends IOException {
    private static final long serialVersionUID = 1L;

    LocalException(String message, IOException cause) {
        super(message, cause);
    }
}
