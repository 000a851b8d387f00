package dev.memogen;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Per-method settings for a method of a {@link GenerateMemo} class.
 *
 * <pre>{@code
 * @GenerateMemo
 * final class Reports {
 *     @Memo(version = "2")          // bump to discard every stored result of this method
 *     static String render(Quarter q) { ... }
 *
 *     @Memo.Skip                    // not memoized; ReportsMemo has no such method
 *     static long now() { return System.currentTimeMillis(); }
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Memo {

    /**
     * A free-form version string that joins the function version. Changing it makes every
     * result stored under the old string stale: the next call recomputes and replaces it.
     */
    String version() default "";

    /**
     * How long a stored result stays valid; empty (the default) for as long as its function
     * version holds. A maximum age: {@code "90s"}, {@code "15m"}, {@code "2h"}, {@code "7d"},
     * or ISO-8601 such as {@code "PT1H30M"}: a result older than that is a miss, recomputed and
     * replaced. Or an interval, {@code "every 1d"}: all results of the method expire together at
     * each multiple of the interval since the epoch (UTC midnight for {@code "every 1d"}), like
     * charmonium.cache's {@code TTLInterval}. The text is checked at compile time
     * ({@code [MemoBadTtl]}); it is not part of the function version, so changing it keeps results.
     *
     * <pre>{@code
     * @Memo(ttl = "6h")         static Quote quote(String ticker) { ... }
     * @Memo(ttl = "every 1d")   static Report daily(String region) { ... }
     * }</pre>
     */
    String ttl() default "";

    /**
     * Whether what the method writes to {@code System.out} and {@code System.err} while it
     * computes is stored with its result and written again, in order, on every hit (from memory
     * or the store), so that a program's output looks the same when its results come from the
     * cache. Only the computing thread's output is recorded (other threads' passes through
     * untouched), up to 16 MiB per result. To record it, memogen replaces {@code System.out} and
     * {@code System.err}, at the first such computation, by streams that pass everything on to
     * the ones they replace; output to a stream the program sets afterwards is not recorded.
     * Changing this setting recomputes the method's results. Not for methods returning a future.
     *
     * <pre>{@code
     * @Memo(replayOutput = true)
     * static Fit fit(double[] xs) {
     *     System.out.println("fitting " + xs.length + " points"); // printed on hits too
     *     ...
     * }
     * }</pre>
     */
    boolean replayOutput() default false;

    /** Leaves a method of a {@link GenerateMemo} class out of the generated class. */
    @Documented
    @Retention(RetentionPolicy.CLASS)
    @Target(ElementType.METHOD)
    @interface Skip {}

    /**
     * Leaves a field out of the key of a {@link GenerateMemo} class's instance methods: a logger,
     * a metrics registry, a connection pool, anything that does not change what the methods
     * return. Every other instance field of the receiver is part of the key.
     */
    @Documented
    @Retention(RetentionPolicy.CLASS)
    @Target(ElementType.FIELD)
    @interface Ignore {}

    /**
     * On a parameter of type {@code Path} or {@code File} (or holding them, as a {@code List<Path>}):
     * key it by its absolute normalised path alone, not by what the file holds. For paths used as
     * names or output locations, or trees too large to read that are versioned otherwise. Without
     * it, a {@code Path} argument is keyed by the file's (or directory tree's) contents too.
     */
    @Documented
    @Retention(RetentionPolicy.CLASS)
    @Target(ElementType.PARAMETER)
    @interface PathOnly {}
}
