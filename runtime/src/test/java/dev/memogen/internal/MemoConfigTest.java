package dev.memogen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MemoConfigTest {
    @Test
    void parsesSizesWithUnits() {
        assertEquals(1024, MemoConfig.parseSize("1024"));
        assertEquals(500L << 20, MemoConfig.parseSize("500MiB"));
        assertEquals(500L << 20, MemoConfig.parseSize("500 MB"));
        assertEquals(2L << 30, MemoConfig.parseSize("2g"));
        assertEquals(64L << 10, MemoConfig.parseSize("64KiB"));
        assertEquals((long) (1.5 * (1L << 30)), MemoConfig.parseSize("1.5GiB"));
        assertThrows(IllegalArgumentException.class, () -> MemoConfig.parseSize("lots"));
        assertThrows(IllegalArgumentException.class, () -> MemoConfig.parseSize("5 parsecs"));
    }
}
