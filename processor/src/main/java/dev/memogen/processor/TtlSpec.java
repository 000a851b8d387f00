package dev.memogen.processor;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of {@code @Memo(ttl)} read at compile time, the one place its grammar lives: a maximum
 * age ({@code "250ms"}, {@code "90s"}, {@code "15m"}, {@code "2h"}, {@code "7d"}, ISO-8601
 * {@code "PT1H30M"}) or an interval ({@code "every 1d"}: every entry of the function expires at
 * the next multiple of the interval since the epoch). Generated code passes the runtime the
 * milliseconds ({@code MemoFunction.withTtl(long, boolean)}).
 *
 * @param millis   the age or interval in milliseconds; 0 for none
 * @param interval whether entries roll over at fixed boundaries rather than by age
 */
record TtlSpec(long millis, boolean interval) {
    static final TtlSpec NONE = new TtlSpec(0, false);

    private static final Pattern GRAMMAR = Pattern.compile(
            "(?i)\\s*(every\\s+)?(?:(\\d{1,12})\\s*(ms|s|m|min|h|d)|(p\\S+))\\s*");

    /** The ttl of {@code text}: {@link #NONE} for an empty text, {@code null} for one that is not a positive duration. */
    static TtlSpec parse(String text) {
        if (text.isBlank()) {
            return NONE;
        }
        Matcher m = GRAMMAR.matcher(text);
        if (!m.matches()) {
            return null;
        }
        long millis;
        if (m.group(4) != null) {
            try {
                millis = Duration.parse(m.group(4).toUpperCase(Locale.ROOT)).toMillis();
            } catch (DateTimeParseException | ArithmeticException e) {
                return null;
            }
        } else {
            long unit = switch (m.group(3).toLowerCase(Locale.ROOT)) {
                case "ms" -> 1L;
                case "s" -> 1_000L;
                case "m", "min" -> 60_000L;
                case "h" -> 3_600_000L;
                default -> 86_400_000L; // "d"
            };
            try {
                millis = Math.multiplyExact(Long.parseLong(m.group(2)), unit);
            } catch (ArithmeticException e) {
                return null;
            }
        }
        return millis > 0 ? new TtlSpec(millis, m.group(1) != null) : null;
    }
}
