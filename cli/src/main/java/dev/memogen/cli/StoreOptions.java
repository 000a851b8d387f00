package dev.memogen.cli;

import dev.memogen.MemogenSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The options every command takes: which store, which key, and JSON output; and where it writes. */
final class StoreOptions {
    /** The command these options are mixed into. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = ".memogen",
            description = "The store's directory (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--key-file", paramLabel = "FILE",
            description = "A file holding the store's key (memogen.keyFile); else memogen.key, MEMOGEN_KEY,"
                    + " memogen.keyFile or MEMOGEN_KEY_FILE, if set. With a key, verify checks every entry's HMAC.")
    Path keyFile;

    @Option(names = "--json", description = "Print one JSON document on stdout, for scripts.")
    boolean json;

    /**
     * The settings of the store: {@code --dir}, the key, and the bound of {@code memogen.maxSize} /
     * {@code MEMOGEN_MAX_SIZE} (1 GiB by default), which the totals are shown against.
     */
    MemogenSettings settings() {
        MemogenSettings settings = MemogenSettings.at(dir).withMaxSize(MemogenSettings.fromEnvironment().maxSize());
        if (keyFile != null) {
            return settings.withKeyFile(keyFile);
        }
        String key = setting("memogen.key", "MEMOGEN_KEY");
        if (key != null) {
            return settings.withKey(key);
        }
        String file = setting("memogen.keyFile", "MEMOGEN_KEY_FILE");
        return file != null ? settings.withKeyFile(Path.of(file)) : settings;
    }

    private static String setting(String property, String variable) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(variable);
        }
        return value == null || value.isBlank() ? null : value;
    }

    /** The command's standard output. */
    PrintWriter out() {
        return command.commandLine().getOut();
    }
}
