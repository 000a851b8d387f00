package dev.memogen.internal;

/**
 * A separate JVM that calls {@code w.Worker#text(int)} for the keys it is given, on the store of
 * {@code memogen.dir}, as a program started afresh does ({@link MemoRuntime#get()} from the
 * environment): a miss computes and stores, a rerun hits. Started by {@link ColdPathJvmTest}.
 * Prints each value.
 */
public final class ColdPathWorker {
    private ColdPathWorker() {}

    public static void main(String[] args) {
        for (String a : args) {
            int key = Integer.parseInt(a);
            String text = StoreTestSupport.call(StoreWorker.TEXT, key, StoreWorker::expectedText);
            if (!text.equals(StoreWorker.expectedText(key))) {
                throw new AssertionError("wrong value for " + key + ": " + text);
            }
            System.out.println(text);
        }
    }
}
