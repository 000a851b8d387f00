package dev.memogen.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The usage report: what each memoized function called in this JVM did, one row per function, in
 * human units, the functions that saved the most time first; then a line for each function whose
 * caching cost more than it saved. What {@code Memogen.report()} returns and
 * {@code memogen.report=true} prints to stderr at exit ({@link #atExit}).
 *
 * <pre>
 * memogen report: 2 functions, 13 calls, 3.1 s saved, 1.4 ms overhead
 *  calls memory  store remote misses  computing      saved   overhead       read    written  function
 *     10      7      0      0      3      1.2 s      2.8 s     1.1 ms        0 B   12.5 MiB  com.acme.Spectra#smooth(double[],int)
 * </pre>
 *
 * <p>Not part of the public API.
 */
public final class UsageReport {
    private UsageReport() {}

    /** The annotation that opts a method out of memoization: what the report suggests. */
    static final String SKIP = "@Memo.Skip";

    /** The report of every function registered in this JVM, and of the remote tier if there is one. */
    public static String text() {
        List<MemoFunction.Counts> all = new ArrayList<>();
        for (MemoFunction<?> fn : MemoRuntime.functions()) {
            all.add(fn.statistics());
        }
        MemoRuntime rt = MemoRuntime.ifStarted();
        dev.memogen.internal.core.RemoteTier tier = rt == null ? null : rt.remote();
        String text = text(all);
        return tier == null || tier.settings() == null ? text : text + remote(tier.location(), tier.counts());
    }

    /** The line of the remote tier: what it found, what moved, and the time it took. */
    static String remote(String location, dev.memogen.internal.core.RemoteTier.Counts c) {
        return "remote " + location + ": " + c.hits() + " hits, " + c.misses() + " misses, " + c.rejected()
                + " rejected, " + c.failures() + " failures; " + bytes(c.bytesDown()) + " down, " + bytes(c.bytesUp())
                + " up (" + c.uploaded() + " uploaded, " + c.alreadyThere() + " already there, " + c.notShared()
                + " not shared); " + time(c.nanos()) + "\n";
    }

    /**
     * Starts every function's statistics again (the report then tells of what follows); what was
     * counted before goes to the store's recorded counts first ({@link MemoRuntime#addCountsThenReset}).
     */
    public static void resetStatistics() {
        MemoRuntime rt = MemoRuntime.ifStarted();
        if (rt != null) {
            rt.addCountsThenReset();
        } else {
            for (MemoFunction<?> fn : MemoRuntime.functions()) {
                fn.resetStatistics();
            }
        }
    }

    /** The report of {@code counts}: the functions among them that were called. */
    static String text(List<MemoFunction.Counts> counts) {
        List<MemoFunction.Counts> used = new ArrayList<>();
        long calls = 0;
        long saved = 0;
        long overhead = 0;
        for (MemoFunction.Counts c : counts) {
            long n = calls(c);
            if (n > 0) {
                used.add(c);
                calls += n;
                saved += c.savedNanos();
                overhead += c.overheadNanos();
            }
        }
        StringBuilder b = new StringBuilder();
        if (used.isEmpty()) {
            return b.append("memogen report: no memoized function was called\n").toString();
        }
        used.sort(Comparator.comparingLong(MemoFunction.Counts::savedNanos).reversed()
                .thenComparing(Comparator.comparingLong(UsageReport::calls).reversed())
                .thenComparing(MemoFunction.Counts::functionId));
        b.append("memogen report: ").append(used.size()).append(used.size() == 1 ? " function, " : " functions, ")
                .append(calls).append(calls == 1 ? " call, " : " calls, ").append(time(saved)).append(" saved, ")
                .append(time(overhead)).append(" overhead\n");
        b.append(String.format(Locale.ROOT, "%6s %6s %6s %6s %6s %10s %10s %10s %10s %10s  %s%n", "calls", "memory",
                "store", "remote", "misses", "computing", "saved", "overhead", "read", "written", "function"));
        for (MemoFunction.Counts c : used) {
            b.append(String.format(Locale.ROOT, "%6d %6d %6d %6d %6d %10s %10s %10s %10s %10s  %s%n", calls(c),
                    c.memoryHits(), c.storeHits(), c.remoteHits(), c.misses(),
                    time(c.computeNanos()), time(c.savedNanos()), time(c.overheadNanos()), bytes(c.readBytes()),
                    bytes(c.storedBytes()), c.functionId()));
        }
        for (MemoFunction.Counts c : used) {
            if (costMoreThanSaved(c)) {
                b.append("memogen: caching ").append(c.functionId()).append(" cost more than it saved (")
                        .append(time(c.overheadNanos())).append(" overhead, ").append(time(c.savedNanos()))
                        .append(" saved): consider ").append(SKIP).append('\n');
            }
        }
        return b.toString();
    }

    private static long calls(MemoFunction.Counts c) {
        return c.memoryHits() + c.storeHits() + c.remoteHits() + c.misses();
    }

    /**
     * Whether caching the function cost more than it saved: it had hits, and its overhead was
     * more than the time they saved. A run without hits (a first run) saves nothing yet and is
     * not judged: its first miss also pays for what every JVM pays once (opening the store,
     * loading memogen's classes, the code fingerprint), which says nothing about the function.
     */
    static boolean costMoreThanSaved(MemoFunction.Counts c) {
        return c.memoryHits() + c.storeHits() + c.remoteHits() > 0 && c.overheadNanos() > c.savedNanos();
    }

    /** {@code nanos} in human units: {@code 850 ns}, {@code 12 us}, {@code 340 ms}, {@code 1.2 s}, {@code 3.5 min}. */
    static String time(long nanos) {
        if (nanos < 1_000) {
            return nanos + " ns";
        } else if (nanos < 1_000_000) {
            return scaled(nanos / 1e3, "us");
        } else if (nanos < 1_000_000_000) {
            return scaled(nanos / 1e6, "ms");
        } else if (nanos < 60_000_000_000L * 2) {
            return scaled(nanos / 1e9, "s");
        } else if (nanos < 3_600_000_000_000L * 2) {
            return scaled(nanos / 6e10, "min");
        }
        return scaled(nanos / 3.6e12, "h");
    }

    /** {@code bytes} in human units: {@code 512 B}, {@code 3.4 KiB}, {@code 12.5 MiB}, {@code 1.1 GiB}. */
    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        } else if (bytes < 1024L * 1024) {
            return scaled(bytes / 1024.0, "KiB");
        } else if (bytes < 1024L * 1024 * 1024) {
            return scaled(bytes / (1024.0 * 1024), "MiB");
        }
        return scaled(bytes / (1024.0 * 1024 * 1024), "GiB");
    }

    /** One decimal below 100, none from there: {@code 1.2 s}, {@code 12.5 MiB}, {@code 340 ms}. */
    private static String scaled(double value, String unit) {
        return (value < 99.95 ? String.format(Locale.ROOT, "%.1f", value) : Long.toString(Math.round(value))) + " "
                + unit;
    }

    /** Prints the report to stderr when the JVM exits ({@code memogen.report}). */
    static void atExit() {
        Runtime.getRuntime().addShutdownHook(new Thread(new Printer(), "memogen-report"));
    }

    /** The exit hook's work; a class, as elsewhere in the runtime, rather than a lambda. */
    private static final class Printer implements Runnable {
        @Override
        public void run() {
            dev.memogen.internal.core.RemoteTier.awaitUploadsAtExit(); // what the uploads did counts too
            System.err.print(text());
            System.err.flush();
        }
    }
}
