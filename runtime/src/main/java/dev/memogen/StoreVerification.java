package dev.memogen;

import java.util.List;

/**
 * What {@link Memogen#verifyStore} found: every entry read and checked (checksum, key, payload
 * length, and the HMAC tag when the settings have a key).
 *
 * @param checked  entries checked
 * @param stale    sound entries that programs take for stale (another store format, or no tag
 *                 while a key is set): recomputed when used, not damage
 * @param orphans  files no index entry refers to ({@link Memogen#gc} removes them): not damage
 * @param problems one line per damaged entry: its function, where it is, and what is wrong
 */
public record StoreVerification(long checked, long stale, long orphans, List<String> problems) {
    public StoreVerification {
        problems = List.copyOf(problems);
    }

    /** Whether no entry is damaged. */
    public boolean ok() {
        return problems.isEmpty();
    }
}
