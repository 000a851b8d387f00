package dev.memogen.cli;

import dev.memogen.Memogen;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code memogen clear}: drops every entry, or one function's. */
@Command(name = "clear", mixinStandardHelpOptions = true,
        description = "Drops every entry of the store, or one function's. Safe while programs use the store: each"
            + " entry is removed under the store's index lock, as a program removes one; a program that no longer"
            + " finds an entry computes it again (values it holds in memory stay).")
final class ClearCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Option(names = "--function", paramLabel = "ID",
            description = "Only this function's entries: its id or its id hash (16 hex digits).")
    String function;

    @Override
    public Integer call() throws Exception {
        long removed = ProgressBar.around("clear",
                progress -> Memogen.clear(store.settings(), function, progress));
        PrintWriter out = store.out();
        if (store.json) {
            out.println(new Json().beginObject().field("function", function).field("removed", removed).endObject());
        } else {
            out.printf(Locale.ROOT, "removed %d entries%s%n", removed, function == null ? "" : " of " + function);
        }
        return MemogenCommand.OK;
    }
}
