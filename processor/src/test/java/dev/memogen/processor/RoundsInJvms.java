package dev.memogen.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A program under test in new JVMs on one store, driven in rounds: it makes one round of calls
 * for each {@code call} line it reads from its stdin, prints what it prints, then a line
 * {@code "."}. Its bodies append their names to the file named by the system property
 * {@code bodies.log} ({@link TestCompiler#RECORD_BODY}), so which bodies ran is read from that
 * file, never from the cache. Each {@link Program#round} also runs one round in a new JVM with {@code -Dmemogen.disable=true}
 * (every body runs) and asserts that it printed the same, line for line.
 *
 * @param dir       a scratch directory
 * @param classes   the compiled program
 * @param main      its main class
 * @param allBodies the bodies one round with memogen disabled runs, in order
 * @param args      the program's arguments
 */
record RoundsInJvms(Path dir, Path classes, String main, List<String> allBodies, List<String> args) {
    Path store() {
        return dir.resolve("store");
    }

    private Path log() {
        return dir.resolve("bodies.log");
    }

    /** The program in a new JVM with memogen on, its stderr merged into its stdout. */
    Program start() throws IOException {
        return new Program();
    }

    /** A running program; closing it ends its input and checks that it exits normally. */
    final class Program implements AutoCloseable {
        private final Process process;
        private final Writer commands;
        private final BufferedReader output;

        private Program() throws IOException {
            process = command(false).redirectErrorStream(true).start();
            commands = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        /** One round of calls; returns the bodies that ran, and checks the output against memogen disabled. */
        List<String> round() throws Exception {
            Files.deleteIfExists(log());
            commands.write("call\n");
            commands.flush();
            List<String> printed = new ArrayList<>();
            for (String line; !".".equals(line = output.readLine()); ) {
                assertTrue(line != null, "the program ended early: " + printed);
                printed.add(line);
            }
            List<String> ran = bodiesRan();
            assertEquals(disabledRound(), printed, "the same output as with memogen disabled");
            return ran;
        }

        @Override
        public void close() throws Exception {
            commands.close();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "timed out");
            assertEquals(0, process.exitValue());
        }
    }

    private List<String> bodiesRan() throws IOException {
        return TestCompiler.bodiesRan(log());
    }

    /** One round with memogen disabled in a new JVM; asserts every body ran. */
    private List<String> disabledRound() throws Exception {
        Path out = dir.resolve("disabled.out");
        Path in = dir.resolve("call.in");
        Files.writeString(in, "call\n");
        Process p = command(true).redirectInput(in.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out");
        assertEquals(0, p.exitValue(), () -> read(out));
        assertEquals(allBodies, bodiesRan(), "memogen disabled: every body runs");
        List<String> printed = new ArrayList<>(Files.readAllLines(out));
        assertEquals(".", printed.remove(printed.size() - 1));
        return printed;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private ProcessBuilder command(boolean disabled) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dmemogen.dir=" + store(), "-Dmemogen.disable=" + disabled, "-Dbodies.log=" + log(),
                "-cp", classes + File.pathSeparator + System.getProperty("java.class.path"), main));
        command.addAll(args);
        return new ProcessBuilder(command);
    }
}
