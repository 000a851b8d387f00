package dev.memogen.internal.store;

import static dev.memogen.internal.store.StoreTraps.anyFile;
import static dev.memogen.internal.store.StoreTraps.exec;
import static dev.memogen.internal.store.StoreTraps.fifo;
import static dev.memogen.internal.store.StoreTraps.noise;
import static dev.memogen.internal.store.StoreTraps.replaceWithLink;
import static dev.memogen.internal.store.StoreTraps.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.memogen.internal.Jvms;
import dev.memogen.internal.StoreWorker;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's claims about Unix users ({@code docs/store-format.md}, "Threat model: links, FIFOs
 * and permissions"), with JVMs of two unprivileged users this test creates: {@value #VICTIM}, who
 * uses a store that {@value #ATTACKER} prepared, and both sharing a store through a setgid
 * directory of the group {@value #GROUP}. Needs root and {@code useradd}, {@code setpriv}
 * (util-linux); skipped otherwise. {@link StoreLinksTest} makes the same claims within one user.
 */
class SecondUserTest {
    static final String VICTIM = "memogen-a";
    static final String ATTACKER = "memogen-b";
    static final String GROUP = "memogen-share";
    /** The comment of the users this test creates: one with this comment left by a killed run is this test's. */
    private static final String MARK = "memogen SecondUserTest";
    private static final int KEYS = 40;
    /** Far longer than a run needs (seconds): only a run blocked on a FIFO or a lock gets there. */
    private static final long NO_HANG_SECONDS = 120;
    private static final Pattern COUNTS = Pattern.compile("wrong=(\\d+)(?: runs=(\\d+) again=(\\d+))?");

    @TempDir static Path base;
    private static FileChannel lockFile;
    private static final List<String> createdUsers = new ArrayList<>();
    private static boolean removeGroup;
    private static String classPath;

    /** Why the users cannot be had, or null: each test is skipped with this reason. */
    private static String unavailable;

    @BeforeAll
    static void users() throws Exception {
        unavailable = makeUsers();
    }

    @BeforeEach
    void needsUsers() {
        assumeTrue(unavailable == null, unavailable);
    }

    /** Makes the users, the group and a class path they can read; null, or why not. */
    private static String makeUsers() throws Exception {
        if ((Integer) Files.getAttribute(base, "unix:uid") != 0) {
            return "SecondUserTest creates Unix users: it runs as root only";
        }
        for (String tool : List.of("useradd", "usermod", "userdel", "groupadd", "groupdel", "getent", "setpriv")) {
            if (tool(tool) == null) {
                return "SecondUserTest needs " + tool + ", not found";
            }
        }
        // One run at a time on this machine: another would remove the users while this one uses them.
        lockFile = FileChannel.open(Path.of(System.getProperty("java.io.tmpdir"), "memogen-second-user-test.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        lockFile.lock();
        List<String> group = getent("group", GROUP);
        Set<String> members = group == null || group.get(3).isEmpty() ? Set.of() : Set.of(group.get(3).split(","));
        if (!Set.of(VICTIM, ATTACKER).containsAll(members)) {
            return "group " + GROUP + " exists with other members: it is not this test's";
        }
        String failed = group == null ? admin("groupadd", "--system", GROUP) : null;
        if (failed != null) {
            return failed;
        }
        removeGroup = true; // made now, or left by a killed run of this test
        for (String user : List.of(VICTIM, ATTACKER)) {
            List<String> entry = getent("passwd", user);
            if (entry != null && !entry.get(4).equals(MARK)) {
                return "user " + user + " exists and is not this test's";
            }
            failed = entry == null
                    ? admin("useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
                            "--shell", "/usr/sbin/nologin", "--comment", MARK, "--groups", GROUP, user)
                    : admin("usermod", "--append", "--groups", GROUP, user);
            if (failed != null) {
                return failed;
            }
            createdUsers.add(user);
        }
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        classPath = readableClassPath(Files.createDirectory(base.resolve("classpath")));
        Process probe = asUser(VICTIM, "022", Jvms.worker(StoreWorker.class, classPath, base, "none", "."))
                .redirectErrorStream(true).start();
        String out = new String(probe.getInputStream().readAllBytes(), Charset.defaultCharset());
        probe.waitFor();
        return out.contains("IllegalArgumentException: none") ? null
                : "java (" + System.getProperty("java.home") + ") cannot be run by another user: " + out;
    }

    @AfterAll
    static void removeUsers() throws Exception {
        List<String> failures = new ArrayList<>();
        try {
            for (String user : createdUsers) {
                failures.add(admin("userdel", user));
            }
            if (removeGroup && getent("group", GROUP) != null) {
                failures.add(admin("groupdel", GROUP));
            }
        } finally {
            if (lockFile != null) {
                lockFile.close();
            }
        }
        failures.removeIf(java.util.Objects::isNull);
        assertEquals(List.of(), failures, "the users and group this test made are removed");
    }

    @Test
    void aWorldWritableStorePreparedByAnotherUserChangesNothingOfTheVictims() throws Exception {
        attack("0777", true);
    }

    @Test
    void aStickyWorldWritableStorePreparedByAnotherUserChangesNothingOfTheVictims() throws Exception {
        // The victim cannot remove the attacker's links there (sticky bit): the store is used read-only.
        attack("1777", false);
    }

    /**
     * {@value #ATTACKER} makes a store, replaces its files by links to {@value #VICTIM}'s files
     * and directories, and FIFOs, and makes every directory {@code mode}; {@value #VICTIM} stores
     * and reads entries there, sweeps orphans, evicts; {@code victimWrites}: the victim can
     * remove the links and write (the test would prove little otherwise).
     */
    private static void attack(String mode, boolean victimWrites) throws Exception {
        Path home = Files.createDirectory(base.resolve("home-" + mode)); // the victim's
        Files.write(home.resolve("thesis.txt"), noise(100_000, 1));
        Files.write(home.resolve("data.bin"), noise(1 << 20, 2));
        Files.write(home.resolve("pack.bin"), noise(300_000, 3));
        Path shard = Files.createDirectories(home.resolve("projects/ab"));
        for (int i = 0; i < 3; i++) { // named like objects no index knows, and a dead writer's temporary file
            Files.write(shard.resolve("ab0123456789abcdef0123456789abc" + i), noise(100, i));
        }
        Files.write(shard.resolve("ab0123456789abcdef0123456789abc0.tmp-1-x"), noise(100, 4));
        exec("chown", "-R", VICTIM + ":" + VICTIM, home.toString());
        exec("chmod", "700", home.toString());
        Path area = Files.createDirectory(base.resolve("attacker-" + mode));
        exec("chown", ATTACKER + ":" + ATTACKER, area.toString());
        Path store = area.resolve("store");

        quietCounts(ATTACKER, "022", area, "mixed", store.toString(), "0", String.valueOf(KEYS));
        worker(ATTACKER, "022", area, SecondUserTest.class, store.toString(), home.toString(), mode);
        Map<String, String> before = snapshot(home);

        // Orphans swept and entries evicted with every trap in place, then stores and reads, then
        // sweeps again. What it finds is damage: warnings are expected.
        for (String[] args : List.of(new String[] {"sweep", store.toString(), String.valueOf(KEYS)},
                new String[] {"mixed", store.toString(), "0", String.valueOf(2 * KEYS)},
                new String[] {"sweep", store.toString(), String.valueOf(2 * KEYS)})) {
            assertEquals(0, counts(worker(VICTIM, "000", home, StoreWorker.class, args))[0], "wrong values");
        }

        assertEquals(List.of(), changes(before, snapshot(home)), "nothing of the victim's was written, created or deleted");
        int victim = uid(VICTIM);
        int created = 0;
        try (Stream<Path> s = Files.walk(store)) {
            for (Path p : s.toList()) {
                if ((Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS) == victim) {
                    created++;
                    assertOnlyItsOwnerWrites(p);
                }
            }
        }
        assertTrue(created > 0 || !victimWrites, "the victim stored entries in the store");
    }

    @Test
    void aSetgidDirectoryOfTheirGroupIsAStoreBothUsersWriteAndRead() throws Exception {
        Path shared = groupDirectory("shared", "2770");
        String store = shared.toString();
        String keys = String.valueOf(KEYS);
        String twice = String.valueOf(2 * KEYS);

        assertCounts(new int[] {0, 2 * KEYS, 0}, quietCounts(VICTIM, "022", base, "mixed", store, "0", keys));
        assertCounts(new int[] {0, 0, 0}, quietCounts(ATTACKER, "022", base, "mixed", store, "0", keys)); // hits
        assertCounts(new int[] {0, 2 * KEYS, 0}, quietCounts(ATTACKER, "022", base, "mixed", store, keys, twice));
        assertCounts(new int[] {0, 0, 0}, quietCounts(VICTIM, "022", base, "mixed", store, "0", twice));

        int gid = gid(GROUP);
        Set<Integer> owners = new HashSet<>();
        try (Stream<Path> s = Files.walk(shared)) {
            for (Path p : s.toList()) {
                owners.add((Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS));
                String name = shared.relativize(p).toString();
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                assertEquals(gid, Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS), name);
                assertFalse(perms.contains(PosixFilePermission.OTHERS_WRITE), name + " " + perms);
                boolean inPlace = name.startsWith("packs/") || List.of("index", "flights", "index.lock").contains(name);
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) || inPlace) {
                    assertTrue(perms.contains(PosixFilePermission.GROUP_WRITE), name + " " + perms);
                }
            }
        }
        assertTrue(owners.containsAll(Set.of(uid(VICTIM), uid(ATTACKER))), "both users created files: " + owners);
    }

    @Test
    void aGroupDirectoryWithoutSetgidGetsFilesTheGroupCannotWrite() throws Exception {
        Path plain = groupDirectory("plain", "0770");
        String store = plain.toString();
        String keys = String.valueOf(KEYS);

        assertCounts(new int[] {0, 2 * KEYS, 0}, quietCounts(VICTIM, "000", base, "mixed", store, "0", keys));
        try (Stream<Path> s = Files.walk(plain)) {
            for (Path p : s.filter(p -> !p.equals(plain)).toList()) {
                assertOnlyItsOwnerWrites(p);
            }
        }
        // The other member reads them, cannot write them: the right values all the same.
        assertEquals(0, counts(worker(ATTACKER, "022", base, StoreWorker.class, "mixed", store, "0", keys))[0],
                "wrong values");
    }

    /** The attacker's JVM: {@code <store> <victim's directory> <mode of every directory>}. */
    public static void main(String[] args) throws Exception {
        Path store = Path.of(args[0]);
        Path victim = Path.of(args[1]);
        replaceWithLink(store.resolve("index"), victim.resolve("thesis.txt"));
        replaceWithLink(store.resolve("flights"), victim.resolve("data.bin"));
        replaceWithLink(store.resolve("index.lock"), victim.resolve("index.lock")); // a file that does not exist
        Path pack = anyFile(store.resolve("packs"));
        long number = Long.parseLong(pack.getFileName().toString(), 16);
        replaceWithLink(pack, victim.resolve("pack.bin"));
        fifo(pack.resolveSibling(String.format("%016x", number + 1))); // the next pack
        List<Path> functions;
        try (Stream<Path> s = Files.list(store.resolve("objects"))) {
            functions = s.sorted().toList();
        }
        replaceWithLink(functions.get(0), victim.resolve("projects"));
        fifo(anyFile(functions.get(1)));
        try (Stream<Path> s = Files.walk(store)) { // links not followed
            for (Path p : s.toList()) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    exec("chmod", args[2], p.toString());
                } else if (!Files.isSymbolicLink(p)) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-rw-rw-"));
                }
            }
        }
    }

    /** A directory of root and {@value #GROUP} with {@code mode}. */
    private static Path groupDirectory(String name, String mode) throws Exception {
        Path dir = Files.createDirectory(base.resolve(name));
        exec("chgrp", GROUP, dir.toString());
        exec("chmod", mode, dir.toString());
        return dir;
    }

    private static void assertOnlyItsOwnerWrites(Path p) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        assertFalse(perms.contains(PosixFilePermission.GROUP_WRITE), p + " " + perms);
        assertFalse(perms.contains(PosixFilePermission.OTHERS_WRITE), p + " " + perms);
    }

    /** What differs between two {@link StoreTraps#snapshot}s: "created", "deleted" or "changed", and the path. */
    private static List<String> changes(Map<String, String> before, Map<String, String> after) {
        Set<String> paths = new java.util.TreeSet<>(before.keySet());
        paths.addAll(after.keySet());
        List<String> changes = new ArrayList<>();
        for (String path : paths) {
            if (!before.containsKey(path)) {
                changes.add("created " + path);
            } else if (!after.containsKey(path)) {
                changes.add("deleted " + path);
            } else if (!before.get(path).equals(after.get(path))) {
                changes.add("changed " + path);
            }
        }
        return changes;
    }

    private static void assertCounts(int[] expected, int[] counts) {
        assertEquals(List.of(expected[0], expected[1], expected[2]), List.of(counts[0], counts[1], counts[2]),
                "wrong values, computations, computations in a fresh runtime");
    }

    /** Runs {@link StoreWorker} as {@code user}; its counts, after checking that it printed no warning. */
    private static int[] quietCounts(String user, String umask, Path workDir, String... args) throws Exception {
        String out = worker(user, umask, workDir, StoreWorker.class, args);
        assertFalse(out.toLowerCase(java.util.Locale.ROOT).contains("warning"), "no warnings: " + out);
        return counts(out);
    }

    /** What a {@link StoreWorker} printed: wrong values, runs and again (the last two 0 when not printed). */
    private static int[] counts(String out) {
        Matcher m = COUNTS.matcher(out);
        assertTrue(m.find(), out);
        int[] counts = new int[3];
        for (int i = 0; i < 3; i++) {
            counts[i] = m.group(i + 1) == null ? 0 : Integer.parseInt(m.group(i + 1));
        }
        return counts;
    }

    /** Runs {@code main} as {@code user} with {@code umask} in a separate JVM; its output. */
    private static String worker(String user, String umask, Path workDir, Class<?> main, String... args) throws Exception {
        Process p = asUser(user, umask, Jvms.worker(main, classPath, workDir, args)).redirectErrorStream(true).start();
        byte[][] out = new byte[1][];
        Thread reader = new Thread(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = e.toString().getBytes(Charset.defaultCharset());
            }
        });
        reader.start();
        if (!p.waitFor(NO_HANG_SECONDS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
            reader.join();
            fail(user + "'s JVM " + String.join(" ", args) + " did not finish (hung):\n"
                    + new String(out[0], Charset.defaultCharset()));
        }
        reader.join();
        String text = new String(out[0], Charset.defaultCharset());
        assertEquals(0, p.exitValue(), user + "'s JVM " + String.join(" ", args) + ":\n" + text);
        return text;
    }

    private static ProcessBuilder asUser(String user, String umask, ProcessBuilder worker) {
        ProcessBuilder pb = Jvms.withUmask(umask, worker);
        List<String> command = new ArrayList<>(List.of(tool("setpriv"), "--reuid", user, "--regid", user, "--init-groups"));
        command.addAll(pb.command());
        return pb.command(command);
    }

    /**
     * A copy of the test class path (classes, test classes, jars) in {@code dir}, which every user
     * can read: the build's own directories and the Maven repository may not be.
     */
    private static String readableClassPath(Path dir) throws IOException {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path from = Path.of(entry);
            if (!Files.exists(from)) {
                continue;
            }
            Path to = dir.resolve(entries.size() + "-" + from.getFileName());
            try (Stream<Path> s = Files.walk(from)) {
                for (Path p : s.toList()) {
                    Path copy = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(copy);
                        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
                    } else {
                        Files.copy(p, copy);
                        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                    }
                }
            }
            entries.add(to.toString());
        }
        return String.join(File.pathSeparator, entries);
    }

    private static int uid(String user) throws Exception {
        return Integer.parseInt(getent("passwd", user).get(2));
    }

    private static int gid(String group) throws Exception {
        return Integer.parseInt(getent("group", group).get(2));
    }

    /** The fields of {@code name}'s entry in {@code database} ({@code passwd}, {@code group}), or null if none. */
    private static List<String> getent(String database, String name) throws Exception {
        Process p = new ProcessBuilder(tool("getent"), database, name).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), Charset.defaultCharset()).strip();
        return p.waitFor() == 0 ? List.of(out.split(":", -1)) : null;
    }

    /** Runs an administration command; null, or what failed. */
    private static String admin(String tool, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(tool(tool)));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), Charset.defaultCharset());
        return p.waitFor() == 0 ? null : String.join(" ", command) + " failed: " + out;
    }

    /** Where {@code name} is, on the PATH or in the system directories of administration commands; null if nowhere. */
    private static String tool(String name) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        for (String d : dirs) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
                return Path.of(d, name).toString();
            }
        }
        return null;
    }
}
