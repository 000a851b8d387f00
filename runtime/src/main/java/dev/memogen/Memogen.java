package dev.memogen;

import dev.memogen.internal.MemoFunction;
import dev.memogen.internal.MemoRuntime;
import dev.memogen.internal.UsageReport;
import dev.memogen.internal.core.Problems;
import dev.memogen.internal.core.RemoteTier;
import dev.memogen.internal.hash.Hex;
import dev.memogen.internal.store.FunctionCounts;
import dev.memogen.internal.store.FunctionNames;
import dev.memogen.internal.store.StoreMaintenance;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Run-time view of memogen in this JVM: where the store is, whether it is enabled, and what each
 * memoized function did.
 *
 * <pre>{@code
 * double[] y = SpectraMemo.smooth(x, 5);
 * for (FunctionStats s : Memogen.statistics()) {
 *     System.out.println(s.functionId() + ": " + s.hits() + " hits, " + s.misses() + " misses");
 * }
 * }</pre>
 *
 * <p>Settings come from system properties or environment variables, read once when the first
 * memoized method is called: {@code memogen.dir} / {@code MEMOGEN_DIR} (store directory, default
 * {@code .memogen} in the working directory), {@code memogen.disable=true} /
 * {@code MEMOGEN_DISABLE=1} (call every method straight through), {@code memogen.memorySize} /
 * {@code MEMOGEN_MEMORY_SIZE} (bytes of values kept in memory, e.g. {@code 256MiB}) and
 * {@code memogen.extraSystemState} / {@code MEMOGEN_EXTRA_SYSTEM_STATE} (any string; entries
 * stored under another string are stale), {@code memogen.maxSize} / {@code MEMOGEN_MAX_SIZE}
 * (bound of the store, default {@code 1GiB}), {@code memogen.readOnly} /
 * {@code MEMOGEN_READ_ONLY} (read stored results, never write), {@code memogen.policy} /
 * {@code MEMOGEN_POLICY} ({@code gds}, the default, or {@code lru}),
 * {@code memogen.lockTimeout} / {@code MEMOGEN_LOCK_TIMEOUT} (how long a call waits for another
 * process computing the same result, default {@code 10m}), {@code memogen.lockHold} /
 * {@code MEMOGEN_LOCK_HOLD} (how long a process keeps the store index's lock after a change
 * while no other process asks for it, default {@code 10ms}), {@code memogen.packMax} /
 * {@code MEMOGEN_PACK_MAX} (entries up to this size share pack files, larger ones get a file
 * each, default {@code 64KiB}), {@code memogen.key} / {@code MEMOGEN_KEY} or
 * {@code memogen.keyFile} / {@code MEMOGEN_KEY_FILE} (a secret: entries are written with an
 * HMAC-SHA256 tag and read only with a valid one). Once per JVM, not changed by
 * {@link #configure}: {@code memogen.report=true} / {@code MEMOGEN_REPORT=1} (the {@link #report()}
 * on stderr at exit) and {@code memogen.events} / {@code MEMOGEN_EVENTS} (a file of JSON lines,
 * one per event: see {@code docs/observability.md}).
 */
public final class Memogen {
    private Memogen() {}

    /**
     * Puts {@code settings} in force in this JVM instead of those of the system properties and
     * environment variables: the store at their directory is opened, the values held in memory
     * are dropped and every function's statistics start again. For tests, benchmarks and tools;
     * call it before memoized calls, not while they are running.
     *
     * <pre>{@code
     * Memogen.configure(MemogenSettings.at(Path.of("build/memo")).withMaxSize(200L << 20));
     * }</pre>
     */
    public static void configure(MemogenSettings settings) {
        MemogenSettings.Remote remote = settings.remote();
        if (remote == null) {
            MemoRuntime.install(settings.config());
        } else {
            MemoRuntime.install(settings.config(),
                    problems -> RemoteTier.given(new GivenRemote(remote.objects()), remote.objects().toString(),
                            remote.readOnly(), remote.sync(), problems));
        }
    }

    /** The settings in force: those of the environment, or the last ones {@link #configure}d. */
    public static MemogenSettings settings() {
        return MemogenSettings.of(MemoRuntime.get().config());
    }

    /** The store directory in use. */
    public static Path storeDirectory() {
        return MemoRuntime.get().config().directory();
    }

    /**
     * Records that the memoized method running on this thread reads {@code files} (files or
     * directory trees): what they hold now is stored with its result, and a later call is a hit
     * only while they still hold it (checked by a {@code stat} per file when unchanged, as for a
     * {@code Path} argument). Call it before reading them. Outside the body of a memoized method
     * (or with memogen disabled) it does nothing; in a nested memoized call, the files count for
     * the calls around it too.
     *
     * <pre>{@code
     * static Model train(String name) throws IOException {   // in a @GenerateMemo class
     *     Path data = Path.of("data", name + ".csv");
     *     Memogen.dependsOn(data);              // editing the file recomputes train(name)
     *     return Model.fit(Files.readAllLines(data));
     * }
     * }</pre>
     *
     * <p>Inside a method that returns a future, only the part that runs before the method returns
     * its future is on this thread: files read later, on other threads, are not recorded.
     */
    public static void dependsOn(Path... files) {
        for (Path file : files) {
            MemoFunction.dependOn(file);
        }
    }

    /** Whether memoization is off ({@code memogen.disable}); calls then run every method. */
    public static boolean isDisabled() {
        return MemoRuntime.get().config().disabled();
    }

    /** Statistics of every memoized function loaded in this JVM. */
    public static List<FunctionStats> statistics() {
        List<FunctionStats> all = new ArrayList<>();
        for (MemoFunction<?> fn : MemoRuntime.functions()) {
            all.add(stats(fn));
        }
        return all;
    }

    private static FunctionStats stats(MemoFunction<?> fn) {
        MemoFunction.Counts c = fn.statistics();
        return new FunctionStats(c.functionId(), c.memoryHits(), c.storeHits(), c.misses(), c.computeNanos(),
                c.storedBytes(), c.invalidations(), c.remoteHits(), c.savedNanos(), c.overheadNanos(), c.readBytes());
    }

    /**
     * The usage report: per function called in this JVM, its calls, memory hits, store hits,
     * remote hits, misses, time computing, time saved (the stored compute cost of each store hit;
     * for memory hits, the function's mean cost), memogen's own overhead, bytes read and written,
     * in human units, the functions that saved most first; then, for a function whose caching cost more than it saved, a line suggesting
     * {@code @Memo.Skip}. With {@code memogen.report=true} (or {@code MEMOGEN_REPORT=1}) the same
     * text is printed to stderr when the JVM exits.
     *
     * <pre>{@code
     * double[] y = SpectraMemo.smooth(x, 5);
     * System.err.print(Memogen.report());
     * }</pre>
     */
    public static String report() {
        return UsageReport.text();
    }

    /**
     * Starts the statistics of every memoized function again ({@link #statistics()},
     * {@link #report()}); values cached in memory and in the store stay.
     *
     * <pre>{@code
     * Memogen.resetStatistics();
     * runPipeline();
     * System.err.print(Memogen.report());   // what this run of the pipeline did
     * }</pre>
     */
    public static void resetStatistics() {
        UsageReport.resetStatistics();
    }

    /** Statistics of the function with this id, e.g. {@code com.acme.Spectra#smooth(double[],int)}. */
    public static Optional<FunctionStats> statistics(String functionId) {
        for (MemoFunction<?> fn : MemoRuntime.functions()) {
            if (fn.id().equals(functionId)) {
                return Optional.of(stats(fn));
            }
        }
        return Optional.empty();
    }

    /**
     * Sets the bound of the persistent store, in bytes of stored entries, for this JVM, and
     * evicts at once down to it (entries that are cheapest to recompute per byte go first). The
     * bound is shared by every memoized function; it starts as {@code memogen.maxSize}.
     *
     * <pre>{@code
     * Memogen.setMaxSize(500L << 20);   // 500 MiB
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public static void setMaxSize(long bytes) {
        try {
            MemoRuntime.get().setMaxSize(bytes);
        } catch (java.io.IOException e) {
            // The bound is set; eviction runs again with the next store.
        }
    }

    /**
     * What the remote tier did in this JVM since the runtime started (or was configured), or
     * empty when there is no remote tier ({@code memogen.remote} not set, set wrong, or no store).
     */
    public static Optional<RemoteStatistics> remoteStatistics() {
        RemoteTier tier = MemoRuntime.get().remote();
        if (tier == null || tier.settings() == null) {
            return Optional.empty();
        }
        RemoteTier.Counts c = tier.counts();
        return Optional.of(new RemoteStatistics(tier.location(), c.hits(), c.misses(), c.rejected(), c.failures(),
                c.bytesDown(), c.bytesUp(), c.uploaded(), c.alreadyThere(), c.notShared(), c.nanos()));
    }

    /** The bound of the persistent store in bytes, as this JVM enforces it. */
    public static long maxSize() {
        return MemoRuntime.get().maxSize();
    }

    /** Bytes of entries in the persistent store (all processes), or -1 without a writable store. */
    public static long storedBytes() {
        return MemoRuntime.get().storedBytes();
    }

    /**
     * Deletes files of the store that nothing refers to: temporary files left by writers that were
     * killed, and entries that the store's index does not know (e.g. after a crash at the wrong
     * moment). Safe while other threads and processes use the store: nothing a live writer is
     * writing, and no indexed entry, is removed. Never runs by itself.
     *
     * <pre>{@code
     * long removed = Memogen.removeOrphans();
     * System.out.println("removed " + removed + " orphaned files");
     * }</pre>
     *
     * @return the number of files deleted (0 for a read-only or unavailable store)
     */
    public static long removeOrphans() {
        try {
            return MemoRuntime.get().removeOrphans();
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    /**
     * Drops the values held in memory, so that the next calls read the persistent store (useful
     * in tests and benchmarks of the store).
     */
    public static void clearMemory() {
        MemoRuntime.get().clearMemoryTier();
    }

    // ---------------------------------------------------------------- the store as a whole (the memogen command)

    /**
     * What the store of {@code settings} holds, per function, as its index counts it, and the hits
     * and misses every JVM that used it recorded there as it ended or was {@link #configure}d anew
     * ({@code functions/<fn>.counts}; a JVM still running, this one included, has not added its
     * own yet). Safe while programs use the store. {@code progress}, when not null, is told
     * {@code (done, total)} as the entries are walked.
     *
     * <pre>{@code
     * StoreStatistics s = Memogen.storeStatistics(MemogenSettings.at(Path.of(".memogen")), null);
     * for (StoreStatistics.Function f : s.functions()) {
     *     System.out.println(f.name() + ": " + f.entries() + " entries, " + f.bytes() + " bytes, "
     *             + f.hits() + " hits, " + f.misses() + " misses");
     * }
     * }</pre>
     *
     * @throws java.nio.file.NoSuchFileException when the directory holds no store
     */
    public static StoreStatistics storeStatistics(MemogenSettings settings, BiConsumer<Long, Long> progress)
            throws IOException {
        StoreMaintenance store = open(settings);
        Map<Long, FunctionNames.Named> names = store.functions();
        Map<Long, long[]> per = new HashMap<>();
        long cost = 0;
        long entries = 0;
        long bytes = 0;
        for (StoreMaintenance.Entry e : store.entries(false, progress(progress))) {
            long[] f = per.computeIfAbsent(e.functionHash(), k -> new long[3]);
            f[0]++;
            f[1] += e.size();
            f[2] += e.computeNanos();
            entries++;
            bytes += e.size();
            cost += e.computeNanos();
        }
        Map<Long, FunctionCounts.Counted> counts = store.counts();
        for (Long hash : counts.keySet()) {
            per.putIfAbsent(hash, new long[3]); // counted, and no entry left (evicted or cleared since)
        }
        List<StoreStatistics.Function> functions = new ArrayList<>();
        long hits = 0;
        long misses = 0;
        long saved = 0;
        for (Map.Entry<Long, long[]> e : per.entrySet()) {
            long[] f = e.getValue();
            FunctionCounts.Counted c = counts.getOrDefault(e.getKey(), new FunctionCounts.Counted(e.getKey(), 0, 0, 0));
            long perEntry = f[0] == 0 ? 0 : f[2] / f[0];
            long fnSaved = perEntry != 0 && c.hits() > Long.MAX_VALUE / perEntry ? Long.MAX_VALUE : c.hits() * perEntry;
            functions.add(new StoreStatistics.Function(idOf(names, e.getKey()), Hex.of(e.getKey()), f[0], f[1], f[2],
                    c.hits(), c.misses(), c.computeNanos(), fnSaved));
            hits = FunctionCounts.saturatingAdd(hits, c.hits());
            misses = FunctionCounts.saturatingAdd(misses, c.misses());
            saved = FunctionCounts.saturatingAdd(saved, fnSaved);
        }
        functions.sort(Comparator.comparingLong(StoreStatistics.Function::bytes).reversed()
                .thenComparing(StoreStatistics.Function::functionHash));
        return new StoreStatistics(store.directory(), entries, bytes, settings.maxSize(), cost, functions, hits, misses,
                saved);
    }

    /**
     * The entries of the store of {@code settings}, all of them or those of one function
     * ({@code functionId}: its id, or its id hash of 16 hex digits; {@code null} for all), most
     * recently stored first. Safe while programs use the store.
     *
     * <pre>{@code
     * String id = "com.acme.Spectra#smooth(double[],int)";
     * for (StoredEntry e : Memogen.storedEntries(MemogenSettings.at(dir), id, null)) {
     *     System.out.println(e.key() + " " + e.bytes() + " bytes");
     * }
     * }</pre>
     */
    public static List<StoredEntry> storedEntries(MemogenSettings settings, String functionId,
            BiConsumer<Long, Long> progress) throws IOException {
        StoreMaintenance store = open(settings);
        Map<Long, FunctionNames.Named> names = store.functions();
        long only = functionId == null ? 0 : StoreMaintenance.functionHash(functionId);
        List<StoredEntry> entries = new ArrayList<>();
        for (StoreMaintenance.Entry e : store.entries(true, progress(progress))) {
            if (functionId == null || e.functionHash() == only) {
                entries.add(new StoredEntry(idOf(names, e.functionHash()), Hex.of(e.functionHash()),
                        Hex.of(e.k0()) + Hex.of(e.k1()), e.packed(), e.size(), e.createdMillis(), e.computeNanos(),
                        e.priority()));
            }
        }
        entries.sort(Comparator.comparingLong(StoredEntry::createdMillis).reversed()
                .thenComparing(StoredEntry::functionHash).thenComparing(StoredEntry::key));
        return entries;
    }

    /**
     * Reads and checks every entry of the store of {@code settings}: checksum, key, payload length,
     * and with a key in the settings ({@link MemogenSettings#withKey}) the HMAC tag. Changes nothing.
     *
     * <pre>{@code
     * StoreVerification v = Memogen.verifyStore(MemogenSettings.at(dir), null);
     * v.problems().forEach(System.err::println);
     * }</pre>
     */
    public static StoreVerification verifyStore(MemogenSettings settings, BiConsumer<Long, Long> progress)
            throws IOException {
        StoreMaintenance store = open(settings);
        StoreMaintenance.Verification v = store.verify(progress(progress));
        Map<Long, FunctionNames.Named> names = store.functions();
        List<String> problems = new ArrayList<>();
        for (StoreMaintenance.Damage d : v.damage()) {
            String id = idOf(names, d.functionHash());
            problems.add((id != null ? id : Hex.of(d.functionHash())) + ", " + d.where() + ": " + d.problem());
        }
        problems.sort(null);
        return new StoreVerification(v.checked(), v.stale(), v.orphans(), problems);
    }

    /**
     * Removes what nothing needs from the store of {@code settings}: orphaned files (as
     * {@link #removeOrphans}) and the dead records of pack files (by compacting them). Safe while
     * programs use the store: every change is made under the store's index lock. {@code progress}, when
     * not null, is told {@code (step, 2)} as it goes.
     *
     * <pre>{@code
     * StoreCleanup c = Memogen.gc(MemogenSettings.at(dir), null);
     * }</pre>
     */
    public static StoreCleanup gc(MemogenSettings settings, BiConsumer<Long, Long> progress) throws IOException {
        StoreMaintenance.Collected c = open(settings).collect(progress(progress));
        return new StoreCleanup(c.filesRemoved(), c.deadPackBytesBefore(), c.deadPackBytesAfter());
    }

    /**
     * Drops every entry of the store of {@code settings}, or those of one function
     * ({@code functionId}: its id, or its id hash of 16 hex digits; {@code null} for all). Safe
     * while programs use the store: each entry is removed under the store's index lock, as a
     * writer removes one, and a program that no longer finds it computes it again. Values a
     * program holds in memory stay there (call {@link #clearMemory} in it). Returns how many
     * entries were removed.
     *
     * <pre>{@code
     * long removed = Memogen.clear(MemogenSettings.at(dir), "com.acme.Spectra#smooth(double[],int)", null);
     * }</pre>
     */
    public static long clear(MemogenSettings settings, String functionId, BiConsumer<Long, Long> progress)
            throws IOException {
        StoreMaintenance store = open(settings);
        return store.clear(functionId == null, functionId == null ? 0 : StoreMaintenance.functionHash(functionId),
                progress(progress));
    }

    /** {@link #storeStatistics(MemogenSettings, BiConsumer)} of the store in use, against this JVM's bound. */
    public static StoreStatistics storeStatistics() throws IOException {
        return storeStatistics(inUse(), null);
    }

    /** {@link #storedEntries(MemogenSettings, String, BiConsumer)} of the store in use. */
    public static List<StoredEntry> storedEntries(String functionId) throws IOException {
        return storedEntries(inUse(), functionId, null);
    }

    /** {@link #verifyStore(MemogenSettings, BiConsumer)} of the store in use, with its key. */
    public static StoreVerification verifyStore() throws IOException {
        return verifyStore(inUse(), null);
    }

    /** {@link #gc(MemogenSettings, BiConsumer)} of the store in use. */
    public static StoreCleanup gc() throws IOException {
        return gc(inUse(), null);
    }

    /**
     * {@link #clear(MemogenSettings, String, BiConsumer)} of the store in use, and the values this
     * JVM holds in memory ({@link #clearMemory}): the next call of each cleared function computes.
     *
     * <pre>{@code
     * Memogen.clear("com.acme.Spectra#smooth(double[],int)");
     * }</pre>
     */
    public static long clear(String functionId) throws IOException {
        long removed = clear(inUse(), functionId, null);
        clearMemory();
        return removed;
    }

    private static MemogenSettings inUse() {
        return settings().withMaxSize(maxSize());
    }

    private static StoreMaintenance open(MemogenSettings settings) throws IOException {
        return StoreMaintenance.open(settings.directory(), settings.config().key(), settings.maxSize(), new Problems());
    }

    private static StoreMaintenance.Progress progress(BiConsumer<Long, Long> progress) {
        return progress == null ? StoreMaintenance.Progress.NONE : progress::accept;
    }

    private static String idOf(Map<Long, FunctionNames.Named> names, long hash) {
        FunctionNames.Named named = names.get(hash);
        return named == null ? null : named.id();
    }
}
