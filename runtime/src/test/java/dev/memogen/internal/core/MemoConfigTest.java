package dev.memogen.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.memogen.internal.core.MemoConfig;
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

    @Test
    void settingsComeFromSystemPropertiesAndBadValuesFallBackToDefaults() {
        String[] keys = {"memogen.dir", "memogen.disable", "memogen.maxSize", "memogen.memorySize", "memogen.policy",
            "memogen.lockTimeout", "memogen.packMax", "memogen.lockHold"};
        java.util.Map<String, String> saved = new java.util.HashMap<>();
        for (String k : keys) {
            saved.put(k, System.getProperty(k));
        }
        try {
            System.setProperty("memogen.dir", "/tmp/somewhere");
            System.setProperty("memogen.disable", "true");
            System.setProperty("memogen.maxSize", "500MiB");
            System.setProperty("memogen.memorySize", "8m");
            System.setProperty("memogen.policy", "lru");
            System.setProperty("memogen.lockTimeout", "30s");
            System.setProperty("memogen.packMax", "16KiB");
            System.setProperty("memogen.lockHold", "0");
            MemoConfig c = MemoConfig.fromEnvironment();
            assertEquals(java.nio.file.Path.of("/tmp/somewhere"), c.directory());
            assertEquals(true, c.disabled());
            assertEquals(500L << 20, c.maxSize());
            assertEquals(8L << 20, c.memoryTierBytes());
            assertEquals("lru", c.policy());
            assertEquals(30_000L, c.lockTimeoutMillis());
            assertEquals(16L << 10, c.packMax());
            assertEquals(0L, c.lockHoldMillis(), "0: the index lock is released after every change");

            System.setProperty("memogen.maxSize", "lots");
            System.setProperty("memogen.policy", "fifo");
            System.setProperty("memogen.lockTimeout", "soon");
            System.setProperty("memogen.packMax", "2MiB");
            System.setProperty("memogen.lockHold", "a while");
            MemoConfig bad = MemoConfig.fromEnvironment(); // warns, never throws
            assertEquals(MemoConfig.DEFAULT_MAX_SIZE, bad.maxSize());
            assertEquals("gds", bad.policy());
            assertEquals(MemoConfig.DEFAULT_LOCK_TIMEOUT_MILLIS, bad.lockTimeoutMillis());
            assertEquals(MemoConfig.MAX_PACK_MAX, bad.packMax(), "larger than packs take: the largest they do");
            assertEquals(MemoConfig.DEFAULT_LOCK_HOLD_MILLIS, bad.lockHoldMillis());
            System.setProperty("memogen.lockHold", "50ms");
            assertEquals(50L, MemoConfig.fromEnvironment().lockHoldMillis());
            assertThrows(IllegalArgumentException.class, () -> c.withLockHoldMillis(-1));
            assertEquals(MemoConfig.DEFAULT_PACK_MAX, MemoConfig.at(java.nio.file.Path.of("x")).packMax());
            assertThrows(IllegalArgumentException.class, () -> c.withPackMax(MemoConfig.MAX_PACK_MAX + 1));
            assertThrows(IllegalArgumentException.class, () -> c.withPackMax(-1));
        } finally {
            for (String k : keys) {
                if (saved.get(k) == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, saved.get(k));
                }
            }
        }
    }
}
