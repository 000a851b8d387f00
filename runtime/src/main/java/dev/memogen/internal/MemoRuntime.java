package dev.memogen.internal;

import dev.memogen.internal.core.MemoConfig;
import dev.memogen.internal.core.Problems;
import dev.memogen.internal.core.RemoteTier;
import dev.memogen.internal.core.StoredEntries;
import dev.memogen.internal.store.FileStore;
import dev.memogen.internal.store.FunctionCounts;
import dev.memogen.internal.store.StoreIndex;
import dev.memogen.internal.store.StoredFunction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The process-wide state behind every generated memo class: settings, the in-memory tier and the
 * persistent store. Created on first use from system properties and environment variables
 * ({@link MemoConfig#fromEnvironment()}); tests and tools may {@link #install} another.
 *
 * <p>Not part of the public API.
 */
public final class MemoRuntime {
    private static final Object LOCK = new Object();
    private static volatile MemoRuntime current;
    private static final List<MemoFunction<?>> FUNCTIONS = new CopyOnWriteArrayList<>();

    final MemoConfig config;
    final MemoryTier memory;
    final Problems problems = new Problems();
    final String systemState;
    /** {@code null} when the store could not be opened: calls then compute, after one warning. */
    final FileStore store;
    /** The store as memoized functions use it; {@code null} with {@link #store}. */
    final StoredEntries entries;
    /** Set at this runtime's first store read or write ({@link #storeUsed}): its counts then go to the store. */
    private volatile boolean storeUsed;
    /** Whether this runtime's counts were added to the store: once, at exit or when it is replaced. */
    private final AtomicBoolean countsAdded = new AtomicBoolean();

    private MemoRuntime(MemoConfig config, RemoteTier remote) {
        this.config = config;
        this.memory = new MemoryTier(config.memoryTierBytes(), 4096);
        this.systemState = "store-format=" + FileStore.FORMAT_VERSION + ";hash-spec=" + KeyHasher.SPEC_VERSION
                + ";extra=" + config.extraSystemState();
        FileStore opened = null;
        if (!config.disabled()) {
            Problems.prepareInBackground();
            try {
                opened = new FileStore(config.directory(), systemState, config.storeSettings(), problems);
            } catch (IOException | RuntimeException e) {
                problems.warnOnce("open", "cannot open the store at " + config.directory()
                        + "; results are kept in memory only", e);
            }
        }
        this.store = opened;
        this.entries = opened == null ? null : new StoredEntries(opened, config.directory(), problems,
                remote != null ? remote : remoteFromEnvironment(problems));
    }

    /**
     * The remote tier {@code memogen.remote} asks for, or {@code null}: without the setting,
     * nothing of the tier is even loaded.
     */
    private static RemoteTier remoteFromEnvironment(Problems problems) {
        if (System.getProperty("memogen.remote") == null && System.getenv("MEMOGEN_REMOTE") == null) {
            return null;
        }
        return RemoteTier.fromEnvironment(problems);
    }

    /** The runtime in use, or {@code null} before the first {@link #get()}: for code that must not start one. */
    static MemoRuntime ifStarted() {
        return current;
    }

    /** The runtime in use, created from the environment on first call. */
    public static MemoRuntime get() {
        MemoRuntime r = current;
        return r != null ? r : init();
    }

    private static MemoRuntime init() {
        synchronized (LOCK) {
            if (current == null) {
                use(new MemoRuntime(MemoConfig.fromEnvironment(), null));
            }
            return current;
        }
    }

    /** Makes {@code r} the runtime in use, its memory tier the one generated code probes. Under {@link #LOCK}. */
    private static void use(MemoRuntime r) {
        current = r;
        r.memory.activate();
    }

    /**
     * Replaces the runtime (store directory, settings); values cached in memory and statistics are
     * dropped. Meant for tests and tools, not for use while memoized calls are running.
     */
    public static MemoRuntime install(MemoConfig config) {
        return install(config, null);
    }

    /**
     * {@link #install(MemoConfig)} with {@code remote} as the remote tier behind the store (for
     * tests); {@code null}: the tier that {@code memogen.remote} asks for, if any.
     */
    public static MemoRuntime install(MemoConfig config, RemoteTier remote) {
        synchronized (LOCK) {
            MemoRuntime old = current;
            if (old != null) {
                old.addCountsToStore(); // before the functions' statistics start again
            }
            MemoRuntime r = new MemoRuntime(config, remote);
            use(r);
            for (MemoFunction<?> fn : FUNCTIONS) {
                fn.resetStatistics();
            }
            return r;
        }
    }

    /**
     * Called before each store read and write (never on a memory hit): the first makes sure this
     * JVM adds its counts to the store as it ends ({@link CountsAtExit}).
     */
    void storeUsed() {
        if (!storeUsed) {
            storeUsed = true;
            CountsAtExit.addOnce();
        }
    }

    /**
     * Adds what each function counted with this runtime (hits of every tier, misses, the time
     * computing them) to the store's counts ({@code functions/<fn>.counts}), once: a runtime that
     * read or wrote a store adds them when it is replaced ({@link #install}) or at exit. Does
     * nothing for a runtime that never used its store, or a read-only one; when the store's lock
     * stays taken, gives up after a short wait (one warning). Never throws.
     */
    void addCountsToStore() {
        if (!storeUsed || store == null || !store.writable() || !countsAdded.compareAndSet(false, true)) {
            return;
        }
        List<FunctionCounts.Counted> counts = new ArrayList<>();
        for (MemoFunction<?> fn : FUNCTIONS) {
            MemoFunction.Counts c = fn.statistics();
            long hits = FunctionCounts.saturatingAdd(FunctionCounts.saturatingAdd(c.memoryHits(), c.storeHits()),
                    c.remoteHits());
            if (hits > 0 || c.misses() > 0) {
                counts.add(new FunctionCounts.Counted(StoredFunction.idHash(fn.id()), hits, c.misses(),
                        c.computeNanos()));
            }
        }
        try {
            store.addCounts(counts);
        } catch (IOException | RuntimeException e) {
            problems.warnOnce("counts", "cannot add this JVM's hits and misses to the counts of the store at "
                    + config.directory(), e);
        }
    }

    /**
     * The shutdown hook that adds the counts of the runtime in use to its store as the JVM ends;
     * added at the first store read or write of any runtime, so that a JVM that never touches a
     * store runs none.
     */
    private static final class CountsAtExit implements Runnable {
        private static boolean added; // guarded by CountsAtExit.class

        static synchronized void addOnce() {
            if (added) {
                return;
            }
            added = true;
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(new CountsAtExit(), "memogen-counts"));
            } catch (IllegalStateException | SecurityException e) {
                // the JVM is ending already: this run's counts are not added
            }
        }

        @Override
        public void run() {
            MemoRuntime r = current;
            if (r != null) {
                r.addCountsToStore();
            }
        }
    }

    static void register(MemoFunction<?> fn) {
        FUNCTIONS.add(fn);
    }

    public static List<MemoFunction<?>> functions() {
        return List.copyOf(FUNCTIONS);
    }

    public MemoConfig config() {
        return config;
    }

    public void clearMemoryTier() {
        memory.clear();
    }

    /** The persistent store, or {@code null} when it could not be opened or memogen is disabled. */
    FileStore store() {
        return store;
    }

    /** See {@link FileStore#removeOrphans()}; 0 without a writable store. */
    public long removeOrphans() throws IOException {
        return store == null ? 0 : store.removeOrphans();
    }

    /** Changes the store's bound for this JVM and evicts at once down to it. */
    public void setMaxSize(long bytes) throws IOException {
        if (bytes < 0) {
            throw new IllegalArgumentException("maxSize must not be negative: " + bytes);
        }
        StoreIndex index = store == null ? null : store.index();
        if (index != null) {
            index.setMaxBytes(bytes);
            index.enforceBound();
        }
    }

    /** The bound of the store in bytes as this JVM enforces it. */
    public long maxSize() {
        StoreIndex index = store == null ? null : store.index();
        return index == null ? config.maxSize() : index.maxBytes();
    }

    /** The remote tier behind the store, or {@code null}. */
    public RemoteTier remote() {
        return entries == null ? null : entries.remote();
    }

    /** Bytes of stored objects as the index counts them (-1 without a writable store). */
    public long storedBytes() {
        StoreIndex index = store == null ? null : store.index();
        return index == null ? -1 : index.totalBytes();
    }

    /** Entries in the store as the index counts them (-1 without a writable store). */
    public long storedEntries() {
        StoreIndex index = store == null ? null : store.index();
        return index == null ? -1 : index.count();
    }
}
