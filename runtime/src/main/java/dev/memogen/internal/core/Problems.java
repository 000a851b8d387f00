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
    public static final Logger LOG = System.getLogger("dev.memogen");

    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    /** Logs {@code message} at WARNING the first time {@code kind} is reported, then stays quiet. */
    @Override
    public void warnOnce(String kind, String message, Throwable cause) {
        if (reported.add(kind)) {
            String text = "memogen: " + message + " (further problems of this kind are not reported)";
            if (cause == null) {
                LOG.log(Level.WARNING, text);
            } else {
                LOG.log(Level.WARNING, text + ": " + cause);
                LOG.log(Level.DEBUG, "memogen: details of the problem above", cause);
            }
        }
    }

    /**
     * Reports something the store found and repaired (a damaged entry or index, an orphan): at
     * WARNING the first time per kind, at DEBUG afterwards.
     */
    @Override
    public void event(String kind, String message) {
        if (reported.contains(kind)) {
            if (debugEnabled()) {
                debug("memogen: " + message);
            }
            return;
        }
        warnOnce(kind, message, null);
    }

    /**
     * Whether memory hits are logged (at TRACE). A hit reads it, so it is a plain field, not a
     * question to the logger; misses and store reads refresh it ({@link #refreshTrace}), so a
     * level changed while the program runs is seen from the next miss on.
     */
    public static boolean traceHits = LOG.isLoggable(Level.TRACE);

    public static void refreshTrace() {
        traceHits = LOG.isLoggable(Level.TRACE);
    }

    public static void trace(String message) {
        LOG.log(Level.TRACE, message);
    }

    public static boolean debugEnabled() {
        return LOG.isLoggable(Level.DEBUG);
    }

    public static void debug(String message) {
        LOG.log(Level.DEBUG, message);
    }
}
