package dev.memogen.internal.core;

import dev.memogen.internal.store.Reports;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the cache reports what it does. Failures are logged once per kind at WARNING, so a broken
 * store is reported clearly without flooding the log; routine events go out at DEBUG. Everything
 * goes through {@link System.Logger}, so it lands in whatever logging the application uses.
 */
public final class Problems implements Reports {
    /**
     * memogen's logger ({@code dev.memogen}), made on first use: finding the application's
     * {@code System.LoggerFinder} (a service lookup over the class path) and starting its backend
     * ({@code java.util.logging} by default) loads some 70 classes, which a program that never
     * reads the store (memogen disabled, or every call a memory hit of values computed here)
     * need not pay for.
     */
    public static Logger log() {
        return Holder.LOG;
    }

    private static final class Holder {
        static final Logger LOG = System.getLogger("dev.memogen");
    }

    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    /** Logs {@code message} at WARNING the first time {@code kind} is reported, then stays quiet. */
    @Override
    public void warnOnce(String kind, String message, Throwable cause) {
        if (reported.add(kind)) {
            String text = "memogen: " + message + " (further problems of this kind are not reported)";
            if (cause == null) {
                log().log(Level.WARNING, text);
            } else {
                log().log(Level.WARNING, text + ": " + cause);
                log().log(Level.DEBUG, "memogen: details of the problem above", cause);
            }
        }
    }

    /**
     * Reports something the store found and repaired (a damaged entry or index, an orphan): at
     * WARNING the first time per kind, at DEBUG afterwards.
     */
    @Override
    public void event(String kind, String message) {
        if (watching) {
            Events.repaired(kind, message);
        }
        if (reported.contains(kind)) {
            if (debugEnabled()) {
                debug("memogen: " + message);
            }
            return;
        }
        warnOnce(kind, message, null);
    }

    /** An entry the store evicted: an event when events are watched ({@link #watching}). */
    @Override
    public void evicted(long functionHash, long k0, long k1, long bytes, long costNanos) {
        if (watching) {
            Events.evict(functionHash, k0, k1, bytes, costNanos);
        }
    }

    /**
     * Whether events are watched: the events file is written, or a JFR recording may want them
     * ({@link Events}). Store reads, misses and stores check it before saying anything; volatile,
     * so that {@link #refreshTrace} on another thread never puts back a stale {@link #watchHits}
     * for long (a volatile read costs a store read nothing measurable). While it is false,
     * {@link Events} is not even loaded.
     */
    public static volatile boolean watching;

    /**
     * Whether a memory hit must do more than count: {@link #traceHits} or {@link #watching}. The
     * one field a memory hit reads besides its counter.
     */
    public static boolean watchHits;

    /**
     * When a miss may next ask whether a Flight Recorder recording has started
     * ({@link Events#recheckJfr}), in {@code System.nanoTime()} terms; set
     * {@link #JFR_RECHECK_NANOS} ahead when the runtime starts and after each question.
     */
    public static long jfrRecheckAt;

    /** How often a miss may ask whether a recording has started: every 10 s. */
    public static final long JFR_RECHECK_NANOS = 10_000_000_000L;

    /** Events are watched from now on, or not. */
    public static void watch(boolean on) {
        watching = on;
        watchHits = traceHits || on;
    }

    /**
     * Whether memory hits are logged (at TRACE). A hit reads it, so it is a plain field, not a
     * question to the logger; misses and store reads refresh it ({@link #refreshTrace}), so a
     * level changed while the program runs is seen from the next miss on. It starts false: a
     * memory hit in a JVM always follows a miss or store read of that JVM, which sets it.
     */
    public static boolean traceHits;

    /**
     * Refreshes {@link #traceHits}; the first time, decides whether DEBUG is known to be off
     * with the answers {@code keptIn} keeps ({@link QuietLogging#debugKnownOff(StoredEntries)};
     * null: none kept).
     */
    public static void refreshTrace(StoredEntries keptIn) {
        traceHits = !QuietLogging.debugKnownOff(keptIn) && log().isLoggable(Level.TRACE);
        watchHits = traceHits || watching;
    }

    public static void trace(String message) {
        log().log(Level.TRACE, message);
    }

    /**
     * Whether DEBUG messages are logged: false without asking the logger (and so without starting
     * the logging backend) while {@link QuietLogging} knows them to be off.
     */
    public static boolean debugEnabled() {
        return !QuietLogging.debugKnownOff() && log().isLoggable(Level.DEBUG);
    }

    public static void debug(String message) {
        log().log(Level.DEBUG, message);
    }
}
