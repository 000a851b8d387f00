package dev.memogen.cli;

import dev.memogen.Memogen;
import dev.memogen.StoreStatistics;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code memogen stats}: entries, bytes and stored compute time per function; the totals against the bound. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = {"Per function: entries, bytes, and the compute time stored with them (what one hit on each"
            + " saves), as the store's index knows them; the store's totals against the bound"
            + " (memogen.maxSize or MEMOGEN_MAX_SIZE, default 1 GiB).",
            "Hits and misses are counted by each program (memogen.report), not in the store."})
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
                    .name("functions").beginArray();
            for (StoreStatistics.Function f : s.functions()) {
                json.beginObject()
                        .field("functionId", f.functionId())
                        .field("functionHash", f.functionHash())
                        .field("entries", f.entries())
                        .field("bytes", f.bytes())
                        .field("computeNanos", f.computeNanos())
                        .endObject();
            }
            out.println(json.endArray().endObject());
            return MemogenCommand.OK;
        }
        out.printf(Locale.ROOT, "store %s%n", s.directory());
        out.printf(Locale.ROOT, "  %d entries, %s of %s (%.1f%%), compute time stored %s%n", s.entries(),
                HumanUnits.bytes(s.bytes()), HumanUnits.bytes(s.maxSize()),
                s.maxSize() == 0 ? 0.0 : 100.0 * s.bytes() / s.maxSize(), HumanUnits.nanos(s.computeNanos()));
        if (s.functions().isEmpty()) {
            return MemogenCommand.OK;
        }
        int width = "function".length();
        for (StoreStatistics.Function f : s.functions()) {
            width = Math.max(width, f.name().length());
        }
        out.println();
        String row = "%-" + width + "s  %8s  %10s  %10s%n";
        out.printf(Locale.ROOT, row, "function", "entries", "bytes", "compute");
        for (StoreStatistics.Function f : s.functions()) {
            out.printf(Locale.ROOT, row, f.name(), f.entries(), HumanUnits.bytes(f.bytes()),
                    HumanUnits.nanos(f.computeNanos()));
        }
        return MemogenCommand.OK;
    }
}
