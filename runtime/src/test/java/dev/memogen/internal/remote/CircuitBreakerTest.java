package dev.memogen.internal.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.internal.remote.CircuitBreaker.State;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link CircuitBreaker} on a clock the test moves. */
class CircuitBreakerTest {
    private long now = 1_000;
    private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(30), () -> now);

    @Test
    void opensAfterNFailuresInARowOnly() {
        breaker.failure();
        breaker.failure();
        breaker.success();
        breaker.failure();
        breaker.failure();
        assertEquals(State.CLOSED, breaker.state());
        assertTrue(breaker.allowRequest());
        breaker.failure();
        assertEquals(State.OPEN, breaker.state());
        assertFalse(breaker.allowRequest());
    }

    @Test
    void staysOpenForThePeriodThenLetsOneProbeThrough() {
        openIt();
        now += Duration.ofSeconds(30).toNanos() - 1;
        assertFalse(breaker.allowRequest());
        now += 1;
        assertTrue(breaker.allowRequest());
        assertEquals(State.HALF_OPEN, breaker.state());
        assertFalse(breaker.allowRequest(), "a second request while the probe is out");
    }

    @Test
    void aProbesSuccessCloses() {
        openIt();
        now += Duration.ofSeconds(30).toNanos();
        assertTrue(breaker.allowRequest());
        breaker.success();
        assertEquals(State.CLOSED, breaker.state());
        assertTrue(breaker.allowRequest());
        assertTrue(breaker.allowRequest());
    }

    @Test
    void aProbesFailureOpensForAnotherPeriod() {
        openIt();
        now += Duration.ofSeconds(30).toNanos();
        assertTrue(breaker.allowRequest());
        breaker.failure();
        assertEquals(State.OPEN, breaker.state());
        now += Duration.ofSeconds(29).toNanos();
        assertFalse(breaker.allowRequest());
        now += Duration.ofSeconds(1).toNanos();
        assertTrue(breaker.allowRequest());
    }

    private void openIt() {
        for (int i = 0; i < 3; i++) {
            breaker.failure();
        }
        assertEquals(State.OPEN, breaker.state());
    }
}
