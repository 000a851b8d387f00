package dev.memogen.internal.remote;

/**
 * A remote tier setting or credential that cannot be used, with a message saying which one and
 * what to do about it. Thrown only while the tier is set up (settings parsed, credentials found),
 * never by a {@link RemoteStore} operation: whoever turns the tier on catches it, warns once and
 * runs without the remote.
 */
public final class RemoteConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RemoteConfigException(String message) {
        super(message);
    }
}
