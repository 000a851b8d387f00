package dev.memogen.internal.store;

import dev.memogen.internal.Jvms;
import dev.memogen.internal.MemoRuntime;
import dev.memogen.internal.StoreTestSupport;
import dev.memogen.internal.StoreWorker;
import dev.memogen.internal.TestAccess;
import dev.memogen.internal.core.MemoConfig;
import dev.memogen.internal.hash.Hex;
import dev.memogen.internal.store.Packs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A separate JVM working on a store in the pack layout (the default {@code packMax}), started by
 * {@link PackMultiProcessTest} and {@link PackStoreTest}; the values are {@link StoreWorker}'s,
 * all small enough for packs:
 * <ul>
 * <li>{@code write <dir> <maxSize> <seed> <calls> <go-file or ->}: prints {@code ready}, waits for
 *     the go file, then calls random keys {@code calls} times (0: until killed), checking every
 *     value (a wrong one halts the JVM with status 3); prints {@code wrong=0};</li>
 * <li>{@code cut <dir> <rounds> <reads|writes>}: in each round, a new store of 60 entries, read
 *     back a few times, then its last pack cut to half its records while this JVM has it mapped;
 *     then either the 60 keys are called again (reads of records that are gone) or 60 new ones
 *     (writes where the file is gone). Anything thrown at a caller ends the round; prints
 *     {@code errors=<n> wrong=<n>}, then the first error's stack trace;</li>
 * <li>{@code verify <dir> <keys> <maxSize>}: notes whether the index was left dirty, makes the
 *     index check itself (a dirty one is rebuilt), compares it with the packs
 *     ({@link PackStoreTest#inconsistencies}), calls every key once, compares again; prints
 *     {@code dirty=<0|1> wrong=<n> runs=<n> entries=<n> inconsistent=<n>} and what was
 *     inconsistent.</li>
 * <li>{@code reader <dir> <maxSize>}: answers commands read from its standard input, one per
 *     line: {@code read <n>} calls keys 0 to n-1 of {@link StoreWorker#TEXT} (checking each
 *     value) and prints {@code read}; {@code maps} prints {@code deleted=<n>}, the number of
 *     deleted pack files this JVM still has mapped ({@link #deletedPacksMapped}); {@code quit}
 *     ends it.</li>
 * </ul>
 */
final class PackWorker {
    private PackWorker() {}

    /** A separate JVM running this class. */
    static ProcessBuilder start(Path workDir, String... args) {
        return Jvms.worker(PackWorker.class, workDir, args);
    }

    /** Runs this class in a separate JVM to its end; its output, or an AssertionError when it failed. */
    static String run(Path workDir, String... args) throws IOException, InterruptedException {
        return Jvms.run(PackWorker.class, workDir, args);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "write" -> write(dir, Long.parseLong(args[2]), Long.parseLong(args[3]), Long.parseLong(args[4]),
                    args[5]);
            case "verify" -> verify(dir, Integer.parseInt(args[2]), Long.parseLong(args[3]));
            case "cut" -> cut(dir, Integer.parseInt(args[2]), args[3].equals("writes"));
            case "reader" -> reader(dir, Long.parseLong(args[2]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void write(Path dir, long maxSize, long seed, long calls, String go) throws InterruptedException {
        MemoRuntime.install(MemoConfig.at(dir).withMaxSize(maxSize).withMemoryTierBytes(0));
        System.out.println("ready");
        System.out.flush();
        while (!go.equals("-") && !Files.exists(Path.of(go))) {
            Thread.sleep(2);
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (long n = 0; calls == 0 || n < calls; n++) {
            int key = random.nextInt(300);
            if (random.nextBoolean()) {
                check(StoreTestSupport.call(StoreWorker.TEXT, key, StoreWorker::expectedText)
                        .equals(StoreWorker.expectedText(key)), key);
            } else {
                check(java.util.Arrays.equals(StoreTestSupport.call(StoreWorker.ARRAY, key, StoreWorker::expectedArray),
                        StoreWorker.expectedArray(key)), key);
            }
        }
        System.out.println("wrong=0");
    }

    private static void reader(Path dir, long maxSize) throws IOException {
        MemoRuntime.install(MemoConfig.at(dir).withMaxSize(maxSize).withMemoryTierBytes(0));
        java.io.BufferedReader in = new java.io.BufferedReader(
                new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
            if (line.startsWith("read ")) {
                for (int key = 0; key < Integer.parseInt(line.substring(5)); key++) {
                    check(StoreTestSupport.call(StoreWorker.TEXT, key, StoreWorker::expectedText)
                            .equals(StoreWorker.expectedText(key)), key);
                }
                System.out.println("read");
            } else if (line.equals("maps")) {
                System.out.println("deleted=" + deletedPacksMapped(Path.of("/proc/self/maps"), dir));
            }
            System.out.flush();
        }
    }

    /**
     * The deleted pack files of {@code store} that the process whose {@code /proc/<pid>/maps} is
     * {@code maps} still has mapped: their disk space is not given back while they are.
     */
    static long deletedPacksMapped(Path maps, Path store) throws IOException {
        String packs = store.toAbsolutePath().resolve("packs") + "/";
        return Files.readAllLines(maps).stream()
                .filter(l -> l.contains(packs) && l.endsWith("(deleted)"))
                .map(l -> l.substring(l.indexOf('/')))
                .distinct()
                .count();
    }

    private static void check(boolean ok, int key) {
        if (!ok) {
            System.out.println("WRONG VALUE for key " + key);
            System.out.flush();
            Runtime.getRuntime().halt(3);
        }
    }

    private static void verify(Path dir, int keys, long maxSize) throws IOException {
        boolean dirty = dirty(dir.resolve("index"));
        MemoRuntime rt = MemoRuntime.install(MemoConfig.at(dir).withMaxSize(maxSize).withMemoryTierBytes(0));
        TestAccess.store().index().enforceBound(); // a locked change: the index is checked, and rebuilt when dirty
        List<String> inconsistent = new java.util.ArrayList<>(PackStoreTest.inconsistencies(rt, dir));
        long entries = rt.storedEntries();
        if (rt.storedBytes() > maxSize) {
            inconsistent.add(rt.storedBytes() + " bytes stored > the bound " + maxSize);
        }
        AtomicInteger runs = new AtomicInteger();
        int wrong = 0;
        for (int key = 0; key < keys; key++) {
            String t = StoreTestSupport.call(StoreWorker.TEXT, key, k -> {
                runs.incrementAndGet();
                return StoreWorker.expectedText(k);
            });
            double[] a = StoreTestSupport.call(StoreWorker.ARRAY, key, k -> {
                runs.incrementAndGet();
                return StoreWorker.expectedArray(k);
            });
            wrong += t.equals(StoreWorker.expectedText(key)) ? 0 : 1;
            wrong += java.util.Arrays.equals(a, StoreWorker.expectedArray(key)) ? 0 : 1;
        }
        inconsistent.addAll(PackStoreTest.inconsistencies(rt, dir));
        System.out.println("dirty=" + (dirty ? 1 : 0) + " wrong=" + wrong + " runs=" + runs.get() + " entries=" + entries
                + " inconsistent=" + inconsistent.size());
        inconsistent.forEach(System.out::println);
    }

    private static void cut(Path dir, int rounds, boolean writes) throws IOException {
        int keys = 60;
        int errors = 0;
        int wrong = 0;
        Throwable first = null;
        for (int round = 0; round < rounds; round++) {
            Path store = dir.resolve("cut-" + round);
            // a short lock timeout: an error thrown inside the index lock may leave it held
            MemoRuntime.install(MemoConfig.at(store).withMaxSize(4 << 20).withMemoryTierBytes(0)
                    .withLockTimeoutMillis(2_000));
            for (int pass = 0; pass < 4; pass++) { // stored, then hits
                for (int key = 0; key < keys; key++) {
                    StoreTestSupport.call(StoreWorker.TEXT, key, StoreWorker::expectedText);
                }
            }
            List<PackStoreTest.Record> records = PackStoreTest.records(store);
            PackStoreTest.Record last = records.get(records.size() - 1);
            try (FileChannel ch = FileChannel.open(store.resolve("packs").resolve(Hex.of(last.pack())),
                    StandardOpenOption.WRITE)) {
                ch.truncate((last.offset() + Packs.recordBytes(last.length())) / 2);
            }
            for (int i = 0; i < keys; i++) {
                int key = writes ? keys + i : keys - 1 - i; // reads: the records that are gone first
                try {
                    wrong += StoreTestSupport.call(StoreWorker.TEXT, key, StoreWorker::expectedText)
                            .equals(StoreWorker.expectedText(key)) ? 0 : 1;
                } catch (Throwable t) {
                    errors++;
                    first = first == null ? t : first;
                    break;
                }
            }
        }
        System.out.println("errors=" + errors + " wrong=" + wrong);
        if (first != null) {
            first.printStackTrace(System.out);
        }
    }

    /** Whether the index's dirty word (offset 72, docs/store-format.md) is set: a change was left half done. */
    static boolean dirty(Path index) throws IOException {
        if (!Files.exists(index)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(index, StandardOpenOption.READ)) {
            ByteBuffer word = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            return ch.read(word, 72) == 8 && word.getLong(0) != 0;
        }
    }
}
