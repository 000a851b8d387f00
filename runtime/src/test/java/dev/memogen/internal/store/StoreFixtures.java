package dev.memogen.internal.store;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** What tests of other packages need of the store's non-public parts. */
public final class StoreFixtures {
    private StoreFixtures() {}

    /**
     * Makes {@code owner} (a live process of another pid) the owner of the stripe of the key
     * ({@code fn}, {@code k0}, {@code k1}) in the flights file of the store at {@code dir}.
     */
    public static void ownKey(Path dir, FileStore store, long fn, long k0, long k1, ProcessHandle owner)
            throws IOException {
        FlightTable table = new FlightTable(dir.resolve("flights"), store.index());
        if (table.tryAcquire(fn, k0, k1, 0) == null) {
            throw new IllegalStateException("the key's stripe is taken");
        }
        try (FileChannel ch = FileChannel.open(dir.resolve("flights"), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, ch.size());
            m.order(ByteOrder.LITTLE_ENDIAN).putLong(FlightTable.offset(m, fn, k0, k1), FlightTable.name(owner));
        }
    }

    /**
     * The change counter of the index of the store at {@code dir} ({@link IndexHeader#H_CHANGES}),
     * read from its file: odd while a change is under way, one more at each change's start and end.
     */
    public static long changeCounter(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir.resolve("index"), StandardOpenOption.READ)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(b, IndexHeader.H_CHANGES);
            return b.getLong(0);
        }
    }
}
