package dev.memogen;

import dev.memogen.internal.MemoFunction;
import dev.memogen.internal.MemoRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
 * HMAC-SHA256 tag and read only with a valid one).
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
        MemoRuntime.install(settings.config());
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
                c.storedBytes(), c.invalidations());
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
}
