package dev.memogen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Setting memogen up in code, through the public API alone. */
class MemogenSettingsTest {
    @TempDir Path dir;

    @Test
    void configuredSettingsAreInForce() {
        MemogenSettings settings = MemogenSettings.at(dir)
                .withMemorySize(1L << 20)
                .withMaxSize(50L << 20)
                .withPolicy("lru")
                .withLockTimeout(Duration.ofSeconds(30))
                .withLockHold(Duration.ZERO)
                .withPackMax(4096)
                .withExtraSystemState("gpu=none");
        Memogen.configure(settings);
        assertEquals(settings, Memogen.settings());
        assertEquals(dir.toAbsolutePath(), Memogen.storeDirectory());
        assertEquals(50L << 20, Memogen.maxSize());
        assertFalse(Memogen.isDisabled());
        MemogenSettings in = Memogen.settings();
        assertEquals(1L << 20, in.memorySize());
        assertEquals("lru", in.policy());
        assertEquals(Duration.ofSeconds(30), in.lockTimeout());
        assertEquals(Duration.ZERO, in.lockHold());
        assertEquals(4096, in.packMax());
        assertEquals("gpu=none", in.extraSystemState());
        assertFalse(in.readOnly());

        Memogen.configure(settings.withDisabled(true).withReadOnly(true));
        assertTrue(Memogen.isDisabled());
        assertTrue(Memogen.settings().readOnly());
    }

    @Test
    void valuesThatMeanNothingAreRefused() {
        MemogenSettings s = MemogenSettings.at(dir);
        assertThrows(IllegalArgumentException.class, () -> s.withMemorySize(-1));
        assertThrows(IllegalArgumentException.class, () -> s.withMaxSize(-1));
        assertThrows(IllegalArgumentException.class, () -> s.withPolicy("fifo"));
        assertThrows(IllegalArgumentException.class, () -> s.withLockTimeout(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> s.withLockHold(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> s.withPackMax(2L << 20));
        assertThrows(NullPointerException.class, () -> MemogenSettings.at(null));
    }
}
