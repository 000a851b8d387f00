package dev.memogen;

/**
 * Lets memogen hash and store a type it does not support itself ({@code T}: a class of a library,
 * a mutable class of your own) by converting it to one it does ({@code S}): a record, a
 * {@code double[][]}, a {@code String}, anything memogen supports. Registered on the class whose
 * methods use {@code T}: {@code @GenerateMemo(adapters = RealMatrixAdapter.class)}; then {@code T}
 * may be an argument (hashed as its {@code S}), a result (stored as its {@code S}, rebuilt with
 * {@link #fromStored}), a component of records and collections, and a field of a receiver. As
 * JPA's {@code AttributeConverter} and Room's {@code @TypeConverter} do.
 *
 * <pre>{@code
 * public final class RealMatrixAdapter implements MemoAdapter<RealMatrix, double[][]> {
 *     public double[][] toStored(RealMatrix m) { return m.getData(); }
 *     public RealMatrix fromStored(double[][] data) { return MatrixUtils.createRealMatrix(data); }
 * }
 * }</pre>
 *
 * <p>Rules, checked at compile time: the adapter is a class with a public no-argument
 * constructor, reachable from the generated class's package; {@code T} and {@code S} are concrete
 * types (no type variables); {@code S} is a type memogen supports without an adapter; one adapter
 * per {@code T} in a class. An adapter is used for exactly {@code T} (not its subtypes), and wins
 * over memogen's own rules for {@code T}.
 *
 * <p>{@code toStored} must give equal stored forms for values the method treats alike, and
 * different ones for values it does not: the stored form is the key. Both methods are called
 * with non-null values only, except that {@code fromStored} gets {@code null} if
 * {@code toStored} returned {@code null}. The adapter's code is part of the function version, as
 * the memoized method's is: editing it recomputes.
 *
 * @param <T> the type used in memoized methods
 * @param <S> the supported type it is hashed and stored as
 */
public interface MemoAdapter<T, S> {
    /** The form of {@code value} that is hashed and stored. */
    S toStored(T value);

    /** A value equal in meaning to the one {@link #toStored} was given. */
    T fromStored(S stored);
}
