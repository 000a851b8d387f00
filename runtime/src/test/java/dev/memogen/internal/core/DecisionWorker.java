package dev.memogen.internal.core;

/**
 * A separate JVM for {@code QuietLoggingTest}: while its main thread decides whether DEBUG is
 * known to be off, another thread asks the same question; prints whether that thread had its
 * answer before the decision ended (it must not wait for the decider, which may be waiting on a
 * store lock the asking thread holds) and the answers.
 */
public final class DecisionWorker {
    private DecisionWorker() {}

    public static void main(String[] args) throws InterruptedException {
        boolean[] other = new boolean[1];
        boolean[] answeredWhileDeciding = new boolean[1];
        QuietLogging.whileDeciding = () -> {
            Thread asking = new Thread(() -> other[0] = QuietLogging.debugKnownOff());
            asking.start();
            try {
                asking.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answeredWhileDeciding[0] = !asking.isAlive();
        };
        boolean decided = QuietLogging.debugKnownOff();
        System.out.println("answeredWhileDeciding=" + answeredWhileDeciding[0] + " other=" + other[0] + " decided="
                + decided);
    }
}
