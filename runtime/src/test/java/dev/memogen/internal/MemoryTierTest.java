package dev.memogen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MemoryTierTest {
    private static final MemoFunction<String> F = MemoFunction.create("t.M#f()", "1", StoreTestSupport.STRING, false);
    private static final MemoFunction<String> G = MemoFunction.create("t.M#g()", "1", StoreTestSupport.STRING, false);

    @Test
    void findsWhatWasPutAndKeepsFunctionsApart() {
        MemoryTier tier = new MemoryTier(1 << 20, 64);
        tier.put(F, 1, 2, "f12", 3);
        tier.put(G, 1, 2, "g12", 3);
        assertEquals("f12", tier.get(F, 1, 2).value);
        assertEquals("g12", tier.get(G, 1, 2).value);
        assertNull(tier.get(F, 2, 1));
    }

    @Test
    void staysWithinItsByteBound() {
        MemoryTier tier = new MemoryTier(10_000, 1024);
        for (int i = 0; i < 5_000; i++) {
            tier.put(F, i, i * 31L, "v" + i, 100);
            assertTrue(tier.bytes() <= 10_000, "over bound after put " + i + ": " + tier.bytes());
        }
        assertEquals("v4999", tier.get(F, 4999, 4999 * 31L).value);
    }

    @Test
    void skipsValuesLargerThanTheTierAndKeepsOneAsLargeAsIt() {
        MemoryTier tier = new MemoryTier(8_000, 64);
        tier.put(F, 2, 2, "small", 100);
        tier.put(F, 1, 1, "big", 8_001);
        assertNull(tier.get(F, 1, 1));
        assertEquals("small", tier.get(F, 2, 2).value, "nothing evicted for a value that is not kept");
        tier.put(F, 1, 1, "whole", 8_000);
        assertEquals("whole", tier.get(F, 1, 1).value);
        assertNull(tier.get(F, 2, 2), "evicted to make room");
    }
}
