package dev.memogen.internal.fingerprint;

import java.io.IOException;
import java.net.URL;
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
        try {
            for (Input in : inputs) {
                if (in.url() != null && in.url().startsWith("jrt:")) {
                    continue; // the JDK's: the JDK's version is part of what the fingerprint is kept under
                }
                URL now = loader.getResource(in.className() + ".class");
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
