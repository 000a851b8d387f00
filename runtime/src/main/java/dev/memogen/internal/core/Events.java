package dev.memogen.internal.core;

/**
 * What the cache does, one event at a time, for those who asked to see it: the events file
 * ({@code memogen.events}, {@link EventLog}) and Java Flight Recorder ({@link JfrEvents}). Callers
 * check {@link Problems#watching} (a static field of a class every runtime loads) before calling
 * here, so that a program that watches nothing never loads this class, nor the events file's, nor
 * {@code jdk.jfr}'s.
 *
 * <p>Kinds: {@code hit} (with its tier: {@code memory}, {@code store} or {@code remote}),
 * {@code miss} (the body ran), {@code store} (its result was written), {@code evict},
 * {@code invalidate} (with the part of the key that changed), {@code orphan}, {@code corrupt}.
 */
public final class Events {
    private Events() {}

    /** The events file, or null. */
    private static volatile EventLog file;
    /**
     * Whether JFR may be recording: events then go to {@link JfrEvents}, which emit them when a
     * recording enables them. Set when the runtime starts (see {@code MemoRuntime}) or later by
     * {@link #recheckJfr()}.
     */
    private static volatile boolean jfr;

    /** Starts writing events to {@code path} (JSON lines); a file that cannot be opened is reported once. */
    public static void toFile(String path, Problems problems) {
        synchronized (Events.class) {
            if (file == null) {
                file = EventLog.open(java.nio.file.Path.of(path), problems);
            }
        }
        Problems.watch(file != null || jfr);
    }

    /** Sends events to JFR from now on (a recording may be on). */
    public static void toJfr() {
        if (JfrEvents.available()) {
            jfr = true;
            Problems.watch(true);
        }
    }

    /**
     * Whether a JFR recording has started since the runtime did (by {@code jcmd JFR.start}, or
     * in-process); then events go to it from now on. Asked on a miss now and then (a cold path:
     * {@link Problems#jfrRecheckAt}) and when a runtime is installed. Loads
     * {@code jdk.jfr.FlightRecorder} once, and only where the module is there.
     */
    public static void recheckJfr() {
        if (!jfr && JfrEvents.initialized()) {
            toJfr();
        }
    }

    /** The events file in use, or null (tests). */
    static EventLog file() {
        return file;
    }

    /** A value was found: in {@code tier} ("memory", "store", "remote"), {@code bytes} long, its computation having cost {@code savedNanos}; read in {@code readNanos}. */
    public static void hit(String fn, String tier, long k0, long k1, long bytes, long savedNanos, long readNanos) {
        EventLog f = file;
        if (f != null) {
            f.offer(new EventLog.Event("hit", fn, tier, k0, k1, bytes, savedNanos, readNanos, null));
        }
        if (jfr) {
            JfrEvents.hit(fn, tier, k0, k1, bytes, savedNanos, readNanos);
        }
    }

    /** The body ran for a key that was not found: for {@code computeNanos}. */
    public static void miss(String fn, long k0, long k1, long computeNanos) {
        EventLog f = file;
        if (f != null) {
            f.offer(new EventLog.Event("miss", fn, null, k0, k1, -1, computeNanos, -1, null));
        }
        if (jfr) {
            JfrEvents.miss(fn, k0, k1, computeNanos);
        }
    }

    /** A result of {@code bytes} (encoded; 0 when nothing was written), computed in {@code computeNanos}, was encoded and stored in {@code writeNanos}. */
    public static void store(String fn, long k0, long k1, long bytes, long computeNanos, long writeNanos) {
        EventLog f = file;
        if (f != null) {
            f.offer(new EventLog.Event("store", fn, null, k0, k1, bytes, computeNanos, writeNanos, null));
        }
        if (jfr) {
            JfrEvents.store(fn, k0, k1, bytes, computeNanos, writeNanos);
        }
    }

    /** The store evicted an entry of the function of id hash {@code functionHash}. */
    public static void evict(long functionHash, long k0, long k1, long bytes, long costNanos) {
        String fn = dev.memogen.internal.hash.Hex.of(functionHash);
        EventLog f = file;
        if (f != null) {
            f.offer(new EventLog.Event("evict", fn, null, k0, k1, bytes, costNanos, -1, null));
        }
        if (jfr) {
            JfrEvents.evict(fn, k0, k1, bytes, costNanos);
        }
    }

    /**
     * An entry was stale: {@code why} as the store said it; the part of the key that changed is
     * told from it ({@link #changedPart}). For a function version, {@code version} is the version
     * now (entries keep only a digest of theirs, so what it was is not known).
     */
    public static void invalidate(String fn, long k0, long k1, String why, String version) {
        String part = changedPart(why);
        String detail = part.equals("function-version") && version != null ? why + "; now " + version : why;
        EventLog f = file;
        if (f != null) {
            f.offer(new EventLog.Event("invalidate", fn, part, k0, k1, -1, -1, -1, detail));
        }
        if (jfr) {
            JfrEvents.invalidate(fn, k0, k1, part, detail);
        }
    }

    /**
     * The part of the key that made an entry stale, from the store's reason:
     * {@code system-state}, {@code function-version}, {@code argument-version}, {@code ttl},
     * {@code key} (written without {@code memogen.key}), or {@code other}.
     */
    static String changedPart(String why) {
        if (why.startsWith("system state") || why.startsWith("store format")) {
            return "system-state";
        } else if (why.startsWith("function version")) {
            return "function-version";
        } else if (why.startsWith("argument version") || why.startsWith("a file it depends on")) {
            return "argument-version";
        } else if (why.contains("ttl")) {
            return "ttl";
        } else if (why.contains("memogen.key")) {
            return "key";
        }
        return "other";
    }

    /** Something the store found and repaired ({@link Problems#event}): an orphan, or damage ({@code corrupt}). */
    public static void repaired(String kind, String message) {
        EventLog f = file;
        if (f != null) {
            f.offer(new EventLog.Event(kind.equals("orphan") ? "orphan" : "corrupt", null, kind, 0, 0, -1, -1, -1,
                    message));
        }
    }

    /**
     * What the remote tier did besides a hit (which is a {@link #hit} of tier {@code remote}):
     * {@code remote-miss}, {@code remote-upload}, {@code remote-already-there}, {@code remote-reject}
     * (an object that could not be used: {@code detail} says why), {@code remote-failure} (the
     * remote failed: {@code detail} is the reason); {@code fn} is null when not known.
     */
    public static void remote(String what, String fn, long bytes, long durationNanos, String detail) {
        EventLog f = file;
        if (f != null) {
            f.offer(new EventLog.Event("remote-" + what, fn, null, 0, 0, bytes, -1, durationNanos, detail));
        }
    }

    /** A damaged entry of {@code fn} was found ({@code where}: the file and what is wrong); it is recomputed. */
    public static void corrupt(String fn, long k0, long k1, String where) {
        EventLog f = file;
        if (f != null) {
            f.offer(new EventLog.Event("corrupt", fn, "entry", k0, k1, -1, -1, -1, where));
        }
    }
}
