package dev.memogen.internal;

import dev.memogen.internal.codec.Codec;
import dev.memogen.internal.codec.ValueReader;
import dev.memogen.internal.codec.ValueWriter;
import dev.memogen.internal.core.StoredEntries;
import dev.memogen.internal.fingerprint.FingerprintInputs;
import dev.memogen.internal.hash.Xxh3Stream;
import dev.memogen.internal.store.StoredFunction;
import dev.memogen.internal.store.Ttl;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a file or directory tree holds, as a 128-bit digest for the key of a {@code Path} or
 * {@code File} argument ({@code docs/hash-spec.md}, "Files"): a regular file by the XXH3-128 of its
 * bytes; a directory by its entries, sorted by relative path, each with its kind, its executable
 * bit and its content digest (a symbolic link inside the tree by its target, not followed); a
 * path that does not exist as "absent". A path that cannot be read gets a digest never given
 * before, so the call computes (and meets the same error the method would).
 *
 * <p>A file's digest is kept, for this JVM, under what {@code stat} says of it (device, inode,
 * size, modification and change times, to the nanosecond where the file system has them): a call
 * on an unchanged file costs a {@code stat}, not a read. As git does for its index, a file
 * modified within {@link FingerprintInputs#RACY_MILLIS} of the moment it was hashed is hashed again at the next
 * call (a change within the timestamp granularity could leave its times as they were); setting
 * the times back ({@code touch -d}) changes the change time, so it is seen too. The store itself
 * is left out of the trees it is in. The digests of files that were not racily clean are also kept
 * in the store ({@link #STORED}), so a new JVM reads an unchanged file's digest, not the file.
 */
final class FileDigests {
    private FileDigests() {}

    /** The kind of what a path names, the first byte of its digest in the key stream. */
    static final byte ABSENT = 0;
    static final byte FILE = 1;
    static final byte DIRECTORY = 2;
    static final byte UNREADABLE = 3;
    static final byte LINK = 4;
    /** A FIFO, socket or device inside a tree: by its name and kind only, never opened. */
    static final byte OTHER = 5;


    private static final int MAX_CACHED = 1 << 16;
    private static final int BUFFER = 1 << 16;
    /**
     * Digests never given before, for what cannot be read. Made on first use, not when the class
     * is: a {@code SecureRandom} loads and seeds the JDK's security providers (tens of classes),
     * which a program whose files all read never needs.
     */
    private static final class Nonces {
        static final SecureRandom RANDOM = new SecureRandom();
    }

    /** A file's content digest, with the {@code stat} it was taken under and when. */
    private record Known(String stat, long high, long low) {}

    /**
     * Digests kept across runs, as entries of the store, keyed by the XXH3-128 of the file's
     * absolute path and its {@code stat}: a fresh JVM finds an unchanged file's digest there
     * instead of reading the file. Only digests of files that were not racily clean are kept.
     */
    private static final StoredFunction STORED = new StoredFunction("dev.memogen.FileDigest", "1", Ttl.NONE);
    private static final Codec<long[]> TWO_LONGS = new Codec<>() {
        @Override
        public void encode(ValueWriter out, long[] value) {
            out.writeLong(value[0]);
            out.writeLong(value[1]);
        }

        @Override
        public long[] decode(ValueReader in) {
            return new long[] {in.readLong(), in.readLong()};
        }
    };

    /** Bytes read to digest files, for tests: a digest found in memory or the store reads none. */
    static final java.util.concurrent.atomic.LongAdder BYTES_READ = new java.util.concurrent.atomic.LongAdder();

    /** Forgets the digests this JVM knows (tests: as a fresh JVM would). */
    static void forgetKnown() {
        KNOWN.clear();
    }

    private static final Map<Path, Known> KNOWN = new ConcurrentHashMap<>();

    /**
     * The store in use (absolute, normalised), left out of directory trees: a tree that holds the
     * store (the working directory, with the default {@code .memogen}) would change with every
     * entry written, and never hit. Asked of the runtime when a tree is digested, so that starting
     * one does not load this class (its statics cost a fresh JVM a millisecond or two).
     */
    private static Path storeDirectory() {
        MemoRuntime r = MemoRuntime.ifStarted();
        return r == null || r.config.disabled() ? null : r.config.directory().toAbsolutePath().normalize();
    }

    /** A digest: what the path is, and the 128 bits of what it holds. */
    record Digest(byte kind, long high, long low) {}

    /** The digest of {@code path} (absolute and normalised), following it if it is a link. */
    static Digest of(Path path) {
        try {
            Stat stat;
            try {
                stat = stat(path); // one stat call on the usual path: an unchanged file
            } catch (NoSuchFileException e) {
                return new Digest(ABSENT, 0, 0);
            }
            if (stat.directory()) {
                return tree(path);
            }
            if (!stat.regular()) {
                // A FIFO, a socket, a device: what it holds is not there to read without taking it
                // (and opening a FIFO waits for a writer). Never a hit.
                return new Digest(UNREADABLE, Nonces.RANDOM.nextLong(), Nonces.RANDOM.nextLong());
            }
            long[] d = content(path, stat.text()); // read through the link, if it is one
            return new Digest(FILE, d[0], d[1]);
        } catch (IOException | RuntimeException e) {
            return new Digest(UNREADABLE, Nonces.RANDOM.nextLong(), Nonces.RANDOM.nextLong()); // never a hit
        }
    }

    private static Digest tree(Path root) throws IOException {
        List<String> names = names(root);
        Xxh3Stream out = new Xxh3Stream();
        out.int32(names.size());
        for (String name : names) {
            Entry e = entry(root.resolve(name));
            out.int8(e.kind());
            putString(out, name);
            if (e.kind() == LINK) {
                putString(out, e.target());
            } else {
                out.int8((byte) (e.executable() ? 1 : 0));
                if (e.kind() == FILE) {
                    out.int64(e.high());
                    out.int64(e.low());
                }
            }
        }
        out.finish();
        return new Digest(DIRECTORY, out.high(), out.low());
    }

    /**
     * One path as a tree holds it, not followed if it is a link: its kind ({@link #ABSENT},
     * {@link #FILE}, {@link #DIRECTORY}, {@link #LINK}, {@link #OTHER}), its owner-executable bit,
     * and for a regular file its size and content digest (known from its {@code stat} when it is
     * unchanged), for a link its target. One attribute read for an unchanged file.
     */
    record Entry(byte kind, boolean executable, long size, long high, long low, String target) {}

    static Entry entry(Path p) throws IOException {
        Stat a;
        try {
            a = stat(p, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return new Entry(ABSENT, false, 0, 0, 0, null);
        }
        byte kind = a.link() ? LINK : a.directory() ? DIRECTORY : a.regular() ? FILE : OTHER;
        if (kind == FILE) {
            long[] d = content(p, a.text());
            return new Entry(kind, a.executable(), a.size(), d[0], d[1], null);
        }
        return new Entry(kind, a.executable(), 0, 0, 0, kind == LINK ? Files.readSymbolicLink(p).toString() : null);
    }

    /**
     * The relative paths ({@code /}-separated) of what the directory {@code root} holds, sorted,
     * links not followed, the store left out.
     */
    static List<String> names(Path root) throws IOException {
        List<Path> entries = new ArrayList<>();
        Path store = storeDirectory();
        Files.walkFileTree(root, java.util.Set.of(), Integer.MAX_VALUE, // Set.of: an EnumSet's first use reflects (StoreFiles)
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        if (dir.equals(store) && !dir.equals(root)) {
                            return FileVisitResult.SKIP_SUBTREE;
                        }
                        if (!dir.equals(root)) {
                            entries.add(dir);
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        entries.add(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                        throw e;
                    }
                });
        List<String> names = new ArrayList<>(entries.size());
        for (Path p : entries) {
            names.add(root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/"));
        }
        java.util.Collections.sort(names);
        return names;
    }

    private static void putString(Xxh3Stream out, String s) {
        out.int32(s.length());
        out.putChars(s);
    }

    private static boolean executable(Path p) {
        try {
            return Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS).contains(PosixFilePermission.OWNER_EXECUTE);
        } catch (UnsupportedOperationException | IOException e) {
            return Files.isExecutable(p);
        }
    }

    /** The content digest of the regular file {@code read}, known if its {@code stat} is as when it was digested. */
    private static long[] content(Path read, String stat) throws IOException {
        Known known = KNOWN.get(read);
        if (known != null && known.stat.equals(stat)) {
            return new long[] {known.high, known.low};
        }
        MemoRuntime rt = MemoRuntime.ifStarted();
        StoredEntries entries = rt == null ? null : rt.entries;
        Xxh3Stream storeKey = new Xxh3Stream();
        String where = read.toAbsolutePath().normalize().toString();
        storeKey.int32(where.length());
        storeKey.putChars(where);
        storeKey.int32(stat.length());
        storeKey.putChars(stat);
        storeKey.finish();
        if (entries != null) {
            StoredEntries.Read<long[]> stored = entries.read(STORED, TWO_LONGS, storeKey.high(), storeKey.low(),
                    StoredEntries.KEEP_NONE, null);
            if (stored != null && stored.value() != null) {
                remember(read, new Known(stat, stored.value()[0], stored.value()[1]));
                return stored.value();
            }
        }
        long started = System.currentTimeMillis();
        long t0 = System.nanoTime();
        Xxh3Stream out = new Xxh3Stream();
        try (FileChannel ch = FileChannel.open(read, StandardOpenOption.READ)) {
            byte[] buf = new byte[BUFFER];
            ByteBuffer bb = ByteBuffer.wrap(buf);
            int n;
            while ((n = ch.read(bb.clear())) >= 0) {
                out.putBytes(buf, 0, n);
                BYTES_READ.add(n);
            }
        }
        out.finish();
        long[] digest = {out.high(), out.low()};
        // Racily clean: modified so close to now that a change within the timestamp granularity
        // could follow unseen. Not kept: hashed again next time.
        if (stat.equals(stat(read).text()) && modifiedMillis(read) < started - FingerprintInputs.RACY_MILLIS) {
            remember(read, new Known(stat, digest[0], digest[1]));
            if (entries != null) {
                ValueWriter value = new ValueWriter();
                StoredEntries.encode(TWO_LONGS, value, digest);
                entries.write(STORED, storeKey.high(), storeKey.low(), value, System.nanoTime() - t0);
            }
        }
        return digest;
    }

    private static void remember(Path key, Known known) {
        if (KNOWN.size() >= MAX_CACHED) {
            KNOWN.clear();
        }
        KNOWN.put(key, known);
    }

    /**
     * What changes when a file's content may have changed (device, inode, size, times: {@code text}),
     * what it is, and its owner-executable bit.
     */
    private record Stat(String text, boolean directory, boolean regular, boolean link, boolean executable, long size) {}

    /**
     * The {@link Stat} of {@code p} (of the link itself with {@code NOFOLLOW_LINKS}): one system
     * call where the {@code unix} view exists.
     */
    private static Stat stat(Path p, LinkOption... options) throws IOException {
        try {
            Map<String, Object> a = Files.readAttributes(p,
                    "unix:dev,ino,size,lastModifiedTime,ctime,mode,isDirectory,isRegularFile,isSymbolicLink", options);
            int mode = a.get("mode") instanceof Integer m ? m : 0;
            return new Stat(a.get("dev") + ":" + a.get("ino") + ":" + a.get("size") + ":"
                    + nanos(a.get("lastModifiedTime")) + ":" + nanos(a.get("ctime")),
                    Boolean.TRUE.equals(a.get("isDirectory")), Boolean.TRUE.equals(a.get("isRegularFile")),
                    Boolean.TRUE.equals(a.get("isSymbolicLink")), (mode & 0100) != 0,
                    a.get("size") instanceof Long size ? size : 0);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, options);
            return new Stat(a.fileKey() + ":" + a.size() + ":" + nanos(a.lastModifiedTime()) + ":"
                    + nanos(a.creationTime()), a.isDirectory(), a.isRegularFile(), a.isSymbolicLink(),
                    executable(p), a.size());
        }
    }

    private static long modifiedMillis(Path p) throws IOException {
        return Files.getLastModifiedTime(p).toMillis();
    }

    private static String nanos(Object time) {
        if (time instanceof FileTime t) {
            java.time.Instant i = t.toInstant();
            return i.getEpochSecond() + "." + i.getNano();
        }
        return String.valueOf(time);
    }
}
