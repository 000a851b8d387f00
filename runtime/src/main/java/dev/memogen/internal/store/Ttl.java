package dev.memogen.internal.store;

/**
 * How long a stored result stays valid: {@link #NONE}, a maximum age, or an interval: every entry
 * of the function expires at the next multiple of the interval since the epoch (UTC), so all of
 * them roll over together, like charmonium.cache's {@code TTLInterval}. The processor reads the
 * text of {@code @Memo(ttl)} ({@code dev.memogen.processor.TtlSpec}) into milliseconds.
 *
 * @param millis   the age or interval in milliseconds; 0 for none
 * @param interval whether entries roll over at fixed boundaries rather than by age
 */
public record Ttl(long millis, boolean interval) {
    public static final Ttl NONE = new Ttl(0, false);


    /** When an entry created at {@code createdMillis} stops being valid; {@link Long#MAX_VALUE} for never. */
    public long expiresAt(long createdMillis) {
        if (millis == 0) {
            return Long.MAX_VALUE;
        }
        if (interval) {
            return (Math.floorDiv(createdMillis, millis) + 1) * millis;
        }
        return createdMillis + millis;
    }

    public boolean expired(long createdMillis, long nowMillis) {
        return nowMillis >= expiresAt(createdMillis);
    }
}
