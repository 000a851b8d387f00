package dev.memogen.internal;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Lets generated code walk values nested deeper than a thread's stack allows: recursive records
 * ({@code Node(int v, Node next)}, a tree through {@code List<Tree>}) 100,000 levels deep are
 * hashed, compared, encoded and decoded on the default stack.
 *
 * <p>Generated helpers of recursive records recurse, one frame per level, and count the levels
 * in an {@code int depth} parameter: a top-level call starts at 0. A helper called at depth
 * {@link #LEVELS} does not go deeper on its caller's thread (which may already be deep in its own
 * stack): it continues on a new thread with a large stack ({@link #run}, {@link #call},
 * {@link #test}), starting from {@link #HOP_START}, and the caller waits for it. That thread hops
 * again {@code LEVELS - HOP_START} levels further on, so depth is bounded by memory only. A value
 * that is not that deep never gets here: the hot path neither allocates nor starts threads.
 *
 * <p>Measured on JDK 17 (x64, helpers called with a depth that never hops, on a 16 MiB thread),
 * a level of a generated helper takes 32 to 140 bytes of stack, compiled or interpreted, for
 * records such as {@code Node(int v, Node next)} or {@code Tree(int v, List<Tree> kids)}, and up
 * to about 680 bytes, while it warms up, for a record of 17 components that include optionals,
 * collections, maps and arrays. A hop thread reserves {@link #STACK_BYTES} for
 * {@code LEVELS - HOP_START} levels: over 5 KiB a level, eight times the worst measured. Linux
 * reserves a thread's stack and commits it as it is used, so a value costs the stack it uses.
 *
 * <p>The caller waits in {@link Thread#join()}, which orders everything the caller did before
 * the hop before the new thread's work, and that work before everything the caller does after:
 * the hasher, writer or reader it hands over is used by one thread at a time. The caller's
 * interrupt is kept for it and not passed on (a hop is not a blocking operation the caller asked
 * for). Whatever the hop threw is thrown again in the caller, as it is.
 *
 * <p>Not part of the public API: generated code is its only intended caller. Its constants are
 * compiled into generated code.
 */
public final class DeepValues {
    /**
     * Levels of recursion a generated helper goes on its caller's thread before hopping: few, so
     * that a caller already deep in its own stack has room for them.
     */
    public static final int LEVELS = 256;

    /** The depth a hop thread starts from: it goes {@code LEVELS - HOP_START} (50,000) levels. */
    public static final int HOP_START = LEVELS - 50_000;

    /** The stack a hop thread asks for: 256 MiB of address space, committed only as it is used. */
    static final long STACK_BYTES = 256L << 20;

    private DeepValues() {}

    /** Runs {@code work} on a new thread with a large stack, and waits for it. */
    public static void run(Runnable work) {
        Hop<Void> hop = new Hop<>(() -> {
            work.run();
            return null;
        });
        hop.join();
    }

    /** Computes {@code work} on a new thread with a large stack, and returns it. */
    public static <T> T call(Supplier<T> work) {
        return new Hop<>(work).join();
    }

    /** Tests {@code work} on a new thread with a large stack. */
    public static boolean test(BooleanSupplier work) {
        return new Hop<>(work::getAsBoolean).join();
    }

    /** One hop: a thread that computes a value, and what it computed or threw. */
    private static final class Hop<T> implements Runnable {
        private final Supplier<T> work;
        private T value;
        private Throwable thrown;

        Hop(Supplier<T> work) {
            this.work = work;
        }

        @Override
        public void run() {
            try {
                value = work.get();
            } catch (Throwable t) {
                thrown = t;
            }
        }

        T join() {
            Thread t = new Thread(null, this, "memogen-deep", STACK_BYTES);
            t.setDaemon(true);
            t.start();
            boolean interrupted = false;
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (thrown != null) {
                throw DeepValues.<RuntimeException>sneaky(thrown);
            }
            return value;
        }
    }

    /** Throws any throwable as it is: a hop throws what the work threw on the caller's thread. */
    @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"}) // the sneaky-throw idiom: E is inferred unchecked
    private static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
