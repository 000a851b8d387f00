package dev.memogen.internal.fingerprint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FingerprintInputs#classFile} finds a class file on the class path alone only where the
 * application class loader would find the same file, and asks that loader otherwise.
 */
class FingerprintInputsTest {
    @TempDir
    Path dir;

    private static final ClassLoader APP = ClassLoader.getSystemClassLoader();

    @Test
    void aClassOfTheClassPathIsFoundWhereTheApplicationClassLoaderFindsIt() throws Exception {
        String name = FingerprintInputsTest.class.getName().replace('.', '/');
        URL expected = APP.getResource(name + ".class");
        assertNotNull(expected);
        URLClassLoader classPath = FingerprintInputs.classPathOf(APP);
        assertNotNull(classPath, "the tests run on the JDK's application class loader");
        assertEquals(expected, classPath.findResource(name + ".class"), "the same URL from the class path alone");
        assertEquals(expected, FingerprintInputs.classFile(classPath, APP, name, null));
        assertEquals(expected, FingerprintInputs.classFile(classPath, APP, name, expected.toString()));
    }

    @Test
    void aClassFileOfAJdkPackageOnTheClassPathIsAskedOfTheLoader() throws Exception {
        // A class file planted on the class path in a package of java.base: the application class
        // loader never finds it there (java.base answers for the package), so neither may classFile.
        Files.createDirectories(dir.resolve("java/lang"));
        Files.write(dir.resolve("java/lang/Planted.class"), new byte[] {(byte) 0xCA, (byte) 0xFE});
        FingerprintInputs.classPathOf(APP); // the JVM's own made first: it never sees the class path changed below
        String before = System.getProperty("java.class.path");
        System.setProperty("java.class.path", dir + java.io.File.pathSeparator + before);
        try (URLClassLoader classPath = FingerprintInputs.newClassPathLoader()) {
            assertNotNull(classPath.findResource("java/lang/Planted.class"), "on the class path alone");
            assertNull(APP.getResource("java/lang/Planted.class"), "not for the application class loader");
            assertNull(FingerprintInputs.classFile(classPath, APP, "java/lang/Planted", null));
            URL string = FingerprintInputs.classFile(classPath, APP, "java/lang/String", null);
            assertTrue(string.toString().startsWith("jrt:/java.base/"), string.toString());
        } finally {
            System.setProperty("java.class.path", before);
        }
    }

    @Test
    void anotherLoaderIsAskedAsItIs() throws Exception {
        assertSame(FingerprintInputs.classPathOf(APP), FingerprintInputs.classPathOf(APP), "one for the JVM");
        try (URLClassLoader other = new URLClassLoader(new URL[] {dir.toUri().toURL()}, APP)) {
            assertNull(FingerprintInputs.classPathOf(other), "only the application class loader has a class path to search alone");
        }
    }
}
