package dev.memogen.internal.core;

import dev.memogen.internal.remote.AwsCredentials;
import dev.memogen.internal.remote.CircuitBreaker;
import dev.memogen.internal.remote.RemoteConfigException;
import dev.memogen.internal.remote.RemoteSettings;
import dev.memogen.internal.remote.RemoteStore;
import dev.memogen.internal.remote.S3HttpClient;
import dev.memogen.internal.store.FileStore;
import dev.memogen.internal.store.Found;
import dev.memogen.internal.store.StoredFunction;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The remote tier: entries shared through an S3 bucket ({@code memogen.remote}), behind memory and
 * the local store. A read the local store cannot answer asks the bucket; an entry found there is
 * checked as a local one is (header, checksum, and with {@code memogen.key} its tag), kept in the
 * local store, and served. An entry stored locally is uploaded, off the caller's thread by default
 * ({@link Uploads}: a bounded queue, flushed at exit within a time limit), on it with
 * {@code memogen.remote.sync=true}, never with {@code memogen.remote.readOnly=true}. Objects are
 * named by {@link FileStore#remoteName} and written only if absent: the first writer wins.
 *
 * <p>Nothing the remote does fails a call or changes a value: a failure is warned about once per
 * kind, with its reason, and a remote that keeps failing is left alone for a while
 * ({@link CircuitBreaker}); the call computes, or is served locally.
 */
public final class RemoteTier {
    /** Failures in a row after which the remote is left alone for {@link #REST}. */
    static final int FAILURES_TO_REST = 3;
    /** How long a failing remote is left alone before one request tries it again. */
    static final Duration REST = Duration.ofSeconds(30);
    /** Uploads waiting for the uploading thread at most; more are not shared (and counted). */
    static final int QUEUE = 1024;
    /** The longest wait for uploads at exit, whatever progress they make. */
    static final Duration FLUSH_LIMIT = Duration.ofSeconds(60);

    /**
     * Read at the first local miss ({@link #ready}), not at start: a run whose calls all hit
     * locally spends nothing on the tier (parsing the settings spins lambdas, a fresh JVM's first
     * ones cost milliseconds). Written last of the three, volatile: once it is set, so are they.
     */
    private volatile RemoteSettings settings;
    private final Problems problems;
    /** {@code s3://bucket/prefix}, for messages. */
    private String where = "memogen.remote";
    private CircuitBreaker breaker;
    /** Made at first use: building an HTTP client costs a fresh JVM tens of milliseconds. */
    private volatile RemoteStore client;
    private volatile boolean unusable;
    private volatile Uploads uploads;

    final AtomicLong hits = new AtomicLong();
    final AtomicLong misses = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final AtomicLong bytesDown = new AtomicLong();
    final AtomicLong bytesUp = new AtomicLong();
    final AtomicLong uploaded = new AtomicLong();
    final AtomicLong alreadyThere = new AtomicLong();
    final AtomicLong notShared = new AtomicLong();
    final AtomicLong nanos = new AtomicLong();

    /**
     * A tier of {@code settings} on {@code client}, or on an S3 client made from the environment's
     * credentials when it is {@code null}.
     */
    public RemoteTier(RemoteSettings settings, RemoteStore client, Problems problems) {
        this.problems = problems;
        this.client = client;
        use(settings);
    }

    /**
     * A tier on a program's own objects ({@code MemogenSettings.withRemote}, adapted to
     * {@code store}), read-only and synchronous as asked; {@code description} names them in messages.
     */
    public static RemoteTier given(RemoteStore store, String description, boolean readOnly, boolean sync,
            Problems problems) {
        RemoteTier tier = new RemoteTier(RemoteSettings.forGiven(readOnly, sync), store, problems);
        tier.where = "given by " + description;
        return tier;
    }

    private RemoteTier(Problems problems) {
        this.problems = problems;
    }

    /**
     * The tier that {@code memogen.remote} (or {@code MEMOGEN_REMOTE}) asks for, its settings read
     * at the first local miss: set wrong, they are one warning that says what is wrong, and the
     * program runs on without sharing.
     */
    public static RemoteTier fromEnvironment(Problems problems) {
        return new RemoteTier(problems);
    }

    private void use(RemoteSettings s) {
        where = "s3://" + s.bucket() + (s.prefix().isEmpty() ? "" : "/" + s.prefix());
        breaker = CircuitBreaker.of(FAILURES_TO_REST, REST);
        settings = s;
    }

    /** Whether the tier can be used: its settings read (now, the first time) and sound. */
    private boolean ready() {
        if (settings != null) {
            return true;
        }
        synchronized (this) {
            if (settings == null && !unusable) {
                try {
                    RemoteSettings s = RemoteSettings.fromEnvironment().orElse(null);
                    if (s == null) {
                        unusable = true; // unset since the start: nothing to warn about
                    } else {
                        use(s);
                    }
                } catch (RemoteConfigException e) {
                    unusable = true;
                    problems.warnOnce("remote-config", e.getMessage() + "; results are not shared", null);
                }
            }
            return settings != null;
        }
    }

    /** The settings, read now if they were not yet; {@code null} when they cannot be used. */
    public RemoteSettings settings() {
        return ready() ? settings : null;
    }

    /** {@code s3://bucket/prefix}, or the setting's name when it cannot be used. */
    public String location() {
        ready();
        return where;
    }

    private RemoteStore client() {
        if (!ready()) {
            return null;
        }
        RemoteStore c = client;
        if (c == null && !unusable) {
            synchronized (this) {
                c = client;
                if (c == null && !unusable) {
                    try {
                        c = S3HttpClient.create(settings, AwsCredentials.find());
                        client = c;
                    } catch (RemoteConfigException e) {
                        unusable = true;
                        problems.warnOnce("remote-config", "the remote store " + where + " cannot be used: "
                                + e.getMessage() + "; results are not shared", null);
                    }
                }
            }
        }
        return c;
    }

    /**
     * The entry for the key from the bucket, checked and kept in {@code store}, or {@code null}
     * when there is none that can be used (absent, damaged, forged, stale, or the remote failed).
     */
    Found.Whole fetch(FileStore store, StoredFunction fn, long k0, long k1, long v0, long v1) {
        RemoteStore c = client();
        if (c == null || !breaker.allowRequest()) {
            return null;
        }
        String name = store.remoteName(fn, k0, k1, v0, v1);
        long started = System.nanoTime();
        Download sink = new Download(Math.min(settings.maxObjectBytes(), Integer.MAX_VALUE - 16));
        RemoteStore.GetResult got = c.get(name, sink);
        try {
            if (got instanceof RemoteStore.NotFound) {
                breaker.success();
                misses.incrementAndGet();
                if (Problems.watching) {
                    Events.remote("miss", fn.id(), -1, System.nanoTime() - started, null);
                }
                return null;
            }
            if (got instanceof RemoteStore.Failure f) {
                failed(f);
                return null;
            }
            breaker.success();
            bytesDown.addAndGet(((RemoteStore.Found) got).bytes());
            byte[] entry = sink.bytes(); // a copy unless the remote sent what it announced: taken once
            Found found;
            try {
                found = store.adopt(fn, k0, k1, v0, v1, entry);
            } catch (IOException | RuntimeException e) {
                problems.warnOnce("remote-keep", "cannot check entries of the remote store " + where
                        + " against the local store; they are computed instead", e);
                return null;
            }
            if (found instanceof Found.Whole whole) {
                hits.incrementAndGet();
                if (Problems.debugEnabled()) {
                    Problems.debug("memogen: remote hit " + fn.id() + " (" + whole.bytes().length + " bytes)");
                }
                return whole;
            }
            if (found instanceof Found.Stale stale && stale.expired()) {
                // As good as absent, for every reader: deleted (unless read-only) so that the
                // value computed now can take its name.
                misses.incrementAndGet();
                if (!settings.readOnly()) {
                    c.delete(name);
                }
                return null;
            }
            rejected.incrementAndGet();
            String why = found instanceof Found.Corrupt bad ? bad.detail()
                    : found instanceof Found.Stale stale ? stale.why() : String.valueOf(found);
            if (Problems.watching) {
                Events.remote("reject", fn.id(), entry.length, System.nanoTime() - started, why);
            }
            problems.warnOnce("remote-reject", "an object of " + fn.id() + " in the remote store " + where + " ("
                    + name + ") cannot be used: " + why + "; it is computed instead", null);
            if (found instanceof Found.Corrupt bad && bad.checksumMismatch() && !settings.readOnly()) {
                // Damaged for everyone, whatever their key: deleted, so that the next upload replaces it.
                c.delete(name);
            }
            return null;
        } finally {
            nanos.addAndGet(System.nanoTime() - started);
        }
    }

    /** After {@code store} kept an entry for the key: uploads it (now, or soon), unless read-only. */
    void stored(FileStore store, StoredFunction fn, long k0, long k1, long v0, long v1) {
        if (!ready() || settings.readOnly() || unusable) {
            return;
        }
        Upload u = new Upload(store, fn, k0, k1, v0, v1);
        if (settings.sync()) {
            upload(u);
            return;
        }
        if (!uploads().queue.offer(u)) {
            notShared.incrementAndGet();
            problems.warnOnce("remote-queue", "more than " + QUEUE + " results wait for upload to " + where
                    + "; the ones beyond are not shared", null);
        }
    }

    private Uploads uploads() {
        Uploads u = uploads;
        if (u == null) {
            synchronized (this) {
                u = uploads;
                if (u == null) {
                    u = new Uploads(this);
                    uploads = u;
                }
            }
        }
        return u;
    }

    /** Uploads one entry as the local store holds it now, if it still does. */
    void upload(Upload u) {
        RemoteStore c = client();
        if (c == null || !breaker.allowRequest()) {
            notShared.incrementAndGet();
            return;
        }
        long started = System.nanoTime();
        try (FileStore.EntrySource source = u.store.entrySource(u.fn, u.k0, u.k1)) {
            if (source == null) {
                breaker.success(); // nothing asked: let a half-open breaker's probe go to the next one
                notShared.incrementAndGet(); // evicted or replaced since
                return;
            }
            RemoteStore.PutResult put = c.putIfAbsent(u.store.remoteName(u.fn, u.k0, u.k1, u.v0, u.v1), source);
            if (put instanceof RemoteStore.Created created) {
                breaker.success();
                uploaded.incrementAndGet();
                bytesUp.addAndGet(created.bytes());
                if (Problems.watching) {
                    Events.remote("upload", u.fn.id(), created.bytes(), System.nanoTime() - started, null);
                }
            } else if (put instanceof RemoteStore.AlreadyThere) {
                breaker.success();
                alreadyThere.incrementAndGet();
                if (Problems.watching) {
                    Events.remote("already-there", u.fn.id(), source.length(), System.nanoTime() - started, null);
                }
            } else {
                notShared.incrementAndGet();
                failed((RemoteStore.Failure) put);
            }
        } catch (IOException | RuntimeException e) {
            breaker.success();
            notShared.incrementAndGet();
            problems.warnOnce("remote-read", "cannot read an entry of the local store to upload it to " + where, e);
        } finally {
            nanos.addAndGet(System.nanoTime() - started);
        }
    }

    private void failed(RemoteStore.Failure f) {
        if (!f.remoteFault()) {
            breaker.success(); // not the remote's fault: a half-open breaker's probe must not stay out
            return;
        }
        failures.incrementAndGet();
        breaker.failure();
        if (Problems.watching) {
            Events.remote("failure", null, -1, -1, f.reason());
        }
        problems.warnOnce("remote-" + f.kind(), "the remote store " + where + " failed: " + f.reason()
                + "; results are computed or read locally (after " + FAILURES_TO_REST + " failures in a row the"
                + " remote is left alone for " + REST.toSeconds() + " s)", null);
    }

    /**
     * Waits until the uploads queued so far are done, at most {@code limit} (and at most while
     * each makes progress within the remote's timeout); the number left undone.
     */
    public int flush(Duration limit) {
        Uploads u = uploads;
        return u == null ? 0 : u.flush(limit, settings.timeout());
    }

    /** Guards {@link #flushesAtExit}. */
    private static final Object EXIT = new Object();
    /** Exit hooks of upload queues ({@link Uploads}) registered and not finished. */
    private static int flushesAtExit;

    /**
     * For the other exit hooks (the report, the events file), which the JVM runs at the same time
     * as the uploads' flush: waits until every flush has ended (at most {@link #FLUSH_LIMIT} and
     * a second), so that what they say includes the uploads.
     */
    public static void awaitUploadsAtExit() {
        long end = System.nanoTime() + FLUSH_LIMIT.plusSeconds(1).toNanos();
        synchronized (EXIT) {
            while (flushesAtExit > 0) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    EXIT.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** What the tier did in this JVM: for statistics, reports and tests. */
    public Counts counts() {
        return new Counts(hits.get(), misses.get(), rejected.get(), failures.get(), bytesDown.get(), bytesUp.get(),
                uploaded.get(), alreadyThere.get(), notShared.get(), nanos.get());
    }

    /**
     * The remote tier's counters.
     *
     * @param hits         entries fetched, checked and served
     * @param misses       lookups that found no object
     * @param rejected     objects found that could not be used (damaged, forged, stale)
     * @param failures     requests the remote failed (unreachable, slow, refused, broken)
     * @param bytesDown    bytes downloaded
     * @param bytesUp      bytes uploaded
     * @param uploaded     objects this JVM created
     * @param alreadyThere uploads another writer had made first
     * @param notShared    entries not uploaded: queue full, remote resting or failing, entry gone, or exit came first
     * @param nanos        time spent on the remote, on any thread
     */
    public record Counts(long hits, long misses, long rejected, long failures, long bytesDown, long bytesUp,
            long uploaded, long alreadyThere, long notShared, long nanos) {}

    /** An entry to upload: the key as the local store knows it. */
    record Upload(FileStore store, StoredFunction fn, long k0, long k1, long v0, long v1) {}

    /**
     * The uploads waiting, and the daemon thread that sends them one at a time; at exit, a hook
     * waits for them within {@link #FLUSH_LIMIT}. What is not sent by then is simply not shared.
     */
    static final class Uploads implements Runnable {
        private final RemoteTier tier;
        final ArrayBlockingQueue<Upload> queue = new ArrayBlockingQueue<>(QUEUE);
        /** Uploads taken from the queue and not finished: 0 or 1. */
        private final AtomicLong busy = new AtomicLong();
        private final AtomicLong done = new AtomicLong();

        Uploads(RemoteTier tier) {
            this.tier = tier;
            Thread t = new Thread(this, "memogen-upload");
            t.setDaemon(true);
            t.start();
            synchronized (EXIT) {
                flushesAtExit++;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(new AtExit(this), "memogen-upload-flush"));
        }

        @Override
        public void run() {
            while (true) {
                Upload u;
                try {
                    u = queue.take();
                } catch (InterruptedException e) {
                    continue; // a daemon: ends with the JVM
                }
                busy.incrementAndGet();
                try {
                    tier.upload(u);
                } catch (RuntimeException | Error e) {
                    tier.notShared.incrementAndGet();
                } finally {
                    done.incrementAndGet();
                    busy.decrementAndGet();
                    synchronized (this) {
                        notifyAll();
                    }
                }
            }
        }

        int flush(Duration limit, Duration stall) {
            long end = System.nanoTime() + limit.toNanos();
            long lastDone = done.get();
            long progressAt = System.nanoTime();
            synchronized (this) {
                while (!queue.isEmpty() || busy.get() > 0) {
                    long now = System.nanoTime();
                    if (done.get() != lastDone) {
                        lastDone = done.get();
                        progressAt = now;
                    }
                    if (now >= end || now - progressAt > stall.toNanos()) {
                        break;
                    }
                    try {
                        wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(end - now), 100)));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
            return queue.size() + (int) busy.get();
        }
    }

    /** The exit hook: flushes the uploads and says how many were left. */
    private static final class AtExit implements Runnable {
        private final Uploads uploads;

        AtExit(Uploads uploads) {
            this.uploads = uploads;
        }

        @Override
        public void run() {
            try {
                int left = uploads.flush(FLUSH_LIMIT, uploads.tier.settings.timeout());
                if (left > 0) {
                    uploads.tier.notShared.addAndGet(left);
                    uploads.tier.problems.warnOnce("remote-exit", left + " results were not uploaded to "
                            + uploads.tier.where + " before the program ended; they are not shared", null);
                }
            } finally {
                synchronized (EXIT) {
                    flushesAtExit--;
                    EXIT.notifyAll();
                }
            }
        }
    }

    /**
     * Where a download goes: an array of the object's announced length, grown only when the remote
     * sends more than it announced (and never past the largest object taken), so that an entry is
     * held once.
     */
    static final class Download extends OutputStream implements RemoteStore.ExpectsLength {
        /** What an announced length may make this allocate up front: a remote's word is not trusted further. */
        private static final int TRUSTED = 64 << 20;
        private final long max;
        private byte[] bytes = new byte[0];
        private int size;

        Download(long max) {
            this.max = max;
        }

        @Override
        public void expect(long length) {
            if (length > 0 && length <= max && size == 0) {
                bytes = new byte[(int) Math.min(length, TRUSTED)];
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] from, int offset, int length) throws IOException {
            long need = (long) size + length;
            if (need > max) {
                throw new IOException("the object is larger than " + max + " bytes");
            }
            if (need > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, (int) Math.min(max, Math.max(need, Math.max(8192,
                        2L * bytes.length))));
            }
            System.arraycopy(from, offset, bytes, size, length);
            size += length;
        }

        /** The object, exactly: the array itself when the remote sent what it announced. */
        byte[] bytes() {
            return size == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, size);
        }
    }
}
