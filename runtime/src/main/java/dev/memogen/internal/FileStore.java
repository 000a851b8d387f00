package dev.memogen.internal;

import com.dynatrace.hash4j.hashing.HashStream128;
import com.dynatrace.hash4j.hashing.HashValue128;
import com.dynatrace.hash4j.hashing.Hashing;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The embedded persistent store: one file per entry, under
 * {@code <dir>/objects/<function>/<xx>/<argument key>}. A lookup is one file open, so its cost
 * does not depend on how many entries exist, and opening the store reads nothing.
 *
 * <p>An entry file holds a header with the full key (system state, function id, function version,
 * argument key, argument version), the payload, and an XXH3-128 checksum of both. It is written
 * to a temporary file in the same directory and moved into place atomically, so readers and
 * other processes see either the old entry or the new one, never a torn one. A file whose
 * checksum or key does not match is a miss.
 */
final class FileStore {
    /** "MGEN" in little-endian byte order. */
    static final int MAGIC = 0x4E45474D;
    /** Version of the on-disk format; part of every entry's system state. */
    static final int FORMAT_VERSION = 1;
    private static final int CHECKSUM_BYTES = 16;
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    enum Status { HIT, ABSENT, STALE, CORRUPT }

    /** What a read found; {@code payload*} are set for {@link Status#HIT}. */
    record Found(Status status, String detail, byte[] bytes, int payloadOffset, int payloadLength) {
        static final Found ABSENT = new Found(Status.ABSENT, "", null, 0, 0);
    }

    private final Path objects;
    private final String systemState;

    FileStore(Path root, String systemState) throws IOException {
        this.objects = root.resolve("objects");
        this.systemState = systemState;
        Files.createDirectories(objects);
    }

    Path objectsDirectory() {
        return objects;
    }

    Path pathFor(MemoFunction<?> fn, long k0, long k1) {
        String hex = hex(k0) + hex(k1);
        return objects.resolve(fn.directoryName()).resolve(hex.substring(0, 2)).resolve(hex);
    }

    /** Reads the entry for a key; any I/O error other than absence is thrown to the caller. */
    Found read(MemoFunction<?> fn, long k0, long k1) throws IOException {
        Path path = pathFor(fn, k0, k1);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return Found.ABSENT;
        }
        return parse(bytes, fn, k0, k1);
    }

    Found parse(byte[] bytes, MemoFunction<?> fn, long k0, long k1) {
        int body = bytes.length - CHECKSUM_BYTES;
        if (body < 0) {
            return corrupt("file of " + bytes.length + " bytes is too short");
        }
        HashValue128 sum = Hashing.xxh3_128().hashBytesTo128Bits(bytes, 0, body);
        if ((long) LONG.get(bytes, body) != sum.getMostSignificantBits()
                || (long) LONG.get(bytes, body + 8) != sum.getLeastSignificantBits()) {
            return corrupt("checksum mismatch");
        }
        try {
            ValueReader in = new ValueReader(bytes, 0, body);
            if (in.readInt() != MAGIC) {
                return corrupt("not a memogen entry");
            }
            int format = in.readInt();
            if (format != FORMAT_VERSION) {
                return new Found(Status.STALE, "store format " + format + " != " + FORMAT_VERSION, null, 0, 0);
            }
            in.readLong(); // compute nanos, read by the eviction policy
            in.readLong(); // created, epoch millis
            long storedK0 = in.readLong();
            long storedK1 = in.readLong();
            in.readLong(); // argument version, high
            in.readLong(); // argument version, low
            String state = in.readString();
            String id = in.readString();
            String version = in.readString();
            int payloadLength = in.readSize(1);
            if (payloadLength != in.remaining()) {
                return corrupt("payload length " + payloadLength + " != " + in.remaining());
            }
            int payloadOffset = body - payloadLength;
            if (storedK0 != k0 || storedK1 != k1 || !id.equals(fn.id())) {
                // A different key at this path: a 128-bit collision or a misplaced file. Never a hit.
                return corrupt("entry belongs to another key (" + id + ")");
            }
            if (!state.equals(systemState)) {
                return new Found(Status.STALE, "system state changed", null, 0, 0);
            }
            if (!version.equals(fn.version())) {
                return new Found(Status.STALE, "function version changed", null, 0, 0);
            }
            return new Found(Status.HIT, "", bytes, payloadOffset, payloadLength);
        } catch (CorruptValueException e) {
            return corrupt(e.getMessage());
        }
    }

    private static Found corrupt(String detail) {
        return new Found(Status.CORRUPT, detail, null, 0, 0);
    }

    /** Writes an entry atomically, replacing any older entry for the same key. */
    void write(MemoFunction<?> fn, long k0, long k1, byte[] payload, int payloadLength, long computeNanos)
            throws IOException {
        ValueWriter header = new ValueWriter(128 + 2 * (systemState.length() + fn.id().length() + fn.version().length()));
        header.writeInt(MAGIC);
        header.writeInt(FORMAT_VERSION);
        header.writeLong(computeNanos);
        header.writeLong(System.currentTimeMillis());
        header.writeLong(k0);
        header.writeLong(k1);
        header.writeLong(0L); // argument version: no versioned resources yet
        header.writeLong(0L);
        header.writeString(systemState);
        header.writeString(fn.id());
        header.writeString(fn.version());
        header.writeSize(payloadLength);

        HashStream128 sum = Hashing.xxh3_128().hashStream();
        sum.putBytes(header.array(), 0, header.size()).putBytes(payload, 0, payloadLength);
        HashValue128 digest = sum.get();
        byte[] trailer = new byte[CHECKSUM_BYTES];
        LONG.set(trailer, 0, digest.getMostSignificantBits());
        LONG.set(trailer, 8, digest.getLeastSignificantBits());

        Path target = pathFor(fn, k0, k1);
        Path dir = target.getParent();
        Path tmp = dir.resolve(target.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        FileChannel ch;
        try {
            ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            Files.createDirectories(dir);
            ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
        boolean moved = false;
        try {
            try (FileChannel out = ch) {
                ByteBuffer[] parts = {
                    ByteBuffer.wrap(header.array(), 0, header.size()),
                    ByteBuffer.wrap(payload, 0, payloadLength),
                    ByteBuffer.wrap(trailer)
                };
                long total = (long) header.size() + payloadLength + CHECKSUM_BYTES;
                long written = 0;
                while (written < total) {
                    written += out.write(parts);
                }
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Deletes the entry for a key if present (a corrupt or stale file). */
    void delete(MemoFunction<?> fn, long k0, long k1) throws IOException {
        Files.deleteIfExists(pathFor(fn, k0, k1));
    }

    static String hex(long v) {
        String s = Long.toHexString(v);
        return "0000000000000000".substring(s.length()) + s;
    }
}
