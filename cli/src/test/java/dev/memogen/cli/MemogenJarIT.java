package dev.memogen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code target/memogen.jar} runs as {@code java -jar memogen.jar COMMAND} with nothing else on
 * the class path (after {@code package}: failsafe runs it), on a store made by another JVM.
 */
class MemogenJarIT {
    private static final Path JAR = Path.of("target", "memogen.jar").toAbsolutePath();

    @TempDir
    Path tmp;

    private record Ran(int exit, String out, String err) {}

    private Ran jar(Path workDir, String... args) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return run(workDir, command.toArray(String[]::new));
    }

    private Ran run(Path workDir, String... command) throws IOException, InterruptedException {
        Path out = tmp.resolve("out");
        Path err = tmp.resolve("err");
        Process p = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "memogen.jar did not end");
        return new Ran(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void theJarRunsEachCommandOnTheDefaultStore() throws Exception {
        Path project = Files.createDirectories(tmp.resolve("project"));
        try (Worker maker = Worker.start(project, "make", ".memogen", "10")) {
            assertEquals("made", maker.line());
        }

        Ran stats = jar(project, "stats", "--json"); // --dir defaults to .memogen
        assertEquals(0, stats.exit(), stats::toString);
        Map<String, Object> json = MiniJson.object(stats.out());
        assertEquals(30L, json.get("entries"), stats::toString);
        assertEquals("", stats.err()); // no progress bar into a file

        Ran human = jar(project, "stats");
        assertTrue(human.out().contains("30 entries") && human.out().contains(StoreMaker.TEXT_ID), human::toString);

        Ran verify = jar(project, "verify");
        assertEquals(0, verify.exit(), verify::toString);
        assertTrue(verify.out().contains("30 entries checked: none damaged"), verify::toString);

        Ran clear = jar(project, "clear", "--function", StoreMaker.SUM_ID);
        assertEquals(0, clear.exit(), clear::toString);
        Ran gc = jar(project, "gc", "--json");
        assertEquals(0, gc.exit(), gc::toString);
        assertEquals(0L, MiniJson.object(gc.out()).get("deadPackBytesAfter"), gc::toString);
        Ran ls = jar(project, "ls", "--dir", project.resolve(".memogen").toString());
        assertEquals(0, ls.exit(), ls::toString);
        assertEquals(1 + 20 + 1, ls.out().lines().count(), ls::toString);

        Ran version = jar(project, "--version");
        assertEquals(0, version.exit(), version::toString);
        assertTrue(version.out().matches("memogen \\d+\\.\\d+\\.\\d+.*\\R"), version::toString); // from the manifest

        Ran unknown = jar(project, "frob");
        assertEquals(2, unknown.exit(), unknown::toString);
        assertTrue(unknown.err().contains("unknown command 'frob'"), unknown::toString);
        Ran noStore = jar(tmp, "stats");
        assertEquals(3, noStore.exit(), noStore::toString);
        assertTrue(Files.notExists(tmp.resolve(".memogen")), "looking made no store");
    }

    @Test
    void aWalkOfTheStoreDrawsAProgressBarOnATerminal() throws Exception {
        Path script = Path.of("/usr/bin/script");
        Assumptions.assumeTrue(Files.isExecutable(script), "no script(1) here to run memogen on a terminal");
        Path project = Files.createDirectories(tmp.resolve("project"));
        try (Worker maker = Worker.start(project, "make", ".memogen", "300")) {
            assertEquals("made", maker.line());
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // script(1) runs the command on a pseudo-terminal: stdout and stderr are both that terminal.
        Ran onTerminal = run(project, script.toString(), "-qec", java + " -jar " + JAR + " verify", "/dev/null");
        assertEquals(0, onTerminal.exit(), onTerminal::toString);
        assertTrue(onTerminal.out().contains("\rverify [") && onTerminal.out().contains("] 100% (900/900)"),
                onTerminal::toString);
        assertTrue(onTerminal.out().contains("900 entries checked: none damaged"), onTerminal::toString);
    }
}
