package dev.memogen.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code memogen}: look into and clean a memogen store from a shell.
 *
 * <pre>
 * java -jar memogen.jar stats [--dir DIR] [--json]
 * java -jar memogen.jar ls [--function ID] [--dir DIR] [--json]
 * java -jar memogen.jar verify [--dir DIR] [--key-file FILE] [--json]
 * java -jar memogen.jar gc [--dir DIR] [--json]
 * java -jar memogen.jar clear [--function ID] [--dir DIR] [--json]
 * </pre>
 *
 * Every command works through {@code dev.memogen.Memogen}'s store methods: the runtime reads and
 * changes the store, under its index lock, as a program does. Exit codes: {@value #OK} done,
 * {@value #DAMAGED} verify found damage, {@value #USAGE} an unknown command or a bad argument,
 * {@value #FAILED} the store could not be read (none at the directory, no permission, a key file
 * that cannot be read).
 */
@Command(name = "memogen", mixinStandardHelpOptions = true, versionProvider = MemogenCommand.Version.class,
        description = "Look into and clean a memogen store (.memogen by default).",
        subcommands = {StatsCommand.class, LsCommand.class, VerifyCommand.class, GcCommand.class,
            ClearCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:verify found damage", "2:unknown command or bad argument",
            "3:the store could not be read"})
public final class MemogenCommand implements Runnable {
    static final int OK = 0;
    static final int DAMAGED = 1;
    static final int USAGE = 2;
    static final int FAILED = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Without a command: the usage, and a non-zero exit. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing a command: stats, ls, verify, gc or clear");
    }

    public static void main(String[] args) {
        // What the store reports on the way (an orphan removed, a damaged index rebuilt) goes to
        // java.util.logging's console: one line each, not two with a timestamp.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%6$s%n");
        }
        System.exit(commandLine().execute(args));
    }

    /** The command line, with memogen's exit codes and messages; tests run it in-process. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new MemogenCommand());
        cl.setExitCodeExceptionMapper(e -> FAILED);
        cl.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            if (e instanceof CommandLine.UnmatchedArgumentException u && e.getCommandLine().getParent() == null
                    && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-")) {
                err.println("memogen: unknown command '" + u.getUnmatched().get(0)
                        + "' (the commands are stats, ls, verify, gc and clear)");
            } else {
                err.println("memogen: " + e.getMessage());
            }
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
            err.println("Try 'memogen " + (e.getCommandLine().getParent() == null ? ""
                    : e.getCommandLine().getCommandName() + " ") + "--help' for more.");
            return USAGE;
        });
        cl.setExecutionExceptionHandler((e, command, parsed) -> {
            PrintWriter err = command.getErr();
            if (e instanceof NoSuchFileException n) {
                err.println("memogen: no memogen store at " + n.getFile());
            } else if (e instanceof IOException || e instanceof java.io.UncheckedIOException) {
                err.println("memogen: cannot use the store: " + e.getMessage());
            } else if (e instanceof IllegalArgumentException) {
                err.println("memogen: " + e.getMessage());
                return USAGE;
            } else {
                err.println("memogen: failed: " + e);
            }
            return FAILED;
        });
        return cl;
    }

    /** The version of the jar (its manifest), or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = MemogenCommand.class.getPackage().getImplementationVersion();
            return new String[] {"memogen " + (v == null ? "(development)" : v)};
        }
    }
}
