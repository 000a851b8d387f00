package dev.memogen.cli;

import dev.memogen.Memogen;
import dev.memogen.StoredEntry;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code memogen ls}: the entries, newest first, with size, age, compute cost and priority. */
@Command(name = "ls", mixinStandardHelpOptions = true,
        description = "The store's entries, newest first: function, argument key, where (pack record or file),"
            + " size, age, compute cost (what a hit saves) and eviction priority (lowest goes first).")
final class LsCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Option(names = "--function", paramLabel = "ID",
            description = "Only this function's entries: its id (e.g. 'com.acme.Spectra#smooth(double[],int)') or"
                    + " its id hash (16 hex digits, as stats shows when the id is not known).")
    String function;

    @Override
    public Integer call() throws Exception {
        List<StoredEntry> entries = ProgressBar.around("ls",
                progress -> Memogen.storedEntries(store.settings(), function, progress));
        PrintWriter out = store.out();
        long now = System.currentTimeMillis();
        if (store.json) {
            Json json = new Json().beginObject().name("entries").beginArray();
            for (StoredEntry e : entries) {
                json.beginObject()
                        .field("functionId", e.functionId())
                        .field("functionHash", e.functionHash())
                        .field("key", e.key())
                        .field("packed", e.packed())
                        .field("bytes", e.bytes())
                        .field("createdMillis", e.createdMillis())
                        .field("computeNanos", e.computeNanos())
                        .field("priority", e.priority())
                        .endObject();
            }
            out.println(json.endArray().endObject());
            return MemogenCommand.OK;
        }
        int width = "function".length();
        for (StoredEntry e : entries) {
            width = Math.max(width, e.functionName().length());
        }
        String row = "%-" + width + "s  %-12s  %-4s  %10s  %7s  %8s  %10s%n";
        out.printf(Locale.ROOT, row, "function", "key", "in", "size", "age", "compute", "priority");
        for (StoredEntry e : entries) {
            out.printf(Locale.ROOT, row, e.functionName(), e.key().substring(0, 12), e.packed() ? "pack" : "file",
                    HumanUnits.bytes(e.bytes()), HumanUnits.age(e.createdMillis() < 0 ? -1 : now - e.createdMillis()),
                    HumanUnits.nanos(e.computeNanos()), String.format(Locale.ROOT, "%.4g", e.priority()));
        }
        out.printf(Locale.ROOT, "%d entries%n", entries.size());
        return MemogenCommand.OK;
    }
}
