package dev.memogen.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What another writer of a store plants in it (links in place of its files and directories,
 * FIFOs), and the digest of a directory tree that tells whether anything there changed. Used by
 * {@link StoreLinksTest} in one JVM and by {@link SecondUserTest}'s attacker, another user's JVM.
 */
final class StoreTraps {
    private StoreTraps() {}

    /** Replaces {@code at} (a file, or a directory and all it holds) by a symbolic link to {@code target}. */
    static void replaceWithLink(Path at, Path target) throws IOException {
        if (Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> s = Files.walk(at)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        } else {
            Files.delete(at);
        }
        Files.createSymbolicLink(at, target);
    }

    /** Replaces {@code at}, if there is anything, by a FIFO. */
    static void fifo(Path at) throws Exception {
        Files.deleteIfExists(at);
        exec("mkfifo", at.toString());
    }

    /** The first regular file under {@code under}, in path order. */
    static Path anyFile(Path under) throws IOException {
        try (Stream<Path> s = Files.walk(under)) {
            return s.filter(Files::isRegularFile).sorted().findFirst().orElseThrow();
        }
    }

    /** Every file and directory under {@code root}, links not followed: its relative path and a digest of its bytes. */
    static Map<String, String> snapshot(Path root) throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                String what = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                        ? HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)))
                        : Files.isSymbolicLink(p) ? "link" : "directory";
                files.put(root.relativize(p).toString(), what);
            }
        }
        return files;
    }

    static byte[] noise(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Runs {@code command} to its end; fails the test when it does not exit with 0. */
    static void exec(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
    }
}
