package dev.memogen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HumanUnitsTest {
    @Test
    void bytesInBinaryUnits() {
        assertEquals("0 B", HumanUnits.bytes(0));
        assertEquals("1023 B", HumanUnits.bytes(1023));
        assertEquals("1.5 KiB", HumanUnits.bytes(1536));
        assertEquals("12.5 MiB", HumanUnits.bytes(12_5L * 1024 * 1024 / 10 + 1));
        assertEquals("1.0 GiB", HumanUnits.bytes(1L << 30));
    }

    @Test
    void durationsInTheLargestUnitThatFits() {
        assertEquals("0 s", HumanUnits.nanos(0));
        assertEquals("850 ns", HumanUnits.nanos(850));
        assertEquals("12 µs", HumanUnits.nanos(12_400));
        assertEquals("340 ms", HumanUnits.nanos(340_900_000));
        assertEquals("1.2 s", HumanUnits.nanos(1_200_000_000));
        assertEquals("2.0 min", HumanUnits.nanos(120_000_000_000L));
        assertEquals("2.5 h", HumanUnits.nanos(9_000_000_000_000L));
        assertEquals("?", HumanUnits.age(-1));
        assertEquals("3 min", HumanUnits.age(200_000));
    }

    @Test
    void theProgressBarDrawsEachPercentOnceAndErasesItself() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), "verify");
        bar.accept(0L, 200L);
        bar.accept(1L, 200L); // still 0 %: not drawn again
        bar.accept(100L, 200L);
        bar.accept(200L, 200L);
        bar.finish();
        String drawn = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(3, drawn.split("verify \\[", -1).length - 1, drawn);
        assertTrue(drawn.contains("50% (100/200)") && drawn.contains("100% (200/200)"), drawn);
        assertTrue(drawn.endsWith("\r"), drawn);
    }
}
