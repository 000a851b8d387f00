package dev.memogen.internal.store;

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
    /**
     * What this function's store keys are salted with ({@link #storeK0}): the digest of its lookup
     * text, 0 without one. Entries of one function and arguments under two lookups (two JDKs)
     * are two keys, which coexist, instead of one key whose entry each replaces as stale.
     */
    private final long salt0;
    private final long salt1;
    /** The digest of {@link #id} and {@link #version} that this function's entries carry. */
    private final long versionDigest;
    /** The digest of the last system state asked for, and that state. */
    private volatile StateDigest stateDigest;

    private record StateDigest(String state, long digest) {}
    /**
     * The {@link FunctionNames#noted() mark} of the store that has this function's names since
     * this JVM stored an entry of it; anything else: its first store writes them (once per JVM,
     * store and function version, not per call).
     */
    volatile Object namesNoted;

    public StoredFunction(String id, String version, Ttl ttl) {
        this(id, idHash(id), "", version, ttl);
    }

    /**
     * A function whose entries are looked up under {@code lookup} too (the runtime passes the
     * JDK: a program run on two JDKs, whose function versions differ by the JDK's classes, keeps
     * an entry per JDK). The id, its hash, the directory and the names file are the function's.
     */
    public StoredFunction(String id, String lookup, String version, Ttl ttl) {
        this(id, idHash(id), lookup, version, ttl);
    }

    /** A function whose id hashes to {@code idHash}: tests make two ids collide with it. */
    StoredFunction(String id, long idHash, String version, Ttl ttl) {
        this(id, idHash, "", version, ttl);
    }

    private StoredFunction(String id, long idHash, String lookup, String version, Ttl ttl) {
        this.id = id;
        this.idHash = idHash;
        this.version = version;
        this.ttl = ttl;
        this.versionDigest = versionDigest(id, version);
        if (lookup.isEmpty()) {
            this.salt0 = 0;
            this.salt1 = 0;
        } else {
            Xxh3Stream s = new Xxh3Stream();
            s.int32(lookup.length());
            s.putChars(lookup);
            s.finish();
            this.salt0 = s.high();
            this.salt1 = s.low();
        }
    }

    /**
     * The store's key for argument key ({@code k0}, {@code k1}): salted by the lookup. Applied once,
     * where a key enters the store ({@link FileStore}'s methods taking a function and a key); what
     * the store holds (index, file names, entry headers, flights) is salted.
     */
    public long storeK0(long k0) {
        return k0 ^ salt0;
    }

    /** See {@link #storeK0}. */
    public long storeK1(long k1) {
        return k1 ^ salt1;
    }

    /** The digest of a function version as entries carry it: see {@link #versionDigest()}. */
    static long versionDigest(String id, String version) {
        Xxh3Stream s = new Xxh3Stream();
        s.int32(id.length());
        s.putChars(id);
        s.int32(version.length());
        s.putChars(version);
        s.finish();
        return s.high();
    }

    /** The digest of a system state as entries carry it: the upper half of the XXH3-128 of its length and text. */
    static long stateDigestOf(String state) {
        Xxh3Stream s = new Xxh3Stream();
        s.int32(state.length());
        s.putChars(state);
        s.finish();
        return s.high();
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
     * What this function's entries carry instead of its id and version as text: the upper half of
     * the XXH3-128 of both (each as its length and UTF-16 code units). An entry of another version
     * of the function is stale; with 64 bits, an entry of another version taken for this one would
     * need a collision of the two versions' digests.
     */
    long versionDigest() {
        return versionDigest;
    }

    /** The digest of a store's system state, as its entries carry it: the upper half of its XXH3-128. */
    long stateDigest(String state) {
        StateDigest d = stateDigest;
        if (d == null || !d.state.equals(state)) {
            d = new StateDigest(state, stateDigestOf(state));
            stateDigest = d;
        }
        return d.digest;
    }
}
