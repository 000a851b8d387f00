package dev.memogen.cli;

import java.util.Locale;

/** Sizes and durations as people read them: {@code 12.5 MiB}, {@code 340 ms}, {@code 1.2 s}, {@code 3 h}. */
final class HumanUnits {
    private HumanUnits() {}

    private static final String[] BYTE_UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    /** {@code 0 B}, {@code 980 B}, {@code 1.0 KiB}, {@code 12.5 MiB}: one decimal from KiB on. */
    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, BYTE_UNITS[unit]);
    }

    /**
     * {@code 0 s}, {@code 850 ns}, {@code 12 µs}, {@code 340 ms}, {@code 1.2 s}, {@code 4.0 min}, {@code 2.5 h},
     * {@code 3.0 d}.
     */
    static String nanos(long nanos) {
        if (nanos <= 0) {
            return "0 s";
        }
        if (nanos < 1_000) {
            return nanos + " ns";
        }
        if (nanos < 1_000_000) {
            return nanos / 1_000 + " µs";
        }
        if (nanos < 1_000_000_000) {
            return nanos / 1_000_000 + " ms";
        }
        double seconds = nanos / 1e9;
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%.1f min", seconds / 60);
        }
        if (seconds < 86400) {
            return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
        }
        return String.format(Locale.ROOT, "%.1f d", seconds / 86400);
    }

    /** An age in milliseconds: {@code 12 s}, {@code 5 min}, {@code 3 h}, {@code 2 d}; {@code ?} when negative. */
    static String age(long millis) {
        if (millis < 0) {
            return "?";
        }
        long s = millis / 1000;
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min";
        }
        if (s < 86400) {
            return s / 3600 + " h";
        }
        return s / 86400 + " d";
    }
}
