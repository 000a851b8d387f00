package dev.memogen.internal.remote;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Stops asking a remote that keeps failing, so that a server that is down costs a program a few
 * timeouts, not one per call. Closed: every request goes. After {@code failuresToOpen} failures in a
 * row it opens: no request goes for {@code openFor}. Then it is half-open: one request goes as a
 * probe (the others still do not); its success closes the breaker, its failure opens it again for
 * another {@code openFor}.
 *
 * <p>Thread-safe. Time comes from a nanosecond clock given to the constructor, so tests can drive it.
 */
public final class CircuitBreaker {

    /** Where the breaker is. */
    public enum State { CLOSED, OPEN, HALF_OPEN }

    private final int failuresToOpen;
    private final long openForNanos;
    private final LongSupplier nanoClock;
    private State state = State.CLOSED;
    private int failures;
    private long openedAt;

    /** A breaker on {@link System#nanoTime}. */
    public static CircuitBreaker of(int failuresToOpen, Duration openFor) {
        return new CircuitBreaker(failuresToOpen, openFor, System::nanoTime);
    }

    public CircuitBreaker(int failuresToOpen, Duration openFor, LongSupplier nanoClock) {
        if (failuresToOpen < 1 || openFor.isNegative()) {
            throw new IllegalArgumentException("failuresToOpen >= 1 and openFor >= 0: " + failuresToOpen + ", " + openFor);
        }
        this.failuresToOpen = failuresToOpen;
        this.openForNanos = openFor.toNanos();
        this.nanoClock = nanoClock;
    }

    /**
     * Whether a request may go now. In the half-open state only the first caller is let through
     * (the probe); it must report {@link #success} or {@link #failure}.
     */
    public synchronized boolean allowRequest() {
        switch (state) {
            case CLOSED:
                return true;
            case OPEN:
                if (nanoClock.getAsLong() - openedAt >= openForNanos) {
                    state = State.HALF_OPEN;
                    return true;
                }
                return false;
            default:
                return false;
        }
    }

    /** The remote answered: closes the breaker and forgets earlier failures. */
    public synchronized void success() {
        state = State.CLOSED;
        failures = 0;
    }

    /** The remote failed (see {@link RemoteStore.Failure#remoteFault}). */
    public synchronized void failure() {
        failures++;
        if (state == State.HALF_OPEN || (state == State.CLOSED && failures >= failuresToOpen)) {
            state = State.OPEN;
            openedAt = nanoClock.getAsLong();
        }
    }

    public synchronized State state() {
        return state;
    }
}
