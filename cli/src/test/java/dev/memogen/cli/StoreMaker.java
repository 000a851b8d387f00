package dev.memogen.cli;

import dev.memogen.Memogen;
import dev.memogen.MemogenSettings;
import dev.memogen.internal.MemoFunction;
import dev.memogen.internal.StoreTestSupport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes a real store with the runtime, the way generated code uses it: three functions, their
 * small results pack records, every fifth {@code series} result (160 KB) an object file. Run in the
 * test JVM ({@link #make}) or as a separate JVM:
 * <ul>
 * <li>{@code make <dir> <n>} (with {@code -Dmemogen.key=...}, a keyed store): computes keys 0 to n-1 of
 *     every function, calls them again (memory hits), adds these counts to the store, prints {@code made};</li>
 * <li>{@code use <dir> <n>}: the same, prints {@code ready}, then a thread reads {@code series} and
 *     {@code sum} from the store over and over (the memory tier cleared each round), checking every
 *     value; on a line {@code text} on stdin, calls {@code text} for every key and prints
 *     {@code text wrong=<w> runs=<r> others-wrong=<w> rounds=<n>} (runs: bodies that ran); on
 *     {@code quit}, exits.</li>
 * </ul>
 */
public final class StoreMaker {
    static {
        // This JVM decides whether memogen's DEBUG is off before it uses any store, so that the
        // stores the tests count hold their functions' entries only, not the runtime's own record of
        // what the class path holds (kept in the store a JVM's first store read uses).
        dev.memogen.internal.core.Problems.debugEnabled();
    }

    static final String TEXT_ID = "demo.Reports#text(int)";
    static final String SERIES_ID = "demo.Series#series(int)";
    static final String SUM_ID = "demo.Numbers#sum(int)";

    static final MemoFunction<String> TEXT = MemoFunction.create(TEXT_ID, "v1", StoreTestSupport.STRING, false);
    static final MemoFunction<double[]> SERIES =
            MemoFunction.create(SERIES_ID, "v1", StoreTestSupport.DOUBLES, true);
    static final MemoFunction<Long> SUM = MemoFunction.create(SUM_ID, "v1", StoreTestSupport.LONG, false);

    private StoreMaker() {}

    static String text(int key) {
        return "report " + key + ": " + "x".repeat(50 + key % 200);
    }

    /** 20,000 doubles (an object file) for every fifth key, else 100. */
    static double[] series(int key) {
        double[] a = new double[key % 5 == 0 ? 20_000 : 100];
        for (int i = 0; i < a.length; i++) {
            a[i] = key + i / 1000.0;
        }
        return a;
    }

    static long sum(int key) {
        return (long) key * (key + 1) / 2;
    }

    /**
     * Puts a store of {@code n} keys per function in {@code dir} (the runtime of this JVM is
     * configured there), calls every key once more (memory hits), and configures the runtime
     * afresh on the store, which adds its counts to it: {@code n} misses and {@code n} hits per
     * function.
     */
    static void make(MemogenSettings settings, int n) {
        Memogen.configure(settings);
        for (int round = 0; round < 2; round++) {
            for (int k = 0; k < n; k++) {
                StoreTestSupport.call(TEXT, k, StoreMaker::slowText);
                StoreTestSupport.call(SERIES, k, StoreMaker::series);
                StoreTestSupport.call(SUM, k, key -> sum(key));
            }
        }
        Memogen.configure(settings);
    }

    private static String slowText(int key) {
        try {
            Thread.sleep(2); // a compute cost the store records
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return text(key);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        int n = Integer.parseInt(args[2]);
        MemogenSettings settings = MemogenSettings.at(dir);
        String secret = System.getProperty("memogen.key");
        make(secret == null ? settings : settings.withKey(secret), n);
        if (args[0].equals("make")) {
            System.out.println("made");
            return;
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger othersWrong = new AtomicInteger();
        AtomicLong rounds = new AtomicLong();
        Thread reader = new Thread(() -> {
            while (!stop.get()) {
                Memogen.clearMemory();
                for (int k = 0; k < n; k++) {
                    if (!java.util.Arrays.equals(StoreTestSupport.call(SERIES, k, StoreMaker::series), series(k))
                            || StoreTestSupport.call(SUM, k, key -> sum(key)) != sum(k)) {
                        othersWrong.incrementAndGet();
                    }
                }
                rounds.incrementAndGet();
            }
        });
        reader.start();
        System.out.println("ready");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.equals("text")) {
                long before = rounds.get();
                while (rounds.get() < before + 2) {
                    Thread.sleep(5); // the reader has gone round since the command: it kept working
                }
                Memogen.clearMemory();
                AtomicInteger runs = new AtomicInteger();
                int wrong = 0;
                for (int k = 0; k < n; k++) {
                    if (!StoreTestSupport.call(TEXT, k, key -> {
                        runs.incrementAndGet();
                        return text(key);
                    }).equals(text(k))) {
                        wrong++;
                    }
                }
                System.out.println("text wrong=" + wrong + " runs=" + runs + " others-wrong=" + othersWrong
                        + " rounds=" + rounds);
            } else if (line.equals("quit")) {
                break;
            }
        }
        stop.set(true);
        reader.join();
    }
}
