package dev.memogen.internal.core;

import dev.memogen.internal.codec.Codec;
import dev.memogen.internal.codec.CorruptValueException;
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
 * @param remote    the remote tier behind the store ({@code memogen.remote}), or {@code null}
 */
public record StoredEntries(FileStore store, Path directory, Problems problems, RemoteTier remote) {

    /** Entries of {@code store} alone, with no remote tier behind it. */
    public StoredEntries(FileStore store, Path directory, Problems problems) {
        this(store, directory, problems, null);
    }

    /**
     * A value read from the store; {@code bytes} holds its encoding at
     * {@code payloadOffset}/{@code payloadLength} unless it was decoded as it was read.
     * {@code cost} is the compute time stored with the entry (nanoseconds): what the hit saved;
     * {@code remote} whether it came from the remote tier (and is now in the local store too).
     */
    @SuppressWarnings("ArrayRecordComponent") // a result handed over, never compared
    public record Read<T>(T value, byte[] bytes, int payloadOffset, int payloadLength, long createdMillis,
            Object preamble, long cost, boolean remote) {}

    /**
     * The first byte of a payload that holds a preamble before the value (which otherwise starts
     * with its presence flag, 0 or 1): what the computation recorded besides its value.
     */
    public static final byte PREAMBLE = 2;

    /**
     * Keeps no entry's encoded bytes: every value is decoded as it is read ({@code keepsBytes} of
     * {@link #read}). A class, not a lambda: the hit path spins none (a fresh JVM would pay it).
     */
    public static final java.util.function.LongPredicate KEEP_NONE = new Never();

    private static final class Never implements java.util.function.LongPredicate {
        @Override
        public boolean test(long fileSize) {
            return false;
        }
    }

    /** Reads the preamble of an entry, before its value is decoded. */
    public interface Preamble {
        /**
         * What {@code in} holds up to the value; {@link #STALE} when the entry is no longer valid
         * because of it (a file it depends on changed). Throws {@code CorruptValueException} for
         * bytes that do not fit.
         */
        Object read(ValueReader in);

        /** Returned by {@link #read} for an entry that is stale. */
        Object STALE = new Object();
    }

    /**
     * Decodes one value, written by {@link #encode}: a presence flag, then the codec's bytes, known
     * to decode (the memory tier's bytes of a mutable value: encoded here, or decoded once already).
     */
    public static <T> T decode(Codec<T> codec, byte[] bytes, int offset, int length) {
        return decode(codec, ValueReader.known(bytes, offset, length));
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
        return read(fn, codec, k0, k1, v0, v1, keepsBytes, onStale, null);
    }

    /**
     * {@link #read(StoredFunction, Codec, long, long, long, long, LongPredicate, Runnable)} for a
     * function whose entries may hold a {@link #PREAMBLE}, read by {@code preamble} before the
     * value; {@link Read#preamble()} is what it returned ({@code null} when the entry has none).
     * An entry the preamble finds stale is stale. Without a reader, an entry with a preamble does
     * not decode.
     */
    public <T> Read<T> read(StoredFunction fn, Codec<T> codec, long k0, long k1, long v0, long v1,
            LongPredicate keepsBytes, Runnable onStale, Preamble preamble) {
        return read(fn, codec, k0, k1, v0, v1, keepsBytes, onStale, preamble, true);
    }

    /**
     * {@link #read(StoredFunction, Codec, long, long, long, long, LongPredicate, Runnable, Preamble)},
     * asking the {@link #remote} tier, if there is one, when the local store has no usable entry
     * and {@code askRemote} (not for a second look at the same miss).
     */
    public <T> Read<T> read(StoredFunction fn, Codec<T> codec, long k0, long k1, long v0, long v1,
            LongPredicate keepsBytes, Runnable onStale, Preamble preamble, boolean askRemote) {
        Found found;
        try {
            found = store.read(fn, k0, k1, keepsBytes);
        } catch (IOException | RuntimeException e) {
            warnUnreadable(e);
            return null;
        } catch (OutOfMemoryError e) {
            // An object file read whole (an interrupted thread's read) that does not fit: the one
            // array failed, nothing else was taken.
            warnUnreadable(e);
            return null;
        }
        if (found instanceof Found.Hit h && (h.version0() != v0 || h.version1() != v1)) {
            if (found instanceof Found.Streaming streaming) {
                streaming.streamed().close();
            }
            found = new Found.Stale("argument version changed: a file among its arguments changed");
        }
        boolean fromRemote = false;
        if (remote != null && askRemote && !(found instanceof Found.Hit)) {
            Found.Whole fetched = remote.fetch(store, fn, k0, k1, v0, v1);
            if (fetched != null) {
                if (found instanceof Found.Stale && onStale != null) {
                    onStale.run(); // the local entry was stale all the same
                }
                found = fetched;
                fromRemote = true;
            }
        }
        Object value = null;
        byte[] bytes = null;
        int payloadOffset = 0;
        int payloadLength = 0;
        Object[] before = {null};
        if (found instanceof Found.Whole whole) {
            bytes = whole.bytes();
            payloadOffset = whole.payloadOffset();
            payloadLength = whole.payloadLength();
            try {
                ValueReader in = new ValueReader(bytes, payloadOffset, payloadLength);
                if (readPreamble(in, preamble, before)) {
                    found = new Found.Stale(FILES_CHANGED);
                } else {
                    // The value's bytes alone, after any preamble: what the memory tier keeps.
                    payloadOffset += payloadLength - in.remaining();
                    payloadLength = in.remaining();
                    value = decode(codec, in);
                }
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                undecodable(fn, k0, k1, e);
                return null;
            }
        } else if (found instanceof Found.Streaming streaming) {
            payloadLength = streaming.payloadLength();
            value = decodeStreamed(fn, codec, streaming.streamed(), k0, k1, preamble, before);
            if (value == UNREADABLE) {
                return null;
            }
            if (value == Preamble.STALE) {
                found = new Found.Stale(FILES_CHANGED);
            }
        }
        if (!(found instanceof Found.Hit hit)) {
            if (found instanceof Found.Stale stale && onStale != null) {
                onStale.run();
                if (Problems.debugEnabled()) {
                    Problems.debug("memogen: invalidate " + fn.id() + ": " + stale.why());
                }
                if (Problems.watching) {
                    Events.invalidate(fn.id(), k0, k1, stale.why(), fn.version());
                }
            } else if (found instanceof Found.Corrupt corrupt) {
                warnCorrupt(fn, k0, k1, corrupt.detail());
            }
            return null; // absent; or stale, and the next store replaces it; or damaged
        }
        if (Problems.debugEnabled()) {
            Problems.debug("memogen: load " + fn.id() + " from the store");
        }
        @SuppressWarnings("unchecked")
        T v = (T) value;
        return new Read<>(v, bytes, payloadOffset, payloadLength, hit.createdMillis(), before[0],
                Math.max(0, hit.cost()), fromRemote);
    }

    private static final String FILES_CHANGED = "a file it depends on changed";

    /**
     * Reads the preamble {@code in} may start with into {@code into[0]}; whether it makes the
     * entry stale. {@code in} is left at the value's presence flag.
     */
    private static boolean readPreamble(ValueReader in, Preamble preamble, Object[] into) {
        if (preamble == null || in.remaining() == 0 || in.peekByte() != PREAMBLE) {
            return false;
        }
        in.readByte();
        Object read = preamble.read(in);
        if (read == Preamble.STALE) {
            return true;
        }
        into[0] = read;
        return false;
    }

    private static final Object UNREADABLE = new Object();

    /**
     * Decodes a large entry as it is read (its preamble into {@code before[0]}), then verifies its
     * checksum; {@link #UNREADABLE} when the value must be computed: a damaged file (deleted, like
     * any corrupt entry), a value that does not decode, or a read that failed;
     * {@link Preamble#STALE} when the preamble says the entry is stale.
     */
    private <T> Object decodeStreamed(StoredFunction fn, Codec<T> codec, FileStore.Streamed streamed, long k0,
            long k1, Preamble preamble, Object[] before) {
        try (streamed) {
            T value;
            Throwable undecodable = null;
            try {
                ValueReader in = streamed.reader();
                if (readPreamble(in, preamble, before)) {
                    return Preamble.STALE; // not read further: the value is not wanted
                }
                value = decode(codec, in);
            } catch (java.io.UncheckedIOException e) {
                throw e;
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                undecodable = e;
                value = null;
            }
            if (!streamed.checksumMatches()) {
                warnCorrupt(fn, k0, k1, store.pathFor(fn, k0, k1) + ": checksum mismatch");
                store.delete(fn, k0, k1);
                return UNREADABLE;
            }
            if (undecodable != null) {
                undecodable(fn, k0, k1, undecodable);
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
            if (store.write(fn, k0, k1, v0, v1, out, nanos) <= 0) {
                return 0;
            }
            if (remote != null) {
                remote.stored(store, fn, k0, k1, v0, v1);
            }
            return out.size();
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
    private void warnCorrupt(StoredFunction fn, long k0, long k1, String where) {
        if (Problems.watching) {
            Events.corrupt(fn.id(), k0, k1, where);
        }
        problems.warnOnce("corrupt", "a damaged entry of " + fn.id() + " was found in " + where
                + "; it is recomputed", null);
    }

    /**
     * An entry whose value did not decode ({@code e}): reported once, and the call computes. One
     * whose bytes do not fit its type, however its checksum came to match (the checksum is no
     * MAC), is deleted, so that it costs one read; so is one that ran out of stack or memory while
     * decoding (a value nested deeper than a thread's stack, as a set's element whose
     * {@code hashCode} recurses through it; or more elements than the heap holds, each backed by
     * bytes). Those errors are caught here, where what the decoder was building (a new value,
     * which nothing else refers to) has become unreachable. An entry that decodes but
     * cannot be used (a file result that cannot be put back) is left; the computed value replaces it.
     */
    private void undecodable(StoredFunction fn, long k0, long k1, Throwable e) {
        if (Problems.watching) {
            Events.corrupt(fn.id(), k0, k1, "does not decode: " + e);
        }
        problems.warnOnce("decode", "an entry of " + fn.id() + (e instanceof RuntimeException
                && !(e instanceof CorruptValueException) ? " cannot be used (" : " does not decode into its return type (")
                + e + "); it is recomputed", null);
        if (e instanceof CorruptValueException || e instanceof Error) {
            try {
                store.delete(fn, k0, k1);
            } catch (IOException | RuntimeException ignored) {
                // a read-only store, or a file that cannot be deleted: the computed value replaces it
            }
        }
    }
}
