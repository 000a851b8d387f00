package dev.memogen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code memogen clear --function}, then {@code gc}, on a store that another JVM is using: it goes on
 * returning correct values (reading the store all the while, as gc moves its records), and the
 * cleared function's entries are gone: from the listing, and for that JVM, which computes every one
 * of them again.
 */
class ClearWhileInUseTest {
    private static final int KEYS = 30;

    @TempDir
    Path tmp;

    @Test
    void clearingOneFunctionAndCollectingWhileAnotherJvmReadsTheStore() throws Exception {
        Path store = tmp.resolve("store");
        try (Worker worker = Worker.start(tmp, "use", store.toString(), String.valueOf(KEYS))) {
            assertEquals("ready", worker.line());

            CliRun clear = CliRun.of("clear", "--dir", store.toString(), "--function", StoreMaker.TEXT_ID, "--json");
            assertEquals(0, clear.exit(), clear::toString);
            assertEquals((long) KEYS, clear.json().get("removed"), clear::toString);

            CliRun ls = CliRun.of("ls", "--dir", store.toString(), "--function", StoreMaker.TEXT_ID, "--json");
            assertEquals(List.of(), ls.json().get("entries"), ls::toString);
            CliRun stats = CliRun.of("stats", "--dir", store.toString(), "--json");
            assertEquals(2L * KEYS, stats.json().get("entries"), stats::toString);
            // gc then moves every live record to a new pack while the worker reads them.
            CliRun gc = CliRun.of("gc", "--dir", store.toString(), "--json");
            assertEquals(0L, gc.json().get("deadPackBytesAfter"), gc::toString);
            assertTrue((Long) gc.json().get("deadPackBytesBefore") > 0, gc::toString);

            worker.send("text");
            String report = worker.line();
            Matcher m = Pattern.compile("text wrong=(\\d+) runs=(\\d+) others-wrong=(\\d+) rounds=(\\d+)")
                    .matcher(String.valueOf(report));
            assertTrue(m.matches(), report);
            assertEquals("0", m.group(1), report); // every value right
            assertEquals(String.valueOf(KEYS), m.group(2), report); // every text entry was gone: computed again
            assertEquals("0", m.group(3), report); // the other functions' reads stayed right throughout
            assertTrue(Long.parseLong(m.group(4)) >= 2, report);
            assertEquals(0, worker.quit());
        }
        // What the worker computed again is stored again.
        CliRun after = CliRun.of("ls", "--dir", store.toString(), "--function", StoreMaker.TEXT_ID, "--json");
        assertEquals(KEYS, ((List<?>) after.json().get("entries")).size(), after::toString);
        Map<String, Object> verify = CliRun.of("verify", "--dir", store.toString(), "--json").json();
        assertEquals(true, verify.get("ok"), verify::toString);
    }
}
