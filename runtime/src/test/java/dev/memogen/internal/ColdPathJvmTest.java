package dev.memogen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a fresh JVM's first miss and first hit start of the JDK, each in a JVM of its own
 * ({@link ColdPathWorker}, classes listed with {@code -Xlog:class+load}): no
 * {@code java.lang.runtime.ObjectMethods}, which a record's own {@code equals}, {@code hashCode}
 * or {@code toString} bootstraps at its first call (method handles spun for about 10 ms of a
 * fresh JVM, JDK 17): records that a miss or a hit compares or hashes write those out (issue 22).
 * Nor does a miss (into a new store or an existing one), or a hit, spin a lambda of the runtime's
 * (each a class made by the method-handle machinery at its first call, more than a millisecond
 * apiece on JDK 25): the flight's hooks, the store's locked operations, its entry writer, the
 * flights file's making and the new index's rebuild are classes. And a rerun that only hits loads
 * nothing that only a miss needs, not even the interfaces a verifier loads to check a miss's
 * classes against the types the store's methods take.
 */
class ColdPathJvmTest {
    private static final String OBJECT_METHODS = "java.lang.runtime.ObjectMethods ";

    @TempDir
    Path dir;

    /** Runs the worker on the store for {@code keys}; the classes its JVM loaded. */
    private String run(String log, String... keys) throws Exception {
        Path classes = dir.resolve(log);
        ProcessBuilder worker = Jvms.worker(ColdPathWorker.class, dir, keys);
        List<String> command = new ArrayList<>(worker.command());
        int at = command.indexOf("-cp");
        command.add(at, "-Xlog:class+load:file=" + classes);
        command.add(at, "-Dmemogen.dir=" + dir.resolve("store"));
        Jvms.run(worker.command(command));
        return Files.readString(classes);
    }

    /** The lambdas of memogen's runtime that the JVM of {@code log} spun (not the worker's own). */
    private static List<String> runtimeLambdas(String log) {
        List<String> spun = new ArrayList<>();
        for (String line : log.split("\n")) {
            int at = line.indexOf("dev.memogen.internal.");
            if (at >= 0 && line.contains("$$Lambda") && !line.startsWith("dev.memogen.internal.ColdPathWorker", at)) {
                spun.add(line.substring(at));
            }
        }
        return spun;
    }

    @Test
    void aFreshJvmsMissAndHitBootstrapNoRecordMethodsNorLambdas() throws Exception {
        String first = run("first.log", "1", "2");
        assertTrue(first.contains("dev.memogen.internal.store.FunctionNames "), "the first run stored the function's names");
        assertFalse(first.contains(OBJECT_METHODS), "a fresh JVM's misses bootstrapped a record's methods");
        assertEquals(List.of(), runtimeLambdas(first), "a fresh JVM's first store spun these lambdas");
        String miss = run("miss.log", "3", "4");
        assertTrue(miss.contains("dev.memogen.internal.store.FlightTable "), "the second run missed, took a flight");
        assertFalse(miss.contains(OBJECT_METHODS), "a fresh JVM's misses bootstrapped a record's methods");
        assertEquals(List.of(), runtimeLambdas(miss), "a fresh JVM's misses into a store spun these lambdas");
        String hit = run("hit.log", "1", "2", "3", "4");
        assertTrue(hit.contains("dev.memogen.internal.store.FileStore "), "the hit read the store");
        // What only a miss needs, not even its interfaces (a verifier loads the interface a class is
        // checked against): a rerun that only hits loads none of it.
        for (String missOnly : List.of("store.FlightTable ", "codec.ValueWriter ", "store.Eviction ", "store.Compaction ",
                "store.Compaction$Append ", "store.IndexRebuild$Upsert ", "store.FileStore$ObjectWriter ")) {
            assertFalse(hit.contains("dev.memogen.internal." + missOnly), "the rerun that only hit loaded " + missOnly);
        }
        assertFalse(hit.contains(OBJECT_METHODS), "a fresh JVM's hits bootstrapped a record's methods");
        assertEquals(List.of(), runtimeLambdas(hit), "a fresh JVM's hits spun these lambdas");
    }
}
