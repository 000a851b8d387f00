package dev.memogen.internal;

/**
 * A program whose counts are known, run in a JVM of its own by {@link UsageReportTest} and
 * {@link EventsTest}: {@code ReportWorker VERSION CALLS...} calls {@code t.R#slow(int)} (of
 * function version {@code VERSION}) with each argument in turn; {@code slow(x)} takes about
 * {@code 10 * x} ms the first time for {@code x} up to 9, no time for larger ones (many calls,
 * quickly). Prints {@code computed N} at the end.
 */
public final class ReportWorker {
    private ReportWorker() {}

    public static void main(String[] args) throws Exception {
        MemoFunction<String> slow = MemoFunction.create("t.R#slow(int)", args[0], StoreTestSupport.STRING, false);
        int[] computed = {0};
        for (int i = 1; i < args.length; i++) {
            StoreTestSupport.call(slow, Integer.parseInt(args[i]), x -> {
                computed[0]++;
                if (x < 10) {
                    sleep(10L * x);
                }
                return "slow-" + x;
            });
        }
        System.out.println("computed " + computed[0]);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
