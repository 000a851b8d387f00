package dev.memogen.internal.core;

import dev.memogen.internal.hash.Hex;
import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Timespan;

/**
 * memogen's Java Flight Recorder events: {@code dev.memogen.Hit}, {@code dev.memogen.Miss},
 * {@code dev.memogen.Store}, {@code dev.memogen.Evict} and {@code dev.memogen.Invalidate}, in the
 * category "memogen". A recording enables them like any event (all are on in the JDK's
 * {@code default} and {@code profile} settings, as custom events are unless disabled):
 *
 * <pre>
 * java -XX:StartFlightRecording=filename=run.jfr,settings=profile -jar app.jar
 * jfr print --events dev.memogen.Hit run.jfr
 * </pre>
 *
 * <p>Each event is made only when {@link Events} is told JFR may record (see {@code MemoRuntime}):
 * a program without a recording never loads this class nor {@code jdk.jfr}. With one, an event
 * that no recording enables costs an allocation the JIT removes and a check
 * ({@code shouldCommit}). Durations are memogen's own measurements, in fields, not the event's
 * duration: they are taken where the cache measures anyway, so no second clock runs.
 *
 * <p>The runtime module reads {@code jdk.jfr} with {@code requires static}: a runtime image made
 * with {@code jlink} without {@code jdk.jfr} still runs memogen, without these events.
 * {@link Events} sends nothing here unless {@link #available()} said the module is there, so a
 * missing module never fails a call.
 */
public final class JfrEvents {
    private JfrEvents() {}

    /** Whether {@code jdk.jfr} can be used: the module is in the boot layer and this module reads it. */
    static boolean available() {
        java.util.Optional<Module> jfr = ModuleLayer.boot().findModule("jdk.jfr");
        return jfr.isPresent() && JfrEvents.class.getModule().canRead(jfr.get());
    }

    /** Whether Flight Recorder has started in this JVM (a recording was started at some point). */
    static boolean initialized() {
        try {
            return available() && jdk.jfr.FlightRecorder.isInitialized();
        } catch (LinkageError e) {
            return false;
        }
    }

    /** What every memogen event has: the function and the key. JFR records the fields of a superclass too. */
    @Category("memogen")
    abstract static class KeyedEvent extends jdk.jfr.Event {
        @Label("Function") String functionId;
        @Label("Key") @Description("The digest of the arguments (for Evict, as the store keeps it)") String key;

        /** Sets the function and key and commits. */
        final void commit(String fn, long k0, long k1) {
            functionId = fn;
            key = Hex.of(k0) + Hex.of(k1);
            commit();
        }
    }

    @Name("dev.memogen.Hit")
    @Label("Memo Hit")
    @Category("memogen")
    @Description("A memoized call answered without running the method")
    static final class Hit extends KeyedEvent {
        @Label("Tier") @Description("memory, store or remote") String tier;
        @Label("Bytes") @DataAmount long bytes;
        @Label("Saved") @Description("What computing the value cost") @Timespan(Timespan.NANOSECONDS) long saved;
        @Label("Read Time") @Timespan(Timespan.NANOSECONDS) long readTime;
    }

    @Name("dev.memogen.Miss")
    @Label("Memo Miss")
    @Category("memogen")
    @Description("A memoized call that ran the method")
    static final class Miss extends KeyedEvent {
        @Label("Compute Time") @Timespan(Timespan.NANOSECONDS) long computeTime;
    }

    @Name("dev.memogen.Store")
    @Label("Memo Store")
    @Category("memogen")
    @Description("A computed result encoded and written to the store")
    static final class Store extends KeyedEvent {
        @Label("Bytes") @DataAmount long bytes;
        @Label("Compute Time") @Timespan(Timespan.NANOSECONDS) long computeTime;
        @Label("Write Time") @Timespan(Timespan.NANOSECONDS) long writeTime;
    }

    @Name("dev.memogen.Evict")
    @Label("Memo Evict")
    @Category("memogen")
    @Description("An entry evicted to keep the store within its bound; the function by its id hash")
    static final class Evict extends KeyedEvent {
        @Label("Bytes") @DataAmount long bytes;
        @Label("Compute Time") @Timespan(Timespan.NANOSECONDS) long computeTime;
    }

    @Name("dev.memogen.Invalidate")
    @Label("Memo Invalidate")
    @Category("memogen")
    @Description("A stored entry found stale: a part of its key changed")
    static final class Invalidate extends KeyedEvent {
        @Label("Changed") @Description("system-state, function-version, argument-version, ttl, key") String part;
        @Label("Detail") String detail;
    }

    static void hit(String fn, String tier, long k0, long k1, long bytes, long saved, long readNanos) {
        Hit e = new Hit();
        if (e.shouldCommit()) {
            e.tier = tier;
            e.bytes = bytes;
            e.saved = saved;
            e.readTime = readNanos;
            e.commit(fn, k0, k1);
        }
    }

    static void miss(String fn, long k0, long k1, long computeNanos) {
        Miss e = new Miss();
        if (e.shouldCommit()) {
            e.computeTime = computeNanos;
            e.commit(fn, k0, k1);
        }
    }

    static void store(String fn, long k0, long k1, long bytes, long computeNanos, long writeNanos) {
        Store e = new Store();
        if (e.shouldCommit()) {
            e.bytes = bytes;
            e.computeTime = computeNanos;
            e.writeTime = writeNanos;
            e.commit(fn, k0, k1);
        }
    }

    static void evict(String fnHash, long k0, long k1, long bytes, long costNanos) {
        Evict e = new Evict();
        if (e.shouldCommit()) {
            e.bytes = bytes;
            e.computeTime = costNanos;
            e.commit(fnHash, k0, k1);
        }
    }

    static void invalidate(String fn, long k0, long k1, String part, String detail) {
        Invalidate e = new Invalidate();
        if (e.shouldCommit()) {
            e.part = part;
            e.detail = detail;
            e.commit(fn, k0, k1);
        }
    }
}
