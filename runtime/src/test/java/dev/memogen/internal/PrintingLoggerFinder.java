package dev.memogen.internal;

import java.util.ResourceBundle;
import java.util.function.Supplier;

/**
 * A {@code System.LoggerFinder} for {@code QuietLoggingJvmTest}: every level on, every message
 * printed as {@code FINDER <message>}. Found through a {@code META-INF/services} file that the test
 * puts on a worker's class path.
 */
public final class PrintingLoggerFinder extends System.LoggerFinder {
    @Override
    public System.Logger getLogger(String name, Module module) {
        return new System.Logger() {
            @Override
            public String getName() {
                return name;
            }

            @Override
            public boolean isLoggable(Level level) {
                return true;
            }

            @Override
            public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
                System.out.println("FINDER " + msg);
            }

            @Override
            public void log(Level level, ResourceBundle bundle, String format, Object... params) {
                System.out.println("FINDER " + format);
            }

            @Override
            public void log(Level level, Supplier<String> msgSupplier) {
                System.out.println("FINDER " + msgSupplier.get());
            }
        };
    }
}
