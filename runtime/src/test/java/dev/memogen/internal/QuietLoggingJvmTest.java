package dev.memogen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.Memogen;
import dev.memogen.MemogenSettings;
import dev.memogen.StoredEntry;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store read does not start {@code java.util.logging} to ask whether DEBUG is on while the JDK's
 * defaults say it is off ({@code QuietLogging}), and every way of turning memogen's log on is
 * still obeyed from the read that follows: in code before the first read or between two, by a
 * configuration file, by a {@code System.LoggerFinder} on the class path. Each case in separate
 * JVMs ({@link LoggingWorker}): the first store read of a JVM is what is decided.
 */
class QuietLoggingJvmTest {
    private static final String LOAD = "memogen: load w.Worker#text(int) from the store";

    @TempDir
    Path dir;

    private Path stored() throws Exception {
        Path store = dir.resolve("store");
        Jvms.run(LoggingWorker.class, dir, "store", store.toString());
        return store;
    }

    private static int count(String out, String text) {
        Matcher m = Pattern.compile(Pattern.quote(text)).matcher(out);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void storeReadsWithTheJdksDefaultsDoNotStartJavaUtilLogging() throws Exception {
        Path store = stored();
        String out = Jvms.run(LoggingWorker.class, dir, "plain", store.toString());
        assertTrue(out.contains("logManagerStarted=false"), out);
        assertEquals(0, count(out, "memogen:"), out);
    }

    /**
     * The first JVM keeps whether its class path holds a {@code LoggerFinder} in the store; the
     * next reads that answer (a store read of its own, made while DEBUG is being decided) and
     * still starts no logging backend and logs nothing.
     */
    @Test
    void aKeptClassPathAnswerIsReadWithoutStartingJavaUtilLogging() throws Exception {
        Path store = stored();
        List<StoredEntry> kept = Memogen.storedEntries(MemogenSettings.at(store), "dev.memogen.ClassPathResource", null);
        assertEquals(1, kept.size(), "the store JVM kept its answer");
        String out = Jvms.run(LoggingWorker.class, dir, "plain", store.toString());
        assertTrue(out.contains("logManagerStarted=false"), out);
        assertEquals(0, count(out, "memogen:"), out);
        assertEquals(kept, Memogen.storedEntries(MemogenSettings.at(store), "dev.memogen.ClassPathResource", null),
                "the kept answer was used, not told and written again");
    }

    @Test
    void logTurnedOnInCodeBeforeTheFirstReadLogsEveryLoad() throws Exception {
        Path store = stored();
        String out = Jvms.run(LoggingWorker.class, dir, "before", store.toString());
        assertEquals(2, count(out, "LOG " + LOAD), out);
    }

    @Test
    void logTurnedOnInCodeAfterAReadLogsTheNextLoad() throws Exception {
        Path store = stored();
        String out = Jvms.run(LoggingWorker.class, dir, "between", store.toString());
        assertEquals(1, count(out, "LOG " + LOAD), out);
    }

    @Test
    void aLoggingConfigurationFileIsObeyedFromTheFirstRead() throws Exception {
        Path store = stored();
        Path config = dir.resolve("logging.properties");
        Files.writeString(config, "handlers=java.util.logging.ConsoleHandler\n"
                + "java.util.logging.ConsoleHandler.level=FINE\n"
                + "dev.memogen.level=FINE\n");
        ProcessBuilder worker = Jvms.worker(LoggingWorker.class, dir, "plain", store.toString());
        worker.command().add(1, "-Djava.util.logging.config.file=" + config);
        String out = Jvms.run(worker);
        assertEquals(2, count(out, LOAD), out);
    }

    @Test
    void aLoggerFinderOnTheClassPathIsAskedFromTheFirstRead() throws Exception {
        Path store = stored();
        Path services = dir.resolve("finder/META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve("java.lang.System$LoggerFinder"), PrintingLoggerFinder.class.getName() + "\n");
        String classPath = dir.resolve("finder") + File.pathSeparator + System.getProperty("java.class.path");
        String out = Jvms.run(Jvms.worker(LoggingWorker.class, classPath, dir, "plain", store.toString()));
        assertEquals(2, count(out, "FINDER " + LOAD), out);
    }

    /** A jar of the class path, behind every jar of the test's own class path: told from its central directory. */
    @Test
    void aLoggerFinderInAJarOnTheClassPathIsAskedFromTheFirstRead() throws Exception {
        Path store = stored();
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (JarOutputStream finder = new JarOutputStream(Files.newOutputStream(dir.resolve("finder.jar")), manifest)) {
            finder.putNextEntry(new JarEntry("META-INF/services/java.lang.System$LoggerFinder"));
            finder.write((PrintingLoggerFinder.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            finder.closeEntry();
        }
        String classPath = System.getProperty("java.class.path") + File.pathSeparator + dir.resolve("finder.jar");
        String out = Jvms.run(Jvms.worker(LoggingWorker.class, classPath, dir, "plain", store.toString()));
        assertEquals(2, count(out, "FINDER " + LOAD), out);
    }

    /** The class path as the JDK reads it: a jar named only by another jar's {@code Class-Path}, as {@code java -jar} programs have. */
    @Test
    void aLoggerFinderInAJarNamedByAnotherJarsManifestIsAskedFromTheFirstRead() throws Exception {
        Path store = stored();
        try (JarOutputStream finder = new JarOutputStream(Files.newOutputStream(dir.resolve("finder.jar")))) {
            finder.putNextEntry(new JarEntry("META-INF/services/java.lang.System$LoggerFinder"));
            finder.write((PrintingLoggerFinder.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            finder.closeEntry();
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, "finder.jar");
        try (JarOutputStream launcher = new JarOutputStream(Files.newOutputStream(dir.resolve("launcher.jar")), manifest)) {
            launcher.putNextEntry(new JarEntry("empty/"));
            launcher.closeEntry();
        }
        String classPath = dir.resolve("launcher.jar") + File.pathSeparator + System.getProperty("java.class.path");
        String out = Jvms.run(Jvms.worker(LoggingWorker.class, classPath, dir, "plain", store.toString()));
        assertEquals(2, count(out, "FINDER " + LOAD), out);
    }
}
