package dev.memogen.internal.store;

import static dev.memogen.internal.StoreTestSupport.call;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memogen.internal.Jvms;
import dev.memogen.internal.MemoRuntime;
import dev.memogen.internal.StoreWorker;
import dev.memogen.internal.core.MemoConfig;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random damage to random files of a store (objects and the index: flipped bytes, truncation):
 * every call still returns the right value, and the store repairs itself (the next pass is all
 * hits). A separate JVM checks the store at the end. 300 rounds; 3000 with
 * {@code -Dmemogen.longTests=true}.
 */
class StoreDamageFuzzTest {
    @TempDir Path dir;

    private static final int KEYS = 60;

    /** Every entry in an object file ({@code packMax} 0), or every entry in packs (the default). */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(longs = {0, MemoConfig.DEFAULT_PACK_MAX})
    void damagedBytesGiveMissesNeverWrongValues(long packMax) throws Exception {
        Path store = dir.resolve("store");
        Random random = new Random(Long.getLong("memogen.fuzzSeed", 7)); // other seeds: -Dmemogen.fuzzSeed=N
        AtomicInteger runs = new AtomicInteger();
        pass(store, runs, packMax);
        int rounds = Jvms.longTests() ? 3000 : 300;
        int damagedObjects = 0;
        int damagedIndex = 0;
        for (int round = 0; round < rounds; round++) {
            List<Path> files;
            try (Stream<Path> s = Files.walk(store)) {
                files = s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().endsWith("lock")).toList();
            }
            Path indexFile = store.resolve("index");
            boolean index = random.nextInt(3) == 0 && files.contains(indexFile);
            List<Path> objects = files.stream().filter(f -> !f.equals(indexFile)).toList();
            Path victim = index ? indexFile : objects.get(random.nextInt(objects.size()));
            if (index) {
                damageIndex(victim, random);
                damagedIndex++;
            } else {
                damageObject(victim, random);
                damagedObjects++;
            }
            pass(store, runs, packMax); // right values, whatever the damage
            int before = runs.get();
            pass(store, runs, packMax);
            assertEquals(before, runs.get(), "round " + round + ": the damage (" + victim.getFileName()
                    + ") was repaired by the first pass: the second is all hits");
        }
        assertEquals(true, damagedObjects > rounds / 4 && damagedIndex > rounds / 10,
                "both kinds of files were damaged: " + damagedObjects + " objects, " + damagedIndex + " index");
        String out = Jvms.run(dir, "verify", store.toString(), String.valueOf(KEYS));
        assertEquals(0, MultiProcessStoreTest.wrong(out), out);
    }

    /** Calls every key with a fresh runtime (no memory tier, a new mapping of the index). */
    private static void pass(Path store, AtomicInteger runs, long packMax) {
        // 4 MiB: the index is small (8192 slots), and nothing is evicted
        MemoRuntime.install(MemoConfig.at(store).withMemoryTierBytes(0).withMaxSize(4 << 20).withPackMax(packMax));
        callEveryKey(KEYS, runs);
    }

    /** Calls {@link StoreWorker}'s two functions for keys 0 to {@code keys - 1}; checks every value, counts computations. */
    static void callEveryKey(int keys, AtomicInteger runs) {
        for (int key = 0; key < keys; key++) {
            assertEquals(StoreWorker.expectedText(key), call(StoreWorker.TEXT, key, k -> {
                runs.incrementAndGet();
                return StoreWorker.expectedText(k);
            }));
            assertArrayEquals(StoreWorker.expectedArray(key), call(StoreWorker.ARRAY, key, k -> {
                runs.incrementAndGet();
                return StoreWorker.expectedArray(k);
            }));
        }
    }

    private static void damageObject(Path file, Random random) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length == 0 || random.nextInt(4) == 0) {
            Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length == 0 ? 0 : random.nextInt(bytes.length)));
            return;
        }
        int flips = 1 + random.nextInt(3);
        for (int i = 0; i < flips; i++) {
            bytes[random.nextInt(bytes.length)] ^= (byte) (1 + random.nextInt(255));
        }
        Files.write(file, bytes);
    }

    /** Damages the header, a used slot, or truncates: where damage matters. */
    private static void damageIndex(Path file, Random random) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            long length = f.length();
            int choice = random.nextInt(10);
            if (choice == 0) {
                f.setLength(random.nextInt((int) Math.min(length, 1 << 20)));
                return;
            }
            long offset;
            if (choice < 4 || length < IndexHeader.BYTES) {
                offset = random.nextInt(IndexHeader.BYTES);
            } else {
                List<Long> used = usedSlots(f, length);
                offset = used.isEmpty() ? random.nextInt(IndexHeader.BYTES)
                        : used.get(random.nextInt(used.size())) + random.nextInt(SlotTable.SLOT_BYTES);
            }
            if (offset >= length) {
                return;
            }
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ (1 + random.nextInt(255)));
        }
    }

    private static List<Long> usedSlots(RandomAccessFile f, long length) throws IOException {
        List<Long> used = new ArrayList<>();
        byte[] slot = new byte[SlotTable.SLOT_BYTES];
        for (long at = IndexHeader.BYTES; at + slot.length <= length; at += slot.length) {
            f.seek(at);
            f.readFully(slot);
            if (ByteBuffer.wrap(slot).order(ByteOrder.LITTLE_ENDIAN).getLong(0) != 0) {
                used.add(at);
            }
        }
        return used;
    }
}
