package dev.memogen.internal;

import dev.memogen.internal.core.MemoConfig;
import java.nio.file.Path;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * A separate JVM reading a store while its logging is set up one way or another, started by
 * {@code QuietLoggingTest}: {@code <mode> <dir>}, where mode is
 * <ul>
 * <li>{@code store}: stores {@code text(1)} and {@code text(2)};</li>
 * <li>{@code plain}: reads them, logging left as the JDK sets it up (or as the JVM's options
 *     say);</li>
 * <li>{@code before}: {@code dev.memogen} turned to FINE in code, then reads them;</li>
 * <li>{@code between}: reads {@code text(1)}, turns {@code dev.memogen} to FINE, reads
 *     {@code text(2)}.</li>
 * </ul>
 * Prints every record of {@code dev.memogen} turned on in code as {@code LOG <message>}, then
 * {@code logManagerStarted=<whether java.util.logging's LogManager has started>}.
 */
public final class LoggingWorker {
    private LoggingWorker() {}

    public static void main(String[] args) {
        MemoRuntime.install(MemoConfig.at(Path.of(args[1])).withPackMax(0));
        switch (args[0]) {
            case "store", "plain" -> {
                read(1);
                read(2);
            }
            case "before" -> {
                turnOn();
                read(1);
                read(2);
            }
            case "between" -> {
                read(1);
                turnOn();
                read(2);
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
        @SuppressWarnings("deprecation") // the global logger's parent is set when LogManager starts
        boolean started = Logger.global.getParent() != null;
        System.out.println("logManagerStarted=" + started);
    }

    private static void read(int key) {
        String text = StoreTestSupport.call(StoreWorker.TEXT, key, StoreWorker::expectedText);
        if (!text.equals(StoreWorker.expectedText(key))) {
            throw new AssertionError("wrong value for " + key);
        }
    }

    /** Kept: java.util.logging holds its loggers weakly. Not made before {@link #turnOn}, which starts LogManager. */
    private static Logger memogen;

    private static void turnOn() {
        memogen = Logger.getLogger("dev.memogen");
        memogen.setLevel(Level.FINE);
        memogen.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                System.out.println("LOG " + r.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        });
    }
}
