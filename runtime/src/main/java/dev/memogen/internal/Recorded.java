package dev.memogen.internal;

import dev.memogen.internal.codec.CorruptValueException;
import dev.memogen.internal.codec.ValueReader;
import dev.memogen.internal.codec.ValueWriter;
import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * What a computation left besides its value, kept with the entry ({@code docs/store-format.md},
 * "Recorded"): the files it said it depends on ({@code Memogen.dependsOn}, and the file arguments
 * of memoized calls it made), each with its digest when it was recorded; and what it wrote to
 * {@code System.out} and {@code System.err} ({@code @Memo(replayOutput = true)}), in order.
 *
 * <p>A hit first checks the files ({@link #stale()}: the stat-keyed fast path of
 * {@link FileDigests}); a change makes the entry stale. A hit then gives the files to the
 * computation it is part of, if any, and writes the output again ({@link #onHit()}).
 *
 * <p>Immutable. Not part of the public API.
 *
 * @param dependencies the files, by absolute normalised path, with their digests
 * @param output       the output chunks, in the order they were written
 */
record Recorded(List<Dependency> dependencies, List<Chunk> output) {
    /** The first byte of a payload that starts with a record instead of the value's presence flag. */
    static final byte TAG = dev.memogen.internal.core.StoredEntries.PREAMBLE;

    /** A file the value depends on, and what it held ({@link FileDigests.Digest}). */
    record Dependency(String path, byte kind, long high, long low) {
        static Dependency of(Path absolute) {
            FileDigests.Digest d = FileDigests.of(absolute);
            return new Dependency(absolute.toString(), d.kind(), d.high(), d.low());
        }

        /** Whether the file holds something else now (or cannot be read: never a hit). */
        boolean changed() {
            Path p;
            try {
                p = Path.of(path);
            } catch (InvalidPathException e) {
                return true;
            }
            FileDigests.Digest now = FileDigests.of(p);
            return now.kind() != kind || now.high() != high || now.low() != low
                    || kind == FileDigests.UNREADABLE;
        }
    }

    /**
     * Bytes written to {@code System.out} ({@code err} false) or {@code System.err}.
     *
     * @param bytes never changed once recorded
     */
    @SuppressWarnings("ArrayRecordComponent") // compared by nobody, copied by nobody
    record Chunk(boolean err, byte[] bytes) {}

    Recorded {
        dependencies = List.copyOf(dependencies);
        output = List.copyOf(output);
    }

    /** Whether a file the value depends on changed since it was recorded. */
    boolean stale() {
        for (Dependency d : dependencies) {
            if (d.changed()) {
                return true;
            }
        }
        return false;
    }

    /**
     * A hit of the entry: its files become dependencies of the computation under way on this
     * thread (if any), and its output is written again.
     */
    void onHit() {
        if (!dependencies.isEmpty()) {
            MemoFunction.Flight.dependOnAll(dependencies);
        }
        replay();
    }

    /** Writes the recorded output again, to the streams in use, in order. */
    void replay() {
        if (output.isEmpty()) {
            return;
        }
        PrintStream last = null;
        for (Chunk c : output) {
            PrintStream to = c.err ? System.err : System.out;
            if (last != null && last != to) {
                last.flush(); // keep the order of out and err on a terminal
            }
            to.write(c.bytes, 0, c.bytes.length);
            last = to;
        }
        last.flush();
    }

    /** Writes the record: {@link #TAG}, the files, the output. The value's encoding follows it. */
    void write(ValueWriter out) {
        out.writeByte(TAG);
        out.writeSize(dependencies.size());
        for (Dependency d : dependencies) {
            out.writeString(d.path);
            out.writeByte(d.kind);
            out.writeLong(d.high);
            out.writeLong(d.low);
        }
        out.writeSize(output.size());
        for (Chunk c : output) {
            out.writeBoolean(c.err);
            out.writeByteArray(c.bytes);
        }
    }

    /**
     * Reads a record after its {@link #TAG} ({@link dev.memogen.internal.core.StoredEntries.Preamble});
     * {@code STALE} when a file it depends on changed.
     */
    static Object readFresh(ValueReader in) {
        Recorded r = read(in);
        return r.stale() ? dev.memogen.internal.core.StoredEntries.Preamble.STALE : r;
    }

    /** {@link #readFresh} as the store's preamble reader. */
    static final class PreambleReader implements dev.memogen.internal.core.StoredEntries.Preamble {
        @Override
        public Object read(ValueReader in) {
            return readFresh(in);
        }
    }

    /**
     * Reads a record after its {@link #TAG}; throws {@link CorruptValueException} for sizes that do
     * not fit what is left (the store is not trusted).
     */
    static Recorded read(ValueReader in) {
        int n = in.readSize(4 + 1 + 16);
        Dependency[] deps = new Dependency[n];
        for (int i = 0; i < n; i++) {
            deps[i] = new Dependency(in.readString(), in.readByte(), in.readLong(), in.readLong());
        }
        int m = in.readSize(1 + 4);
        Chunk[] chunks = new Chunk[m];
        for (int i = 0; i < m; i++) {
            chunks[i] = new Chunk(in.readBoolean(), in.readByteArray());
        }
        return new Recorded(List.of(deps), List.of(chunks));
    }
}
