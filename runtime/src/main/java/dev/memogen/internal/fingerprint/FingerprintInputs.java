package dev.memogen.internal.fingerprint;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;

/**
 * What a code fingerprint was computed from ({@link Input}), and whether it still holds: apart
 * from {@link CodeFingerprint}, so that a rerun whose kept fingerprints hold loads neither the
 * class-file reader nor the bytecode walk.
 */
public final class FingerprintInputs {
    private FingerprintInputs() {}

    /**
     * The JDK's vendor and version, as {@code Runtime.version()} prints it (the property it is
     * parsed from: parsing it loads regular expressions and streams into a JVM that may need
     * neither).
     */
    private static final String JDK = "jdk " + System.getProperty("java.vendor") + " "
            + System.getProperty("java.runtime.version");

    /**
     * Coarser than the timestamps of any file system memogen runs on (FAT: 2 s): a file modified
     * this close to the moment it was read could change again without changing its {@code stat},
     * so what was read from it is not trusted by its {@code stat} alone (kept fingerprints, file
     * digests, kept class path answers).
     */
    public static final long RACY_MILLIS = 2_000;

    /** The JDK as fingerprints count it: its classes stand for themselves by this label. */
    public static String jdk() {
        return JDK;
    }

    /**
     * One class the fingerprint looked up, and what it found: the URL the class loader gave for
     * its class file ({@code null}: none), and for a class file in a directory or a jar, that
     * file and what {@code stat} said of it before it was read ({@code null} for the JDK's
     * classes, which the JDK's version stands for). While the class loader gives the same URLs
     * and the files' {@code stat}s are unchanged, fingerprinting again would read the same bytes
     * and give the same digest ({@link #unchanged}).
     */
    public record Input(String className, String url, String file, String stat) {}

    /**
     * Whether fingerprinting again would read what {@code inputs} record: {@code loader} gives
     * the same URL for every class, and every file has the same {@code stat}. One resource
     * lookup per class and one {@code stat} per file (a jar once), no file read.
     */
    public static boolean unchanged(ClassLoader loader, List<Input> inputs) {
        Map<String, String> stats = new java.util.HashMap<>();
        URLClassLoader classPath = classPathOf(loader);
        try {
            for (Input in : inputs) {
                if (in.url() != null && in.url().startsWith("jrt:")) {
                    continue; // the JDK's: the JDK's version is part of what the fingerprint is kept under
                }
                URL now = classFile(classPath, loader, in.className(), in.url());
                if (!java.util.Objects.equals(now == null ? null : now.toString(), in.url())) {
                    return false;
                }
                if (in.file() != null) {
                    String stat = stats.get(in.file());
                    if (stat == null) {
                        stat = stat(Path.of(in.file())).text();
                        stats.put(in.file(), stat);
                    }
                    if (!stat.equals(in.stat())) {
                        return false;
                    }
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * A loader of the class path alone when {@code loader} is the JDK's application class loader
     * (else null): its entries as that loader makes them (canonical files; an empty entry is the
     * working directory; each jar's {@code Class-Path} followed), and {@link URLClassLoader#findResource}
     * searches them and nothing else. The application class loader asks the JDK's modules first,
     * which for a package of none of them starts the JDK's image reader in Java: about 4 ms of a
     * fresh hit on JDK 25 (async-profiler). Not with {@code -Xbootclasspath/a} or a system class
     * loader of the program's own, where the class path is not all that can answer. One for the
     * JVM, never closed: the jars it opens are the application class loader's (the JDK shares an
     * open jar between them), not opened again after each search.
     */
    public static URLClassLoader classPathOf(ClassLoader loader) {
        return loader == ClassLoader.getSystemClassLoader() ? ClassPath.LOADER : null;
    }

    private static final class ClassPath {
        static final URLClassLoader LOADER = make();

        private static URLClassLoader make() {
            try {
                return newClassPathLoader();
            } catch (IOException | RuntimeException e) {
                return null; // the class loader is asked
            }
        }
    }

    /** A new loader of the class path as {@link #classPathOf} describes it, read now; null where none applies. */
    static URLClassLoader newClassPathLoader() throws IOException {
        ClassLoader loader = ClassLoader.getSystemClassLoader();
        if (System.getProperty("java.system.class.loader") != null || System.getProperty("jdk.boot.class.path.append") != null
                || !loader.getClass().getName().equals("jdk.internal.loader.ClassLoaders$AppClassLoader")) {
            return null;
        }
        String[] entries = System.getProperty("java.class.path", "").split(java.io.File.pathSeparator, -1);
        URL[] urls = new URL[entries.length];
        for (int i = 0; i < entries.length; i++) {
            urls[i] = new java.io.File(entries[i].isEmpty() ? "." : entries[i]).getCanonicalFile().toURI().toURL();
        }
        return new URLClassLoader(urls, null);
    }

    /**
     * The URL {@code loader} gives for the class file of {@code className} (internal name). Found
     * on {@code classPath} ({@link #classPathOf}, may be null) when it is there (at
     * {@code expected}, unless that is null) and no module of the boot layer holds its package:
     * then the application class loader, which asks those modules first, finds the same file.
     * Else (not there, elsewhere, a package of a module) asked of {@code loader}.
     */
    public static URL classFile(URLClassLoader classPath, ClassLoader loader, String className, String expected) {
        String name = className + ".class";
        if (classPath != null && !inBootLayer(className)) { // the JDK's classes: not looked for on the class path
            URL found = classPath.findResource(name);
            if (found != null && (expected == null || found.toString().equals(expected))) {
                return found;
            }
        }
        return loader.getResource(name);
    }

    /** Whether a module of the boot layer (the JDK's, or the program's on the module path) holds the package of {@code className}. */
    private static boolean inBootLayer(String className) {
        int slash = className.lastIndexOf('/');
        String pkg = slash < 0 ? "" : className.substring(0, slash).replace('/', '.');
        for (Module m : ModuleLayer.boot().modules()) {
            if (m.getPackages().contains(pkg)) {
                return true;
            }
        }
        return false;
    }

    /** What {@code stat} says of a file (device, inode, size, modification and change times), and its modification time. */
    record Stat(String text, long modifiedMillis) {}

    /** The text of {@code p}'s {@code stat} as inputs record it: device, inode, size, modification and change times. */
    public static String statText(Path p) throws IOException {
        return stat(p).text();
    }

    static Stat stat(Path p) throws IOException {
        try {
            Map<String, Object> a = Files.readAttributes(p, "unix:dev,ino,size,lastModifiedTime,ctime");
            java.nio.file.attribute.FileTime modified = (java.nio.file.attribute.FileTime) a.get("lastModifiedTime");
            return new Stat(a.get("dev") + ":" + a.get("ino") + ":" + a.get("size") + ":" + exact(modified) + ":"
                    + exact(a.get("ctime")), modified.toMillis());
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return new Stat(a.fileKey() + ":" + a.size() + ":" + exact(a.lastModifiedTime()) + ":"
                    + exact(a.creationTime()), a.lastModifiedTime().toMillis());
        }
    }

    private static String exact(Object time) {
        if (time instanceof java.nio.file.attribute.FileTime t) {
            java.time.Instant i = t.toInstant();
            return i.getEpochSecond() + "." + i.getNano();
        }
        return String.valueOf(time);
    }
}
