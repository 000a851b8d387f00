package dev.memogen.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Memogen.dependsOn} and {@code @Memo(replayOutput = true)} with real files, in separate
 * JVMs on one store ({@link RoundsInJvms}): a file a body depends on, edited in place with its
 * size and time restored, recomputes that body and the one around it, in the JVM that read it and
 * in a new one; untouched, everything is a hit. What the bodies print (on stdout and stderr) is
 * the same, line for line and in order, as with memogen disabled, whether they ran or were hits.
 */
class DependsOnAndReplayAcrossJvmsTest {
    @TempDir Path dir;
    private RoundsInJvms program;
    private Path data;

    private static final String PIPELINE = """
            package app;
            import dev.memogen.GenerateMemo;
            import dev.memogen.Memo;
            import dev.memogen.Memogen;
            import java.io.*;
            import java.nio.file.*;
            @GenerateMemo
            final class Pipeline {
                /** Reads a file named by a String: only dependsOn ties the result to what it holds. */
                @Memo(replayOutput = true)
                static String load(String file) throws IOException {
                    record("load");
                    Path p = Path.of(file);
                    Memogen.dependsOn(p);
                    String text = Files.readString(p).trim();
                    System.out.println("loading " + p.getFileName() + ": " + text.length() + " chars");
                    return text;
                }
                @Memo(replayOutput = true)
                static String report(String file) throws IOException {
                    record("report");
                    String text = PipelineMemo.load(file);
                    System.err.println("warning: report of " + text.length() + " chars");
                    System.out.println("report done");
                    return "report[" + text + "]";
                }
                static int square(int n) {
                    record("square");
                    return n * n;
                }
            """ + TestCompiler.RECORD_BODY + "}\n";

    private static final String MAIN = """
            package app;
            import java.io.*;
            import java.nio.charset.StandardCharsets;
            public final class Main {
                public static void main(String[] args) throws IOException {
                    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                    for (String line; (line = in.readLine()) != null && line.equals("call"); ) {
                        System.out.println("result " + PipelineMemo.report(args[0]));
                        System.out.println("square " + PipelineMemo.square(7));
                        System.out.println(".");
                        System.out.flush();
                    }
                }
            }
            """;

    @BeforeEach
    void compileAndLayOutFiles() throws Exception {
        Path classes = TestCompiler.compileToDirectory(dir, "app", Map.of("Pipeline.java", PIPELINE, "Main.java", MAIN));
        data = dir.resolve("files/data.txt");
        Files.createDirectories(data.getParent());
        Files.writeString(data, "alpha beta");
        // An hour old: not racily clean, so only the stat (ctime included) tells that it changed.
        Files.setLastModifiedTime(data, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        program = new RoundsInJvms(dir, classes, "app.Main", List.of("report", "load", "square"),
                List.of(data.toString()));
    }

    @Test
    void anEditedDependencyRecomputesWhatReadItAndReplayedOutputIsTheComputedOne() throws Exception {
        try (RoundsInJvms.Program first = program.start()) {
            assertEquals(List.of("report", "load", "square"), first.round(), "first call of each");
            assertEquals(List.of(), first.round(), "untouched: memory hits, their output replayed");
            editKeepingSizeAndTime("gamma delt");
            assertEquals(List.of("report", "load"), first.round(),
                    "the file load depends on, edited in place in the JVM that read it: load and report around it");
        }
        try (RoundsInJvms.Program second = program.start()) {
            assertEquals(List.of(), second.round(), "a new JVM: store hits, their output replayed");
            editKeepingSizeAndTime("omega zeta");
            assertEquals(List.of("report", "load"), second.round(), "edited in place, seen by a JVM that never read it");
        }
        editKeepingSizeAndTime("sigma iota");
        try (RoundsInJvms.Program third = program.start()) {
            assertEquals(List.of("report", "load"), third.round(), "edited between JVMs");
            assertEquals(List.of(), third.round());
        }
    }

    private void editKeepingSizeAndTime(String text) throws Exception {
        FileArgumentsAcrossJvmsTest.editInPlaceKeepingSizeAndTime(data, Files.readString(data), text);
    }
}
