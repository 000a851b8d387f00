package dev.memogen.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Results computed in one JVM are returned by the next, without running the method bodies. */
class PersistenceAcrossJvmsTest {
    @TempDir Path dir;

    record Run(int exit, String stdout, String stderr) {}

    private Run run(Path store, Path log, String mainClass, String... args) throws IOException, InterruptedException {
        return run(Path.of(System.getProperty("java.home")), store, log, mainClass, args);
    }

    private Run run(Path javaHome, Path store, Path log, String mainClass, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(javaHome.resolve("bin").resolve("java").toString());
        command.add("-Dmemogen.dir=" + store);
        command.add("-Dcounted.log=" + log);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile())
                .start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM timed out");
        return new Run(p.exitValue(), Files.readString(dir.resolve("out.txt")), Files.readString(dir.resolve("err.txt")));
    }

    @Test
    void aSecondJvmLoadsEveryResultWithoutRunningTheBodies() throws Exception {
        Path store = dir.resolve("store");
        Path log = dir.resolve("runs.log");
        Run first = run(store, log, "dev.memogen.samples.Counted");
        assertEquals(0, first.exit(), first.stderr());
        assertEquals(10, Files.readAllLines(log, StandardCharsets.UTF_8).size(), "first JVM runs every body");

        Run second = run(store, log, "dev.memogen.samples.Counted");
        assertEquals(0, second.exit(), second.stderr());
        assertEquals(first.stdout(), second.stdout(), "same results");
        assertEquals(10, Files.readAllLines(log, StandardCharsets.UTF_8).size(), "second JVM runs no body");
        assertEquals("", second.stderr(), "no warnings");
    }

    /**
     * A program run on two JDKs by turns, on one store: each JDK's results are kept apart (the
     * code fingerprint counts the JDK's classes by the JDK's version, and the JDK is part of the
     * lookup), so from the second round on every run loads everything. Before, each run replaced
     * the other JDK's entries as stale and computed everything again. Needs a second JDK
     * ({@code memogen.otherJdk}, or Temurin 25 where .ci/run finds it); skipped without one.
     */
    @Test
    void twoJdksByTurnsKeepTheirEntriesApart() throws Exception {
        Path other = Path.of(System.getProperty("memogen.otherJdk", "/usr/lib/jvm/temurin-25-jdk-amd64"));
        Path here = Path.of(System.getProperty("java.home"));
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(other.resolve("bin").resolve("java"))
                && !other.toRealPath().equals(here.toRealPath()), "no second JDK at " + other);
        Path store = dir.resolve("store");
        Path log = dir.resolve("runs.log");
        int[] expected = {10, 20, 20, 20}; // bodies run in all after each of: here, other, here, other
        Path[] jdks = {here, other, here, other};
        String out = null;
        for (int i = 0; i < jdks.length; i++) {
            Run r = run(jdks[i], store, log, "dev.memogen.samples.Counted");
            assertEquals(0, r.exit(), r.stderr());
            assertEquals("", r.stderr(), "no warnings");
            assertEquals(expected[i], Files.readAllLines(log, StandardCharsets.UTF_8).size(),
                    "bodies run after run " + (i + 1) + " (" + jdks[i] + ")");
            if (out != null) {
                assertEquals(out, r.stdout(), "same results on both JDKs");
            }
            out = r.stdout();
        }
    }

    @Test
    void thePipelineIsLoadedWholeByASecondJvm() throws Exception {
        Path store = dir.resolve("store");
        Path data = dir.resolve("spectrum.csv");
        SpectraPipeline.writeSyntheticSpectrum(data, 20_000, 7);
        Run first = run(store, dir.resolve("unused.log"), "dev.memogen.samples.SpectraPipeline", data.toString());
        assertEquals(0, first.exit(), first.stderr());
        assertTrue(first.stdout().contains("loaded: 0;"), first.stdout());
        Run second = run(store, dir.resolve("unused.log"), "dev.memogen.samples.SpectraPipeline", data.toString());
        assertEquals(0, second.exit(), second.stderr());
        assertTrue(second.stdout().matches("(?s).*stages computed: 0 of \\d+, loaded: \\d+;.*"), second.stdout());
        assertEquals(tail(first.stdout()), tail(second.stdout()), "same fitted peaks");
    }

    /** The printed results, without the per-stage timings. */
    private static String tail(String out) {
        return out.substring(out.indexOf("instrument"), out.indexOf("stages computed"));
    }
}
