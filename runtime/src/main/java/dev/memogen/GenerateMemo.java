package dev.memogen;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Asks the memogen annotation processor to write a memoizing companion class.
 *
 * <p>For a class {@code Spectra} the processor writes {@code SpectraMemo} in the same package
 * (for a nested class {@code Outer.Inner}: {@code Outer_InnerMemo}). It has one static method for
 * every non-private static method of {@code Spectra} that returns a value, with the same
 * signature. The first call with given arguments runs the original method and stores its result
 * under {@code .memogen/}; later calls, in this JVM or in any later one, return the stored result.
 *
 * <pre>{@code
 * @GenerateMemo
 * final class Spectra {
 *     static double[] smooth(double[] signal, int window) { ... }
 * }
 *
 * double[] y = SpectraMemo.smooth(x, 5);   // computes once, then loads
 * }</pre>
 *
 * <p>Parameter types must be hashable and return types storable: primitives and their boxes,
 * {@code String}, enums, the JDK's immutable value classes ({@code BigDecimal}, {@code LocalDate},
 * {@code UUID}, ...), records and sealed types of those, arrays, {@code List}/{@code Set}/
 * {@code Map}/{@code Optional} of those, and types handled by a {@link MemoAdapter} listed in
 * {@link #adapters}. Anything else is a compile error on that parameter or method, saying what
 * to do. Instance methods are memoized too, with the receiver as the first parameter.
 *
 * @see Memo
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface GenerateMemo {
    /**
     * Adapters for types memogen does not hash or store itself, used by this class's memoized
     * methods (as arguments, results, record components, collection elements or fields of a
     * receiver). See {@link MemoAdapter}.
     */
    Class<? extends MemoAdapter<?, ?>>[] adapters() default {};
}
