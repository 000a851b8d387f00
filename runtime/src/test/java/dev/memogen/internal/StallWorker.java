package dev.memogen.internal;

import dev.memogen.internal.core.MemoConfig;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A separate JVM calling memoized functions on a store without end, for the tests of processes
 * that are stopped or hang ({@code StalledProcessTest}):
 * <ul>
 * <li>{@code calls <dir> <seed>}: stores the keys {@code seed * 1_000_000 + 0 .. HITS-1} of
 *     {@link StoreWorker#TEXT}, prints {@code ready}, then calls without end, one new key (a miss
 *     that stores; its body sleeps {@link #BODY_MILLIS}) then one of those keys (a hit from the
 *     store: no memory tier), printing {@code calls <n>} (calls so far) every 50 ms.</li>
 * <li>{@code writes <dir>}: prints {@code ready}, then stores a new key every millisecond or so,
 *     keeping the index lock between stores as {@code memogen.lockHold} (10 ms) lets it.</li>
 * </ul>
 * Everything else uses the defaults: {@code memogen.lockTimeout} is 10 minutes.
 */
public final class StallWorker {
    /** Keys stored before {@code ready}, read back as hits. */
    static final int HITS = 200;
    /** What a miss computes for: a sleep, so that a loaded machine does not change its cost. */
    static final int BODY_MILLIS = 2;

    private StallWorker() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        if (args[0].equals("writes")) {
            writes(dir);
            return;
        }
        if (!args[0].equals("calls")) {
            throw new IllegalArgumentException(args[0]);
        }
        long seed = Long.parseLong(args[2]);
        MemoRuntime.install(MemoConfig.at(dir).withMemoryTierBytes(0));
        int base = (int) (seed * 1_000_000);
        for (int key = base; key < base + HITS; key++) {
            check(StoreTestSupport.call(StoreWorker.TEXT, key, StoreWorker::expectedText), key);
        }
        System.out.println("ready");
        System.out.flush();
        SplittableRandom random = new SplittableRandom(seed);
        long calls = 0;
        long printed = System.nanoTime();
        for (int key = base + HITS; ; key++) {
            check(StoreTestSupport.call(StoreWorker.TEXT, key, k -> {
                sleep(BODY_MILLIS);
                return StoreWorker.expectedText(k);
            }), key);
            int hit = base + random.nextInt(HITS);
            check(StoreTestSupport.call(StoreWorker.TEXT, hit, StoreWorker::expectedText), hit);
            calls += 2;
            if (System.nanoTime() - printed >= 50_000_000L) {
                printed = System.nanoTime();
                System.out.println("calls " + calls);
                System.out.flush();
            }
        }
    }

    private static void writes(Path dir) {
        MemoRuntime.install(MemoConfig.at(dir).withMemoryTierBytes(0));
        System.out.println("ready");
        System.out.flush();
        for (int key = 2_000_000_000; ; key++) {
            check(StoreTestSupport.call(StoreWorker.TEXT, key, StoreWorker::expectedText), key);
            sleep(1);
        }
    }

    private static void check(String value, int key) {
        if (!value.equals(StoreWorker.expectedText(key))) {
            System.out.println("WRONG VALUE for key " + key);
            System.out.flush();
            Runtime.getRuntime().halt(3);
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
