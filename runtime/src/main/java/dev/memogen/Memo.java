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

    /** Leaves a method of a {@link GenerateMemo} class out of the generated class. */
    @Documented
    @Retention(RetentionPolicy.CLASS)
    @Target(ElementType.METHOD)
    @interface Skip {}
}
