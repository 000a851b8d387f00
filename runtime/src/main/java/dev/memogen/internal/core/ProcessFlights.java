package dev.memogen.internal.core;

import dev.memogen.internal.store.FileStore;
import dev.memogen.internal.store.FlightTable;
import dev.memogen.internal.store.StoredFunction;
import java.io.IOException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Single flight between processes: the thread of this JVM that is to compute a key claims the
 * key's stripe of the store's flights table, or, when another process holds it, waits for that
 * process to store the value.
 */
public final class ProcessFlights {
    private ProcessFlights() {}

    /**
     * How long a call made inside a memoized computation waits for another process that owns
     * its key before computing the value itself: long enough to let a short computation finish
     * (one body instead of two), short enough that two processes waiting for each other's keys
     * lose little.
     */
    public static final long NESTED_WAIT_NANOS = 1_000_000_000L;

    /**
     * Claims the stripe of ({@code k0}, {@code k1}) (handing the claim to {@code onClaim}, then
     * returning what {@code loadStored} finds: the process that held it may have stored the value
     * meanwhile), or waits for the process that holds it and returns what it stored. An owner whose
     * word shows no heartbeat for {@link FlightTable#STALLED_AFTER_NANOS} is not waited for: its
     * stripe is taken over. Returns
     * {@code null} when this JVM is to compute: it holds the claim, the store cannot coordinate
     * (read-only, failing), or the wait timed out. {@code nested} says whether the waiting thread
     * holds keys that the owner may be waiting for; it then waits {@link #NESTED_WAIT_NANOS} at
     * most.
     */
    public static <R> R claimOrWait(StoredEntries entries, StoredFunction fn, long k0, long k1,
            long lockTimeoutMillis, BooleanSupplier nested, Consumer<FlightTable.Claim> onClaim,
            Supplier<R> loadStored) {
        FileStore store = entries.store();
        if (store == null || !store.writable()) {
            return null;
        }
        long waitNanos = lockTimeoutMillis * 1_000_000L;
        long started = System.nanoTime();
        boolean couldCycle = false;
        long pauseMillis = 1;
        // The owner's word as last seen, since when, and (once it stayed so for
        // FlightTable.STALLED_AFTER_NANOS) the word to take over: its owner makes no progress.
        long seen = 0;
        long seenSince = started;
        long stalled = 0;
        while (true) {
            FlightTable.Claim claim;
            long word;
            try {
                claim = store.claimKey(fn, k0, k1, stalled);
                word = claim != null ? 0 : store.keyOwnerWord(fn, k0, k1);
            } catch (IOException | RuntimeException e) {
                entries.problems().warnOnce("keylock", "cannot lock keys in " + entries.directory()
                        + "; processes sharing the store may compute the same result more than once", e);
                return null;
            }
            if (claim != null) {
                if (stalled != 0) {
                    warnStalled(entries, fn, stalled, System.nanoTime() - seenSince);
                }
                // Ours now (released when the flight ends). The process that held it may have
                // stored the value since our lookup.
                onClaim.accept(claim);
                return loadStored.get();
            }
            R stored = loadStored.get();
            if (stored != null) {
                return stored;
            }
            long now = System.nanoTime();
            if (word != seen) {
                seen = word; // changed hands, or beat: its owner is alive and well
                seenSince = now;
                stalled = 0;
            } else if (now - seenSince >= FlightTable.STALLED_AFTER_NANOS) {
                stalled = word; // no beat for that long: stopped, hung or forged; taken over next
                continue;
            }
            // A thread that holds nothing others wait for may wait as long as the owner computes.
            // One inside a memoized computation (or followed by such a thread of this JVM) holds
            // keys that the owner may be waiting for: waiting long could be a deadlock between
            // processes, so it waits briefly, then computes.
            if (!couldCycle && nested.getAsBoolean()) {
                couldCycle = true;
                waitNanos = Math.min(waitNanos, System.nanoTime() - started + NESTED_WAIT_NANOS);
            }
            long waited = System.nanoTime() - started;
            if (waited > waitNanos) {
                warnWaited(entries, fn, k0, k1, couldCycle, waited);
                return null;
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            pauseMillis = Math.min(pauseMillis * 2, 50);
        }
    }

    private static void warnStalled(StoredEntries entries, StoredFunction fn, long word, long nanos) {
        entries.problems().warnOnce("keylock-stalled:" + fn.id(), "process " + (word >>> 32) + " holds the "
                + "flight of a key of " + fn.id() + " but showed no sign of progress for "
                + Math.round(nanos / 1e8) / 10.0 + " s (stopped, hung, or a forged flights file); computing it here",
                null);
    }

    private static void warnWaited(StoredEntries entries, StoredFunction fn, long k0, long k1, boolean couldCycle,
            long nanos) {
        String owner;
        try {
            long pid = entries.store().keyOwnerPid(fn, k0, k1);
            owner = pid == 0 ? "another process" : "process " + pid;
        } catch (IOException | RuntimeException e) {
            owner = "another process";
        }
        String waited = Math.round(nanos / 1e8) / 10.0 + " s";
        String id = fn.id();
        if (couldCycle) {
            entries.problems().warnOnce("keylock-nested:" + id, "a call of " + id + " made inside another memoized "
                    + "computation waited " + waited + " for " + owner + ", which holds the lock of its key; "
                    + "computing it here instead, since processes that each wait for a result the other is "
                    + "computing would wait for each other until memogen.lockTimeout", null);
        } else {
            entries.problems().warnOnce("keylock-timeout:" + id, "waited " + waited + " (memogen.lockTimeout) for "
                    + owner + " to store the result of " + id + " it is computing; computing it here", null);
        }
    }
}
