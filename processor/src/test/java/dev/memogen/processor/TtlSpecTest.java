package dev.memogen.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The grammar of {@code @Memo(ttl)}, read at compile time. */
class TtlSpecTest {
    @Test
    void agesIntervalsAndIsoDurationsAreRead() {
        assertEquals(new TtlSpec(250, false), TtlSpec.parse("250ms"));
        assertEquals(new TtlSpec(90_000, false), TtlSpec.parse("90s"));
        assertEquals(new TtlSpec(900_000, false), TtlSpec.parse("15min"));
        assertEquals(new TtlSpec(7_200_000, false), TtlSpec.parse(" 2h "));
        assertEquals(new TtlSpec(5_400_000, false), TtlSpec.parse("PT1H30M"));
        assertEquals(new TtlSpec(86_400_000, true), TtlSpec.parse("every 1d"));
        assertEquals(new TtlSpec(86_400_000, true), TtlSpec.parse("EVERY 1D"));
        assertEquals(TtlSpec.NONE, TtlSpec.parse(""));
    }

    @Test
    void whatIsNotAPositiveDurationIsRejected() {
        for (String bad : new String[] {"2 hours", "0s", "every", "every 0d", "PT0S", "-5s", "1w", "P", "999999999999d"}) {
            assertNull(TtlSpec.parse(bad), bad);
        }
    }
}
