package dev.memogen.internal;

import dev.memogen.internal.codec.Codec;
import dev.memogen.internal.codec.CorruptValueException;
import dev.memogen.internal.codec.ValueReader;
import dev.memogen.internal.codec.ValueWriter;
import dev.memogen.internal.hash.Xxh3Stream;
import dev.memogen.internal.store.ThisProcess;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The codecs of a method that returns a {@code Path} or a {@code File}: the value stored is the
 * file or directory tree the path names when the method returns, and decoding a hit puts it back
 * where it was when it is missing or differs ({@code docs/store-format.md}, "File results").
 *
 * <p>Encoded: the absolute, normalised path; the number of entries; then each entry, the path
 * itself first (relative path {@code ""}), then, for a directory, what it holds sorted by relative
 * path ({@code /}-separated, links not followed, the store left out, as {@link FileDigests#names}):
 * its relative path, its kind ({@link FileDigests#FILE}, {@link FileDigests#DIRECTORY},
 * {@link FileDigests#LINK}); for a file or directory its owner-executable bit; for a file its
 * length, its content digest (the one {@link FileDigests} keeps) and its bytes; for a link its
 * target. A large file's bytes are read from the file as the store writes them and copied from
 * the store in pieces ({@link ValueWriter#writeFileBytes}, {@link ValueReader#copyBytes}).
 *
 * <p>Decoding compares each entry with what is on disk (a {@code stat} for an unchanged file, its
 * digest being known) and restores what is missing or differs: a file is written to a temporary
 * file beside it, checked against its digest, and moved into place atomically; directories are
 * created; what is on disk but not in the entry is left alone. A failure to restore throws
 * {@link CannotRestore}, so the call computes.
 *
 * <p>Not part of the public API: generated code uses {@link #PATH} and {@link #FILE}.
 */
public final class FileResults {
    private FileResults() {}

    /** The codec of a method returning a {@code Path}; a hit returns the absolute, normalised path. */
    public static final Codec<Path> PATH = new Codec<>() {
        @Override
        public void encode(ValueWriter out, Path value) {
            FileResults.encode(out, value);
        }

        @Override
        public Path decode(ValueReader in) {
            return FileResults.decode(in);
        }

        @Override
        public boolean restoresFiles() {
            return true;
        }
    };

    /** The codec of a method returning a {@code File}; a hit returns the absolute, normalised path. */
    public static final Codec<File> FILE = new Codec<>() {
        @Override
        public void encode(ValueWriter out, File value) {
            FileResults.encode(out, value.toPath());
        }

        @Override
        public File decode(ValueReader in) {
            return FileResults.decode(in).toFile();
        }

        @Override
        public boolean restoresFiles() {
            return true;
        }
    };

    /** What the store's entries can hold: sizes are {@code int}s. */
    static final long MAX_BYTES = Integer.MAX_VALUE - (1 << 20);

    /** A result that cannot be stored: what the warning says, as it is. */
    static final class NotStorable extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        NotStorable(String message) {
            super(message);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }

    /** A hit whose files cannot be put back: the call computes. */
    static final class CannotRestore extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CannotRestore(String message, Throwable cause) {
            super(message, cause);
        }

        @Override
        public String toString() {
            return getMessage() + (getCause() == null ? "" : " (" + getCause() + ")");
        }
    }

    static void encode(ValueWriter out, Path value) {
        Path root = value.toAbsolutePath().normalize();
        try {
            BasicFileAttributes top;
            try {
                top = Files.readAttributes(root, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                throw new NotStorable(root + ", returned by the method, does not exist: nothing is stored; create"
                        + " the file before returning its path");
            }
            if (top.isSymbolicLink()) {
                throw new NotStorable(root + ", returned by the method, is a symbolic link: nothing is stored;"
                        + " return the path of the file or directory itself");
            }
            List<String> names = top.isDirectory() ? FileDigests.names(root) : List.of();
            refuseTooLarge(root, top.isRegularFile() ? top.size() : 0, names);
            out.writeString(root.toString());
            out.writeSize(1 + names.size());
            writeEntry(out, root, "", FileDigests.entry(root));
            for (String name : names) {
                writeEntry(out, root, name, FileDigests.entry(root.resolve(name)));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + root + ", returned by the method", e);
        }
    }

    /**
     * Throws when the files of the result hold more bytes than an entry can, before any is read
     * (a file that grows later fails the write: {@link ValueWriter#writeFileBytes}).
     */
    private static void refuseTooLarge(Path root, long rootSize, List<String> names) throws IOException {
        long total = rootSize;
        for (String name : names) {
            BasicFileAttributes a = Files.readAttributes(root.resolve(name), BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            total += a.isRegularFile() ? a.size() : 0;
        }
        if (total > MAX_BYTES) {
            throw new NotStorable(root + ", returned by the method, holds " + total + " bytes of files, more than the "
                    + MAX_BYTES + " a stored result can: nothing is stored");
        }
    }

    private static void writeEntry(ValueWriter out, Path root, String name, FileDigests.Entry e) {
        Path p = name.isEmpty() ? root : root.resolve(name);
        if (e.kind() != FileDigests.FILE && e.kind() != FileDigests.DIRECTORY && e.kind() != FileDigests.LINK) {
            throw new NotStorable(p + (name.isEmpty() ? ", returned by the method," : ", in the directory the method"
                    + " returned,") + (e.kind() == FileDigests.ABSENT ? " was deleted while it was stored"
                    : " is a FIFO, socket or device, which memogen does not read") + ": nothing is stored");
        }
        out.writeString(name);
        out.writeByte(e.kind());
        if (e.kind() == FileDigests.LINK) {
            out.writeString(e.target());
            return;
        }
        out.writeBoolean(e.executable());
        if (e.kind() == FileDigests.FILE) {
            out.writeLong(e.size());
            out.writeLong(e.high());
            out.writeLong(e.low());
            out.writeFileBytes(p, e.size());
        }
    }

    static Path decode(ValueReader in) {
        String where = in.readString();
        Path root;
        try {
            root = Path.of(where);
        } catch (java.nio.file.InvalidPathException e) {
            throw new CorruptValueException("bad result path " + where);
        }
        if (!root.isAbsolute()) {
            throw new CorruptValueException("result path " + where + " is not absolute");
        }
        int n = in.readSize(5);
        if (n == 0) {
            throw new CorruptValueException("a file result without its file");
        }
        Set<String> directories = new HashSet<>();
        for (int i = 0; i < n; i++) {
            String name = in.readString();
            Path p = i == 0 ? root : inside(root, name, directories);
            byte kind = in.readByte();
            try {
                if (kind == FileDigests.FILE) {
                    boolean executable = in.readBoolean();
                    long size = in.readLong();
                    restoreFile(p, executable, size, in.readLong(), in.readLong(), in);
                } else if (kind == FileDigests.DIRECTORY) {
                    restoreDirectory(p, in.readBoolean());
                    directories.add(name);
                } else if (kind == FileDigests.LINK) {
                    restoreLink(p, in.readString());
                } else {
                    throw new CorruptValueException("bad entry kind " + kind);
                }
            } catch (IOException e) {
                throw new CannotRestore("cannot restore " + p + ", part of the result", e);
            }
        }
        return root;
    }

    /**
     * Where entry {@code name} goes: under {@code root}, in a directory the entry restored before
     * (so never through a link, nor out of the tree, whatever the stored bytes say).
     */
    private static Path inside(Path root, String name, Set<String> directories) {
        int slash = name.lastIndexOf('/');
        String parent = slash < 0 ? "" : name.substring(0, slash);
        for (String part : name.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..") || part.contains(
                    FileSystems.getDefault().getSeparator())) {
                throw new CorruptValueException("bad entry name " + name);
            }
        }
        if (!directories.contains(parent)) {
            throw new CorruptValueException("entry " + name + " is not in a directory of the result");
        }
        return root.resolve(name);
    }

    private static void restoreFile(Path p, boolean executable, long size, long high, long low, ValueReader in)
            throws IOException {
        FileDigests.Entry now = FileDigests.entry(p);
        if (now.kind() == FileDigests.FILE && now.high() == high && now.low() == low) {
            in.copyBytes(size, null); // as stored: its bytes are not needed
            if (now.executable() != executable) {
                setExecutable(p, executable);
            }
            return;
        }
        Path dir = p.getParent();
        Files.createDirectories(dir);
        Path tmp = temporary(p);
        boolean moved = false;
        try {
            Xxh3Stream sum = new Xxh3Stream();
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                in.copyBytes(size, (bytes, offset, length) -> {
                    sum.putBytes(bytes, offset, length);
                    ByteBuffer from = ByteBuffer.wrap(bytes, offset, length);
                    while (from.hasRemaining()) {
                        ch.write(from);
                    }
                });
            }
            sum.finish();
            if (sum.high() != high || sum.low() != low) {
                throw new CorruptValueException("the stored bytes of " + p + " are not those it was stored with");
            }
            setExecutable(tmp, executable);
            Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static void restoreDirectory(Path p, boolean executable) throws IOException {
        FileDigests.Entry now = FileDigests.entry(p);
        if (now.kind() == FileDigests.ABSENT) {
            Files.createDirectories(p);
            now = FileDigests.entry(p);
        } else if (now.kind() != FileDigests.DIRECTORY) {
            throw new CannotRestore("cannot restore the directory " + p + ", part of the result: something else is"
                    + " there now (move it away)", null);
        }
        if (now.executable() != executable) {
            setExecutable(p, executable);
        }
    }

    private static void restoreLink(Path p, String target) throws IOException {
        FileDigests.Entry now = FileDigests.entry(p);
        if (now.kind() == FileDigests.LINK && now.target().equals(target)) {
            return;
        }
        if (now.kind() == FileDigests.DIRECTORY) {
            throw new CannotRestore("cannot restore the link " + p + ", part of the result: a directory is there now"
                    + " (move it away)", null);
        }
        Path tmp = temporary(p);
        boolean moved = false;
        try {
            Files.createSymbolicLink(tmp, Path.of(target));
            Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** A name beside {@code p} that nothing else uses, for a file moved into place once written. */
    private static Path temporary(Path p) {
        return p.resolveSibling("." + p.getFileName() + ".memogen-" + ThisProcess.pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    }

    /** Sets the owner-executable bit, and the group's and others' where they may read, as {@code chmod +x} would. */
    private static void setExecutable(Path p, boolean executable) throws IOException {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException e) {
            if (!p.toFile().setExecutable(executable) && executable) {
                throw new IOException("cannot make " + p + " executable");
            }
            return;
        }
        perms = new HashSet<>(perms);
        if (executable) {
            perms.add(PosixFilePermission.OWNER_EXECUTE);
            if (perms.contains(PosixFilePermission.GROUP_READ)) {
                perms.add(PosixFilePermission.GROUP_EXECUTE);
            }
            if (perms.contains(PosixFilePermission.OTHERS_READ)) {
                perms.add(PosixFilePermission.OTHERS_EXECUTE);
            }
        } else {
            perms.remove(PosixFilePermission.OWNER_EXECUTE);
            perms.remove(PosixFilePermission.GROUP_EXECUTE);
            perms.remove(PosixFilePermission.OTHERS_EXECUTE);
        }
        Files.setPosixFilePermissions(p, perms);
    }
}
