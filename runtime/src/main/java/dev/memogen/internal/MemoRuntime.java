package dev.memogen.internal;

import dev.memogen.internal.core.Events;
import dev.memogen.internal.core.MemoConfig;
import dev.memogen.internal.core.Problems;
import dev.memogen.internal.core.RemoteTier;
import dev.memogen.internal.core.StoredEntries;
import dev.memogen.internal.store.FileStore;
import dev.memogen.internal.store.FunctionCounts;
import dev.memogen.internal.store.StoreIndex;
import dev.memogen.internal.store.StoredFunction;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

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
    /**
     * Whether this runtime's counts were added to the store: once, at exit or when it is replaced.
     * Guarded by this runtime's monitor; not an {@code AtomicBoolean}, whose class (not in the JDK's
     * default class-data archive) and field handle every fresh JVM's first store read would load
     * and link for this one flag: 0.7 ms (JDK 17) and 1.2 ms (JDK 25) of a profiled hit.
     */
    private boolean countsAdded;

    private MemoRuntime(MemoConfig config, java.util.function.Function<Problems, RemoteTier> remote) {
        this.config = config;
        this.memory = new MemoryTier(config.memoryTierBytes(), 4096);
        this.systemState = "store-format=" + FileStore.FORMAT_VERSION + ";hash-spec=" + KeyHasher.SPEC_VERSION
                + ";extra=" + config.extraSystemState();
        FileStore opened = null;
        if (!config.disabled()) {
            try {
                opened = new FileStore(config.directory(), systemState, config.storeSettings(), problems);
            } catch (IOException | RuntimeException e) {
                problems.warnOnce("open", "cannot open the store at " + config.directory()
                        + "; results are kept in memory only", e);
            }
        }
        this.store = opened;
        this.entries = opened == null ? null : new StoredEntries(opened, config.directory(), problems,
                remote != null ? remote.apply(problems) : remoteFromEnvironment(problems));
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
                watchFromEnvironment(current.problems);
            }
            return current;
        }
    }

    /** Whether {@link #watchFromEnvironment} ran: once per JVM. Under {@link #LOCK}. */
    private static boolean watchSet;

    /**
     * Once per JVM, from system properties or environment variables: the usage report at exit
     * ({@code memogen.report=true} / {@code MEMOGEN_REPORT=1}, {@link UsageReport}), the events
     * file ({@code memogen.events=FILE} / {@code MEMOGEN_EVENTS}) and JFR events when a recording
     * was asked for on the command line ({@link #recordingAsked}). None of them on, nothing is
     * loaded for them: a fresh JVM's first hit pays for none. Under {@link #LOCK}.
     */
    private static void watchFromEnvironment(Problems problems) {
        if (watchSet) {
            return;
        }
        watchSet = true;
        Problems.jfrRecheckAt = System.nanoTime() + Problems.JFR_RECHECK_NANOS;
        if (isOn(MemoConfig.setting("memogen.report", "MEMOGEN_REPORT"))) {
            UsageReport.atExit();
        }
        String events = MemoConfig.setting("memogen.events", "MEMOGEN_EVENTS");
        if (events != null && !events.isBlank()) {
            Events.toFile(events.trim(), problems);
        }
        int recording = recordingAsked();
        if (recording > 0) {
            Events.toJfr();
        } else if (recording < 0) {
            Events.recheckJfr(); // cannot tell without asking jdk.jfr
        }
    }

    private static boolean isOn(String v) {
        return v != null && (v.equalsIgnoreCase("true") || v.equals("1") || v.equalsIgnoreCase("yes"));
    }

    /**
     * Whether this JVM was started with a Flight Recorder recording ({@code -XX:StartFlightRecording}
     * on its command line or in {@code JAVA_TOOL_OPTIONS}, {@code JDK_JAVA_OPTIONS}): 1 yes, 0 no, -1
     * cannot tell (no {@code /proc/self/cmdline}: not Linux). Asking {@code jdk.jfr} itself
     * ({@code FlightRecorder.isInitialized()}) would load its classes into every JVM; the command
     * line costs one small read with classes the store loads anyway. A recording started later
     * ({@code jcmd JFR.start}, the {@code Recording} API) is noticed at a miss (at most every 10 s,
     * from 10 s after the start on: {@link Problems#jfrRecheckAt}) or at {@link #install}.
     */
    private static int recordingAsked() {
        for (String env : new String[] {"JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS"}) {
            String v = System.getenv(env);
            if (v != null && v.contains(START_RECORDING)) {
                return 1;
            }
        }
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(Path.of("/proc/self/cmdline"))) {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(1 << 16);
            while (buffer.hasRemaining() && ch.read(buffer) > 0) {
                // the command line, up to 64 KiB
            }
            return contains(buffer.array(), buffer.position(), START_RECORDING) ? 1 : 0;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static final String START_RECORDING = "StartFlightRecording";

    /**
     * Whether the first {@code length} bytes of {@code bytes} hold {@code ascii}. By hand: a
     * {@code String} of the bytes would need a charset, and {@code StandardCharsets} loads six
     * classes that a hit does not otherwise load.
     */
    private static boolean contains(byte[] bytes, int length, String ascii) {
        int n = ascii.length();
        outer:
        for (int i = 0; i + n <= length; i++) {
            for (int j = 0; j < n; j++) {
                if (bytes[i + j] != ascii.charAt(j)) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
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
     * {@link #install(MemoConfig)} with the remote tier that {@code remote} makes (given the
     * runtime's problem reports) behind the store; {@code null}: the tier that
     * {@code memogen.remote} asks for, if any.
     */
    public static MemoRuntime install(MemoConfig config, java.util.function.Function<Problems, RemoteTier> remote) {
        synchronized (LOCK) {
            MemoRuntime old = current;
            if (old != null) {
                old.addCountsToStore(); // before the functions' statistics start again
            }
            MemoRuntime r = new MemoRuntime(config, remote);
            use(r);
            watchFromEnvironment(r.problems);
            Events.recheckJfr(); // tests and tools: a recording started in-process shows from here on
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
    synchronized void addCountsToStore() {
        if (!countsAdded) {
            countsAdded = true;
            addCounts();
        }
    }

    /**
     * {@code Memogen.resetStatistics()}: adds what the functions counted so far to the store's
     * counts (unless they were added already, the JVM ending), then starts the statistics again;
     * what follows is added at exit as usual, so that nothing is counted twice or lost.
     */
    synchronized void addCountsThenReset() {
        if (!countsAdded) {
            addCounts();
        }
        for (MemoFunction<?> fn : FUNCTIONS) {
            fn.resetStatistics();
        }
    }

    private synchronized void addCounts() {
        if (!storeUsed || store == null || !store.writable()) {
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
