package dev.memogen.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A separate JVM running {@link StoreMaker} on the test class path, talked to by lines. */
final class Worker implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final PrintStream in;

    private Worker(Process process) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    static Worker start(Path workDir, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java,
                "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-cp", System.getProperty("java.class.path"),
                StoreMaker.class.getName()));
        command.addAll(List.of(args));
        return new Worker(new ProcessBuilder(command).directory(workDir.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    /** The worker's next line of output (null when it ended). */
    String line() throws IOException {
        return out.readLine();
    }

    void send(String line) {
        in.println(line);
    }

    /** Sends {@code quit} and waits for the worker to end; its exit code. */
    int quit() throws InterruptedException {
        send("quit");
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
