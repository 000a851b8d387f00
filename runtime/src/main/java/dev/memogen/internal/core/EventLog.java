package dev.memogen.internal.core;

import dev.memogen.internal.hash.Hex;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The events file ({@code memogen.events}): one JSON object per line and event, appended by one
 * daemon thread. Callers never wait: an event goes into a bounded queue ({@value #CAPACITY}
 * events), and when the queue is full it is dropped and counted; the writer then writes a
 * {@code dropped} line with the count. What is queued at exit is written by a shutdown hook.
 *
 * <p>A line, e.g. (one line in the file):
 *
 * <pre>{@code
 * {"time":"2026-12-03T18:40:01.120Z","event":"hit","tier":"store","function":"dev.memogen.samples.Spectra#smooth(double[],int)",
 *  "key":"6c0e...","bytes":8000016,"savedNanos":412000000,"durationNanos":5100000}
 * }</pre>
 *
 * <p>Fields: {@code time} (ISO-8601, UTC), {@code event}, {@code function} (its id; for
 * {@code evict}, the id hash the store keeps), {@code key} (the argument digest, 32 hex digits),
 * and when they apply {@code tier} (hit), {@code part} (invalidate: what changed), {@code bytes},
 * {@code savedNanos} (hit: what computing the value cost), {@code computeNanos} (miss, store,
 * evict), {@code durationNanos} (hit: the read; store: encoding and writing), {@code detail}.
 * Strings longer than {@value #MAX_STRING} characters are cut, with an ellipsis.
 */
final class EventLog {
    /** Events queued at most; more are dropped (and counted) until the writer catches up. */
    static final int CAPACITY = 8192;
    /** The longest string written whole. */
    static final int MAX_STRING = 200;

    /**
     * One event as a caller hands it over: formatted by the writer thread, not the caller. A field
     * that does not apply is null, or -1 for a number.
     */
    record Event(String kind, String function, String part, long k0, long k1, long bytes, long nanos,
            long durationNanos, String detail, long millis) {
        Event(String kind, String function, String part, long k0, long k1, long bytes, long nanos,
                long durationNanos, String detail) {
            this(kind, function, part, k0, k1, bytes, nanos, durationNanos, detail, System.currentTimeMillis());
        }
    }

    private final ArrayBlockingQueue<Event> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final AtomicLong dropped = new AtomicLong();
    private final Writer out;
    private final Path path;
    private final Problems problems;
    /** Held while writing; fair, see {@link #drainForever}. */
    private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock(true);
    /** Set by the shutdown hook: the writer thread stops, the hook writes what is left. */
    private volatile boolean closed;

    private EventLog(Path path, Writer out, Problems problems) {
        this.path = path;
        this.out = out;
        this.problems = problems;
    }

    /** Opens {@code path} for appending and starts its writer; null (after one warning) when it cannot be opened. */
    static EventLog open(Path path, Problems problems) {
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Writer w = new BufferedWriter(Files.newBufferedWriter(path, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE), 1 << 16);
            EventLog log = new EventLog(path, w, problems);
            Thread writer = new Thread(log::drainForever, "memogen-events");
            writer.setDaemon(true);
            writer.start();
            Runtime.getRuntime().addShutdownHook(new Thread(log::close, "memogen-events-flush"));
            return log;
        } catch (IOException | RuntimeException e) {
            problems.warnOnce("events", "cannot write the events file " + path + "; no events are written", e);
            return null;
        }
    }

    /** Queues {@code e}, or counts it as dropped when the queue is full. Never blocks. */
    void offer(Event e) {
        if (closed || !queue.offer(e)) {
            dropped.incrementAndGet();
        }
    }

    /** Events dropped so far because the queue was full (or came after the file was closed). */
    long dropped() {
        return dropped.get();
    }

    /**
     * The writer thread: writes events as they come, flushing whenever the queue runs empty. It
     * takes each event under the lock, so that {@link #flush} never misses one that is taken but
     * not yet written; {@link #flush} waits at most the poll's 100 ms for it. The lock is fair: a
     * flood of events does not keep {@link #flush} (at exit) waiting.
     */
    private void drainForever() {
        try {
            while (!closed) {
                lock.lock();
                try {
                    if (closed) {
                        return;
                    }
                    Event e = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (e != null) {
                        write(e);
                    }
                    if (queue.isEmpty()) {
                        writeDropped();
                        out.flush();
                    }
                } finally {
                    lock.unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            problems.warnOnce("events", "cannot write the events file " + path + "; no more events are written", e);
            closed = true;
        }
    }

    /** Writes what is queued and flushes: at exit, and for tests. */
    void flush() throws IOException {
        lock.lock();
        try {
            for (Event e = queue.poll(); e != null; e = queue.poll()) {
                write(e);
            }
            writeDropped();
            out.flush();
        } finally {
            lock.unlock();
        }
    }

    /** The shutdown hook: writes what is left, then closes the file. */
    private void close() {
        RemoteTier.awaitUploadsAtExit(); // the uploads' events are written too
        lock.lock();
        try {
            flush();
            closed = true;
            out.close();
        } catch (IOException e) {
            closed = true; // at exit, nobody is left to tell
        } finally {
            lock.unlock();
        }
    }

    /** Events dropped and already reported in the file; under {@link #lock}. */
    private long unreported;

    private void writeDropped() throws IOException {
        long now = dropped.get();
        if (now > unreported) {
            StringBuilder b = new StringBuilder(80);
            b.append("{\"time\":\"").append(Instant.ofEpochMilli(System.currentTimeMillis()))
                    .append("\",\"event\":\"dropped\",\"count\":").append(now - unreported).append("}\n");
            out.write(b.toString());
            unreported = now;
        }
    }

    private void write(Event e) throws IOException {
        out.write(json(e));
    }

    /** The line of one event, with its newline. */
    static String json(Event e) {
        StringBuilder b = new StringBuilder(192);
        b.append("{\"time\":\"").append(Instant.ofEpochMilli(e.millis())).append('"');
        string(b, "event", e.kind());
        if (e.part() != null) {
            string(b, e.kind().equals("hit") ? "tier" : "part", e.part());
        }
        if (e.function() != null) {
            string(b, "function", e.function());
        }
        if (e.k0() != 0 || e.k1() != 0) {
            string(b, "key", Hex.of(e.k0()) + Hex.of(e.k1()));
        }
        number(b, "bytes", e.bytes());
        number(b, e.kind().equals("hit") ? "savedNanos" : "computeNanos", e.nanos());
        number(b, "durationNanos", e.durationNanos());
        if (e.detail() != null) {
            string(b, "detail", e.detail());
        }
        return b.append("}\n").toString();
    }

    private static void number(StringBuilder b, String name, long value) {
        if (value >= 0) {
            b.append(",\"").append(name).append("\":").append(value);
        }
    }

    /** Appends {@code ,"name":"value"}, the value cut to {@value #MAX_STRING} characters and escaped as JSON wants. */
    private static void string(StringBuilder b, String name, String value) {
        b.append(",\"").append(name).append("\":\"");
        int n = value.length();
        boolean cut = n > MAX_STRING;
        if (cut) {
            n = MAX_STRING - 1;
            if (Character.isHighSurrogate(value.charAt(n - 1))) {
                n--; // never half a character
            }
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        if (cut) {
            b.append('\u2026');
        }
        b.append('"');
    }
}
