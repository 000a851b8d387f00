package dev.memogen.internal.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret of {@code memogen.key} (or {@code memogen.keyFile}): with it, every entry written
 * carries an HMAC-SHA256 tag over all its bytes before the tag (header with the full key, the
 * function's id and version, the system state; the value), and a read accepts only an entry whose
 * tag it computes again ({@code docs/store-format.md}, "Threat model"). Never printed.
 *
 * <p>Not part of the public API.
 */
public final class StoreKey {
    /** The length of a tag: a whole HMAC-SHA256. */
    public static final int TAG_BYTES = 32;
    private static final String ALGORITHM = "HmacSHA256";

    /** A ready {@link Mac}, cloned for each entry: one is not safe for several threads. */
    private final Mac prototype;
    /** Why the key cannot be used (a key file that cannot be read); {@code null} for a usable key. */
    private final String problem;

    private StoreKey(Mac prototype, String problem) {
        this.prototype = prototype;
        this.problem = problem;
    }

    /** A key of these bytes (not empty). */
    public static StoreKey of(byte[] secret) {
        if (secret.length == 0) {
            throw new IllegalArgumentException("memogen.key must not be empty");
        }
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret, ALGORITHM));
            return new StoreKey(mac, null);
        } catch (GeneralSecurityException e) {
            return new StoreKey(null, ALGORITHM + " is not available in this JVM (" + e + ")");
        }
    }

    /**
     * The key of the settings: {@code key}'s UTF-8 bytes, else what the file {@code keyFile} holds
     * (without trailing line breaks and spaces); {@code null} for neither. A key file that cannot
     * be read, or holds nothing, gives a key that cannot be used: the store is then not opened.
     */
    public static StoreKey fromSettings(String key, String keyFile) {
        if (key != null && !key.isEmpty()) {
            return of(key.getBytes(StandardCharsets.UTF_8));
        }
        if (keyFile == null || keyFile.isBlank()) {
            return null;
        }
        return fromFile(Path.of(keyFile.trim()));
    }

    /** The key {@code file} holds; see {@link #fromSettings}. */
    public static StoreKey fromFile(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            int end = bytes.length;
            while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r' || bytes[end - 1] == ' '
                    || bytes[end - 1] == '\t')) {
                end--;
            }
            if (end == 0) {
                return new StoreKey(null, "the key file " + file + " (memogen.keyFile) is empty");
            }
            return of(Arrays.copyOf(bytes, end));
        } catch (IOException | RuntimeException e) {
            return new StoreKey(null, "the key file " + file + " (memogen.keyFile) cannot be read (" + e + ")");
        }
    }

    /** Throws, saying why, when this key cannot be used: the store must not be opened without it. */
    void checkUsable() throws IOException {
        if (problem != null) {
            throw new IOException(problem + ": the store is not used, so that no entry goes unchecked");
        }
    }

    /** A fresh MAC for one entry. */
    Mac mac() {
        try {
            return (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(ALGORITHM + " cannot be cloned", e);
        }
    }

    /** Whether {@code bytes[tagAt, tagAt + TAG_BYTES)} is the tag of {@code bytes[from, tagAt)}. */
    boolean matches(byte[] bytes, int from, int tagAt) {
        Mac mac = mac();
        mac.update(bytes, from, tagAt - from);
        return MessageDigest.isEqual(mac.doFinal(), Arrays.copyOfRange(bytes, tagAt, tagAt + TAG_BYTES));
    }

    @Override
    public String toString() {
        return problem == null ? "StoreKey[set]" : "StoreKey[unusable]";
    }
}
