package dev.memogen.internal;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts separate JVMs running {@link StoreWorker} (or another worker class) on the test class path. */
public final class Jvms {
    private Jvms() {}

    public static ProcessBuilder worker(Path workDir, String... args) {
        return worker(StoreWorker.class, workDir, args);
    }

    public static ProcessBuilder worker(Class<?> main, Path workDir, String... args) {
        return worker(main, System.getProperty("java.class.path"), workDir, args);
    }

    /** A worker on {@code classPath} (e.g. a copy of the test class path that another user can read). */
    public static ProcessBuilder worker(Class<?> main, String classPath, Path workDir, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:TieredStopAtLevel=1"); // these JVMs live briefly: start fast
        command.add("-Xshare:auto");
        command.add("-XX:-UsePerfData"); // no hsperfdata directory in /tmp
        command.add("-cp");
        command.add(classPath);
        command.add(main.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(workDir.toFile());
    }

    /** {@code worker}'s command run by {@code sh} after {@code umask umask}. */
    public static ProcessBuilder withUmask(String umask, ProcessBuilder worker) {
        List<String> command = new ArrayList<>(List.of("sh", "-c", "umask " + umask + " && exec \"$@\"", "sh"));
        command.addAll(worker.command());
        return worker.command(command);
    }

    /** Whether the long versions of the multi-process tests were asked for ({@code -Dmemogen.longTests=true}). */
    public static boolean longTests() {
        return Boolean.getBoolean("memogen.longTests");
    }

    public static String run(Path workDir, String... args) throws IOException, InterruptedException {
        return run(StoreWorker.class, workDir, args);
    }

    /** Runs {@code main} in a separate JVM to its end; its output, or an AssertionError when it failed. */
    public static String run(Class<?> main, Path workDir, String... args) throws IOException, InterruptedException {
        return run(worker(main, workDir, args));
    }

    /** Runs {@code worker} (from {@link #worker}, its command changed as a test needs) to its end; its output, or an AssertionError when it failed. */
    public static String run(ProcessBuilder worker) throws IOException, InterruptedException {
        Process p = worker.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), Charset.defaultCharset()); // the child JVM's encoding
        int exit = p.waitFor();
        if (exit != 0) {
            throw new AssertionError("worker " + String.join(" ", worker.command()) + " exited with " + exit + ":\n" + out);
        }
        return out;
    }
}
