package dev.memogen.internal;

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
 * Nor does a miss spin a lambda of {@code MemoFunction}'s (each a class made by the method-handle
 * machinery at its first call): the flight's hooks are classes.
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

    @Test
    void aFreshJvmsMissAndHitBootstrapNoRecordMethodsNorFlightLambdas() throws Exception {
        String miss = run("miss.log", "1", "2");
        assertTrue(miss.contains("dev.memogen.internal.store.FunctionNames "), "the miss stored the function's names");
        assertTrue(miss.contains("dev.memogen.internal.store.FlightTable "), "the miss took a flight");
        assertFalse(miss.contains(OBJECT_METHODS), "a fresh JVM's misses bootstrapped a record's methods");
        assertFalse(miss.contains("dev.memogen.internal.MemoFunction$$Lambda"), "a fresh JVM's miss spun a lambda of MemoFunction's");
        String hit = run("hit.log", "1", "2");
        assertTrue(hit.contains("dev.memogen.internal.store.FileStore "), "the hit read the store");
        assertFalse(hit.contains("dev.memogen.internal.store.FlightTable "), "the rerun only hit");
        assertFalse(hit.contains(OBJECT_METHODS), "a fresh JVM's hits bootstrapped a record's methods");
    }
}
