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
 * stored under another string are stale).
 */
public final class Memogen {
    private Memogen() {}

    /** The store directory in use. */
    public static Path storeDirectory() {
        return MemoRuntime.get().config().directory();
    }

    /** Whether memoization is off ({@code memogen.disable}); calls then run every method. */
    public static boolean isDisabled() {
        return MemoRuntime.get().config().disabled();
    }

    /** Statistics of every memoized function loaded in this JVM. */
    public static List<FunctionStats> statistics() {
        List<FunctionStats> all = new ArrayList<>();
        for (MemoFunction<?> fn : MemoRuntime.functions()) {
            all.add(fn.statistics());
        }
        return all;
    }

    /** Statistics of the function with this id, e.g. {@code com.acme.Spectra#smooth(double[],int)}. */
    public static Optional<FunctionStats> statistics(String functionId) {
        for (MemoFunction<?> fn : MemoRuntime.functions()) {
            if (fn.id().equals(functionId)) {
                return Optional.of(fn.statistics());
            }
        }
        return Optional.empty();
    }

    /**
     * Drops the values held in memory, so that the next calls read the persistent store (useful
     * in tests and benchmarks of the store).
     */
    public static void clearMemory() {
        MemoRuntime.get().clearMemoryTier();
    }
}
