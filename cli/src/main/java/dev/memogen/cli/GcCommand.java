package dev.memogen.cli;

import dev.memogen.Memogen;
import dev.memogen.StoreCleanup;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code memogen gc}: removes orphaned files and compacts the packs' dead records away. */
@Command(name = "gc", mixinStandardHelpOptions = true,
        description = "Removes what nothing needs: files no index entry refers to, temporary files of writers that"
            + " died, names of functions without entries, and the dead records of pack files (by compacting"
            + " them). Safe while programs use the store.")
final class GcCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Override
    public Integer call() throws Exception {
        StoreCleanup c = ProgressBar.around("gc", progress -> Memogen.gc(store.settings(), progress));
        PrintWriter out = store.out();
        if (store.json) {
            out.println(new Json().beginObject()
                    .field("filesRemoved", c.filesRemoved())
                    .field("deadPackBytesBefore", c.deadPackBytesBefore())
                    .field("deadPackBytesAfter", c.deadPackBytesAfter())
                    .endObject());
        } else {
            out.printf(Locale.ROOT, "removed %d orphaned files; dead pack records: %s before, %s after%n",
                    c.filesRemoved(), HumanUnits.bytes(c.deadPackBytesBefore()),
                    HumanUnits.bytes(c.deadPackBytesAfter()));
        }
        return MemogenCommand.OK;
    }
}
