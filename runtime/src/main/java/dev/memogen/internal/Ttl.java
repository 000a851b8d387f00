package dev.memogen.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * How long a stored result stays valid: {@link #NONE}, a maximum age, or an interval: every entry
 * of the function expires at the next multiple of the interval since the epoch (UTC), so all of
 * them roll over together, like charmonium.cache's {@code TTLInterval}. The processor reads the
 * text of {@code @Memo(ttl)} ({@code dev.memogen.processor.TtlSpec}); {@link #parseDuration}
 * reads the durations of settings such as {@code memogen.lockTimeout}.
 *
 * @param millis   the age or interval in milliseconds; 0 for none
 * @param interval whether entries roll over at fixed boundaries rather than by age
 */
public record Ttl(long millis, boolean interval) {
    public static final Ttl NONE = new Ttl(0, false);

    /** {@code 250ms}, {@code 90s}, {@code 15m}, {@code 2h}, {@code 7d}, or ISO-8601 such as {@code PT1H30M}. */
    public static long parseDuration(String s, String original) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("p")) {
            try {
                return Duration.parse(t.toUpperCase(Locale.ROOT)).toMillis();
            } catch (DateTimeParseException | ArithmeticException e) {
                throw bad(original);
            }
        }
        int i = 0;
        while (i < t.length() && Character.isDigit(t.charAt(i))) {
            i++;
        }
        if (i == 0 || i > 12) {
            throw bad(original);
        }
        long n = Long.parseLong(t.substring(0, i));
        long unit = switch (t.substring(i).trim()) {
            case "ms" -> 1L;
            case "s" -> 1_000L;
            case "m", "min" -> 60_000L;
            case "h" -> 3_600_000L;
            case "d" -> 86_400_000L;
            default -> throw bad(original);
        };
        return Math.multiplyExact(n, unit);
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("cannot read '" + text + "' as a duration: use e.g. 90s, 15m, 2h, 7d,"
                + " or PT1H30M");
    }

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
