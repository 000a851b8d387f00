package dev.memogen.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * How long a stored result stays valid: {@link #NONE}, a maximum age ({@code "90s"},
 * {@code "2h"}, {@code "7d"}, ISO-8601 {@code "PT1H30M"}), or an interval ({@code "every 1d"}):
 * every entry of the function expires at the next multiple of the interval since the epoch (UTC),
 * so all of them roll over together, like charmonium.cache's {@code TTLInterval}.
 *
 * @param millis   the age or interval in milliseconds; 0 for none
 * @param interval whether entries roll over at fixed boundaries rather than by age
 */
public record Ttl(long millis, boolean interval) {
    public static final Ttl NONE = new Ttl(0, false);

    /** Parses the text of {@code @Memo(ttl)}; throws {@link IllegalArgumentException} saying what is accepted. */
    public static Ttl parse(String text) {
        String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty()) {
            return NONE;
        }
        boolean interval = false;
        if (s.startsWith("every ")) {
            interval = true;
            s = s.substring(6).trim();
        }
        long millis = parseDuration(s, text);
        if (millis <= 0) {
            throw new IllegalArgumentException("ttl '" + text + "' must be longer than zero");
        }
        return new Ttl(millis, interval);
    }

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
                + " PT1H30M, or 'every 1d' for entries that all roll over at fixed boundaries");
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
