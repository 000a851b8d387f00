package dev.memogen.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.internal.store.FileStore;
import dev.memogen.internal.store.StoreSettings;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ClassPathAnswers}: whether a class path holds a resource is told once and kept in the
 * store; the next JVM (here: a store opened again) uses the kept answer without opening a jar while
 * what the walk met is unchanged, and tells it again when a jar, a directory or a missing entry
 * changed. Answers that cannot be checked that way are not kept.
 */
class ClassPathAnswersTest {
    private static final String FINDER = "META-INF/services/java.lang.System$LoggerFinder";
    private static final FileTime A_MINUTE_AGO = FileTime.fromMillis(System.currentTimeMillis() - 60_000);

    @TempDir
    Path dir;

    private Path classes;
    private Path a;
    private Path b;
    private Path missing;
    private String classPath;

    /** A jar with a manifest ({@code classPath} its {@code Class-Path}, if not null) and, if {@code finder}, the service file; modified a minute ago. */
    private Path jar(String name, boolean finder, String classPath) throws IOException {
        Path p = dir.resolve(name);
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (classPath != null) {
            manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        }
        try (OutputStream file = Files.newOutputStream(p); ZipOutputStream out = new ZipOutputStream(file)) {
            out.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            manifest.write(out);
            out.putNextEntry(new ZipEntry("p/A.class"));
            out.write(new byte[] {(byte) 0xCA, (byte) 0xFE});
            if (finder) {
                out.putNextEntry(new ZipEntry(FINDER));
                out.write("p.Finder\n".getBytes(StandardCharsets.UTF_8));
            }
        }
        Files.setLastModifiedTime(p, A_MINUTE_AGO);
        return p;
    }

    @BeforeEach
    void classPath() throws IOException {
        QuietLogging.debugKnownOff(); // this JVM's own decision (its class path walked) made before any jar is counted
        classes = Files.createDirectories(dir.resolve("classes"));
        a = jar("a.jar", false, null);
        b = jar("b.jar", false, "c.jar");
        jar("c.jar", false, null);
        missing = dir.resolve("missing.jar");
        classPath = String.join(File.pathSeparator, classes.toString(), a.toString(), b.toString(), missing.toString());
    }

    /** The store at {@code dir/store}, opened as a new JVM opens it. */
    private StoredEntries store() throws IOException {
        Path root = dir.resolve("store");
        Problems problems = new Problems();
        FileStore store = new FileStore(root, "test", new StoreSettings(false, 64 << 10, "gds", 1L << 30,
                10_000_000_000L, 10_000_000L, null), problems);
        return new StoredEntries(store, root, problems);
    }

    /** Whether the class path holds the service file, as a new JVM tells it, and how many jars it opened to tell. */
    private int[] holds() throws IOException {
        int before = ZipNames.opened;
        boolean holds = QuietLogging.classPathHolds(classPath, FINDER, store());
        return new int[] {holds ? 1 : 0, ZipNames.opened - before};
    }

    @Test
    void anAnswerIsKeptAndUsedWithoutOpeningAJarWhileNothingChanged() throws IOException {
        int[] first = holds();
        assertEquals(0, first[0]);
        assertEquals(3, first[1], "a, b and the c.jar b's manifest names");
        int[] again = holds();
        assertEquals(0, again[0]);
        assertEquals(0, again[1], "the kept answer: no jar opened");
    }

    @Test
    void aJarThatChangedIsReadAgainAndTheNewAnswerKept() throws IOException {
        assertEquals(0, holds()[0]);
        jar("c.jar", true, null); // named by b's manifest only
        int[] changed = holds();
        assertEquals(1, changed[0]);
        assertEquals(3, changed[1]);
        int[] kept = holds();
        assertEquals(1, kept[0], "a provider in a jar is kept too");
        assertEquals(0, kept[1]);
        jar("c.jar", false, null);
        assertEquals(0, holds()[0], "and told again when the jar changes back");
    }

    @Test
    void aJarReplacedBySameSizedBytesIsSeenByItsModificationTimeOrItsFile() throws IOException {
        assertEquals(0, holds()[0]);
        Path other = jar("other.jar", false, null);
        Files.move(other, a, java.nio.file.StandardCopyOption.REPLACE_EXISTING); // the same bytes, another file
        int[] replaced = holds();
        assertEquals(0, replaced[0]);
        assertTrue(replaced[1] > 0, "a replaced jar is read again");
    }

    @Test
    void aDirectoryIsLookedIntoEachTime() throws IOException {
        assertEquals(0, holds()[0]);
        Files.createDirectories(classes.resolve(FINDER).getParent());
        Files.writeString(classes.resolve(FINDER), "p.Finder\n");
        int[] found = holds();
        assertEquals(1, found[0]);
        assertEquals(0, found[1], "the directory comes first: no jar opened");
        Files.delete(classes.resolve(FINDER));
        assertEquals(0, holds()[0], "an answer found in a directory was not kept");
    }

    @Test
    void aMissingEntryThatAppearsIsRead() throws IOException {
        assertEquals(0, holds()[0]);
        jar("missing.jar", true, null);
        assertEquals(1, holds()[0]);
        Files.delete(missing);
        Files.createDirectories(missing);
        assertEquals(0, holds()[0], "a directory where a jar was");
    }

    @Test
    void anAnswerThatReadARecentlyModifiedJarIsNotKept() throws IOException {
        Files.setLastModifiedTime(a, FileTime.fromMillis(System.currentTimeMillis()));
        assertEquals(0, holds()[0]);
        int[] again = holds();
        assertEquals(0, again[0]);
        assertEquals(3, again[1], "told again: a change within the timestamp's granularity could follow unseen");
    }

    @Test
    void anAnswerThatAskedAClassLoaderIsNotKept() throws IOException {
        // bytes after the end record: not read here, asked of a class loader over the jar
        Files.write(a, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        Files.setLastModifiedTime(a, A_MINUTE_AGO);
        int loaderAsked = QuietLogging.loaderAsked;
        assertEquals(0, holds()[0]);
        assertEquals(loaderAsked + 1, QuietLogging.loaderAsked);
        int[] again = holds();
        assertEquals(0, again[0]);
        assertEquals(3, again[1]);
        assertEquals(loaderAsked + 2, QuietLogging.loaderAsked);
    }

    @Test
    void anotherClassPathHasAnAnswerOfItsOwn() throws IOException {
        assertEquals(0, holds()[0]);
        Path finder = jar("finder.jar", true, null);
        classPath = classPath + File.pathSeparator + finder;
        assertEquals(1, holds()[0]);
        classPath = String.join(File.pathSeparator, a.toString(), b.toString());
        assertFalse(QuietLogging.classPathHolds(classPath, FINDER, store()));
    }
}
