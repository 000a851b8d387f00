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
 * {@code String}, enums, records of those, arrays, and {@code List}/{@code Set}/{@code Map}/
 * {@code Optional} of those. Anything else is a compile error on that parameter or method.
 *
 * @see Memo
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface GenerateMemo {}
