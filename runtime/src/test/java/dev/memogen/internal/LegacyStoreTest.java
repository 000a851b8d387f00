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
 * A store written by memogen 3c18fba (store format 1: entry checksums and function id hashes from
 * hash4j, function ids and versions as text in every entry) is read by the current code (format 3 since 2026-12-04)
 * without an error: every entry of the old format is a miss, computed and replaced, and read back
 * as a hit. The old store is walked through all its kinds of entries (pack records, whole files, a
 * file decoded as it is read). The index and the unwritten tail of the pack were left out of the
 * resource (32 MiB each, zeros mostly); the store rebuilds the index from the packs and objects,
 * checking every record's checksum.
 */
class LegacyStoreTest {
    @TempDir
    Path dir;

    @Test
    void everyEntryOfTheFirstFormatIsAMissReplacedWithoutAnError() throws IOException, URISyntaxException {
        Path legacy = Path.of(LegacyStoreTest.class.getResource("/legacy-store").toURI());
        Path store = dir.resolve("store");
        try (Stream<Path> files = Files.walk(legacy)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.copy(p, store.resolve(legacy.relativize(p).toString()));
            }
        }
        LegacyStoreFixture.TEXT.resetStatistics();
        int all = LegacyStoreFixture.TEXTS + LegacyStoreFixture.PAGES + LegacyStoreFixture.SERIES_COUNT;
        assertEquals(all, LegacyStoreFixture.readAll(store), "calls that computed: every entry of the old format");
        assertEquals(0, LegacyStoreFixture.TEXT.statistics().storeHits());
        assertEquals(LegacyStoreFixture.TEXTS, LegacyStoreFixture.TEXT.statistics().invalidations(),
                "each old entry found and taken as stale, not as damage");
        assertEquals(0, LegacyStoreFixture.readAll(store), "and again: the entries written in their place are hits");
        assertEquals(LegacyStoreFixture.TEXTS, LegacyStoreFixture.TEXT.statistics().storeHits());
    }
}
