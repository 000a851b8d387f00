package dev.memogen.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.internal.Jvms;
import dev.memogen.internal.MemoRuntime;
import dev.memogen.internal.StoreEvictionTest;
import dev.memogen.internal.StoreTestSupport;
import dev.memogen.internal.StoreWorker;
import dev.memogen.internal.TestAccess;
import dev.memogen.internal.core.MemoConfig;
import dev.memogen.internal.hash.Hex;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several JVMs on one store: single flight between them, and kill -9 at random moments. */
class MultiProcessStoreTest {
    @TempDir Path dir;

    private static final Pattern WRONG = Pattern.compile("wrong=(\\d+)");

    static int wrong(String out) {
        Matcher m = WRONG.matcher(out);
        assertTrue(m.find(), out);
        return Integer.parseInt(m.group(1));
    }

    /** 4 processes x 4 threads over the same keys: every body runs exactly once in total. */
    @Test
    void fourProcessesOfFourThreadsRunEachBodyOnce() throws Exception {
        Path store = dir.resolve("store");
        Path log = dir.resolve("runs.log");
        Path go = dir.resolve("go");
        int keys = 40;
        List<Process> workers = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            workers.add(Jvms.worker(dir, "flight", store.toString(), log.toString(), String.valueOf(keys), "4",
                    go.toString(), String.valueOf(p)).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("worker-" + p + ".out").toFile()).start());
        }
        Thread.sleep(300); // let them start; they all wait for the go file
        Files.createFile(go);
        for (int p = 0; p < 4; p++) {
            assertTrue(workers.get(p).waitFor(3, TimeUnit.MINUTES), "worker " + p + " timed out");
            String out = Files.readString(dir.resolve("worker-" + p + ".out"));
            assertEquals(0, workers.get(p).exitValue(), out);
            assertEquals(0, wrong(out), out);
        }
        Map<String, Integer> runs = new HashMap<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            runs.merge(line.substring(0, line.indexOf(" pid ")), 1, Integer::sum);
        }
        assertEquals(keys, runs.size(), "every key was computed");
        runs.forEach((key, n) -> assertEquals(1, n, key + " ran " + n + " times"));
        long pids = Files.readAllLines(log).stream().map(l -> l.substring(l.indexOf(" pid "))).distinct().count();
        assertTrue(pids > 1, "the work was shared between processes (else the test proves nothing)");
    }

    /**
     * A process killed while it computes a key owns the key's stripe of {@code flights} for good;
     * the next process finds the owner dead and computes the key at once, instead of waiting for
     * the lock timeout (10 minutes by default).
     */
    @Test
    void aKeyWhoseComputingProcessWasKilledIsComputedAtOnce() throws Exception {
        Path store = dir.resolve("store");
        Process holder = Jvms.worker(dir, "hold", store.toString(), "7").redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("computing", out.readLine(), "the holder started computing");
        holder.destroyForcibly(); // SIGKILL: nothing released
        assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
        MemoRuntime.install(MemoConfig.at(store).withPackMax(0));
        int[] runs = {0};
        String v = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                () -> StoreTestSupport.call(StoreWorker.TEXT, 7, k -> {
                    runs[0]++;
                    return StoreWorker.expectedText(k);
                }));
        assertEquals(StoreWorker.expectedText(7), v);
        assertEquals(1, runs[0], "computed here, after the holder died");
    }

    /**
     * A writer JVM (storing, reading, evicting under a small bound, removing orphans) is killed
     * with SIGKILL at random moments; a separate JVM then finds only right values. 20 kills by
     * default, 200 with {@code -Dmemogen.longTests=true}.
     */
    @Test
    void killNineAtRandomMomentsNeverLeavesAWrongValue() throws Exception {
        Path store = dir.resolve("store");
        int kills = Jvms.longTests() ? 200 : 20;
        Random random = new Random(4);
        long maxSize = 256 << 10;
        for (int i = 0; i < kills; i++) {
            Process writer = Jvms.worker(dir, "write", store.toString(), String.valueOf(maxSize), String.valueOf(i))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertEquals("ready", first, "writer " + i + " did not start");
            Thread.sleep(random.nextInt(60));
            writer.destroyForcibly(); // SIGKILL on Linux
            assertTrue(writer.waitFor(30, TimeUnit.SECONDS));
            assertTrue(writer.exitValue() != 3, "writer " + i + " read a wrong value");
            if (i % 10 == 9) {
                assertEquals(0, wrong(Jvms.run(dir, "verify", store.toString(), "300")), "after kill " + i);
            }
        }
        String out = Jvms.run(dir, "verify", store.toString(), "300");
        assertEquals(0, wrong(out), out);
        // The verifier (an unbounded JVM) found the store sound; now one within the bound again:
        MemoRuntime.install(MemoConfig.at(store).withPackMax(0).withMaxSize(maxSize));
        StoreTestSupport.call(StoreWorker.TEXT, 1, StoreWorker::expectedText); // a hit or a store: runs eviction
        MemoRuntime rt = MemoRuntime.get();
        TestAccess.store().index().enforceBound();
        assertTrue(rt.storedBytes() <= maxSize, rt.storedBytes() + " > " + maxSize);
        assertEquals(rt.storedBytes(), StoreEvictionTest.objectBytes(store) - unindexedBytes(rt, store),
                "the index counts exactly the objects it holds");
    }

    private static long unindexedBytes(MemoRuntime rt, Path store) throws Exception {
        long bytes = 0;
        try (Stream<Path> files = Files.walk(store.resolve("objects"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String name = f.getFileName().toString();
                long fn = Hex.parse(f.getParent().getParent().getFileName().toString(), 16);
                if (name.length() != 32 || !TestAccess.store().index().contains(fn, Hex.parse(name.substring(0, 16), 16),
                        Hex.parse(name.substring(16), 16))) {
                    bytes += Files.size(f);
                }
            }
        }
        return bytes;
    }
}
