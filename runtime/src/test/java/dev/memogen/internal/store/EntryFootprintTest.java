package dev.memogen.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.Memogen;
import dev.memogen.MemogenSettings;
import dev.memogen.internal.TestAccess;
import dev.memogen.internal.codec.ValueWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an entry costs beyond its value: a header of fixed size whatever the function's id,
 * version and the system state (they are digests, not text), and the checksum; with a key, the
 * tag. At most 64 bytes beyond the key (argument key and version, the function's id hash, system
 * state and version digests) and the value.
 */
class EntryFootprintTest {
    @TempDir Path dir;

    private static final int KEY_BYTES = 16 + 16 + 24;

    private long stored(StoredFunction fn, int payloadBytes) throws Exception {
        ValueWriter payload = new ValueWriter();
        for (int i = 0; i < payloadBytes; i++) {
            payload.writeByte((byte) i);
        }
        return TestAccess.store().write(fn, 1, 2, 3, 4, payload, 1000);
    }

    @Test
    void theHeaderIsTheSameSizeWhateverTheIdsAndAtMost64BytesBeyondKeyAndValue() throws Exception {
        Memogen.configure(MemogenSettings.at(dir).withExtraSystemState("x".repeat(500)));
        StoredFunction shortName = new StoredFunction("a#b()", "1", Ttl.NONE);
        StoredFunction longName = new StoredFunction("com.example.analytics.pipeline.Stages#aggregate(java.util.List,int)",
                "v".repeat(300), Ttl.NONE);
        long small = stored(shortName, 5);
        assertEquals(small, stored(longName, 5), "ids, versions and system state take no room of their own");
        assertEquals(EntryFormat.HEADER_BYTES + 5 + EntryFormat.CHECKSUM_BYTES, small);
        assertTrue(small - 5 - KEY_BYTES <= 64, small + " bytes for a 5-byte value");
        assertEquals(1024 + small - 5, stored(shortName, 1024));

        Memogen.configure(MemogenSettings.at(dir).withKey("s3cret"));
        assertEquals(small + StoreKey.TAG_BYTES, stored(shortName, 5), "a key adds its tag");
    }
}
