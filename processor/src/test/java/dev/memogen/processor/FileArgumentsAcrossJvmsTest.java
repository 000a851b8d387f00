package dev.memogen.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Path} and {@code File} arguments with real files, in separate JVMs on one store
 * ({@link RoundsInJvms}). Each round of the program ({@code app.Main}) calls with a file by
 * {@code Path} and by {@code File}, a directory tree, a file that is missing at first, and a file
 * by its path alone ({@code @Memo.PathOnly}); it prints every result. The test
 * edits the files between rounds, within one JVM (where the digests kept under each file's
 * {@code stat} are what is tested) and between JVMs (where the keys in the store are), and runs
 * the same round in a new JVM with {@code -Dmemogen.disable=true} on the same files: its output
 * must be the memoized one, line for line.
 */
class FileArgumentsAcrossJvmsTest {
    @TempDir Path dir;

    private RoundsInJvms program;
    private Path data;
    private Path tree;
    private Path nested;
    private Path later;
    private Path named;

    private static final String INPUTS = """
            package app;
            import dev.memogen.GenerateMemo;
            import dev.memogen.Memo;
            import java.io.*;
            import java.nio.file.*;
            import java.util.stream.*;
            @GenerateMemo
            final class Inputs {
                static String text(Path file) throws IOException {
                    record("text");
                    return Files.exists(file) ? Files.readString(file).replace('\\n', '|') : "<absent>";
                }
                static String viaFile(File file) throws IOException {
                    record("viaFile");
                    return Files.readString(file.toPath()).replace('\\n', '|');
                }
                static String tree(Path dir) throws IOException {
                    record("tree");
                    try (Stream<Path> s = Files.walk(dir)) {
                        return s.filter(Files::isRegularFile).sorted().map(f -> {
                            try {
                                return dir.relativize(f) + "=" + Files.readString(f);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        }).collect(Collectors.joining(";"));
                    }
                }
                static String later(Path file) throws IOException {
                    record("later");
                    return Files.exists(file) ? Files.readString(file) : "<absent>";
                }
                /** Depends on the path alone, as @Memo.PathOnly says (an output location, say). */
                static String name(@Memo.PathOnly Path file) {
                    record("name");
                    return file.getFileName().toString().toUpperCase(java.util.Locale.ROOT);
                }
            """ + TestCompiler.RECORD_BODY + "}\n";

    private static final String MAIN = """
            package app;
            import java.io.*;
            import java.nio.charset.StandardCharsets;
            import java.nio.file.*;
            public final class Main {
                /** args: data file, directory, missing-at-first file, path-only file. */
                public static void main(String[] args) throws IOException {
                    Path data = Path.of(args[0]), tree = Path.of(args[1]), later = Path.of(args[2]), named = Path.of(args[3]);
                    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                    for (String line; (line = in.readLine()) != null && line.equals("call"); ) {
                        System.out.println("text " + InputsMemo.text(data));
                        System.out.println("viaFile " + InputsMemo.viaFile(data.toFile()));
                        System.out.println("tree " + InputsMemo.tree(tree));
                        System.out.println("later " + InputsMemo.later(later));
                        System.out.println("name " + InputsMemo.name(named));
                        System.out.println(".");
                        System.out.flush();
                    }
                }
            }
            """;

    @BeforeEach
    void compileAndLayOutFiles() throws Exception {
        Path classes = TestCompiler.compileToDirectory(dir, "app", Map.of("Inputs.java", INPUTS, "Main.java", MAIN));
        Path files = dir.resolve("files");
        data = files.resolve("data.csv");
        tree = files.resolve("tree");
        nested = tree.resolve("a/b/deep.txt");
        later = files.resolve("later.txt");
        named = files.resolve("named.bin");
        Files.createDirectories(nested.getParent());
        Files.writeString(data, "a,1\nb,2\n");
        Files.writeString(tree.resolve("top.txt"), "top");
        Files.writeString(nested, "deep-1");
        Files.writeString(named, "first contents");
        // An hour old: no file is racily clean, so each JVM keeps every digest under the file's stat
        // and only the stat (ctime included) can tell it that a file changed.
        FileTime hourAgo = FileTime.fromMillis(System.currentTimeMillis() - 3_600_000);
        for (Path p : List.of(data, tree.resolve("top.txt"), nested, named)) {
            Files.setLastModifiedTime(p, hourAgo);
        }
        program = new RoundsInJvms(dir, classes, "app.Main", List.of("text", "viaFile", "tree", "later", "name"),
                List.of(data.toString(), tree.toString(), later.toString(), named.toString()));
    }

    @Test
    void editsInPlaceNestedChangesAndCreatedFilesRecomputeAndPathOnlyDoesNot() throws Exception {
        try (RoundsInJvms.Program first = program.start()) {
            assertEquals(List.of("text", "viaFile", "tree", "later", "name"), first.round(), "first call of each");
            assertEquals(List.of(), first.round(), "nothing changed: all hits in the same JVM");

            editInPlaceKeepingSizeAndTime(data, "a,1\nb,2\n", "a,1\nb,3\n");
            assertEquals(List.of("text", "viaFile"), first.round(),
                    "data edited in place, size and mtime restored, within the JVM that hashed it");

            editInPlaceKeepingSizeAndTime(nested, "deep-1", "deep-2");
            assertEquals(List.of("tree"), first.round(), "a nested file of the directory edited in place");

            Files.writeString(named, "other contents, longer");
            assertEquals(List.of(), first.round(), "@Memo.PathOnly: a change of contents is still a hit");
        }

        Files.writeString(later, "now here");
        try (RoundsInJvms.Program second = program.start()) {
            assertEquals(List.of("later"), second.round(), "missing in the first JVM, created before the second");
            assertEquals(List.of(), second.round(), "nothing changed since: all hits");
        }

        // Each edit is seen by a JVM that never hashed the file before.
        editInPlaceKeepingSizeAndTime(data, "a,1\nb,3\n", "a,9\nb,3\n");
        editInPlaceKeepingSizeAndTime(nested, "deep-2", "deep-3");
        Files.delete(later);
        Files.writeString(named, "third");
        try (RoundsInJvms.Program third = program.start()) {
            assertEquals(List.of("text", "viaFile", "tree", "later"), third.round(),
                    "data and a nested file edited in place; the deleted file's entry was replaced when it"
                            + " appeared (one entry per path), so absent is computed again; the path-only file"
                            + " is a hit");
            Files.writeString(later, "created again");
            assertEquals(List.of("later"), third.round(), "missing, then created in the same JVM");
            Files.writeString(later, "now here");
            assertEquals(List.of("later"), third.round(),
                    "the contents the second JVM saw: their entry was replaced by the last computation");
            assertEquals(List.of(), third.round(), "nothing changed since: all hits");
            editInPlaceKeepingSizeAndTime(data, "a,9\nb,3\n", "a,1\nb,2\n");
            assertEquals(List.of("text", "viaFile"), third.round(),
                    "the first contents again: computed again, as this JVM never saw them and the store keeps the last");
        }
    }

    /** Rewrites {@code file} from {@code before} to {@code after} (the same length) and sets its mtime back. */
    static void editInPlaceKeepingSizeAndTime(Path file, String before, String after) throws IOException {
        assertEquals(before, Files.readString(file));
        assertEquals(before.length(), after.length());
        FileTime mtime = Files.getLastModifiedTime(file);
        Files.writeString(file, after);
        Files.setLastModifiedTime(file, mtime);
        assertEquals(mtime, Files.getLastModifiedTime(file));
        assertEquals(after.length(), Files.size(file));
    }
}
