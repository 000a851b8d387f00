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
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
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
