package dev.memogen.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.internal.remote.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The samples' pipeline (generated memo classes, records, arrays, a file argument) shared through
 * the remote tier: a second "machine" (a JVM with a store of its own) gets every stage from the
 * bucket of a real S3 server (s3proxy on loopback) without computing one, set up only by the
 * contract's system properties and AWS's environment variables.
 */
class RemoteSharingTest {
    @TempDir Path dir;

    record Run(int exit, String stdout, String stderr) {}

    private Run machine(S3ProxyServer server, String name, Path data) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Dmemogen.dir=" + dir.resolve(name));
        command.add("-Dmemogen.remote=s3://" + S3ProxyServer.BUCKET + "/samples");
        command.add("-Dmemogen.remote.endpoint=" + server.endpoint());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.memogen.samples.SpectraPipeline");
        command.add(data.toString());
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile());
        pb.environment().put("AWS_ACCESS_KEY_ID", S3ProxyServer.IDENTITY);
        pb.environment().put("AWS_SECRET_ACCESS_KEY", S3ProxyServer.CREDENTIAL);
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM timed out");
        return new Run(p.exitValue(), Files.readString(dir.resolve(name + ".out")),
                Files.readString(dir.resolve(name + ".err")));
    }

    @Test
    void aSecondMachineGetsEveryStageFromTheBucket() throws Exception {
        try (S3ProxyServer server = S3ProxyServer.start(dir.resolve("server"))) {
            Path data = dir.resolve("spectrum.csv");
            SpectraPipeline.writeSyntheticSpectrum(data, 20_000, 7);
            Run a = machine(server, "a", data);
            assertEquals(0, a.exit(), a.stderr());
            assertTrue(a.stdout().contains("loaded: 0;"), a.stdout());
            assertEquals("", a.stderr(), "no warnings");
            Run b = machine(server, "b", data);
            assertEquals(0, b.exit(), b.stderr());
            assertTrue(b.stdout().matches("(?s).*stages computed: 0 of \\d+, loaded: \\d+;.*"), b.stdout());
            assertEquals(tail(a.stdout()), tail(b.stdout()), "same fitted peaks");
            assertEquals("", b.stderr(), "no warnings");
        }
    }

    /** The printed results, without the per-stage timings. */
    private static String tail(String out) {
        return out.substring(out.indexOf("instrument"), out.indexOf("stages computed"));
    }
}
