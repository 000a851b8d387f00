package dev.memogen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store written by memogen 3c18fba, whose entry checksums and function id hashes came from
 * hash4j, is read by the current code with hits only: the same object directories (id hashes),
 * sound checksums for pack records, whole files and a file decoded as it is read. The index and
 * the unwritten tail of the pack were left out of the resource (32 MiB each, zeros mostly); the
 * store rebuilds the index from the packs and objects, checking every record's checksum.
 */
class LegacyStoreTest {
    @TempDir
    Path dir;

    @Test
    void everyEntryOfAStoreWrittenWithHash4jChecksumsIsAHit() throws IOException, URISyntaxException {
        Path legacy = Path.of(LegacyStoreTest.class.getResource("/legacy-store").toURI());
        Path store = dir.resolve("store");
        try (Stream<Path> files = Files.walk(legacy)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.copy(p, store.resolve(legacy.relativize(p).toString()));
            }
        }
        LegacyStoreFixture.TEXT.resetStatistics();
        assertEquals(0, LegacyStoreFixture.readAll(store), "calls that computed instead of loading");
        assertEquals(LegacyStoreFixture.TEXTS, LegacyStoreFixture.TEXT.statistics().storeHits());
        assertEquals(0, LegacyStoreFixture.readAll(store), "and again, with the rebuilt index");
    }
}
