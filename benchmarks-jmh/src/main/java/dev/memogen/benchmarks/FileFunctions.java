package dev.memogen.benchmarks;

import dev.memogen.GenerateMemo;
import java.nio.file.Path;

/**
 * The function of {@link FileArgumentBenchmark}: one {@code Path} argument, keyed by the path and
 * what the file holds. The body does not read the file, so a miss costs no read of its own: what a
 * memoized call reads is what memogen reads to key it. Generated: {@code FileFunctionsMemo}.
 */
@GenerateMemo
final class FileFunctions {
    private FileFunctions() {}

    /** The function id of {@link #nameLength}, for its statistics. */
    static final String NAME_LENGTH_ID = "dev.memogen.benchmarks.FileFunctions#nameLength(java.nio.file.Path)";

    static int nameLength(Path file) {
        return file.getFileName().toString().length();
    }
}
