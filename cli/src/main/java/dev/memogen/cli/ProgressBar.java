package dev.memogen.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiConsumer;

/**
 * A progress bar on stderr for commands that walk the whole store, drawn only when stderr is a
 * terminal (never into a file or a pipe a script reads), and erased when the walk ends.
 */
final class ProgressBar implements BiConsumer<Long, Long> {
    private static final int WIDTH = 30;
    private final PrintStream err;
    private final String label;
    private long lastDrawn = -1;
    private boolean drawn;

    ProgressBar(PrintStream err, String label) {
        this.err = err;
        this.label = label;
    }

    /** A walk of the store that reports its progress to a listener (null: to none). */
    interface Walk<T> {
        T run(BiConsumer<Long, Long> progress) throws java.io.IOException;
    }

    /** Runs {@code walk} with a bar labelled {@code label} on stderr when it is a terminal, erased after. */
    static <T> T around(String label, Walk<T> walk) throws java.io.IOException {
        ProgressBar bar = stderrIsTerminal() ? new ProgressBar(System.err, label) : null;
        try {
            return walk.run(bar);
        } finally {
            if (bar != null) {
                bar.finish();
            }
        }
    }

    /**
     * Whether stderr is a terminal: on Linux, where fd 2 points ({@code /dev/pts/*}, {@code /dev/tty*});
     * elsewhere, whether the JVM has a console (its stdin and stdout are terminals).
     */
    static boolean stderrIsTerminal() {
        Path fd2 = Path.of("/proc/self/fd/2");
        try {
            String target = Files.readSymbolicLink(fd2).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }

    @Override
    public void accept(Long done, Long total) {
        long percent = total <= 0 ? 100 : Math.min(100, done * 100 / total);
        if (percent == lastDrawn) {
            return;
        }
        lastDrawn = percent;
        int filled = (int) (percent * WIDTH / 100);
        err.print("\r" + label + " [" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + percent + "% ("
                + done + "/" + total + ")");
        err.flush();
        drawn = true;
    }

    /** Erases the bar (the line it was drawn on). */
    void finish() {
        if (drawn) {
            err.print("\r" + " ".repeat(label.length() + WIDTH + 40) + "\r");
            err.flush();
        }
    }
}
