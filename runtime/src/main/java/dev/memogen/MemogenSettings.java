package dev.memogen;

import dev.memogen.internal.core.MemoConfig;
import dev.memogen.internal.store.StoreKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * memogen's settings, for code that sets memogen up itself (tests, benchmarks, tools) instead of
 * with system properties or environment variables. Immutable: each {@code with} method returns
 * new settings. {@link Memogen#configure} puts them in force.
 *
 * <pre>{@code
 * @TempDir Path dir;
 *
 * @BeforeEach
 * void freshStore() {
 *     Memogen.configure(MemogenSettings.at(dir).withMemorySize(16L << 20));
 * }
 * }</pre>
 *
 * <p>Each setting is the one of the same name in {@link Memogen}'s list: {@link #fromEnvironment()}
 * reads them as the first memoized call does, {@link #at} starts from the defaults.
 */
public final class MemogenSettings {
    private final MemoConfig config;
    /** A program's own remote objects ({@link #withRemote}), or {@code null}: {@code memogen.remote}, if set. */
    private final Remote remote;

    /** {@link #withRemote}'s arguments. */
    record Remote(RemoteObjects objects, boolean readOnly, boolean sync) {}

    private MemogenSettings(MemoConfig config) {
        this(null, config);
    }

    private MemogenSettings(Remote remote, MemoConfig config) {
        this.remote = remote;
        this.config = config;
    }

    /** The settings of the system properties and environment variables ({@code memogen.*}, {@code MEMOGEN_*}). */
    public static MemogenSettings fromEnvironment() {
        return new MemogenSettings(MemoConfig.fromEnvironment());
    }

    /** The default settings, with the store in {@code directory}. */
    public static MemogenSettings at(Path directory) {
        return new MemogenSettings(MemoConfig.at(Objects.requireNonNull(directory, "directory")));
    }

    /** The settings in force in this JVM. */
    static MemogenSettings of(MemoConfig config) {
        return new MemogenSettings(config);
    }

    MemoConfig config() {
        return config;
    }

    /** Where the store is. */
    public Path directory() {
        return config.directory();
    }

    /** Whether every call goes straight to its method ({@code memogen.disable}). */
    public boolean disabled() {
        return config.disabled();
    }

    public MemogenSettings withDisabled(boolean disabled) {
        return new MemogenSettings(remote, config.withDisabled(disabled));
    }

    /** Bytes of values kept in memory ({@code memogen.memorySize}); 0 keeps none. */
    public long memorySize() {
        return config.memoryTierBytes();
    }

    /**
     * A copy with another bound of the in-memory tier, in bytes.
     *
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public MemogenSettings withMemorySize(long bytes) {
        return new MemogenSettings(remote, config.withMemoryTierBytes(bytes));
    }

    /** A string of the caller's; entries stored under another one are stale ({@code memogen.extraSystemState}). */
    public String extraSystemState() {
        return config.extraSystemState();
    }

    public MemogenSettings withExtraSystemState(String state) {
        return new MemogenSettings(remote, config.withExtraSystemState(Objects.requireNonNull(state, "state")));
    }

    /** The bound of the store in bytes of stored entries ({@code memogen.maxSize}). */
    public long maxSize() {
        return config.maxSize();
    }

    /**
     * A copy with another bound of the store, in bytes.
     *
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public MemogenSettings withMaxSize(long bytes) {
        return new MemogenSettings(remote, config.withMaxSize(bytes));
    }

    /** Whether stored results are read and nothing is written ({@code memogen.readOnly}). */
    public boolean readOnly() {
        return config.readOnly();
    }

    public MemogenSettings withReadOnly(boolean readOnly) {
        return new MemogenSettings(remote, config.withReadOnly(readOnly));
    }

    /** The eviction policy ({@code memogen.policy}): {@code gds} or {@code lru}. */
    public String policy() {
        return config.policy();
    }

    /**
     * A copy with another eviction policy.
     *
     * @throws IllegalArgumentException if {@code policy} is neither {@code gds} nor {@code lru}
     */
    public MemogenSettings withPolicy(String policy) {
        return new MemogenSettings(remote, config.withPolicy(Objects.requireNonNull(policy, "policy")));
    }

    /** How long a call waits for another process computing the same result ({@code memogen.lockTimeout}). */
    public Duration lockTimeout() {
        return Duration.ofMillis(config.lockTimeoutMillis());
    }

    /**
     * A copy with another limit on how long a call waits for another process computing its key.
     *
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public MemogenSettings withLockTimeout(Duration timeout) {
        return new MemogenSettings(remote, config.withLockTimeoutMillis(timeout.toMillis()));
    }

    /** How long a process keeps the store index's lock after a change for its next one ({@code memogen.lockHold}). */
    public Duration lockHold() {
        return Duration.ofMillis(config.lockHoldMillis());
    }

    /**
     * A copy with another time the index lock is kept after a change while no other process asks.
     *
     * @throws IllegalArgumentException if {@code hold} is negative
     */
    public MemogenSettings withLockHold(Duration hold) {
        return new MemogenSettings(remote, config.withLockHoldMillis(hold.toMillis()));
    }

    /** Whether entries are authenticated with a secret ({@code memogen.key} or {@code memogen.keyFile}). */
    public boolean hasKey() {
        return config.key() != null;
    }

    /**
     * A copy whose store entries are written with an HMAC-SHA256 tag under {@code secret} (its
     * UTF-8 bytes) and read only when the tag is valid ({@code memogen.key}); {@code null} for no
     * key. For a store that others can write to: see the README, "Sharing a store".
     *
     * @throws IllegalArgumentException if {@code secret} is empty
     */
    public MemogenSettings withKey(String secret) {
        return new MemogenSettings(remote, config.withKey(secret == null ? null
                : StoreKey.of(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    }

    /**
     * {@link #withKey(String)} with the secret the file holds, without trailing line breaks
     * ({@code memogen.keyFile}). A file that cannot be read, or is empty, makes the store unused
     * (results kept in memory only, after a warning), never unchecked.
     */
    public MemogenSettings withKeyFile(Path file) {
        return new MemogenSettings(remote, config.withKey(StoreKey.fromFile(Objects.requireNonNull(file, "file"))));
    }

    /** Entries up to this many bytes share pack files; larger ones get a file each ({@code memogen.packMax}). */
    public long packMax() {
        return config.packMax();
    }

    /**
     * A copy with another size up to which entries go to pack files.
     *
     * @throws IllegalArgumentException if {@code bytes} is negative or over 1 MiB
     */
    public MemogenSettings withPackMax(long bytes) {
        return new MemogenSettings(remote, config.withPackMax(bytes));
    }

    /**
     * A copy that shares results through {@code objects}, a program's own client
     * ({@link RemoteObjects}), instead of what {@code memogen.remote} sets up: never uploading when
     * {@code readOnly}, uploading before a call returns when {@code sync} (else in the background).
     */
    public MemogenSettings withRemote(RemoteObjects objects, boolean readOnly, boolean sync) {
        return new MemogenSettings(new Remote(Objects.requireNonNull(objects, "objects"), readOnly, sync), config);
    }

    /** The remote objects given with {@link #withRemote}, or {@code null}. */
    Remote remote() {
        return remote;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MemogenSettings s && s.config.equals(config) && Objects.equals(s.remote, remote);
    }

    @Override
    public int hashCode() {
        return config.hashCode() * 31 + Objects.hashCode(remote);
    }

    @Override
    public String toString() {
        return "MemogenSettings" + config.toString().substring("MemoConfig".length());
    }
}
