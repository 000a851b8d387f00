package dev.memogen.internal.store;

import dev.memogen.internal.codec.ValueReader;
import dev.memogen.internal.codec.ValueWriter;
import dev.memogen.internal.hash.Xxh3Stream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The bytes of one entry, as an object file holds them and a pack record wraps them: the only
 * class that knows where each field is (see {@code docs/store-format.md}, "Object files").
 * <pre>
 * int32 magic "MGEN"   int32 store format     int64 compute nanos   int64 created (epoch millis)
 * int64 argument key hi, lo                   int64 argument version hi, lo (0 without files among the arguments)
 * int64 function id hash                      int64 system state digest   int64 function version digest
 * size payload length  payload                [32 bytes HMAC-SHA256 tag: with memogen.key]
 * 16 bytes XXH3-128 of everything before them
 * </pre>
 */
public final class EntryFormat {
    /** "MGEN" in little-endian byte order. */
    public static final int MAGIC = 0x4E45474D;
    /** Version of the on-disk format; part of every entry's system state. */
    public static final int FORMAT_VERSION = 3;
    public static final int CHECKSUM_BYTES = 16;
    private static final int COST_AT = 8;
    private static final int K0_AT = 24;
    private static final int K1_AT = 32;
    /** Where the function id's hash is. */
    private static final int FUNCTION_AT = 56;
    /** The whole header: fixed fields, then the payload's length. */
    static final int HEADER_BYTES = 84;
    /** Bytes of the fixed head that a scan reads: magic, format, cost, created, key. */
    static final int HEAD_BYTES = 40;
    /** The smallest entry: the fixed head and a checksum. */
    static final int MIN_BYTES = HEAD_BYTES + CHECKSUM_BYTES;
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private EntryFormat() {}

    /** The header of an entry of {@code fn} for key ({@code k0}, {@code k1}), up to the payload. */
    static ValueWriter header(StoredFunction fn, String systemState, long k0, long k1, long v0, long v1,
            long computeNanos, long createdMillis, int payloadLength) {
        ValueWriter header = new ValueWriter(HEADER_BYTES);
        header.writeInt(MAGIC);
        header.writeInt(FORMAT_VERSION);
        header.writeLong(computeNanos);
        header.writeLong(createdMillis);
        header.writeLong(k0);
        header.writeLong(k1);
        header.writeLong(v0); // argument version
        header.writeLong(v1);
        header.writeLong(fn.idHash());
        header.writeLong(fn.stateDigest(systemState));
        header.writeLong(fn.versionDigest());
        header.writeSize(payloadLength);
        return header;
    }

    /** Makes the result of a header that is sound for the key. */
    interface HitMaker {
        Found hit(int payloadOffset, int payloadLength, long createdMillis, long cost, long version0, long version1);
    }

    /**
     * Reads and checks the header of an entry whose checksummed part is {@code body} bytes; for
     * a sound header of the key, {@code in} is left at the payload and {@code hit} makes the
     * result. Throws {@link dev.memogen.internal.codec.CorruptValueException} for lengths that do
     * not fit.
     */
    static Found check(ValueReader in, long body, StoredFunction fn, String systemState, long k0, long k1,
            HitMaker hit) {
        if (in.readInt() != MAGIC) {
            return new Found.Corrupt("not a memogen entry");
        }
        int format = in.readInt();
        if (format != FORMAT_VERSION) {
            return new Found.Stale("store format " + format + " != " + FORMAT_VERSION);
        }
        long cost = in.readLong(); // compute nanos, read by the eviction policy
        long created = in.readLong();
        long storedK0 = in.readLong();
        long storedK1 = in.readLong();
        long version0 = in.readLong(); // argument version: the caller compares it (a hit of another version is stale)
        long version1 = in.readLong();
        boolean sameId = in.readLong() == fn.idHash();
        boolean sameState = in.readLong() == fn.stateDigest(systemState);
        boolean sameVersion = in.readLong() == fn.versionDigest();
        int payloadLength = in.readSize(1);
        int tagBytes = in.remaining() - payloadLength; // a tag follows the payload in an entry written with a key
        if (tagBytes != 0 && tagBytes != StoreKey.TAG_BYTES) {
            return new Found.Corrupt("payload length " + payloadLength + " != " + in.remaining());
        }
        if (storedK0 != k0 || storedK1 != k1 || !sameId) {
            // A different key at this place: a 128-bit collision or a misplaced entry. Never a hit.
            return new Found.Corrupt("entry belongs to another key");
        }
        if (!sameState) {
            return new Found.Stale("system state changed");
        }
        if (!sameVersion) {
            return new Found.Stale("function version changed");
        }
        if (fn.ttl().expired(created, System.currentTimeMillis())) {
            return new Found.Stale(Found.Stale.EXPIRED);
        }
        return hit.hit((int) (body - tagBytes - payloadLength), payloadLength, created, cost, version0, version1);
    }

    /**
     * Whether the last {@value #CHECKSUM_BYTES} of the first {@code length} bytes (at least that
     * many) are the XXH3-128 of the bytes before them.
     */
    public static boolean checksumMatches(byte[] bytes, int length) {
        int body = length - CHECKSUM_BYTES;
        Xxh3Stream sum = Xxh3Stream.digest(bytes, 0, body);
        return (long) LONG.get(bytes, body) == sum.high() && (long) LONG.get(bytes, body + 8) == sum.low();
    }

    /** The checksum trailer of an entry: the XXH3-128 of every byte before it, finished here. */
    static byte[] trailer(Xxh3Stream sum) {
        sum.finish();
        byte[] trailer = new byte[CHECKSUM_BYTES];
        LONG.set(trailer, 0, sum.high());
        LONG.set(trailer, 8, sum.low());
        return trailer;
    }

    /**
     * The end of an entry whose header and payload went through {@code sum} and, with a key,
     * {@code mac}: the tag (with a key), which goes through {@code sum} too, then the checksum.
     */
    static byte[] seal(Xxh3Stream sum, javax.crypto.Mac mac) {
        if (mac == null) {
            return trailer(sum);
        }
        byte[] tag = mac.doFinal();
        sum.putBytes(tag, 0, tag.length);
        byte[] sealed = java.util.Arrays.copyOf(tag, tag.length + CHECKSUM_BYTES);
        System.arraycopy(trailer(sum), 0, sealed, tag.length, CHECKSUM_BYTES);
        return sealed;
    }

    /** Whether a trailer read from a file is the finished {@code sum}. */
    static boolean trailerMatches(byte[] trailer, Xxh3Stream sum) {
        sum.finish();
        return (long) LONG.get(trailer, 0) == sum.high() && (long) LONG.get(trailer, 8) == sum.low();
    }

    /**
     * The compute nanos of the entry whose first bytes {@code head} holds (little-endian, its
     * position the count read): 0 when fewer than 16 were read, when they are not an entry's, or
     * when the field is negative.
     */
    static long costOf(java.nio.ByteBuffer head) {
        return head.position() >= 16 && head.getInt(0) == MAGIC ? Math.max(0, head.getLong(COST_AT)) : 0;
    }

    /** The compute nanos field of an entry of at least {@link #HEAD_BYTES}, as stored. */
    static long storedCost(byte[] entry) {
        return (long) LONG.get(entry, COST_AT);
    }

    static long k0Of(byte[] entry) {
        return (long) LONG.get(entry, K0_AT);
    }

    static long k1Of(byte[] entry) {
        return (long) LONG.get(entry, K1_AT);
    }

    /**
     * The hash of the function id that the entry of {@code length} bytes holds, as
     * {@link StoredFunction#idHash} computes it; {@code fallback} for an entry of another format,
     * or too short to hold it.
     */
    static long functionHashOf(byte[] entry, int length, long fallback) {
        if (length < HEADER_BYTES || (int) INT.get(entry, 4) != FORMAT_VERSION) {
            return fallback;
        }
        return (long) LONG.get(entry, FUNCTION_AT);
    }

    /** Where an entry's creation time is (epoch millis). */
    private static final int CREATED_AT = 16;

    /** For tools: the creation time (epoch millis) in the first {@link #HEAD_BYTES} of an entry. */
    static long createdOf(byte[] head) {
        return (long) LONG.get(head, CREATED_AT);
    }

    /** For tools: whether the header {@code head} (at least 8 bytes) is of this store format. */
    static boolean currentFormat(byte[] head) {
        return (int) INT.get(head, 4) == FORMAT_VERSION;
    }

    /**
     * For tools ({@link StoreMaintenance}): what is wrong with the header of an entry of
     * {@code length} bytes stored for key ({@code k0}, {@code k1}) of function {@code fn}, given its
     * first {@link #HEADER_BYTES} (or fewer, when the entry is shorter); null when it is sound. The
     * system state and function version are not looked at: an entry of another one is stale, not
     * damaged; nor is the tag (the caller checks it against its key).
     */
    static String headerProblem(byte[] head, long length, long fn, long k0, long k1) {
        if (length < HEADER_BYTES + CHECKSUM_BYTES || head.length < HEADER_BYTES) {
            return "too short for an entry (" + length + " bytes)";
        }
        if ((int) INT.get(head, 0) != MAGIC) {
            return "not a memogen entry (no magic)";
        }
        if (!currentFormat(head)) {
            return null; // another format: stale, read as a miss
        }
        if ((long) LONG.get(head, K0_AT) != k0 || (long) LONG.get(head, K1_AT) != k1) {
            return "entry belongs to another key";
        }
        if ((long) LONG.get(head, FUNCTION_AT) != fn) {
            return "entry belongs to another function";
        }
        long tagBytes = length - CHECKSUM_BYTES - payloadEnd(head);
        if (tagBytes != 0 && tagBytes != StoreKey.TAG_BYTES) {
            return "payload length " + (payloadEnd(head) - HEADER_BYTES) + " does not fit the entry's " + length
                    + " bytes";
        }
        return null;
    }

    /** For tools: where the payload of a current-format entry ends (its tag, if any, starts there). */
    static long payloadEnd(byte[] head) {
        return HEADER_BYTES + ((int) INT.get(head, HEADER_BYTES - 4) & 0xFFFFFFFFL);
    }
}
