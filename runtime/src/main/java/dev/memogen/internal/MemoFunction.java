package dev.memogen.internal;

import dev.memogen.internal.codec.Codec;
import dev.memogen.internal.codec.ValueWriter;
import dev.memogen.internal.core.Events;
import dev.memogen.internal.core.FunctionVersion;
import dev.memogen.internal.core.Problems;
import dev.memogen.internal.core.ProcessFlights;
import dev.memogen.internal.core.StoredEntries;
import dev.memogen.internal.core.StripedCounter;
import dev.memogen.internal.fingerprint.CodeFingerprint;
import dev.memogen.internal.fingerprint.FingerprintInputs;
import dev.memogen.internal.store.FlightTable;
import dev.memogen.internal.store.StoredFunction;
import dev.memogen.internal.store.Ttl;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;

/**
 * One memoized method: its identity, its version, the codec of its return type, its statistics,
 * and the lookup and store logic that generated code calls. A generated method whose arguments
 * are values (here a record and a {@code double}) reads:
 *
 * <pre>{@code
 * long m = memoryHashSample(s);                            // a cheap hash of the arguments
 * m = 31 * m + Double.doubleToLongBits(w);
 * Cached c = FN.probe(m, 0L);                              // the memory tier; no allocation
 * if (c != null && sameSample((Sample) ((Object[]) c.args())[0], s)
 *         && MemoryKeys.same(((Double) ((Object[]) c.args())[1]).doubleValue(), w)) {
 *     return FN.hit(c);                                    // a memory hit ends here
 * }
 * KeyHasher h = FN.begin();
 * if (h == null) return Target.fit(s, w);                 // memogen disabled
 * try { hashSample(h, s); h.putDouble(w); } finally { h.finish(); }
 * long k0 = h.high(), k1 = h.low();                        // the key stream's digest
 * Object args = new Object[] {s, w};
 * long argsBytes = h.length();                             // what the kept arguments weigh
 * Object cached = FN.load(k0, k1, m, 0L, args, argsBytes);  // the store
 * if (cached != MemoFunction.MISS) return FN.value(cached);
 * MemoFunction.Flight<Fit> flight = FN.miss(k0, k1, m, 0L, args, argsBytes);
 * if (flight.hasValue()) return flight.value();          // another thread or process computed it
 * Fit result;
 * try { result = Target.fit(s, w); } catch (Throwable t) { flight.fail(); throw t; }
 * return flight.complete(result);
 * }</pre>
 *
 * <p>A method of a few primitives keys memory by its packed key stream instead ({@code probe(s0,
 * s1)}, exact, nothing to compare); any other method by the digest ({@link #get}).
 *
 * <p>A method that returns a {@code CompletableFuture<T>} (or {@code CompletionStage<T>}) is a
 * function of {@code T}, the value the future completes with: a hit returns
 * {@code CompletableFuture.completedFuture(FN.hit(c))}, and a miss starts a {@link Pending}
 * computation with {@link #pending} instead of a flight.
 *
 * <p>Nothing that goes wrong inside the cache reaches the caller: a store that cannot be read or
 * written, or an entry that does not decode, makes the call compute, after one warning.
 *
 * <p>Not part of the public API.
 *
 * @param <T> the declared return type (boxed for primitives)
 */
public final class MemoFunction<T> {
    /** Returned by {@link #get} when the value must be computed. */
    public static final Object MISS = new Object();
    /** Stands for a {@code null} result in the memory tier. */
    private static final Object NULL = new Object();

    private final String id;
    private final Codec<T> codec;
    /** The declaring class, method name and descriptor, for the code fingerprint; null for a fixed version. */
    private final Class<?> owner;
    private final String methodName;
    private final String descriptor;
    /** What the compiler knew: return type shape, {@code @Memo(version)}. */
    private final String compileVersion;
    /** The method's source fingerprint, used when its bytecode cannot be read. */
    private final String sourceFingerprint;
    /** Records and enums in the parameter and return types: their code counts too. */
    private final java.util.List<String> valueClasses;
    /** Computed on first use: reading class files is done once per function and JVM, never on a hit. */
    private volatile String version;
    private final boolean mutable;
    /** A {@code Path} or {@code File} result ({@link FileResults}): a memory hit first puts its files back. */
    final boolean restoresFiles;
    /**
     * Spreads this function's keys over the memory tier's buckets ({@link MemoryTier}): any
     * well-mixed number of the id will do, since an entry is found by identity of its function.
     * Not the store's id hash (XXH3): a JVM with memogen disabled never loads the hashing.
     */
    private final long bucketSalt;
    private final ConcurrentHashMap<FlightKey, Flight<T>> inFlight = new ConcurrentHashMap<>();
    /** The futures of the asynchronous computations under way ({@link #pending}), by key. */
    private final ConcurrentHashMap<FlightKey, CompletableFuture<T>> pendingFutures = new ConcurrentHashMap<>();
    private volatile Ttl ttl = Ttl.NONE;
    /** {@code @Memo(replayOutput = true)}: what a computation writes to System.out and err is replayed on hits. */
    private volatile boolean replayOutput;
    /**
     * Reads the preamble of an entry: what its computation recorded ({@link Recorded}). Here and
     * on the rest of the hit path, classes rather than lambdas: a JVM's first lambdas are spun at
     * run time (the metafactory, ASM, in the interpreter), a cost every fresh JVM would pay on its
     * first hit.
     */
    private static final StoredEntries.Preamble RECORDED = new Recorded.PreambleReader();

    private final StripedCounter memoryHits = new StripedCounter();
    // Counters of rare events (a store read, a miss): atomics, not LongAdders, whose class
    // initialisation (Striped64's handles) every fresh JVM would pay, memogen disabled or not.
    private final AtomicLong storeHits = new AtomicLong();
    private final AtomicLong remoteHits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong computeNanos = new AtomicLong();
    private final AtomicLong storedBytes = new AtomicLong();
    private final AtomicLong invalidations = new AtomicLong();
    /** The compute cost stored with the entries of store hits. */
    private final AtomicLong storeSavedNanos = new AtomicLong();
    /** Time in the cache itself: store reads (hits and misses), a miss's coordination, encoding and writing. */
    private final AtomicLong overheadNanos = new AtomicLong();
    /** Bytes of values read from the store (their encoded payloads). */
    private final AtomicLong readBytes = new AtomicLong();
    /** Whether this JVM read a large value of this function from the store before ({@link KeepsRead}). */
    private volatile boolean readLarge;
    /** Counts a stale entry met by a read: {@link #invalidations}. */
    private final Runnable countInvalidation = new Increment(invalidations);

    private MemoFunction(String id, Class<?> owner, String methodName, String descriptor, String compileVersion,
            String sourceFingerprint, Codec<T> codec, boolean mutable, String[] valueClasses) {
        this.id = id;
        this.valueClasses = java.util.List.of(valueClasses);
        this.owner = owner;
        this.methodName = methodName;
        this.descriptor = descriptor;
        this.compileVersion = compileVersion;
        this.sourceFingerprint = sourceFingerprint;
        this.version = owner == null ? compileVersion : null;
        this.codec = codec;
        this.mutable = mutable;
        this.restoresFiles = codec.restoresFiles();
        this.bucketSalt = (id.hashCode() + 0x5bd1e995L) * 0x9E3779B97F4A7C15L;
    }

    /**
     * The function of a generated method. Its version joins {@code compileVersion} and the code
     * fingerprint of {@code owner.methodName(descriptor)} ({@link CodeFingerprint}), computed on
     * first use; if the class files cannot be read, {@code sourceFingerprint} stands in.
     *
     * @param id                the function id, e.g. {@code com.acme.Spectra#smooth(double[],int)}
     * @param owner             the class that declares the method
     * @param methodName        the method's name
     * @param descriptor        the method's JVM descriptor, e.g. {@code ([DI)[D}
     * @param compileVersion    what the compiler knew: return type shape, {@code @Memo(version)}
     * @param sourceFingerprint a digest of the method's syntax tree
     * @param codec             reads and writes the return type
     * @param mutable           whether a returned value can be changed by its caller (arrays,
     *                          collections): every caller then gets its own copy
     * @param valueClasses      binary names of the records and enums in the parameter and return
     *                          types: their code counts in the fingerprint
     */
    public static <T> MemoFunction<T> create(String id, Class<?> owner, String methodName, String descriptor,
            String compileVersion, String sourceFingerprint, Codec<T> codec, boolean mutable,
            String... valueClasses) {
        MemoFunction<T> fn = new MemoFunction<>(id, owner, methodName, descriptor, compileVersion, sourceFingerprint,
                codec, mutable, valueClasses);
        MemoRuntime.register(fn);
        return fn;
    }

    /** A function with a fixed version that no code fingerprint joins (tests, hand-written wrappers). */
    public static <T> MemoFunction<T> create(String id, String version, Codec<T> codec, boolean mutable) {
        MemoFunction<T> fn = new MemoFunction<>(id, null, null, null, version, null, codec, mutable, new String[0]);
        MemoRuntime.register(fn);
        return fn;
    }

    public String id() {
        return id;
    }

    /** The function version: compile-time version and code fingerprint, computed on first use. */
    public String version() {
        String v = version;
        if (v == null) {
            synchronized (this) {
                v = version;
                if (v == null) {
                    v = computeVersion();
                    version = v;
                }
            }
        }
        return v;
    }

    /** What the store knows of this function: made once its version is known, again after {@link #withTtl}. */
    private volatile StoredFunction stored;

    /**
     * This function as the store sees it: id, version, ttl, and for a function whose version is
     * its code's fingerprint, the JDK as a lookup part: the fingerprint counts the JDK's classes by
     * the JDK's version, so a program run on two JDKs by turns keeps an entry per JDK for each
     * call instead of replacing the other's as stale every time. Computes the version on first use.
     */
    StoredFunction stored() {
        StoredFunction s = stored;
        if (s == null) {
            s = new StoredFunction(id, owner == null ? "" : FingerprintInputs.jdk(), version(), ttl);
            stored = s;
        }
        return s;
    }

    /**
     * The code fingerprint of {@code owner.method(descriptor)}, computed afresh (for benchmarks
     * and tools): a summary of what was reached and the digest.
     */
    public static String fingerprint(Class<?> owner, String method, String descriptor, String... valueClasses) {
        return FunctionVersion.describe(owner, method, descriptor, java.util.List.of(valueClasses));
    }

    private String computeVersion() {
        return StoredFingerprints.version(id, owner, methodName, descriptor, compileVersion, sourceFingerprint,
                valueClasses, MemoRuntime.get().problems);
    }

    /**
     * Sets how long results stay valid: {@code @Memo(ttl)}, which the processor read at compile
     * time, as milliseconds of age, or of the interval at whose boundaries all entries expire
     * ({@code interval}, {@code "every 1d"}). A length that is not positive leaves results valid
     * forever, after a warning. Returns this function.
     */
    public MemoFunction<T> withTtl(long millis, boolean interval) {
        if (millis > 0) {
            this.ttl = new Ttl(millis, interval);
            this.stored = null;
        } else {
            Problems.log().log(System.Logger.Level.WARNING, "memogen: ignoring the ttl of " + id + ": " + millis + " ms");
        }
        return this;
    }

    Ttl ttl() {
        return ttl;
    }

    /**
     * {@code @Memo(replayOutput = true)}: what a computation of this function writes to
     * {@code System.out} and {@code System.err} on its own thread is stored with the result and
     * written again on every hit ({@link OutputCapture}). Returns this function.
     */
    public MemoFunction<T> replayingOutput() {
        this.replayOutput = true;
        return this;
    }

    long bucketSalt() {
        return bucketSalt;
    }

    /**
     * {@code Memogen.dependsOn}: the computation under way on the current thread, if any, depends
     * on {@code file} (what it holds now is kept with the result and checked by every hit).
     */
    public static void dependOn(java.nio.file.Path file) {
        Flight.dependOn(file.toAbsolutePath().normalize());
    }

    /** Whether memoization is off: the generated method then calls the original straight away. */
    public boolean disabled() {
        return MemoRuntime.get().config.disabled();
    }

    /** A hasher for this call's arguments, or {@code null} when memoization is disabled. */
    public KeyHasher begin() {
        if (disabled()) {
            return null;
        }
        return KeyHasher.acquire();
    }

    /**
     * The cached value for the argument key ({@code k0}, {@code k1}) from memory or the store, or
     * {@link #MISS}. A value of a mutable type is a fresh copy that the caller owns.
     */
    public Object get(long k0, long k1) {
        return get(k0, k1, 0, 0);
    }

    /**
     * {@link #get(long, long)} for a method with files among its arguments: ({@code v0},
     * {@code v1}) is the argument version ({@link KeyHasher#versionHigh}), what they hold now. An
     * entry of another version is stale. In memory the version is part of the key.
     */
    public Object get(long k0, long k1, long v0, long v1) {
        MemoRuntime rt = MemoRuntime.get();
        Cached c = rt.memory.get(this, k0 ^ v0, k1 ^ v1);
        if (c != null && c.k0 == k0 && c.k1 == k1) {
            countMemoryHit(c);
            Object value = fromMemory(c.value);
            if (c.recorded != null) {
                c.recorded.onHit();
            }
            return value;
        }
        return readStore(rt, new FlightKey(k0, k1, k0 ^ v0, k1 ^ v1, v0, v1), null, 0);
    }

    /**
     * The memory tier's entry for memory key ({@code m0}, {@code m1}), or {@code null}: the first
     * step of a generated method whose memory key is not the digest. For a packed stream
     * ({@link KeyHasher#packedHigh}) the key is exact; for a hash of the arguments the generated
     * method compares {@link Cached#args()} with its arguments before taking the value with
     * {@link #hit} or {@link #hitBits}. Allocates nothing; needs no runtime (an empty tier before
     * the first miss, and always while memogen is disabled: generated code checks
     * {@link #disabled()} after a probe that found nothing).
     */
    public Cached probe(long m0, long m1) {
        return MemoryTier.probe(this, m0, m1);
    }

    /** The value of an entry {@link #probe} found (a fresh copy for a mutable type); counts a memory hit. */
    public T hit(Cached c) {
        countMemoryHit(c);
        T value = value(fromMemory(c.value));
        if (c.recorded != null) {
            c.recorded.onHit();
        }
        return value;
    }

    /**
     * The value of an entry {@link #probe} found, for a primitive return type: its bits
     * ({@code doubleToRawLongBits}, {@code floatToRawIntBits}, the widened integer, 1/0 for a
     * {@code boolean}), which generated code narrows back. Counts a memory hit.
     */
    public long hitBits(Cached c) {
        countMemoryHit(c);
        if (c.recorded != null) {
            c.recorded.onHit();
        }
        return c.bits;
    }

    /**
     * Counts a memory hit of entry {@code c}. Reads one static field besides: nothing is timed,
     * nothing else is told, unless somebody watches ({@link Problems#watchHits}: the log at TRACE,
     * the events file or JFR). The time it saved is not added here: adding the entry's cost made
     * a hit of {@code long f(int,int)} about 1 ns (some 8%) slower; {@link #statistics()}
     * estimates it instead.
     */
    private void countMemoryHit(Cached c) {
        memoryHits.increment();
        if (Problems.watchHits) {
            watchedMemoryHit(c.k0, c.k1, c.weight, c.cost);
        }
    }

    /** A memory hit without an entry at hand: a thread that waited for another's flight, a caller that joined a pending computation. */
    private void countMemoryHit(long k0, long k1, long cost) {
        memoryHits.increment();
        if (Problems.watchHits) {
            watchedMemoryHit(k0, k1, -1, cost);
        }
    }

    /** Tells who watches of a memory hit (off the hit's fast path). */
    private void watchedMemoryHit(long k0, long k1, long bytes, long cost) {
        if (Problems.traceHits) {
            Problems.trace("memogen: hit " + id + " in memory");
        }
        if (Problems.watching) {
            Events.hit(id, "memory", k0, k1, bytes, cost, 0);
        }
    }

    /**
     * Reads store key ({@code k0}, {@code k1}) after {@link #probe} found nothing in memory, and
     * keeps the value in memory under ({@code m0}, {@code m1}) with {@code args}, which weigh
     * about {@code argsBytes} (the key stream's length; the memory tier counts them); returns the
     * value or {@link #MISS}.
     */
    public Object load(long k0, long k1, long m0, long m1, Object args, long argsBytes) {
        return readStore(MemoRuntime.get(), new FlightKey(k0, k1, m0, m1, 0, 0), args, argsBytes);
    }

    private Object fromMemory(Object held) {
        if (held == NULL) {
            return null;
        }
        if (mutable) {
            byte[] bytes = (byte[]) held;
            return decode(bytes, 0, bytes.length);
        }
        return held;
    }

    /**
     * Whether the files of a {@code Path} or {@code File} result held in memory are in place, put
     * back where they were missing or differed ({@link FileResults}); false when they cannot be:
     * then the entry is no hit, and the store (which cannot either, and says why) makes the call
     * compute.
     */
    boolean filesInPlace(Cached c) {
        try {
            fromMemory(c.value);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private T decode(byte[] bytes, int offset, int length) {
        return StoredEntries.decode(codec, bytes, offset, length);
    }

    /** Reads store key ({@code key.k0}, {@code key.k1}) into the memory tier under key ({@code key.m0}, {@code key.m1}). */
    private Object readStore(MemoRuntime rt, FlightKey key, Object args, long argsBytes) {
        Loaded loaded = loadFromStore(rt, key, args, argsBytes, false);
        if (loaded == null) {
            return MISS;
        }
        loaded.hit();
        return loaded.value;
    }

    /**
     * A value read from the store: what the memory tier holds for it (null when nothing keeps a
     * large mutable value), what the caller gets, and what its computation recorded (or null).
     */
    private record Loaded(Object held, Object value, Recorded recorded, long cost, long bytes, boolean remote) {
        /** The caller takes the value: the files it depends on are the caller's too, its output is replayed. */
        void hit() {
            if (recorded != null) {
                recorded.onHit();
            }
        }
    }

    /**
     * Reads the key from the store into the memory tier; {@code null} when it must be computed.
     * A {@code recheck} (the same miss looked at again) does not count a stale entry twice.
     */
    private Loaded loadFromStore(MemoRuntime rt, FlightKey key, Object args, long argsBytes, boolean recheck) {
        long started = System.nanoTime(); // a store read costs microseconds at least: the clock is cheap beside it
        Loaded loaded = readEntry(rt, key, args, argsBytes, recheck);
        long took = System.nanoTime() - started;
        overheadNanos.addAndGet(took);
        if (loaded != null) {
            (loaded.remote ? remoteHits : storeHits).incrementAndGet();
            storeSavedNanos.addAndGet(loaded.cost);
            readBytes.addAndGet(loaded.bytes);
            if (Problems.watching) {
                Events.hit(id, loaded.remote ? "remote" : "store", key.k0, key.k1, loaded.bytes, loaded.cost, took);
            }
        }
        return loaded;
    }

    /** {@link #loadFromStore}, untimed and uncounted. */
    private Loaded readEntry(MemoRuntime rt, FlightKey key, Object args, long argsBytes, boolean recheck) {
        long k0 = key.k0;
        long k1 = key.k1;
        StoredEntries entries = rt.entries;
        Problems.refreshTrace(entries);
        if (entries == null) {
            return null;
        }
        rt.storeUsed();
        // A large file is decoded as it is read unless the memory tier keeps its encoded bytes
        // (mutable values). A recheck too: a file larger than the tier keeps is never read whole
        // (a hostile one of any size costs no more memory than the tier would); the threads
        // waiting on this flight then read it from the store themselves (STORED below).
        StoredEntries.Read<T> found = entries.read(stored(), codec, k0, k1, key.v0, key.v1,
                !mutable ? StoredEntries.KEEP_NONE : new KeepsRead(this, rt.memory), recheck ? null : countInvalidation, RECORDED,
                !recheck);
        if (found == null) {
            return null;
        }
        Recorded recorded = (Recorded) found.preamble();
        T value = found.value();
        Object held;
        if (value == null) {
            held = NULL;
        } else if (mutable && found.bytes() == null) {
            // Decoded as it was read: no encoded bytes to keep; threads waiting on this flight (a
            // recheck) read the value from the store.
            held = recheck ? Flight.STORED : null;
        } else if (mutable) {
            // The encoded bytes, copied only if somebody keeps them: the memory tier, or threads
            // waiting on this flight (a recheck). A large value the tier would drop is not copied.
            held = recheck || rt.memory.keeps(found.payloadLength() + argsBytes)
                    ? java.util.Arrays.copyOfRange(found.bytes(), found.payloadOffset(),
                            found.payloadOffset() + found.payloadLength())
                    : null;
        } else {
            held = value;
        }
        if (held != null && held != Flight.STORED) {
            rt.memory.put(this, key.m0, key.m1, k0, k1, held, args, found.payloadLength() + argsBytes,
                    ttl.expiresAt(found.createdMillis()), recorded, found.cost());
        }
        return new Loaded(held, value, recorded, found.cost(), found.payloadLength(), found.remote());
    }

    /** Casts a value returned by {@link #get} to the return type. */
    @SuppressWarnings("unchecked")
    public T value(Object cached) {
        return (T) cached;
    }

    /**
     * Starts computing the value for a key that missed. If another thread of this JVM is already
     * computing it, waits for that result instead ({@link Flight#hasValue()}); if that thread
     * fails, this one computes. Likewise between processes: the thread that leads in this JVM
     * takes the key's {@link FlightTable.Claim}, or, when another process holds it, waits for that process
     * to store the value (at most {@code memogen.lockTimeout}, then it computes itself).
     */
    public Flight<T> miss(long k0, long k1) {
        return miss(k0, k1, k0, k1, null, 0);
    }

    /** {@link #miss(long, long)} for a method with files among its arguments, of argument version ({@code v0}, {@code v1}). */
    public Flight<T> miss(long k0, long k1, long v0, long v1) {
        return miss(new FlightKey(k0, k1, k0 ^ v0, k1 ^ v1, v0, v1), null, 0);
    }

    /**
     * {@link #miss(long, long)} for a method keyed in memory by ({@code m0}, {@code m1}), a packed
     * stream or a hash of the arguments ({@link #probe}); {@code args} is kept with the value
     * (see {@link #load}).
     */
    public Flight<T> miss(long k0, long k1, long m0, long m1, Object args, long argsBytes) {
        return miss(new FlightKey(k0, k1, m0, m1, 0, 0), args, argsBytes);
    }

    private Flight<T> miss(FlightKey key, Object args, long argsBytes) {
        long k0 = key.k0;
        long k1 = key.k1;
        long m0 = key.m0;
        long m1 = key.m1;
        Thread me = Thread.currentThread();
        long missedAt = System.nanoTime(); // a miss: the time to the body's start is the cache's overhead
        while (true) {
            Flight<T> mine = new Flight<>(this, key, args, argsBytes, me);
            Flight<T> running = inFlight.putIfAbsent(key, mine);
            if (running == null) {
                // Leader. On this thread's list of flights from now on: if this call dies (a
                // StackOverflowError), an outer flight ends this one. Another thread may have
                // stored the value between our lookup and now (the same digest: a hash of the
                // arguments may be shared by other arguments).
                mine.lead();
                Cached c = MemoRuntime.get().memory.get(this, m0, m1);
                Object held = c != null && c.k0 == k0 && c.k1 == k1 ? c.value : null;
                if (held != null) {
                    mine.recorded = c.recorded;
                    mine.cost = c.cost;
                    mine.end(held);
                    countMemoryHit(c);
                    return Flight.withValue(this, fromMemory(held), c.recorded);
                }
                Loaded elsewhere = singleFlightAcrossProcesses(mine, key);
                if (elsewhere != null) {
                    mine.recorded = elsewhere.recorded;
                    mine.cost = elsewhere.cost;
                    mine.end(elsewhere.held);
                    return Flight.withValue(this, elsewhere.value, elsewhere.recorded);
                }
                mine.missedAt = missedAt;
                return mine.started();
            }
            Object held = running.owner == me ? Flight.CYCLE : running.await(me);
            if (held == Flight.CYCLE) {
                // The same key again on this thread (recursion through user code), or a flight
                // whose thread waits, perhaps through others, for one of ours: never wait on
                // ourselves; compute without coordination.
                return new Flight<T>(this, null, null, 0, me).lead().started();
            }
            if (held != Flight.FAILED && held != Flight.STORED) {
                countMemoryHit(k0, k1, running.cost);
                return Flight.withValue(this, fromMemory(held), running.recorded);
            }
            inFlight.remove(key, running);
        }
    }

    /**
     * Claims the key's stripe of the flights table for {@code mine}, or waits for the process that
     * holds it and returns the value it stored ({@link ProcessFlights#claimOrWait}); {@code null}
     * when this JVM is to compute.
     */
    private Loaded singleFlightAcrossProcesses(Flight<T> mine, FlightKey key) {
        MemoRuntime rt = MemoRuntime.get();
        if (rt.entries == null) {
            return null;
        }
        return ClaimHooks.claimOrWait(this, rt, mine, key);
    }

    /**
     * What {@link ProcessFlights#claimOrWait} asks of a flight: whether waiting could close a cycle
     * (this thread leads another flight, or a nested call waits for this one), where the claim
     * goes, and the value another process stored. One class rather than three lambdas: a fresh
     * JVM spins each lambda's class at its first call (the method-handle machinery, in the
     * interpreter), and its first miss comes here. The call is made here, not in
     * {@link MemoFunction}: the verifier of that class would load the interfaces to check the
     * hooks against them, which a rerun that only hits never needs.
     */
    private static final class ClaimHooks<T>
            implements java.util.function.BooleanSupplier, java.util.function.Consumer<FlightTable.Claim>,
            java.util.function.Supplier<Loaded> {
        static <T> Loaded claimOrWait(MemoFunction<T> fn, MemoRuntime rt, Flight<T> mine, FlightKey key) {
            ClaimHooks<T> hooks = new ClaimHooks<>(fn, rt, mine, key);
            return ProcessFlights.claimOrWait(rt.entries, fn.stored(), key.k0, key.k1, rt.config.lockTimeoutMillis(),
                    hooks, hooks, hooks);
        }

        private final MemoFunction<T> fn;
        private final MemoRuntime rt;
        private final Flight<T> mine;
        private final FlightKey key;

        ClaimHooks(MemoFunction<T> fn, MemoRuntime rt, Flight<T> mine, FlightKey key) {
            this.fn = fn;
            this.rt = rt;
            this.mine = mine;
            this.key = key;
        }

        @Override
        public boolean getAsBoolean() {
            return Flight.leadsOtherThan(mine) || mine.nestedFollowers.get() > 0;
        }

        @Override
        public void accept(FlightTable.Claim claim) {
            mine.claim = claim;
        }

        @Override
        public Loaded get() {
            return fn.loadFromStore(rt, key, mine.args, mine.argsBytes, true);
        }
    }

    /** See {@link ProcessFlights#NESTED_WAIT_NANOS}. */
    static final long NESTED_WAIT_NANOS = ProcessFlights.NESTED_WAIT_NANOS;

    /**
     * The store key ({@code k0}, {@code k1}), the memory key ({@code m0}, {@code m1}) and the
     * argument version ({@code v0}, {@code v1}: zero unless files are among the arguments) of a miss.
     */
    private record FlightKey(long k0, long k1, long m0, long m1, long v0, long v1) {
        // equals and hashCode written out: a record's own are bootstrapped through
        // java.lang.runtime.ObjectMethods at their first call, which in a fresh JVM spins method
        // handles for several milliseconds (about 5 ms of a JVM's first miss, JDK 17, profiled).

        @Override
        public boolean equals(Object o) {
            return o instanceof FlightKey f && k0 == f.k0 && k1 == f.k1 && m0 == f.m0 && m1 == f.m1 && v0 == f.v0
                    && v1 == f.v1;
        }

        @Override
        public int hashCode() {
            long h = k0;
            h = 31 * h + k1;
            h = 31 * h + m0;
            h = 31 * h + m1;
            h = 31 * h + v0;
            h = 31 * h + v1;
            return Long.hashCode(h);
        }
    }

    /**
     * One computation of a missing value. Generated code runs the method and calls
     * {@link #complete} or {@link #fail}; threads waiting for the same key are then released.
     */
    public static final class Flight<T> {
        static final Object FAILED = new Object();
        /** The value is in the store only (too large for the memory tier): waiting threads read it there. */
        static final Object STORED = new Object();
        /** Returned by {@link #await} instead of waiting for a flight whose thread waits for ours. */
        static final Object CYCLE = new Object();
        /** The flight each thread of this JVM waits for, if any: a wait that would close a cycle is not made. */
        private static final ConcurrentHashMap<Thread, Flight<?>> WAITING = new ConcurrentHashMap<>();
        /**
         * The flights the current thread leads (bodies it is running), innermost last. A flight
         * that did not end properly (its body overflowed the stack, and so did its cleanup) is
         * ended by the next outer one, which has more stack: no flight stays open for waiting
         * threads, no stripe stays claimed.
         */
        private static final ThreadLocal<java.util.ArrayList<Flight<?>>> LED = new Led();

        /** {@link #LED}'s initial list: a class, not {@code ThreadLocal.withInitial} and a lambda (see {@link ClaimHooks}). */
        private static final class Led extends ThreadLocal<java.util.ArrayList<Flight<?>>> {
            @Override
            protected java.util.ArrayList<Flight<?>> initialValue() {
                return new java.util.ArrayList<>();
            }
        }

        private final MemoFunction<T> fn;
        private final FlightKey key;
        /** What the memory tier keeps with the value ({@link Cached#args()}). */
        private final Object args;
        private final long argsBytes;
        private final Thread owner;
        /** When the body started ({@link #started}): compute time is the body's alone. */
        private long start;
        private final CountDownLatch done;
        private volatile Object held;
        /** The claim on the key's stripe, held from {@link #miss} until the result is stored; owner thread only. */
        private FlightTable.Claim claim;
        /** Whether {@link #end} has taken this flight out of the map; owner thread only. */
        private boolean removed;
        /** Threads of this JVM waiting for this flight while they lead flights of their own. */
        private final java.util.concurrent.atomic.AtomicInteger nestedFollowers =
                new java.util.concurrent.atomic.AtomicInteger();
        private final boolean hasValue;
        private final T value;
        /**
         * The files the computation depends on so far ({@link #dependOn}), by path, the first
         * digest of each; owner thread only; null for none.
         */
        private java.util.LinkedHashMap<String, Recorded.Dependency> dependencies;
        /** What the computation writes, when its function replays output; owner thread only. */
        private OutputCapture.Recording recording;
        /** What the value's computation recorded, for the threads waiting for it; set before they are released. */
        private volatile Recorded recorded;
        /** What computing the value cost (nanoseconds), for the threads waiting for it: the time their hits saved. */
        private volatile long cost;
        /** When the call missed ({@link #miss}); the time from then to {@link #started} is the cache's. Owner thread only. */
        private long missedAt;

        private Flight(MemoFunction<T> fn, FlightKey key, Object args, long argsBytes, Thread owner) {
            this.fn = fn;
            this.key = key;
            this.args = args;
            this.argsBytes = argsBytes;
            this.owner = owner;
            this.done = new CountDownLatch(1);
            this.hasValue = false;
            this.value = null;
        }

        private Flight(MemoFunction<T> fn, T value) {
            this.fn = fn;
            this.key = null;
            this.args = null;
            this.argsBytes = 0;
            this.owner = null;
            this.done = null;
            this.hasValue = true;
            this.value = value;
        }

        /**
         * A flight that did not compute: {@code value} was found (in memory, the store, or by the
         * thread that computed it), with what its computation {@code recorded} (or null), which
         * counts as a hit's.
         */
        static <T> Flight<T> withValue(MemoFunction<T> fn, Object value, Recorded recorded) {
            if (recorded != null) {
                recorded.onHit();
            }
            return new Flight<>(fn, fn.value(value));
        }

        /**
         * The computation under way on the current thread (the innermost memoized body it runs),
         * or null.
         */
        private static Flight<?> innermost() {
            java.util.ArrayList<Flight<?>> led = LED.get();
            return led.isEmpty() ? null : led.get(led.size() - 1);
        }

        /**
         * Records that the computation under way on this thread, if any, depends on the file
         * {@code absolute} (absolute and normalised): its digest now is kept with the result, and a
         * hit checks it ({@code Memogen.dependsOn}). Nothing outside a memoized body.
         */
        static void dependOn(java.nio.file.Path absolute) {
            Flight<?> f = innermost();
            if (f != null && (f.dependencies == null || !f.dependencies.containsKey(absolute.toString()))) {
                f.depend(Recorded.Dependency.of(absolute));
            }
        }

        /** {@link #dependOn} with a digest already taken ({@code KeyHasher.putPath}: the file argument of a nested call). */
        static void dependOn(String absolute, byte kind, long high, long low) {
            Flight<?> f = innermost();
            if (f != null) {
                f.depend(new Recorded.Dependency(absolute, kind, high, low));
            }
        }

        /** The computation under way on this thread, if any, depends on these files too (a nested call's). */
        static void dependOnAll(java.util.List<Recorded.Dependency> files) {
            Flight<?> f = innermost();
            if (f != null) {
                for (Recorded.Dependency d : files) {
                    f.depend(d);
                }
            }
        }

        /** Keeps the first digest of each file: a later change is then seen as one at the next call. */
        private void depend(Recorded.Dependency d) {
            if (dependencies == null) {
                dependencies = new java.util.LinkedHashMap<>();
            }
            dependencies.putIfAbsent(d.path(), d);
        }

        /** What the computation recorded, its recording stopped; null when nothing was. */
        private Recorded finishRecording() {
            java.util.List<Recorded.Chunk> output = recording == null ? java.util.List.of() : recording.stop();
            if (dependencies == null && output.isEmpty()) {
                return null;
            }
            return new Recorded(dependencies == null ? java.util.List.of()
                    : new java.util.ArrayList<>(dependencies.values()), output);
        }

        /** The owner thread leads this flight: it goes on the thread's list until it {@link #end}s. */
        Flight<T> lead() {
            LED.get().add(this);
            return this;
        }

        /** The body is about to run on the owner thread: the clock of its compute time starts. */
        Flight<T> started() {
            if (fn.replayOutput) {
                recording = OutputCapture.start(fn.id);
            }
            start = System.nanoTime();
            if (missedAt != 0) {
                fn.overheadNanos.addAndGet(start - missedAt);
            }
            return this;
        }

        /** Whether the current thread leads a flight (is running the body of a memoized call that missed). */
        static boolean leadsAny() {
            return !LED.get().isEmpty();
        }

        /** Whether the current thread leads a flight other than {@code f}, its innermost. */
        static boolean leadsOtherThan(Flight<?> f) {
            java.util.ArrayList<Flight<?>> led = LED.get();
            return led.size() > (!led.isEmpty() && led.get(led.size() - 1) == f ? 1 : 0);
        }

        /** Whether the value is already known (computed by another thread); then return {@link #value()}. */
        public boolean hasValue() {
            return hasValue;
        }

        public T value() {
            return value;
        }

        /** Records the computed result (memory, store, statistics) and returns it to the caller. */
        public T complete(T result) {
            long nanos = System.nanoTime() - start;
            fn.misses.incrementAndGet();
            fn.computeNanos.addAndGet(nanos);
            cost = nanos;
            Object held = Flight.FAILED;
            try {
                Recorded r = finishRecording();
                recorded = r;
                held = fn.remember(key, args, argsBytes, result, nanos, r);
            } finally {
                end(held);
            }
            return result;
        }

        /** The computation threw: nothing is stored; waiting threads compute for themselves. */
        public void fail() {
            end(FAILED);
        }

        /**
         * Releases waiting threads with {@code held}, and the key; then leaves the thread's list
         * of flights, ending any inner flight still on it. Each step repeated by an outer flight
         * (after a StackOverflowError in this one) does no harm.
         */
        private void end(Object held) {
            if (recording != null) {
                recording.stop();
                recording = null;
            }
            publish(held);
            if (key != null && !removed) {
                fn.inFlight.remove(key, this);
                removed = true;
            }
            FlightTable.Claim l = claim;
            if (l != null) {
                l.release();
                claim = null;
            }
            java.util.ArrayList<Flight<?>> led = LED.get();
            int i = led.lastIndexOf(this);
            while (i >= 0 && led.size() > i + 1) {
                Flight<?> inner = led.get(led.size() - 1);
                inner.end(FAILED); // removes itself
            }
            if (i >= 0) {
                led.remove(i);
                // What this computation depends on, the one that called it depends on too (also
                // when this one failed: the caller may have caught the exception).
                if (dependencies != null && i > 0) {
                    Flight<?> outer = led.get(i - 1);
                    for (Recorded.Dependency d : dependencies.values()) {
                        outer.depend(d);
                    }
                }
                dependencies = null;
            }
        }

        /** Releases the threads waiting for this flight with {@code h}; only the first call counts. */
        void publish(Object h) {
            if (done.getCount() > 0) {
                held = h;
                done.countDown();
            }
        }

        /**
         * Waits for this flight's value, or returns {@link #CYCLE} at once when this flight's
         * owner waits, directly or through other threads, for a flight that {@code me} leads.
         * Both threads of such a pair register before they look, so at least one of them sees
         * the cycle.
         */
        Object await(Thread me) {
            WAITING.put(me, this);
            boolean nested = leadsAny();
            try {
                if (nested && leadsTo(me)) {
                    nested = false;
                    return CYCLE;
                }
                if (nested) {
                    nestedFollowers.incrementAndGet();
                }
                boolean interrupted = false;
                while (true) {
                    try {
                        // Timed: a StackOverflowError in the owner's countDown, after the count
                        // reached 0 and before the wake-up, must not leave this thread parked.
                        if (done.await(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                            break;
                        }
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                return held;
            } finally {
                if (nested) {
                    nestedFollowers.decrementAndGet();
                }
                WAITING.remove(me, this);
            }
        }

        /** Whether following who waits for whom from this flight's owner reaches {@code me}. */
        private boolean leadsTo(Thread me) {
            Flight<?> f = this;
            for (int steps = 0; f != null && steps < 10_000; steps++) {
                if (f.owner == me) {
                    return true;
                }
                f = WAITING.get(f.owner);
            }
            return false;
        }
    }

    /**
     * {@link #pending(long, long, long, long, Object, long)} for a method keyed in memory by the
     * digest ({@code k0}, {@code k1}).
     */
    public Pending<T> pending(long k0, long k1) {
        return pending(k0, k1, k0, k1, null, 0);
    }

    /**
     * Starts computing, asynchronously, the value of a key that missed, for a method that returns a
     * future of it. If a computation of the key is under way in this JVM, {@link Pending#joined()}
     * is true and the caller returns {@link Pending#future()}, a future of its own that completes
     * as that computation does. Otherwise the caller runs the method and hands its future to
     * {@link Pending#complete}: when it completes normally, its value is stored (memory and
     * store, as a flight stores it) before any caller's future completes.
     *
     * <p>No flight is held while the future is pending: threads of this JVM join the pending
     * future instead of waiting, and other processes are not kept waiting either (one that misses
     * meanwhile computes too; both store the same value). The key is taken with
     * {@code putIfAbsent}, never {@code computeIfAbsent}, which must not run user code.
     */
    public Pending<T> pending(long k0, long k1, long m0, long m1, Object args, long argsBytes) {
        return pending(new FlightKey(k0, k1, m0, m1, 0, 0), args, argsBytes);
    }

    /** {@link #pending(long, long)} for a method with files among its arguments, of argument version ({@code v0}, {@code v1}). */
    public Pending<T> pending(long k0, long k1, long v0, long v1) {
        return pending(new FlightKey(k0, k1, k0 ^ v0, k1 ^ v1, v0, v1), null, 0);
    }

    private Pending<T> pending(FlightKey key, Object args, long argsBytes) {
        long k0 = key.k0;
        long k1 = key.k1;
        long m0 = key.m0;
        long m1 = key.m1;
        CompletableFuture<T> shared = new CompletableFuture<>();
        CompletableFuture<T> running = pendingFutures.putIfAbsent(key, shared);
        if (running != null) {
            return new Pending<>(this, null, running, null, 0);
        }
        // Another thread may have stored the value between our lookup and now.
        Cached c = MemoRuntime.get().memory.get(this, m0, m1);
        Object held = c != null && c.k0 == k0 && c.k1 == k1 ? c.value : null;
        if (held != null) {
            pendingFutures.remove(key, shared); // its future() counts the memory hit
            shared.complete(value(fromMemory(held)));
            return new Pending<>(this, null, shared, null, 0);
        }
        return new Pending<>(this, key, shared, args, argsBytes);
    }

    /**
     * A future of its own for one caller of a pending computation: completes as {@code shared}
     * does, with a copy of the value for a mutable type. {@code shared} itself is never handed
     * out, so no caller can complete or obtrude the future of another, nor change the value that
     * the others copy. A caller that {@code joined} counts a memory hit once the value is there.
     */
    private CompletableFuture<T> follow(CompletableFuture<T> shared, boolean joined) {
        CompletableFuture<T> mine = new CompletableFuture<>();
        shared.whenComplete((value, failure) -> {
            if (failure != null) {
                mine.completeExceptionally(failure);
            } else {
                if (joined) {
                    countMemoryHit(0, 0, 0); // as a thread that waited for a flight: it did not compute (its cost is not known here)
                }
                mine.complete(copy(value));
            }
        });
        return mine;
    }

    /** {@code value} itself, or for a mutable type a copy through the codec (the value itself if it cannot be encoded). */
    private T copy(T value) {
        if (!mutable || value == null) {
            return value;
        }
        try {
            ValueWriter out = new ValueWriter();
            StoredEntries.encode(codec, out, value);
            return decode(out.array(), 0, out.size());
        } catch (RuntimeException e) {
            return value; // not storable either: remember() warned once
        }
    }

    /**
     * One asynchronous computation of a missing value ({@link #pending}). Generated code either
     * returns {@link #future()} (another call computes the key) or runs the method and returns
     * {@link #complete}, or calls {@link #fail} if the method throws.
     */
    public static final class Pending<T> {
        private final MemoFunction<T> fn;
        /** Null when this call joined a computation under way (or found the value after all). */
        private final FlightKey key;
        /** Completed once the value is stored, or exceptionally; never handed to a caller. */
        private final CompletableFuture<T> shared;
        private final Object args;
        private final long argsBytes;
        private final long start;

        private Pending(MemoFunction<T> fn, FlightKey key, CompletableFuture<T> shared, Object args, long argsBytes) {
            this.fn = fn;
            this.key = key;
            this.shared = shared;
            this.args = args;
            this.argsBytes = argsBytes;
            this.start = key == null ? 0 : System.nanoTime();
        }

        /** Whether another call computes this key: return {@link #future()} without running the method. */
        public boolean joined() {
            return key == null;
        }

        /** A future of this caller's own, completing as the computation this call joined does. */
        public CompletableFuture<T> future() {
            return fn.follow(shared, true);
        }

        /**
         * The method returned {@code result}: once it completes normally its value is stored, and
         * the callers' futures complete with it; if it fails (or is cancelled) nothing is stored,
         * the callers' futures fail alike, and the next call computes again. Returns this caller's
         * own future, or {@code null} (nothing stored, callers that joined fail with a
         * {@code NullPointerException}) when the method returned {@code null}.
         */
        public CompletableFuture<T> complete(CompletionStage<? extends T> result) {
            if (result == null) {
                fail(new NullPointerException(fn.id + " returned null instead of a future"));
                return null;
            }
            try {
                result.whenComplete(this::settle);
            } catch (RuntimeException | Error e) {
                fail(e); // a CompletionStage of the user's own that cannot take a callback: no caller waits forever
                throw e;
            }
            return fn.follow(shared, false);
        }

        /** The method threw {@code t} before returning a future: nothing is stored; callers that joined fail with it. */
        public void fail(Throwable t) {
            fn.pendingFutures.remove(key, shared);
            shared.completeExceptionally(t);
        }

        /** Stores the value of a future that completed normally, on the thread that completed it; then releases the callers. */
        private void settle(T value, Throwable failure) {
            try {
                if (failure == null) {
                    long nanos = System.nanoTime() - start;
                    fn.misses.incrementAndGet();
                    fn.computeNanos.addAndGet(nanos);
                    fn.remember(key, args, argsBytes, value, nanos, null);
                }
            } finally {
                fn.pendingFutures.remove(key, shared);
                if (failure == null) {
                    shared.complete(value);
                } else {
                    shared.completeExceptionally(failure);
                }
            }
        }
    }

    /** Encodes, keeps in memory and persists a computed result; returns what the memory tier holds. */
    private Object remember(FlightKey key, Object args, long argsBytes, T result, long nanos, Recorded recorded) {
        long started = System.nanoTime();
        if (!Problems.watching && started - Problems.jfrRecheckAt > 0) {
            // A recording started since (jcmd JFR.start)? Asked at most every 10 s, and never in a
            // JVM's first 10 s: a short run's misses load no jdk.jfr class for the question.
            Problems.jfrRecheckAt = started + Problems.JFR_RECHECK_NANOS;
            Events.recheckJfr();
        }
        MemoRuntime rt = MemoRuntime.get();
        StoredEntries entries = rt.entries;
        // An array too large for the memory tier to keep the result (its weight counts the
        // arguments kept with it) goes to the store straight from the result, never copied whole
        // (a waiting thread then reads it from the store: STORED below).
        ValueWriter out = key != null && entries != null && entries.store().writable()
                ? ValueWriter.deferring(rt.memory.keepLimit() - argsBytes) : new ValueWriter();
        int valueAt = 0;
        try {
            if (recorded != null) {
                recorded.write(out); // a preamble, read back before the value
                valueAt = out.size();
            }
            StoredEntries.encode(codec, out, result);
        } catch (RuntimeException e) {
            rt.problems.warnOnce("encode:" + id, "a result of " + id + " cannot be stored (" + e
                    + "); it is recomputed on every call", null);
            return Flight.FAILED;
        }
        Object held;
        if (result == null) {
            held = NULL;
        } else if (out.hasDeferred()) {
            held = mutable ? Flight.STORED : result; // too large for the memory tier either way
        } else if (mutable) {
            // The memory tier (and threads waiting on this flight) hold the encoded bytes. A single
            // array result fills the writer exactly: its buffer is used as it is, not copied (the
            // writer is not written again, and the store only reads it).
            held = valueAt == 0 && out.size() == out.array().length ? out.array()
                    : java.util.Arrays.copyOfRange(out.array(), valueAt, out.size());
        } else {
            held = result;
        }
        if (key == null) {
            return held; // recursion on the same key: the outer call stores
        }
        if (held != Flight.STORED) {
            rt.memory.put(this, key.m0, key.m1, key.k0, key.k1, held, args, out.size() + argsBytes,
                    ttl.expiresAt(System.currentTimeMillis()), recorded, nanos);
        }
        long written = 0;
        if (entries != null) {
            rt.storeUsed();
            written = entries.write(stored(), key.k0, key.k1, key.v0, key.v1, out, nanos);
        }
        storedBytes.addAndGet(written);
        long took = System.nanoTime() - started;
        overheadNanos.addAndGet(took);
        if (Problems.watching) {
            Events.miss(id, key.k0, key.k1, nanos);
            Events.store(id, key.k0, key.k1, written, nanos, took);
        }
        if (Problems.debugEnabled()) {
            Problems.debug("memogen: store " + id + " (" + out.size() + " bytes, computed in "
                    + nanos / 1_000_000 + " ms)");
        }
        return held;
    }

    void resetStatistics() {
        memoryHits.reset();
        storeHits.set(0);
        remoteHits.set(0);
        misses.set(0);
        computeNanos.set(0);
        storedBytes.set(0);
        invalidations.set(0);
        storeSavedNanos.set(0);
        overheadNanos.set(0);
        readBytes.set(0);
    }

    /**
     * This function's counters since the runtime was installed: what {@code Memogen.statistics()}
     * reports as {@code FunctionStats}.
     */
    public Counts statistics() {
        long memory = memoryHits.sum();
        long store = storeHits.get();
        long remote = remoteHits.get();
        long missed = misses.get();
        long computed = computeNanos.get();
        long storeSaved = storeSavedNanos.get();
        return new Counts(id, memory, store, missed, computed, storedBytes.get(), invalidations.get(), remote,
                storeSaved + memorySaved(memory, store + remote + missed, storeSaved + computed), overheadNanos.get(),
                readBytes.get());
    }

    /**
     * The time {@code memoryHits} saved, estimated: each saved what one of this function's
     * values cost on average, over the {@code values} computed or read from the store in this JVM
     * (together {@code costNanos}), the values memory hits return. Exact when the values cost
     * alike or are hit alike; otherwise the hits' own costs would have to be added up on every
     * memory hit, which the hit path does not pay for.
     */
    static long memorySaved(long memoryHits, long values, long costNanos) {
        return values == 0 ? 0 : Math.round((double) memoryHits * costNanos / values);
    }

    /**
     * A function's counters, read at once; see {@link #statistics()} and {@code FunctionStats},
     * which has the same components. {@code storeHits} count the hits read from the local store,
     * {@code remoteHits} those the remote tier answered; {@code savedNanos} is the compute
     * cost of the values of all hits (for memory hits, estimated: {@link #memorySaved});
     * {@code overheadNanos} the time spent in the cache on store reads and misses (memory hits and
     * hashing are not timed).
     */
    public record Counts(String functionId, long memoryHits, long storeHits, long misses, long computeNanos,
            long storedBytes, long invalidations, long remoteHits, long savedNanos, long overheadNanos,
            long readBytes) {}

    /**
     * Whether the store reads an entry of a mutable value whole, so that the memory tier keeps its
     * encoded bytes, or decodes it as it is read: whole when the tier would keep it, but a large
     * value ({@link MemoryTier#large}) only from the function's second large read in this JVM on.
     */
    private static final class KeepsRead implements LongPredicate {
        private final MemoFunction<?> fn;
        private final MemoryTier tier;

        KeepsRead(MemoFunction<?> fn, MemoryTier tier) {
            this.fn = fn;
            this.tier = tier;
        }

        @Override
        public boolean test(long fileSize) {
            if (!tier.keeps(fileSize)) {
                return false;
            }
            if (!tier.large(fileSize) || fn.readLarge) {
                return true;
            }
            fn.readLarge = true;
            return false;
        }
    }

    /** Adds one to a counter when run (a stale entry met by a read); a class, not a method reference: see {@link #RECORDED}. */
    private static final class Increment implements Runnable {
        private final AtomicLong counter;

        Increment(AtomicLong counter) {
            this.counter = counter;
        }

        @Override
        public void run() {
            counter.incrementAndGet();
        }
    }
}
