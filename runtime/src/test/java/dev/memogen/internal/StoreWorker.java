package dev.memogen.internal;

import dev.memogen.internal.core.MemoConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A separate JVM working on a store, started by the multi-process tests:
 * <ul>
 * <li>{@code write <dir> <maxSize> <seed>}: prints {@code ready}, then stores and reads random
 *     keys forever (until killed);</li>
 * <li>{@code verify <dir> <keys>}: calls every key once, prints {@code wrong=<n> runs=<n>};</li>
 * <li>{@code flight <dir> <log> <keys> <threads> <go-file> <seed>}: waits for the go file, then
 *     each thread calls every key (in its own order); every run of a body appends a line to
 *     {@code log}; prints {@code wrong=<n>}.</li>
 * <li>{@code hold <dir> <key>}: starts computing {@code text(key)}, prints {@code computing}, and
 *     never finishes (until killed).</li>
 * <li>{@code keep <dir> <lockHold>}: stores {@code text(1)}, prints {@code stored}, and sleeps
 *     (until killed), keeping the index lock as long as {@code memogen.lockHold} lets it;</li>
 * <li>{@code busy <dir> <lockHold>}: prints {@code ready}, then stores new keys of {@code text}
 *     one after another (until killed).</li>
 * <li>{@code mixed <dir> <from> <to>}: calls keys {@code from} to {@code to - 1}, the first half
 *     stored as object files, the second as pack records, then every one again in a fresh
 *     runtime; prints {@code wrong=<n> runs=<n> again=<n>} (computations in the first calls, in
 *     the calls again);</li>
 * <li>{@code sweep <dir> <keys>}: removes orphans, evicts down to 64 KiB, calls keys 0 to
 *     {@code keys - 1}; prints {@code wrong=<n>}.</li>
 * </ul>
 */
public final class StoreWorker {
    public static final MemoFunction<String> TEXT = MemoFunction.create("w.Worker#text(int)", "v1", StoreTestSupport.STRING, false);
    public static final MemoFunction<double[]> ARRAY = MemoFunction.create("w.Worker#array(int)", "v1", StoreTestSupport.DOUBLES, true);

    private StoreWorker() {}

    /** The one right value of {@code text(key)}: its length varies from key to key. */
    public static String expectedText(int key) {
        StringBuilder b = new StringBuilder("k").append(key).append(':');
        int n = 8 + (key * 37) % 3000;
        for (int i = 0; i < n; i++) {
            b.append((char) ('a' + (key + i) % 26));
        }
        return b.toString();
    }

    public static double[] expectedArray(int key) {
        double[] a = new double[(key * 13) % 700];
        for (int i = 0; i < a.length; i++) {
            a[i] = key * 1000.0 + i;
        }
        return a;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "write" -> write(dir, Long.parseLong(args[2]), Long.parseLong(args[3]));
            case "verify" -> verify(dir, Integer.parseInt(args[2]));
            case "flight" -> flight(dir, Path.of(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    Path.of(args[5]), Long.parseLong(args[6]));
            case "hold" -> hold(dir, Integer.parseInt(args[2]));
            case "keep" -> keep(dir, Long.parseLong(args[2]));
            case "busy" -> busy(dir, Long.parseLong(args[2]));
            case "mixed" -> mixed(dir, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "sweep" -> sweep(dir, Integer.parseInt(args[2]));
            case "count" -> count(dir, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void write(Path dir, long maxSize, long seed) {
        MemoRuntime.install(MemoConfig.at(dir).withPackMax(0).withMaxSize(maxSize).withMemoryTierBytes(0));
        SplittableRandom random = new SplittableRandom(seed);
        System.out.println("ready");
        System.out.flush();
        for (long n = 0; ; n++) {
            int key = random.nextInt(300);
            if (random.nextBoolean()) {
                check(StoreTestSupport.call(TEXT, key, StoreWorker::expectedText).equals(expectedText(key)), key);
            } else {
                check(java.util.Arrays.equals(StoreTestSupport.call(ARRAY, key, StoreWorker::expectedArray),
                        expectedArray(key)), key);
            }
            if (n % 500 == 499) {
                try {
                    MemoRuntime.get().removeOrphans();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private static void check(boolean ok, int key) {
        if (!ok) {
            System.out.println("WRONG VALUE for key " + key);
            System.out.flush();
            Runtime.getRuntime().halt(3);
        }
    }

    private static void verify(Path dir, int keys) {
        MemoRuntime.install(MemoConfig.at(dir).withPackMax(0).withMaxSize(Long.MAX_VALUE >> 2));
        AtomicInteger runs = new AtomicInteger();
        int wrong = callBoth(0, keys, runs);
        System.out.println("wrong=" + wrong + " runs=" + runs.get());
    }

    private static void mixed(Path dir, int from, int to) {
        MemoConfig objects = MemoConfig.at(dir).withMemoryTierBytes(0).withPackMax(0);
        MemoConfig packs = objects.withPackMax(MemoConfig.DEFAULT_PACK_MAX);
        AtomicInteger runs = new AtomicInteger();
        MemoRuntime.install(objects);
        int wrong = callBoth(from, (from + to) / 2, runs);
        MemoRuntime.install(packs);
        wrong += callBoth((from + to) / 2, to, runs);
        MemoRuntime.install(packs); // a fresh runtime: what the store gives back
        AtomicInteger again = new AtomicInteger();
        wrong += callBoth(from, to, again);
        System.out.println("wrong=" + wrong + " runs=" + runs.get() + " again=" + again.get());
    }

    private static void sweep(Path dir, int keys) throws IOException {
        MemoRuntime.install(MemoConfig.at(dir).withMemoryTierBytes(0));
        MemoRuntime.get().removeOrphans();
        MemoRuntime.get().setMaxSize(64 << 10);
        System.out.println("wrong=" + callBoth(0, keys, new AtomicInteger()));
    }

    /**
     * Calls {@code text} and {@code array} for keys {@code from} to {@code to - 1} twice (the second
     * time from memory), prints {@code wrong=<w> runs=<r>} and ends, adding its counts to the store.
     */
    private static void count(Path dir, int from, int to) {
        MemoRuntime.install(MemoConfig.at(dir));
        AtomicInteger runs = new AtomicInteger();
        int wrong = callBoth(from, to, runs) + callBoth(from, to, runs);
        System.out.println("wrong=" + wrong + " runs=" + runs.get());
    }

    /** Calls {@code text} and {@code array} for keys {@code from} to {@code to - 1}; how many values were wrong. */
    private static int callBoth(int from, int to, AtomicInteger runs) {
        int wrong = 0;
        for (int key = from; key < to; key++) {
            String t = StoreTestSupport.call(TEXT, key, k -> {
                runs.incrementAndGet();
                return expectedText(k);
            });
            double[] a = StoreTestSupport.call(ARRAY, key, k -> {
                runs.incrementAndGet();
                return expectedArray(k);
            });
            if (!t.equals(expectedText(key))) {
                wrong++;
            }
            if (!java.util.Arrays.equals(a, expectedArray(key))) {
                wrong++;
            }
        }
        return wrong;
    }

    private static void flight(Path dir, Path log, int keys, int threads, Path go, long seed) throws Exception {
        MemoRuntime.install(MemoConfig.at(dir).withPackMax(0));
        while (!Files.exists(go)) {
            Thread.sleep(5);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger wrong = new AtomicInteger();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<Integer> order = new ArrayList<>();
            for (int k = 0; k < keys; k++) {
                order.add(k);
            }
            Collections.shuffle(order, new Random(seed * 31 + t));
            done.add(pool.submit(() -> {
                for (int key : order) {
                    String v = StoreTestSupport.call(TEXT, key, k -> {
                        append(log, "text " + k + " pid " + ProcessHandle.current().pid() + "\n");
                        sleep(20);
                        return expectedText(k);
                    });
                    if (!v.equals(expectedText(key))) {
                        wrong.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();
        System.out.println("wrong=" + wrong.get());
    }

    private static void hold(Path dir, int key) {
        MemoRuntime.install(MemoConfig.at(dir).withPackMax(0));
        StoreTestSupport.call(TEXT, key, k -> {
            System.out.println("computing");
            System.out.flush();
            sleep(Long.MAX_VALUE);
            return expectedText(k);
        });
    }

    private static void keep(Path dir, long lockHoldMillis) {
        MemoRuntime.install(MemoConfig.at(dir).withLockHoldMillis(lockHoldMillis));
        check(StoreTestSupport.call(TEXT, 1, StoreWorker::expectedText).equals(expectedText(1)), 1);
        System.out.println("stored");
        System.out.flush();
        sleep(Long.MAX_VALUE);
    }

    private static void busy(Path dir, long lockHoldMillis) {
        MemoRuntime.install(MemoConfig.at(dir).withLockHoldMillis(lockHoldMillis).withMemoryTierBytes(0));
        System.out.println("ready");
        System.out.flush();
        for (int key = 1_000_000; ; key++) {
            check(StoreTestSupport.call(TEXT, key, StoreWorker::expectedText).equals(expectedText(key)), key);
        }
    }

    /** One write with O_APPEND: lines from several processes never interleave. */
    private static void append(Path log, String line) {
        try {
            Files.write(log, line.getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
