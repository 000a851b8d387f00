package dev.memogen.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * memogen logs through {@code System.Logger}; the README's "Seeing memogen's log" shows three
 * ways to read it, each run here as the README gives it: plain {@code java.util.logging} with a
 * properties file, SLF4J with Logback through {@code slf4j-jdk-platform-logging}, Log4j 2 through
 * {@code log4j-jpl}. A program of ten memoized functions runs twice on one store, in fresh JVMs:
 * the first logs a {@code store} line per function at DEBUG, the second a {@code load} line, each
 * in the back end's own format. The back ends' jars are copied to {@code target/logging} by the
 * build (on the test class path they would route every test's log).
 */
class LoggingBackendsTest {
    @TempDir Path dir;

    private static final Path TEST_RESOURCES = Path.of("target", "test-classes", "logging");
    private static final Path JARS = Path.of("target", "logging");

    @Test
    void javaUtilLoggingShowsMemogensDebugLines() throws Exception {
        assertLogs("JUL FINE ", List.of(), "-Djava.util.logging.config.file=" + TEST_RESOURCES.resolve("jul.properties").toAbsolutePath());
    }

    @Test
    void slf4jWithLogbackShowsMemogensDebugLines() throws Exception {
        assertLogs("LOGBACK DEBUG dev.memogen ", jars("slf4j-logback"),
                "-Dlogback.configurationFile=" + TEST_RESOURCES.resolve("logback.xml").toAbsolutePath());
    }

    @Test
    void log4j2ShowsMemogensDebugLines() throws Exception {
        assertLogs("LOG4J DEBUG dev.memogen ", jars("log4j"),
                "-Dlog4j2.configurationFile=" + TEST_RESOURCES.resolve("log4j2.xml").toAbsolutePath());
    }

    private static List<String> jars(String backend) throws IOException {
        try (Stream<Path> s = Files.list(JARS.resolve(backend))) {
            List<String> jars = s.filter(p -> p.toString().endsWith(".jar")).map(p -> p.toAbsolutePath().toString()).sorted().toList();
            assertTrue(jars.size() >= 3, "the build copies the back end's jars to " + JARS.resolve(backend) + ": " + jars);
            return jars;
        }
    }

    private void assertLogs(String prefix, List<String> jars, String config) throws Exception {
        Path store = dir.resolve("store");
        String first = run(store, jars, config);
        String second = run(store, jars, config);
        assertEquals(10, count(first, prefix + "memogen: store dev.memogen.samples.Counted#"), first);
        assertEquals(10, count(second, prefix + "memogen: load dev.memogen.samples.Counted#"), second);
        assertEquals(0, count(second, prefix + "memogen: store dev.memogen.samples.Counted#"), "the second run stores nothing: " + second);
    }

    private static long count(String log, String linePrefix) {
        return log.lines().filter(l -> l.startsWith(linePrefix)).count();
    }

    /** Runs Counted in a fresh JVM with {@code jars} before the class path; returns its stderr. */
    private String run(Path store, List<String> jars, String config) throws IOException, InterruptedException {
        List<String> classPath = new ArrayList<>(jars);
        classPath.add(System.getProperty("java.class.path"));
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dmemogen.dir=" + store, "-Dcounted.log=" + dir.resolve("runs.log"), config,
                "-cp", String.join(File.pathSeparator, classPath), "dev.memogen.samples.Counted");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM timed out");
        String log = Files.readString(err);
        assertEquals(0, p.exitValue(), log);
        return log;
    }
}
