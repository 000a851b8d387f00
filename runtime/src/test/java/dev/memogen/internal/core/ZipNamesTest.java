package dev.memogen.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ZipNames}: what a jar's central directory tells, a jar whose manifest names others
 * answered "unknown" with the names to follow, and every jar it cannot read answered "unknown"
 * without them (then the class loader is asked), never "no"; and
 * {@link QuietLogging#entriesHold} over a class path of directories and jars.
 */
class ZipNamesTest {
    private static final String FINDER = "META-INF/services/java.lang.System$LoggerFinder";

    @TempDir
    Path dir;

    private static final String MANIFEST = "Manifest-Version: 1.0\r\nCreated-By: test\r\n\r\n";

    /** A zip of {@code entries} (name to text), deflated unless {@code stored}, with {@code comment} if not null. */
    private Path zip(String name, Map<String, String> entries, boolean stored, String comment) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            if (comment != null) {
                out.setComment(comment);
            }
            for (Map.Entry<String, String> e : entries.entrySet()) {
                byte[] data = e.getValue().getBytes(StandardCharsets.ISO_8859_1);
                ZipEntry entry = new ZipEntry(e.getKey());
                if (stored) {
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(data.length);
                    CRC32 crc = new CRC32();
                    crc.update(data);
                    entry.setCrc(crc.getValue());
                }
                out.putNextEntry(entry);
                out.write(data);
                out.closeEntry();
            }
        }
        Path p = dir.resolve(name);
        Files.write(p, bytes.toByteArray());
        return p;
    }

    private Path jar(String name, String manifest, String... more) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        if (manifest != null) {
            entries.put("META-INF/MANIFEST.MF", manifest);
        }
        for (String m : more) {
            entries.put(m, "x\n");
        }
        entries.put("a/B.class", "not really a class");
        return zip(name, entries, false, null);
    }

    private static int holds(Path zip) {
        return ZipNames.holds(zip, FINDER);
    }

    @Test
    void aJarWithTheEntryHoldsIt() throws IOException {
        assertEquals(ZipNames.YES, holds(jar("finder.jar", MANIFEST, FINDER)));
        assertEquals(ZipNames.YES, holds(jar("dir-entry.jar", MANIFEST, FINDER + "/")), "a directory entry of the name");
        assertEquals(ZipNames.YES, holds(zip("stored.jar", Map.of(FINDER, "p.F\n"), true, "a comment")));
    }

    @Test
    void aJarWithoutItHoldsNothing() throws IOException {
        assertEquals(ZipNames.NO, holds(jar("plain.jar", MANIFEST)));
        assertEquals(ZipNames.NO, holds(jar("no-manifest.jar", null)));
        assertEquals(ZipNames.NO, holds(jar("longer-names.jar", MANIFEST, "x/" + FINDER, FINDER + ".old", FINDER + "/x")),
                "names that only hold the name");
        assertEquals(ZipNames.NO, holds(zip("stored-manifest.jar", Map.of("META-INF/MANIFEST.MF", MANIFEST), true, "c")));
        assertEquals(ZipNames.NO, holds(jar("lf.jar", "Manifest-Version: 1.0\nName-Only: x\n")), "a manifest of LF lines, no empty line");
        assertEquals(ZipNames.NO, holds(jar("per-entry.jar", MANIFEST.replace("\r\n\r\n", "\r\n\r\nName: a/B.class\r\nClass-Path: x.jar\r\n\r\n"))),
                "a Class-Path of an entry's section, which the class loader does not follow");
    }

    @Test
    void aManifestThatNamesOtherJarsLeavesTheJarAloneUnknown() throws IOException {
        assertEquals(ZipNames.UNKNOWN, holds(jar("cp.jar", "Manifest-Version: 1.0\r\nClass-Path: lib/a.jar\r\n\r\n")));
        assertEquals(ZipNames.UNKNOWN, holds(jar("cp-lower.jar", "Manifest-Version: 1.0\nclass-path: a.jar\n\n")), "names are case-insensitive");
        assertEquals(ZipNames.UNKNOWN, holds(jar("cp-last.jar", "Manifest-Version: 1.0\nCLASS-PATH: a.jar")), "a last line without its end");
        assertEquals(ZipNames.UNKNOWN, holds(jar("cr.jar", "Manifest-Version: 1.0\rClass-Path: a.jar\r\r")), "lines ended by a lone CR");
        StringBuilder osgi = new StringBuilder("Manifest-Version: 1.0\r\nExport-Package: ");
        Random random = new Random(7);
        while (osgi.length() < 600_000) {
            osgi.append("org.example.p").append(random.nextInt(1_000_000)).append(";version=\"1.0\",\r\n ");
        }
        osgi.append("x\r\n");
        String big = osgi.toString();
        assertEquals(ZipNames.NO, holds(jar("osgi.jar", big + "\r\n")), "a main section of 600 KB, read whole");
        assertEquals(ZipNames.UNKNOWN, holds(jar("osgi-cp.jar", big + "Class-Path: a.jar\r\n\r\n")), "and its Class-Path found after it");
        assertEquals(ZipNames.UNKNOWN, holds(jar("other-case.jar", null, "meta-inf/manifest.mf")),
                "a manifest named in another case, which the JDK reads too");
    }

    @Test
    void whatItCannotReadIsUnknownNeverNo() throws IOException {
        Path good = jar("good.jar", MANIFEST);
        byte[] bytes = Files.readAllBytes(good);
        Path empty = dir.resolve("empty.jar");
        Files.write(empty, new byte[0]);
        assertEquals(ZipNames.UNKNOWN, holds(empty));
        Path noise = dir.resolve("noise.jar");
        byte[] random = new byte[70_000];
        new Random(1).nextBytes(random);
        Files.write(noise, random);
        assertEquals(ZipNames.UNKNOWN, holds(noise));
        for (int cut : new int[] {1, 10, 22, bytes.length / 2, bytes.length - 1}) {
            Path cutShort = dir.resolve("cut" + cut + ".jar");
            Files.write(cutShort, Arrays.copyOf(bytes, bytes.length - cut));
            assertEquals(ZipNames.UNKNOWN, holds(cutShort), "cut by " + cut);
        }
        Path trailing = dir.resolve("trailing.jar");
        Files.write(trailing, concat(bytes, "trailing bytes".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(ZipNames.UNKNOWN, holds(trailing));
        assertEquals(ZipNames.UNKNOWN, holds(dir.resolve("missing.jar")));
        // the end record's directory offset pointing past the directory: no header where it says
        byte[] wrong = bytes.clone();
        int end = wrong.length - 22;
        wrong[end + 16] += 3;
        Path shifted = dir.resolve("shifted.jar");
        Files.write(shifted, wrong);
        assertEquals(ZipNames.UNKNOWN, holds(shifted));
        // each byte damaged in turn: an answer every time (no exception, no hang), and a NO only
        // where the damage left the manifest readable (its text or the class file's bytes)
        int no = 0;
        for (int i = 0; i < bytes.length; i++) {
            byte[] damaged = bytes.clone();
            damaged[i] ^= (byte) 0x5A;
            Path p = dir.resolve("damaged.jar");
            Files.write(p, damaged);
            int found = holds(p);
            assertTrue(found == ZipNames.NO || found == ZipNames.UNKNOWN, "byte " + i);
            no += found == ZipNames.NO ? 1 : 0;
        }
        assertTrue(no > 0 && no < bytes.length, no + " of " + bytes.length);
        // ZIP64 markers in the end record
        byte[] zip64 = bytes.clone();
        zip64[end + 12] = zip64[end + 13] = zip64[end + 14] = zip64[end + 15] = (byte) 0xFF;
        Path big = dir.resolve("zip64.jar");
        Files.write(big, zip64);
        assertEquals(ZipNames.UNKNOWN, holds(big));
    }

    @Test
    void bytesBeforeTheZipAreAllowedAsTheJdkAllowsThem() throws IOException {
        byte[] finder = Files.readAllBytes(jar("f.jar", MANIFEST, FINDER));
        byte[] plain = Files.readAllBytes(jar("p.jar", "Manifest-Version: 1.0\r\nClass-Path: a.jar\r\n\r\n"));
        byte[] script = "#!/bin/sh\nexec java -jar \"$0\" \"$@\"\n".getBytes(StandardCharsets.US_ASCII);
        Path a = dir.resolve("launcher-finder.jar");
        Files.write(a, concat(script, finder));
        Path b = dir.resolve("launcher-cp.jar");
        Files.write(b, concat(script, plain));
        assertEquals(ZipNames.YES, holds(a));
        assertEquals(ZipNames.UNKNOWN, holds(b), "its manifest found at its shifted offset");
    }

    @Test
    void aClassPathHoldsWhatOneOfItsEntriesHolds() throws IOException {
        Path plain = jar("plain.jar", MANIFEST);
        Path finder = jar("finder.jar", MANIFEST, FINDER);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        String sep = File.pathSeparator;
        assertFalse(QuietLogging.entriesHold(classes + sep + plain + sep + dir.resolve("missing.jar") + sep, FINDER, null));
        assertTrue(QuietLogging.entriesHold(classes + sep + plain + sep + finder, FINDER, null));
        Files.createDirectories(classes.resolve("META-INF/services"));
        Files.writeString(classes.resolve(FINDER), "p.F\n");
        assertTrue(QuietLogging.entriesHold(plain + sep + classes, FINDER, null), "a directory's file");
        // a jar named only by another jar's manifest: asked of a class loader over that jar
        Files.move(finder, Files.createDirectories(dir.resolve("lib")).resolve("finder.jar"));
        Path launcher = jar("launcher.jar", "Manifest-Version: 1.0\r\nClass-Path: lib/finder.jar\r\n\r\n");
        Path launcherOfNothing = jar("launcher2.jar", "Manifest-Version: 1.0\r\nClass-Path: lib/none.jar\r\n\r\n");
        assertTrue(QuietLogging.entriesHold(plain + sep + launcher, FINDER, null));
        assertFalse(QuietLogging.entriesHold(plain + sep + launcherOfNothing, FINDER, null));
    }

    @Test
    void aClassPathAttributeIsReadAsTheJdkReadsIt() {
        assertEquals("a.jar b.jar", value("Manifest-Version: 1.0\r\nClass-Path: a.jar b.j\r\n ar\r\n\r\n"), "continuation lines");
        assertEquals("lib/caf\u00e9.jar", value("Manifest-Version: 1.0\nclass-path: lib/caf\u00c3\u00a9.jar\n\n"), "UTF-8");
        assertEquals("second.jar", value("Class-Path: first.jar\nX: y\nCLASS-PATH: second.jar\n\n"), "the last one");
        assertEquals("a.jar", value("Manifest-Version: 1.0\nClass-Path: a.jar\n\nName: x\nClass-Path: b.jar\n"), "the main section's");
        assertEquals(null, value("Class-Path:a.jar\n\n"), "no space after the colon: the JDK's reading fails");
        assertEquals(null, value("Class-Path: a.jar\rX: y\n\n"), "a lone CR");
        assertEquals(null, value(" x\nClass-Path: a.jar\n\n"), "a continuation of no attribute");
        byte[] cut = "Class-Path: a.jar\r\n b.jar\r\n".getBytes(StandardCharsets.ISO_8859_1);
        ZipNames zips = new ZipNames();
        assertEquals(ZipNames.UNKNOWN, zips.mainSection(cut, cut.length, false), "more continuation lines may follow");
        assertEquals(null, zips.classPath());
        assertEquals(ZipNames.YES, zips.mainSection(cut, cut.length, true));
        assertEquals("a.jarb.jar", zips.classPath(), "the whole manifest");
    }

    /** The Class-Path that a whole manifest's main section gives, or null. */
    private static String value(String manifest) {
        byte[] bytes = manifest.getBytes(StandardCharsets.ISO_8859_1);
        ZipNames zips = new ZipNames();
        int found = zips.mainSection(bytes, bytes.length, true);
        assertEquals(zips.classPath() == null && !manifest.toLowerCase(java.util.Locale.ROOT).contains("class-path")
                ? ZipNames.NO : ZipNames.YES, found, manifest);
        return zips.classPath();
    }

    @Test
    void findKeepsTheClassPathThatMadeItUnknown() throws IOException {
        ZipNames zips = new ZipNames();
        assertEquals(ZipNames.UNKNOWN, zips.find(jar("cp.jar", "Manifest-Version: 1.0\r\nClass-Path: lib/a.jar\r\n  lib/b.jar\r\n\r\n"), FINDER));
        assertEquals("lib/a.jar lib/b.jar", zips.classPath());
        assertEquals(ZipNames.NO, zips.find(jar("plain.jar", MANIFEST), FINDER));
        assertEquals(null, zips.classPath());
        assertEquals(ZipNames.UNKNOWN, zips.find(jar("bad.jar", "Class-Path:x.jar\r\n\r\n"), FINDER));
        assertEquals(null, zips.classPath(), "not read as the JDK reads it: left to the class loader");
        Path stored = zip("stored-cp.jar", Map.of("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nClass-Path: s.jar\n\n"), true, null);
        assertEquals(ZipNames.UNKNOWN, zips.find(stored, FINDER));
        assertEquals("s.jar", zips.classPath());
    }

    @Test
    void classPathTokensResolveAgainstTheJar() throws IOException {
        Path jar = Files.createDirectories(dir.resolve("app")).resolve("app.jar");
        Path other = dir.resolve("elsewhere/x.jar").toAbsolutePath();
        assertEquals(java.util.List.of(dir.resolve("app/lib/a.jar").toAbsolutePath(), dir.resolve("b.jar").toAbsolutePath(),
                dir.resolve("app/my lib.jar").toAbsolutePath(), other, dir.resolve("app/classes/").toAbsolutePath()),
                QuietLogging.named(jar, "lib/a.jar ../b.jar my%20lib.jar " + other.toUri() + " http://example.com/c.jar classes/"));
    }

    @Test
    void jarsNamedByManifestsAreFollowedEachOnce() throws IOException {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Path plain = jar("plain.jar", MANIFEST);
        jar("lib/finder.jar", MANIFEST, FINDER);
        jar("lib/b.jar", "Manifest-Version: 1.0\r\nClass-Path: finder.jar\r\n\r\n");
        Path chain = jar("chain.jar", "Manifest-Version: 1.0\r\nClass-Path: lib/b.jar\r\n\r\n");
        String sep = File.pathSeparator;
        int asked = QuietLogging.loaderAsked;
        assertTrue(QuietLogging.entriesHold(plain + sep + chain, FINDER, null), "a jar named by a jar named by the class path");
        jar("lib/c.jar", "Manifest-Version: 1.0\r\nClass-Path: ../cycle.jar\r\n\r\n");
        Path cycle = jar("cycle.jar", "Manifest-Version: 1.0\r\nClass-Path: lib/c.jar http://example.com/x.jar\r\n\r\n");
        assertFalse(QuietLogging.entriesHold(plain + sep + cycle, FINDER, null), "a cycle ends; a URL that is not a file is ignored");
        Files.createDirectories(lib.resolve("services-dir/META-INF/services"));
        Files.writeString(lib.resolve("services-dir/" + FINDER), "p.F\n");
        Path toDir = jar("to-dir.jar", "Manifest-Version: 1.0\r\nClass-Path: lib/services-dir/\r\n\r\n");
        assertTrue(QuietLogging.entriesHold(plain + sep + toDir, FINDER, null), "a directory named by a manifest");
        assertEquals(asked, QuietLogging.loaderAsked, "all told without a class loader");
        Path bad = jar("bad.jar", "Manifest-Version: 1.0\r\nClass-Path:lib/finder.jar\r\n\r\n");
        assertFalse(QuietLogging.entriesHold(plain + sep + bad, FINDER, null), "a manifest the JDK cannot read names nothing");
        assertEquals(asked + 1, QuietLogging.loaderAsked, "asked of a class loader");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
