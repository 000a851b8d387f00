package dev.memogen.internal;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A separate JVM ("a machine") using a store of its own and the remote tier that its system
 * properties set up ({@code memogen.dir}, {@code memogen.remote} and the rest, read as in a user's
 * program), started by {@link RemoteTierTest} and {@link RemoteTierBenchmark}: {@code <texts> <arrays>
 * [<first text>]} calls {@code text(k)} for {@code texts} keys from {@code first text} (0 by
 * default; small values: pack records) and {@code array(k)} for {@code k} below {@code arrays}
 * (8 MiB each: object files), checks every value, and prints {@code runs=<bodies run> wrong=<n>
 * remote=<remote hits> store=<store hits> micros=<time of the calls> first=<time of the first call>
 * tierHits=<the remote tier's hits, -1 without a tier>}. Uploads are flushed at
 * exit, as in any program.
 */
public final class RemoteWorker {
    /** Doubles in one array value: 8 MiB. */
    static final int ARRAY_LENGTH = 1 << 20;
    static final MemoFunction<String> TEXT = MemoFunction.create("r.Remote#text(int)", "v1", StoreTestSupport.STRING,
            false);
    static final MemoFunction<double[]> ARRAY = MemoFunction.create("r.Remote#array(int)", "v1",
            StoreTestSupport.DOUBLES, true);

    private RemoteWorker() {}

    static double[] array(int key) {
        double[] a = new double[ARRAY_LENGTH];
        for (int i = 0; i < a.length; i++) {
            a[i] = key * 1e7 + i * 0.5;
        }
        return a;
    }

    public static void main(String[] args) {
        int texts = Integer.parseInt(args[0]);
        int arrays = Integer.parseInt(args[1]);
        int first = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        AtomicInteger runs = new AtomicInteger();
        int wrong = 0;
        long started = System.nanoTime();
        long firstDone = 0;
        for (int k = first; k < first + texts; k++) {
            String v = StoreTestSupport.call(TEXT, k, key -> {
                runs.incrementAndGet();
                return StoreWorker.expectedText(key);
            });
            firstDone = firstDone == 0 ? System.nanoTime() : firstDone;
            wrong += v.equals(StoreWorker.expectedText(k)) ? 0 : 1;
        }
        double[][] got = new double[arrays][];
        for (int k = 0; k < arrays; k++) {
            got[k] = StoreTestSupport.call(ARRAY, k, key -> {
                runs.incrementAndGet();
                return array(key);
            });
            firstDone = firstDone == 0 ? System.nanoTime() : firstDone;
        }
        long micros = (System.nanoTime() - started) / 1000;
        long firstMicros = firstDone == 0 ? 0 : (firstDone - started) / 1000;
        for (int k = 0; k < arrays; k++) {
            wrong += Arrays.equals(got[k], array(k)) ? 0 : 1; // checked whole, after the timed calls
        }
        MemoFunction.Counts t = TEXT.statistics();
        MemoFunction.Counts a = ARRAY.statistics();
        long tierHits = dev.memogen.Memogen.remoteStatistics().map(dev.memogen.RemoteStatistics::hits).orElse(-1L);
        System.out.println("runs=" + runs.get() + " wrong=" + wrong + " remote=" + (t.remoteHits() + a.remoteHits())
                + " store=" + (t.storeHits() + a.storeHits()) + " micros=" + micros + " first=" + firstMicros
                + " tierHits=" + tierHits);
    }
}
