package dev.memogen.internal.core;

import dev.memogen.internal.store.EvictionPolicy;
import dev.memogen.internal.store.StoreKey;
import dev.memogen.internal.store.StoreSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Settings, read from system properties first and environment variables second.
 *
 * <table>
 * <caption>Settings</caption>
 * <tr><th>property</th><th>environment</th><th>default</th></tr>
 * <tr><td>memogen.dir</td><td>MEMOGEN_DIR</td><td>{@code .memogen} in the working directory</td></tr>
 * <tr><td>memogen.disable</td><td>MEMOGEN_DISABLE</td><td>false: every call goes straight to the method</td></tr>
 * <tr><td>memogen.memorySize</td><td>MEMOGEN_MEMORY_SIZE</td><td>64MiB, or an eighth of the heap if less</td></tr>
 * <tr><td>memogen.extraSystemState</td><td>MEMOGEN_EXTRA_SYSTEM_STATE</td><td>empty; a different value makes every stored entry stale</td></tr>
 * <tr><td>memogen.maxSize</td><td>MEMOGEN_MAX_SIZE</td><td>1GiB: bytes of stored objects, shared by every function</td></tr>
 * <tr><td>memogen.readOnly</td><td>MEMOGEN_READ_ONLY</td><td>false: when true, stored results are read, nothing is written</td></tr>
 * <tr><td>memogen.policy</td><td>MEMOGEN_POLICY</td><td>gds (GreedyDual-Size); or lru</td></tr>
 * <tr><td>memogen.lockTimeout</td><td>MEMOGEN_LOCK_TIMEOUT</td><td>10m: how long a call waits for another process computing the same key</td></tr>
 * <tr><td>memogen.lockHold</td><td>MEMOGEN_LOCK_HOLD</td><td>10ms: how long a process keeps the store index's lock after a change while no other process asks for it; 0 releases it after every change</td></tr>
 * <tr><td>memogen.key</td><td>MEMOGEN_KEY</td><td>none: a secret; entries are written with an HMAC-SHA256 tag and read only with a valid one</td></tr>
 * <tr><td>memogen.keyFile</td><td>MEMOGEN_KEY_FILE</td><td>none: a file holding that secret (used when memogen.key is not set)</td></tr>
 * <tr><td>memogen.packMax</td><td>MEMOGEN_PACK_MAX</td><td>64KiB: entries up to this size are appended to shared pack files, larger ones get a file each; 0 puts every entry in a file of its own</td></tr>
 * </table>
 */
public record MemoConfig(Path directory, boolean disabled, long memoryTierBytes, String extraSystemState,
        long maxSize, boolean readOnly, String policy, long lockTimeoutMillis, long packMax, long lockHoldMillis,
        StoreKey key) {

    /** The default bound of the store: 1 GiB. */
    public static final long DEFAULT_MAX_SIZE = 1L << 30;
    /** How long a call waits for another process computing the same key by default: 10 minutes. */
    public static final long DEFAULT_LOCK_TIMEOUT_MILLIS = 10 * 60_000L;
    /** How long a process keeps the index lock after a change by default, unless another process asks: 10 ms. */
    public static final long DEFAULT_LOCK_HOLD_MILLIS = 10;
    /** Entries up to this size (encoded, with their header) go into pack files by default: 64 KiB. */
    public static final long DEFAULT_PACK_MAX = 64L << 10;
    /** The largest {@code packMax}: 1 MiB. */
    public static final long MAX_PACK_MAX = StoreSettings.MAX_PACK_MAX;

    /** What the store reads of these settings. */
    public StoreSettings storeSettings() {
        return new StoreSettings(readOnly, packMax, policy, maxSize, lockTimeoutMillis * 1_000_000L,
                java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(lockHoldMillis), key);
    }

    public static MemoConfig fromEnvironment() {
        String dir = setting("memogen.dir", "MEMOGEN_DIR");
        String disable = setting("memogen.disable", "MEMOGEN_DISABLE");
        String memory = setting("memogen.memorySize", "MEMOGEN_MEMORY_SIZE");
        String extra = setting("memogen.extraSystemState", "MEMOGEN_EXTRA_SYSTEM_STATE");
        String maxSize = setting("memogen.maxSize", "MEMOGEN_MAX_SIZE");
        String readOnly = setting("memogen.readOnly", "MEMOGEN_READ_ONLY");
        String policy = setting("memogen.policy", "MEMOGEN_POLICY");
        String lockTimeout = setting("memogen.lockTimeout", "MEMOGEN_LOCK_TIMEOUT");
        String packMax = setting("memogen.packMax", "MEMOGEN_PACK_MAX");
        String lockHold = setting("memogen.lockHold", "MEMOGEN_LOCK_HOLD");
        String key = setting("memogen.key", "MEMOGEN_KEY");
        String keyFile = setting("memogen.keyFile", "MEMOGEN_KEY_FILE");
        long defaultMemory = Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 8);
        String policyName = policy == null || policy.isBlank() ? "gds" : policy.trim();
        try {
            EvictionPolicy.named(policyName);
        } catch (IllegalArgumentException e) {
            ignored("memogen.policy", policy, e.getMessage(), "gds");
            policyName = "gds";
        }
        return new MemoConfig(
                Path.of(dir == null || dir.isBlank() ? ".memogen" : dir).toAbsolutePath(),
                isTrue(disable),
                size("memogen.memorySize", memory, defaultMemory),
                extra == null ? "" : extra,
                size("memogen.maxSize", maxSize, DEFAULT_MAX_SIZE),
                isTrue(readOnly),
                policyName,
                duration("memogen.lockTimeout", lockTimeout, DEFAULT_LOCK_TIMEOUT_MILLIS),
                packMax(size("memogen.packMax", packMax, DEFAULT_PACK_MAX)),
                duration("memogen.lockHold", lockHold, DEFAULT_LOCK_HOLD_MILLIS),
                StoreKey.fromSettings(key, keyFile));
    }

    private static long packMax(long value) {
        if (value > MAX_PACK_MAX) {
            ignored("memogen.packMax", Long.toString(value), "larger than " + MAX_PACK_MAX, MAX_PACK_MAX + " bytes");
            return MAX_PACK_MAX;
        }
        return value;
    }

    /** A size setting; a value that does not parse is reported and the default used (never thrown at a caller). */
    private static long size(String name, String value, long fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return parseSize(value);
        } catch (IllegalArgumentException e) {
            ignored(name, value, e.getMessage(), fallback + " bytes");
            return fallback;
        }
    }

    private static long duration(String name, String value, long fallbackMillis) {
        if (value == null || value.isBlank()) {
            return fallbackMillis;
        }
        if (value.trim().equals("0")) {
            return 0;
        }
        try {
            return parseDuration(value, value);
        } catch (IllegalArgumentException e) {
            ignored(name, value, e.getMessage(), fallbackMillis + " ms");
            return fallbackMillis;
        }
    }

    private static void ignored(String name, String value, String why, String used) {
        Problems.log().log(System.Logger.Level.WARNING,
                "memogen: ignoring " + name + "='" + value + "' (" + why + "); using " + used);
    }

    /** A configuration for a store in {@code directory}, with the defaults otherwise. */
    public static MemoConfig at(Path directory) {
        MemoConfig env = fromEnvironment();
        return new MemoConfig(directory.toAbsolutePath(), false, env.memoryTierBytes, "", DEFAULT_MAX_SIZE, false,
                "gds", DEFAULT_LOCK_TIMEOUT_MILLIS, DEFAULT_PACK_MAX,
                DEFAULT_LOCK_HOLD_MILLIS, null);
    }

    public MemoConfig withDisabled(boolean value) {
        return new MemoConfig(directory, value, memoryTierBytes, extraSystemState, maxSize, readOnly, policy,
                lockTimeoutMillis, packMax, lockHoldMillis, key);
    }

    public MemoConfig withMemoryTierBytes(long value) {
        return new MemoConfig(directory, disabled, nonNegative("memorySize", value), extraSystemState, maxSize, readOnly, policy,
                lockTimeoutMillis, packMax, lockHoldMillis, key);
    }

    public MemoConfig withExtraSystemState(String value) {
        return new MemoConfig(directory, disabled, memoryTierBytes, value, maxSize, readOnly, policy,
                lockTimeoutMillis, packMax, lockHoldMillis, key);
    }

    /** The store's bound in bytes of stored objects. */
    public MemoConfig withMaxSize(long value) {
        return new MemoConfig(directory, disabled, memoryTierBytes, extraSystemState, nonNegative("maxSize", value),
                readOnly, policy, lockTimeoutMillis, packMax, lockHoldMillis, key);
    }

    /** Read stored results, never write (for consumers of a store built elsewhere). */
    public MemoConfig withReadOnly(boolean value) {
        return new MemoConfig(directory, disabled, memoryTierBytes, extraSystemState, maxSize, value, policy,
                lockTimeoutMillis, packMax, lockHoldMillis, key);
    }

    /** {@code gds} (GreedyDual-Size, the default) or {@code lru}. */
    public MemoConfig withPolicy(String value) {
        EvictionPolicy.named(value); // fails early on an unknown name
        return new MemoConfig(directory, disabled, memoryTierBytes, extraSystemState, maxSize, readOnly, value,
                lockTimeoutMillis, packMax, lockHoldMillis, key);
    }

    /** How long a call waits for another process computing the same key before computing itself. */
    public MemoConfig withLockTimeoutMillis(long value) {
        return new MemoConfig(directory, disabled, memoryTierBytes, extraSystemState, maxSize, readOnly, policy,
                nonNegative("lockTimeout", value), packMax, lockHoldMillis, key);
    }

    /**
     * Entries whose stored form (header and encoded value) is at most this many bytes are
     * appended to shared pack files; larger ones get a file each. 0: every entry gets a file.
     */
    public MemoConfig withPackMax(long value) {
        if (value < 0 || value > MAX_PACK_MAX) {
            throw new IllegalArgumentException("packMax must be between 0 and " + MAX_PACK_MAX + ": " + value);
        }
        return new MemoConfig(directory, disabled, memoryTierBytes, extraSystemState, maxSize, readOnly, policy,
                lockTimeoutMillis, value, lockHoldMillis, key);
    }

    /**
     * How long a process keeps the store index's lock after a change, while no other process asks
     * for it: the next change then needs no system call. 0 releases it after every change.
     */
    public MemoConfig withLockHoldMillis(long value) {
        return new MemoConfig(directory, disabled, memoryTierBytes, extraSystemState, maxSize, readOnly, policy,
                lockTimeoutMillis, packMax, nonNegative("lockHold", value), key);
    }

    /**
     * Entries are written with an HMAC-SHA256 tag under {@code value} and read only with a valid
     * one ({@code memogen.key}); {@code null} for none.
     */
    public MemoConfig withKey(StoreKey value) {
        return new MemoConfig(directory, disabled, memoryTierBytes, extraSystemState, maxSize, readOnly, policy,
                lockTimeoutMillis, packMax, lockHoldMillis, value);
    }

    private static long nonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative: " + value);
        }
        return value;
    }

    /** The system property {@code property}, else the environment variable {@code env}; null when neither is set. */
    public static String setting(String property, String env) {
        String v = System.getProperty(property);
        return v != null ? v : System.getenv(env);
    }

    private static boolean isTrue(String v) {
        if (v == null) {
            return false;
        }
        String s = v.trim().toLowerCase(Locale.ROOT);
        return s.equals("1") || s.equals("true") || s.equals("yes");
    }

    /** Parses sizes such as {@code 1048576}, {@code 500MiB}, {@code 2GB}, {@code 64k}. */
    public static long parseSize(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT).replace("_", "");
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("not a size: '" + text + "' (use e.g. 500MiB)");
        }
        double number = Double.parseDouble(s.substring(0, i));
        String unit = s.substring(i).trim();
        long factor;
        switch (unit) {
            case "", "b" -> factor = 1;
            case "k", "kb", "kib" -> factor = 1L << 10;
            case "m", "mb", "mib" -> factor = 1L << 20;
            case "g", "gb", "gib" -> factor = 1L << 30;
            case "t", "tb", "tib" -> factor = 1L << 40;
            default -> throw new IllegalArgumentException("unknown size unit in '" + text + "' (use B, KiB, MiB, GiB or TiB)");
        }
        return (long) (number * factor);
    }

    /** {@code 250ms}, {@code 90s}, {@code 15m}, {@code 2h}, {@code 7d}, or ISO-8601 such as {@code PT1H30M}. */
    static long parseDuration(String s, String original) {
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
}
