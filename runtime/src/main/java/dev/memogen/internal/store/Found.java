package dev.memogen.internal.store;

/**
 * What a read of the store found for a key: nothing, an entry that no longer applies, a damaged
 * one, or a hit.
 */
public sealed interface Found permits Found.Absent, Found.Stale, Found.Corrupt, Found.Hit {

    /** No entry for the key. */
    Absent ABSENT = new Absent();

    /** No entry for the key. */
    record Absent() implements Found {}

    /**
     * An entry of the key made for another system state or function version, or older than its
     * ttl: recomputed and replaced.
     */
    record Stale(String why) implements Found {
        /** Why an entry older than its ttl is stale. */
        public static final String EXPIRED = "older than its ttl";

        /** Whether it is stale only for its age: sound, and as good as absent for every reader. */
        public boolean expired() {
            return EXPIRED.equals(why);
        }
    }

    /** An entry that is not sound (checksum, lengths, key): recomputed; {@code detail} says where and what. */
    record Corrupt(String detail) implements Found {
        /** The detail of an entry whose bytes do not match their checksum: damaged, whoever reads it. */
        public static final String CHECKSUM = "checksum mismatch";

        /** Whether its checksum did not match (not its tag, a key or a length). */
        public boolean checksumMismatch() {
            return CHECKSUM.equals(detail);
        }
    }

    /** A sound entry of the key; its payload is {@code payloadLength} bytes, written at {@code createdMillis}. */
    sealed interface Hit extends Found permits Whole, Streaming {
        int payloadLength();

        long createdMillis();

        /** The compute nanos stored with it (what the eviction policy weighs). */
        long cost();

        /** Its argument version, high and low: what the files among its arguments held. */
        long version0();

        long version1();
    }

    /** A hit read whole, checksum verified: the payload is {@code bytes[payloadOffset, +payloadLength)}. */
    @SuppressWarnings("ArrayRecordComponent") // a result handed over, never compared
    record Whole(byte[] bytes, int payloadOffset, int payloadLength, long createdMillis, long cost, long version0,
            long version1) implements Hit {}

    /**
     * A hit in a large file decoded as it is read: its checksum is verified only after decoding
     * ({@link FileStore.Streamed#checksumMatches()}); the caller closes it.
     */
    record Streaming(FileStore.Streamed streamed, int payloadLength, long createdMillis, long cost, long version0,
            long version1) implements Hit {}
}
