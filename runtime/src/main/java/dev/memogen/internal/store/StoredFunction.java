package dev.memogen.internal.store;

import dev.memogen.internal.codec.ValueWriter;
import dev.memogen.internal.hash.Xxh3Stream;

/**
 * Whose entries the store reads and writes: a function's id, the hash of it that names its
 * object directory and tags its pack records, the function version its entries must carry, and
 * how long they stay valid. The runtime makes one when it knows the version; the store never
 * computes anything about a function.
 */
public final class StoredFunction {
    private final String id;
    private final long idHash;
    private final String version;
    private final Ttl ttl;
    /** The encoded strings of this function's entries in a store of some system state, and that state. */
    private volatile HeaderStrings headerStrings;

    @SuppressWarnings("ArrayRecordComponent") // compared by state only
    private record HeaderStrings(String state, byte[] bytes) {}

    public StoredFunction(String id, String version, Ttl ttl) {
        this.id = id;
        this.idHash = idHash(id);
        this.version = version;
        this.ttl = ttl;
    }

    /**
     * The hash of a function id: the upper half of the XXH3-128 of its UTF-16LE code units. It
     * names the function's object directory and tags its pack records ({@link EntryFormat#functionHashOf}).
     */
    public static long idHash(String id) {
        Xxh3Stream s = new Xxh3Stream();
        s.putChars(id);
        s.finish();
        return s.high();
    }

    public String id() {
        return id;
    }

    public long idHash() {
        return idHash;
    }

    public String version() {
        return version;
    }

    public Ttl ttl() {
        return ttl;
    }

    /**
     * The system state, id and version exactly as an entry of this function's header holds them
     * ({@link ValueWriter#writeString} of each, in that order), made once per state: a read
     * compares them with one range comparison.
     */
    byte[] headerStrings(String state) {
        HeaderStrings h = headerStrings;
        if (h == null || !h.state.equals(state)) {
            ValueWriter out = new ValueWriter(16 + 2 * (state.length() + id.length() + version.length()));
            out.writeString(state);
            out.writeString(id);
            out.writeString(version);
            h = new HeaderStrings(state, out.toByteArray());
            headerStrings = h;
        }
        return h.bytes;
    }
}
