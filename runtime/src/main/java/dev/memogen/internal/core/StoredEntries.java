package dev.memogen.internal.core;

import dev.memogen.internal.codec.Codec;
import dev.memogen.internal.codec.ValueReader;
import dev.memogen.internal.codec.ValueWriter;
import dev.memogen.internal.store.FileStore;
import dev.memogen.internal.store.Found;
import dev.memogen.internal.store.StoredFunction;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongPredicate;

/**
 * A function's values in the store: reading an entry and decoding it with the function's codec,
 * writing an encoded one. Whatever goes wrong is reported once and makes the call compute: a
 * store never fails a call.
 *
 * @param store     the runtime's store
 * @param directory where it is (for messages)
 * @param problems  where failures are reported
 */
public record StoredEntries(FileStore store, Path directory, Problems problems) {

    /**
     * A value read from the store; {@code bytes} holds its encoding at
     * {@code payloadOffset}/{@code payloadLength} unless it was decoded as it was read.
     */
    @SuppressWarnings("ArrayRecordComponent") // a result handed over, never compared
    public record Read<T>(T value, byte[] bytes, int payloadOffset, int payloadLength, long createdMillis) {}

    /** Decodes one value, written by {@link #encode}: a presence flag, then the codec's bytes. */
    public static <T> T decode(Codec<T> codec, byte[] bytes, int offset, int length) {
        return decode(codec, new ValueReader(bytes, offset, length));
    }

    /** Decodes the one value {@code in} holds, to its end. */
    private static <T> T decode(Codec<T> codec, ValueReader in) {
        T value = in.readBoolean() ? codec.decode(in) : null;
        in.expectEnd();
        return value;
    }

    /** Encodes {@code value} (which may be null) into {@code out}. */
    public static <T> void encode(Codec<T> codec, ValueWriter out, T value) {
        out.writeBoolean(value != null);
        if (value != null) {
            codec.encode(out, value);
        }
    }

    /**
     * Reads and decodes the entry of ({@code k0}, {@code k1}); {@code null} when it must be
     * computed. {@code keepsBytes} says whether a large file's encoded bytes are kept (else it is
     * decoded as it is read); {@code onStale}, if not null, runs for an entry made stale by a
     * changed system state, function version or ttl.
     */
    public <T> Read<T> read(StoredFunction fn, Codec<T> codec, long k0, long k1, LongPredicate keepsBytes,
            Runnable onStale) {
        return read(fn, codec, k0, k1, 0, 0, keepsBytes, onStale);
    }

    /**
     * {@link #read(StoredFunction, Codec, long, long, LongPredicate, Runnable)} for argument version
     * ({@code v0}, {@code v1}): an entry of another version (a file among the arguments changed)
     * is stale.
     */
    public <T> Read<T> read(StoredFunction fn, Codec<T> codec, long k0, long k1, long v0, long v1,
            LongPredicate keepsBytes, Runnable onStale) {
        Found found;
        try {
            found = store.read(fn, k0, k1, keepsBytes);
        } catch (IOException | RuntimeException e) {
            warnUnreadable(e);
            return null;
        }
        if (found instanceof Found.Hit h && (h.version0() != v0 || h.version1() != v1)) {
            if (found instanceof Found.Streaming streaming) {
                streaming.streamed().close();
            }
            found = new Found.Stale("argument version changed: a file among its arguments changed");
        }
        T value;
        byte[] bytes = null;
        int payloadOffset = 0;
        if (found instanceof Found.Whole whole) {
            try {
                value = decode(codec, whole.bytes(), whole.payloadOffset(), whole.payloadLength());
            } catch (RuntimeException e) {
                warnUndecodable(fn, e);
                return null;
            }
            bytes = whole.bytes();
            payloadOffset = whole.payloadOffset();
        } else if (found instanceof Found.Streaming streaming) {
            Object decoded = decodeStreamed(fn, codec, streaming.streamed(), k0, k1);
            if (decoded == UNREADABLE) {
                return null;
            }
            @SuppressWarnings("unchecked")
            T v = (T) decoded;
            value = v;
        } else {
            if (found instanceof Found.Stale stale && onStale != null) {
                onStale.run();
                if (Problems.debugEnabled()) {
                    Problems.debug("memogen: invalidate " + fn.id() + ": " + stale.why());
                }
            } else if (found instanceof Found.Corrupt corrupt) {
                warnCorrupt(fn, corrupt.detail());
            }
            return null; // absent; or stale, and the next store replaces it; or damaged
        }
        Found.Hit hit = (Found.Hit) found;
        if (Problems.debugEnabled()) {
            Problems.debug("memogen: load " + fn.id() + " from the store");
        }
        return new Read<>(value, bytes, payloadOffset, hit.payloadLength(), hit.createdMillis());
    }

    private static final Object UNREADABLE = new Object();

    /**
     * Decodes a large entry as it is read, then verifies its checksum; {@link #UNREADABLE} when
     * the value must be computed: a damaged file (deleted, like any corrupt entry), a value that
     * does not decode, or a read that failed.
     */
    private <T> Object decodeStreamed(StoredFunction fn, Codec<T> codec, FileStore.Streamed streamed, long k0,
            long k1) {
        try (streamed) {
            T value;
            RuntimeException undecodable = null;
            try {
                value = decode(codec, streamed.reader());
            } catch (java.io.UncheckedIOException e) {
                throw e;
            } catch (RuntimeException e) {
                undecodable = e;
                value = null;
            }
            if (!streamed.checksumMatches()) {
                warnCorrupt(fn, store.pathFor(fn, k0, k1) + ": checksum mismatch");
                store.delete(fn, k0, k1);
                return UNREADABLE;
            }
            if (undecodable != null) {
                warnUndecodable(fn, undecodable);
                return UNREADABLE;
            }
            return value;
        } catch (IOException | RuntimeException e) {
            Throwable cause = e instanceof java.io.UncheckedIOException ? e.getCause() : e;
            if (!(cause instanceof java.nio.channels.ClosedByInterruptException)) {
                warnUnreadable(cause);
            }
            return UNREADABLE;
        }
    }

    /**
     * Writes an encoded value ({@link #encode}) computed in {@code nanos}; returns the bytes
     * stored, 0 when nothing was (a read-only store, or a failure, reported once).
     */
    public long write(StoredFunction fn, long k0, long k1, ValueWriter out, long nanos) {
        return write(fn, k0, k1, 0, 0, out, nanos);
    }

    /** {@link #write(StoredFunction, long, long, ValueWriter, long)} with argument version ({@code v0}, {@code v1}). */
    public long write(StoredFunction fn, long k0, long k1, long v0, long v1, ValueWriter out, long nanos) {
        try {
            return store.write(fn, k0, k1, v0, v1, out, nanos) > 0 ? out.size() : 0;
        } catch (IOException | RuntimeException e) {
            problems.warnOnce("write", "cannot write to the store at " + directory
                    + "; results are kept in memory only", e);
            return 0;
        }
    }

    private void warnUnreadable(Throwable cause) {
        problems.warnOnce("read", "cannot read from the store at " + directory + "; computing instead", cause);
    }

    /** {@code where}: the file (and place in it) and what is wrong. */
    private void warnCorrupt(StoredFunction fn, String where) {
        problems.warnOnce("corrupt", "a damaged entry of " + fn.id() + " was found in " + where
                + "; it is recomputed", null);
    }

    private void warnUndecodable(StoredFunction fn, RuntimeException e) {
        problems.warnOnce("decode", "an entry of " + fn.id() + " does not decode into its return type ("
                + e + "); it is recomputed", null);
    }
}
