package dev.memogen.internal.store;

import dev.memogen.internal.codec.ValueWriter;
import java.nio.file.Path;

/**
 * A separate JVM that uses a store's function names, started by {@link FunctionNamesTest}:
 * <ul>
 * <li>{@code store <dir> <key or -> <state> <id> <version> <k>}: stores the entry {@code "value <k>"}
 *     of the function for argument key ({@code k}, {@code k});</li>
 * <li>{@code list <dir> <key or ->}: prints {@link FileStore#functions()}, one function a line
 *     ({@link FunctionNamesTest#line}).</li>
 * </ul>
 * Both print what the store reported, a line each ({@code warn <kind>: ...}, {@code event <kind>: ...}).
 */
public final class FunctionNamesWorker {
    private FunctionNamesWorker() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        StoreKey key = args[2].equals("-") ? null : StoreKey.of(args[2].getBytes(java.nio.charset.StandardCharsets.UTF_8));
        switch (args[0]) {
            case "store" -> {
                FileStore store = FunctionNamesTest.open(dir, args[3], key, new Printed());
                StoredFunction fn = new StoredFunction(args[4], args[5], Ttl.NONE);
                long k = Long.parseLong(args[6]);
                ValueWriter out = new ValueWriter();
                out.writeString("value " + k);
                store.write(fn, k, k, out, 1_000);
            }
            case "list" -> {
                FileStore store = FunctionNamesTest.open(dir, FunctionNamesTest.STATE, key, new Printed());
                for (FunctionNames.Named named : store.functions()) {
                    System.out.println(FunctionNamesTest.line(named));
                }
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    /** Reports as lines of output. */
    static final class Printed implements Reports {
        @Override
        public void warnOnce(String kind, String message, Throwable cause) {
            System.out.println("warn " + kind + ": " + message);
        }

        @Override
        public void event(String kind, String message) {
            System.out.println("event " + kind + ": " + message);
        }
    }
}
