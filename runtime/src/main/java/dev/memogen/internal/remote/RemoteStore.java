package dev.memogen.internal.remote;

import java.io.OutputStream;

/**
 * A shared store of immutable objects, named by key, behind the local store: S3 or anything that
 * speaks its API ({@link S3HttpClient}), or an SDK-backed implementation for users who need the
 * SDK's credential chain. It is what the remote tier needs and no more: read an object into a
 * sink, write one only if its key is absent (the first writer wins, nothing is overwritten), and
 * delete one (for tests and tools).
 *
 * <p>No method throws for anything the remote or the network does: every outcome, failures
 * included, is a value with a reason a person can act on, so that the tier can warn once and
 * compute instead. Objects are streamed: from a caller's {@link ObjectSource} up, into a caller's
 * {@link OutputStream} down; an implementation never holds a whole object in memory.
 *
 * <p>A key is any non-empty text (an empty one is a programming error: {@link IllegalArgumentException});
 * implementations put it under their prefix and encode it as their protocol needs.
 */
public interface RemoteStore {

    /**
     * Copies the object named {@code key} into {@code sink}. On {@link Found} the sink holds the
     * whole object; on anything else it may hold part of it, which the caller discards. The sink
     * is not closed.
     */
    GetResult get(String key, OutputStream sink);

    /**
     * Writes {@code source} as the object named {@code key} unless that key already exists
     * ({@code If-None-Match: *}): {@link Created} when this call wrote it, {@link AlreadyThere}
     * when another writer was first (its object stays as it is).
     */
    PutResult putIfAbsent(String key, ObjectSource source);

    /** Deletes the object named {@code key}; deleting an absent key is not a failure. */
    DeleteResult delete(String key);

    /**
     * A sink of {@link #get} that wants to know the object's length before its bytes come (to
     * allocate once): told the length the remote announces, which it may not keep to.
     */
    interface ExpectsLength {
        void expect(long length);
    }

    /** What {@link #get} found. */
    sealed interface GetResult permits Found, NotFound, Failure {}

    /** What {@link #putIfAbsent} did. */
    sealed interface PutResult permits Created, AlreadyThere, Failure {}

    /** What {@link #delete} did. */
    sealed interface DeleteResult permits Deleted, Failure {}

    /** The object was copied into the sink whole: {@code bytes} of it. */
    record Found(long bytes) implements GetResult {}

    /** There is no object of that key. */
    record NotFound() implements GetResult {}

    /** This call wrote the object, {@code bytes} long. */
    record Created(long bytes) implements PutResult {}

    /** An object of that key was there already (HTTP 412): the first writer won, nothing was written. */
    record AlreadyThere() implements PutResult {}

    /** The object is gone (or never was). */
    record Deleted() implements DeleteResult {}

    /**
     * The operation did not happen, or not whole, for {@code reason} (one line, for a warning;
     * it names an access key id but never a secret).
     */
    record Failure(Kind kind, String reason) implements GetResult, PutResult, DeleteResult {

        /**
         * Whether the remote is at fault (unreachable, slow, refusing, broken), which is what a
         * {@link CircuitBreaker} counts; a failure of the caller's own sink or source is not.
         */
        public boolean remoteFault() {
            return kind != Kind.LOCAL;
        }
    }

    /** Why an operation failed, in the groups a caller treats differently. */
    enum Kind {
        /** No connection: refused, unknown host, connect timeout, connection reset. */
        UNREACHABLE,
        /** Connected, but no answer or no progress within the timeout. */
        TIMEOUT,
        /** 401 or 403: bad credentials, a clock too far off, or no permission on the bucket. */
        DENIED,
        /** A 5xx answer. */
        SERVER_ERROR,
        /** An answer this client cannot use: an unexpected status, malformed XML, an object too large. */
        BAD_RESPONSE,
        /** The caller's sink or source failed, or the thread was interrupted: not the remote's fault. */
        LOCAL,
        /** A program's own implementation ({@code dev.memogen.RemoteObjects}) threw: the reason says what. */
        PROVIDER
    }
}
