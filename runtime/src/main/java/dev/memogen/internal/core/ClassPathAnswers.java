package dev.memogen.internal.core;

import dev.memogen.internal.codec.Codec;
import dev.memogen.internal.codec.CorruptValueException;
import dev.memogen.internal.codec.ValueReader;
import dev.memogen.internal.codec.ValueWriter;
import dev.memogen.internal.fingerprint.FingerprintInputs;
import dev.memogen.internal.hash.Xxh3Stream;
import dev.memogen.internal.store.StoredFunction;
import dev.memogen.internal.store.Ttl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether the class path holds a resource ({@link QuietLogging#entriesHold}), kept in the store
 * across runs, as code fingerprints are. Telling it reads the central directory and manifest of
 * every jar of the class path, about 17 ms for a project's 61 dependency jars in a fresh JVM
 * (measured), at every run's first store read; the jars are almost always those of the last run.
 * So the answer is kept as an entry of its own, under the class path, the working directory and
 * the resource's name, with what the walk met, in its order ({@link Met}): each jar with what
 * {@code stat} said of it before it was read (file key, size, modification time), each directory
 * and each missing entry. A new JVM walks that list again: a jar must have the same {@code stat}
 * (about 12 µs a jar), a directory is looked into again (the file is there or not: a directory's
 * {@code stat} does not tell), a missing entry must still be missing. Anything else tells the
 * answer again, and a keepable answer replaces the entry.
 *
 * <p>Not kept: an answer that asked a class loader (a jar this reading does not tell), one found
 * in a directory, and one that read a jar modified within two seconds of reading it (a change
 * within the timestamp's granularity could follow unseen, as for kept fingerprints).
 * What the answer decides is only whether memogen's DEBUG messages are known to be off: a jar
 * rewritten in place with the same size and modification time (a {@code cp -p} over it of another
 * jar of the same size, say) would at worst leave those messages off, or start the logging backend
 * for nothing. The entries are read like any other (checksum, key, and with {@code memogen.key}
 * the tag), from the local store only, and written to it only (not to a remote tier: they describe
 * this machine's files).
 */
final class ClassPathAnswers {
    private ClassPathAnswers() {}

    /** An entry of the walk: a jar read, a directory looked into, or a class path entry that was missing. */
    record Met(byte kind, String path, String stat) {}

    static final byte MISSING = 0, DIRECTORY = 1, JAR = 2;

    /** What is kept: the answer, and what the walk met before it. */
    record Kept(boolean holds, List<Met> met) {}

    /** The version of the entries' format: another build that keeps them differently makes them stale. */
    static final StoredFunction STORED = new StoredFunction("dev.memogen.ClassPathResource", "1", Ttl.NONE);

    /** Longest path kept: longer ones make the answer not kept. */
    private static final int MAX_STRING = 4096;

    /** Most entries kept: more (a class path of some hundred thousand jars) are told each time. */
    private static final int MAX_MET = 100_000;

    static final Codec<Kept> CODEC = new Codec<>() {
        @Override
        public void encode(ValueWriter out, Kept k) {
            out.writeBoolean(k.holds());
            out.writeSize(k.met().size());
            for (Met m : k.met()) {
                out.writeByte(m.kind());
                out.writeString(m.path());
                if (m.kind() == JAR) {
                    out.writeString(m.stat());
                }
            }
        }

        @Override
        public Kept decode(ValueReader in) {
            boolean holds = in.readBoolean();
            int n = in.readSize(2); // a kind and a string's length at least
            if (n > MAX_MET) {
                throw new CorruptValueException("a kept class path answer lists " + n + " entries");
            }
            List<Met> met = new ArrayList<>(in.room(n));
            for (int i = 0; i < n; i++) {
                byte kind = in.readByte();
                if (kind != MISSING && kind != DIRECTORY && kind != JAR) {
                    throw new CorruptValueException("a kept class path answer has an entry of kind " + kind);
                }
                String path = checked(in.readString());
                met.add(new Met(kind, path, kind == JAR ? checked(in.readString()) : null));
            }
            return new Kept(holds, List.copyOf(met));
        }
    };

    private static String checked(String s) {
        if (s == null || s.length() > MAX_STRING) {
            throw new CorruptValueException("a string of a kept class path answer is missing or too long");
        }
        return s;
    }

    /** What a walk met, as {@link QuietLogging#entriesHold} records it; {@link #keepable} false once something not kept was met. */
    static final class Walk {
        final List<Met> met = new ArrayList<>();
        boolean keepable = true;
        private final long racyAfter = System.currentTimeMillis() - FingerprintInputs.RACY_MILLIS;

        void missing(Path p) {
            met.add(new Met(MISSING, p.toString(), null));
        }

        void directory(Path p) {
            met.add(new Met(DIRECTORY, p.toString(), null));
        }

        /** Records jar {@code p} before it is read; one that cannot be {@code stat}ed, or was modified too recently, makes the walk not kept. */
        void jar(Path p) {
            try {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                if (a.lastModifiedTime().toMillis() > racyAfter) {
                    keepable = false;
                }
                met.add(new Met(JAR, p.toString(), stat(a)));
            } catch (IOException | RuntimeException e) {
                keepable = false;
            }
        }
    }

    /**
     * What {@code stat} says of a file, as kept: its key (device and inode), size and modification
     * time to the nanosecond. Not {@link FingerprintInputs#statText}, which adds the change time
     * through the {@code unix:} attribute view at about 60 µs a file in a fresh JVM (about 4 ms for
     * 61 jars, against 0.75 ms for this): what this answer decides does not need it (class comment).
     */
    static String stat(BasicFileAttributes a) {
        java.time.Instant modified = a.lastModifiedTime().toInstant();
        return a.fileKey() + " " + a.size() + " " + modified.getEpochSecond() + "." + modified.getNano();
    }

    /** The key of the answer for {@code resource} on {@code classPath}: the class path, the working directory, the name. */
    static long[] key(String classPath, String resource) {
        Xxh3Stream key = new Xxh3Stream();
        for (String part : new String[] {classPath, System.getProperty("user.dir", ""), resource,
                String.valueOf(System.getProperty("jdk.net.URLClassPath.disableClassPathURLCheck"))}) {
            key.int32(part.length());
            key.putChars(part);
        }
        key.finish();
        return new long[] {key.high(), key.low()};
    }

    /**
     * The kept answer, when what its walk met is as it was: {@link ZipNames#YES} or
     * {@link ZipNames#NO}; {@link ZipNames#UNKNOWN} when there is none, or anything met changed.
     */
    static int read(StoredEntries keptIn, long[] key, String resource) {
        StoredEntries.Read<Kept> found = keptIn.read(STORED, CODEC, key[0], key[1], 0, 0, StoredEntries.KEEP_NONE,
                null, null, false);
        if (found == null || found.value() == null) {
            return ZipNames.UNKNOWN;
        }
        Kept kept = found.value();
        try {
            for (Met m : kept.met()) {
                Path p = Path.of(m.path());
                switch (m.kind()) {
                    case MISSING -> {
                        if (Files.exists(p)) {
                            return ZipNames.UNKNOWN;
                        }
                    }
                    case DIRECTORY -> {
                        if (!Files.isDirectory(p)) {
                            return ZipNames.UNKNOWN;
                        }
                        if (Files.exists(p.resolve(resource))) {
                            return ZipNames.YES; // what the walk would find there now, everything before it unchanged
                        }
                    }
                    default -> {
                        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                        if (!a.isRegularFile() || !stat(a).equals(m.stat())) {
                            return ZipNames.UNKNOWN;
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return ZipNames.UNKNOWN;
        }
        return kept.holds() ? ZipNames.YES : ZipNames.NO;
    }

    /** Keeps {@code holds}, told by {@code walk}, when it can be: in the local store, if it is writable. Never throws. */
    static void keep(StoredEntries keptIn, long[] key, boolean holds, Walk walk, long nanos) {
        if (!walk.keepable || walk.met.size() > MAX_MET || !keptIn.store().writable()) {
            return;
        }
        if (holds && !walk.met.isEmpty() && walk.met.get(walk.met.size() - 1).kind() == DIRECTORY) {
            return; // found in a directory, which is looked into anyway
        }
        for (Met m : walk.met) {
            if (m.path().length() > MAX_STRING) {
                return;
            }
        }
        try {
            ValueWriter value = new ValueWriter();
            StoredEntries.encode(CODEC, value, new Kept(holds, List.copyOf(walk.met)));
            keptIn.store().write(STORED, key[0], key[1], 0, 0, value, nanos);
        } catch (IOException | RuntimeException e) {
            // not kept: told again by the next run
        }
    }
}
