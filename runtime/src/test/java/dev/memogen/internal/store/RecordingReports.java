package dev.memogen.internal.store;

import java.util.List;

/** Reports that keep what the store reported, a line each: "warn kind: ..." or "event kind: ...". */
final class RecordingReports implements Reports {
    private final List<String> lines;

    /** Adds to {@code lines} (a synchronized list: stores report from several threads). */
    RecordingReports(List<String> lines) {
        this.lines = lines;
    }

    @Override
    public void warnOnce(String kind, String message, Throwable cause) {
        lines.add("warn " + kind + ": " + message);
    }

    @Override
    public void event(String kind, String message) {
        lines.add("event " + kind + ": " + message);
    }
}
