package dev.memogen.cli;

import dev.memogen.Memogen;
import dev.memogen.StoreVerification;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code memogen verify}: reads and checks every entry; exit 1 when any is damaged. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Reads and checks every entry: its checksum, that it belongs to the key and function it is"
            + " filed under, that its value fits, and, with a key, its HMAC tag. Changes nothing.",
            "Exits with 1 when an entry is damaged (programs never use one: they compute the value again)."})
final class VerifyCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Override
    public Integer call() throws Exception {
        StoreVerification v = ProgressBar.around("verify",
                progress -> Memogen.verifyStore(store.settings(), progress));
        PrintWriter out = store.out();
        if (store.json) {
            Json json = new Json().beginObject()
                    .field("ok", v.ok())
                    .field("checked", v.checked())
                    .field("stale", v.stale())
                    .field("orphans", v.orphans())
                    .name("problems").beginArray();
            v.problems().forEach(json::value);
            out.println(json.endArray().endObject());
        } else {
            for (String problem : v.problems()) {
                out.println("damaged: " + problem);
            }
            out.printf(Locale.ROOT, "%d entries checked: %s, %d stale, %d orphaned files%s%n", v.checked(),
                    v.ok() ? "none damaged" : v.problems().size() + " damaged", v.stale(), v.orphans(),
                    v.orphans() > 0 ? " (memogen gc removes them)" : "");
        }
        return v.ok() ? MemogenCommand.OK : MemogenCommand.DAMAGED;
    }
}
