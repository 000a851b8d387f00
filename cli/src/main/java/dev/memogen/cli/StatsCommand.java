package dev.memogen.cli;

import dev.memogen.Memogen;
import dev.memogen.StoreStatistics;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code memogen stats}: entries, bytes and stored compute time per function, the hits and misses
 * the programs that used the store recorded in it and the compute time the hits saved; the totals
 * against the bound.
 */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = {"Per function: entries, bytes, and the compute time stored with them (what one hit on each"
            + " saves), as the store's index knows them; the store's totals against the bound"
            + " (memogen.maxSize or MEMOGEN_MAX_SIZE, default 1 GiB).",
            "Also per function: the hits and misses of every program that used the store, which each adds to"
            + " the store as it ends (a program still running is not counted yet), and the compute time the"
            + " hits saved, estimated as hits times the mean compute time of the function's entries."})
final class StatsCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Override
    public Integer call() throws Exception {
        StoreStatistics s = ProgressBar.around("stats",
                progress -> Memogen.storeStatistics(store.settings(), progress));
        PrintWriter out = store.out();
        if (store.json) {
            Json json = new Json().beginObject()
                    .field("directory", s.directory().toString())
                    .field("entries", s.entries())
                    .field("bytes", s.bytes())
                    .field("maxSize", s.maxSize())
                    .field("computeNanos", s.computeNanos())
                    .field("hits", s.hits())
                    .field("misses", s.misses())
                    .field("savedNanos", s.savedNanos())
                    .name("functions").beginArray();
            for (StoreStatistics.Function f : s.functions()) {
                json.beginObject()
                        .field("functionId", f.functionId())
                        .field("functionHash", f.functionHash())
                        .field("entries", f.entries())
                        .field("bytes", f.bytes())
                        .field("computeNanos", f.computeNanos())
                        .field("hits", f.hits())
                        .field("misses", f.misses())
                        .field("missNanos", f.missNanos())
                        .field("savedNanos", f.savedNanos())
                        .endObject();
            }
            out.println(json.endArray().endObject());
            return MemogenCommand.OK;
        }
        out.printf(Locale.ROOT, "store %s%n", s.directory());
        out.printf(Locale.ROOT, "  %d entries, %s of %s (%.1f%%), compute time stored %s%n", s.entries(),
                HumanUnits.bytes(s.bytes()), HumanUnits.bytes(s.maxSize()),
                s.maxSize() == 0 ? 0.0 : 100.0 * s.bytes() / s.maxSize(), HumanUnits.nanos(s.computeNanos()));
        out.printf(Locale.ROOT, "  recorded by the programs that used it: %d hits, %d misses, compute time saved %s%n",
                s.hits(), s.misses(), HumanUnits.nanos(s.savedNanos()));
        if (s.functions().isEmpty()) {
            return MemogenCommand.OK;
        }
        int width = "function".length();
        for (StoreStatistics.Function f : s.functions()) {
            width = Math.max(width, f.name().length());
        }
        out.println();
        String row = "%-" + width + "s  %8s  %10s  %10s  %8s  %8s  %10s%n";
        out.printf(Locale.ROOT, row, "function", "entries", "bytes", "compute", "hits", "misses", "saved");
        for (StoreStatistics.Function f : s.functions()) {
            out.printf(Locale.ROOT, row, f.name(), f.entries(), HumanUnits.bytes(f.bytes()),
                    HumanUnits.nanos(f.computeNanos()), f.hits(), f.misses(), HumanUnits.nanos(f.savedNanos()));
        }
        return MemogenCommand.OK;
    }
}
