package dev.memogen.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.internal.MemoRuntime;
import dev.memogen.internal.TestAccess;
import dev.memogen.internal.core.MemoConfig;
import dev.memogen.internal.store.FlightTable;
import dev.memogen.internal.store.StoreIndex;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stripes of {@code flights}: owned by one flight at a time, taken over from dead owners only. */
class FlightTableTest {
    @TempDir Path dir;

    private StoreIndex index() {
        MemoRuntime.install(MemoConfig.at(dir).withPackMax(0));
        return TestAccess.store().index();
    }

    /** A table on {@code flights} of a new store in {@code dir}. */
    private FlightTable table() {
        return new FlightTable(dir.resolve("flights"), index());
    }

    @Test
    void aStripeHasOneOwnerProcessUntilReleased() throws Exception {
        FlightTable table = table();
        FlightTable.Claim first = table.tryAcquire(1, 2, 3, 0);
        assertNotNull(first);
        assertEquals(FlightTable.bytesFor(TestAccess.store().index().slots()), Files.size(dir.resolve("flights")),
                "created whole, at the size for the index");
        assertEquals(ProcessHandle.current().pid(), table.ownerPid(1, 2, 3));
        assertNotNull(table.tryAcquire(1, 2, 4, 0), "another key (another stripe) is free");
        first.release();
        assertEquals(0, table.ownerPid(1, 2, 3), "free after the release");
        FlightTable.Claim again = table.tryAcquire(1, 2, 3, 0);
        assertNotNull(again);
        again.release();
    }

    /**
     * The flights of one JVM never wait for each other on a stripe (an outer frame of a thread
     * may hold the stripe of the key an inner call needs): they share it, and it stays this
     * JVM's until the last of them ends.
     */
    @Test
    void theFlightsOfOneJvmShareAStripe() throws Exception {
        FlightTable table = table();
        FlightTable.Claim outer = table.tryAcquire(1, 2, 3, 0);
        FlightTable.Claim inner = table.tryAcquire(1, 2, 3, 0);
        assertNotNull(outer);
        assertNotNull(inner, "a second flight of this JVM on the same stripe does not wait");
        inner.release();
        assertEquals(ProcessHandle.current().pid(), table.ownerPid(1, 2, 3), "still held by the outer flight");
        outer.release();
        assertEquals(0, table.ownerPid(1, 2, 3), "free once the last flight ends");
    }

    @Test
    void aTableCutShortIsCreatedAgain() throws Exception {
        StoreIndex index = index();
        Path file = dir.resolve("flights");
        new FlightTable(file, index).tryAcquire(1, 2, 3, 0).release();
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(1000);
        }
        FlightTable.Claim l = new FlightTable(file, index).tryAcquire(1, 2, 3, 0);
        assertNotNull(l);
        assertEquals(FlightTable.bytesFor(index.slots()), Files.size(file));
        l.release();
    }

    /**
     * The stripe count is the file's (a process with another bound may have made it): a file of
     * another sound length is used as it is, one of a length no table has is made again.
     */
    @Test
    void theStripeCountIsTheFilesAndAFileOfNoTablesLengthIsMadeAgain() throws Exception {
        StoreIndex index = index();
        Path file = dir.resolve("flights");
        Files.write(file, new byte[16 << 10]); // 2048 stripes: not the size for this index (65536)
        FlightTable.Claim claim = new FlightTable(file, index).tryAcquire(1, 2, 3, 0);
        assertNotNull(claim);
        assertEquals(16 << 10, Files.size(file), "used as it is");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            m.order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(FlightTable.me(), m.getLong(FlightTable.offset(m, 1, 2, 3)) & FlightTable.NAME,
                    "the key's stripe is among the file's 2048");
        }
        claim.release();

        Files.write(file, new byte[24 << 10]); // no power of two
        claim = new FlightTable(file, index).tryAcquire(1, 2, 3, 0);
        assertNotNull(claim);
        assertEquals(FlightTable.bytesFor(index.slots()), Files.size(file), "made again at the size for the index");
        claim.release();
        assertFalse(Files.exists(dir.resolve("flights.new")));
    }

    @Test
    void thisProcessIsAliveAndADeadOneIsNot() throws Exception {
        assertTrue(FlightTable.alive(FlightTable.me()));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long name = FlightTable.name(p.toHandle());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertFalse(FlightTable.alive(name), "a process that ended");
        long reused = FlightTable.me() ^ 0x5555_5555L; // this pid, another start time: the pid was reused
        assertFalse(FlightTable.alive(reused), "a pid now held by a process that started at another time");
    }

    /**
     * A byte flipped in a free stripe (0) gives a word whose pid may be a live process: it is
     * not taken for that process's flight, which would make every call of the stripe's keys wait
     * for {@code memogen.lockTimeout} (found by the long damage fuzz test, seed 14).
     */
    @Test
    void aWordDamagedFromZeroNamesNoLiveProcess() {
        long pid = ProcessHandle.current().pid();
        assertFalse(FlightTable.alive(pid << 32), "this pid, digest 0");
        assertFalse(FlightTable.alive(1L << 32), "pid 1, digest 0");
        assertFalse(FlightTable.alive(pid << 32 | 0x5A), "this pid, a digest of one flipped byte");
    }
}
