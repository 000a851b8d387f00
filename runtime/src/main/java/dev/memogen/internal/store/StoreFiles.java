package dev.memogen.internal.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How the store opens, creates, moves and deletes the files inside its directory: never through a
 * symbolic link, and never a file that is not what the store put there (a FIFO, whose open(2)
 * would block, a device, a socket, a directory where a file belongs, a regular file with another
 * name linked to it where the store writes in place). Whatever another writer of the store
 * directory planted, memogen creates, writes, truncates and deletes nothing outside it.
 *
 * <p>Every path handled here lies below a <em>base</em>, a directory the caller trusts (the store's
 * directory as configured, which may itself be a link, or {@code objects/}); every directory
 * between the base and the file is checked to be a directory, not a link (lstat), before the file
 * is touched. The file itself is checked the same way before it is opened, opened with
 * {@code O_NOFOLLOW} ({@link LinkOption#NOFOLLOW_LINKS}), and checked again after: the file
 * opened is the regular file that was checked. Files written in place are opened for reading and
 * writing, which never blocks on a FIFO (Linux).
 *
 * <p>The checks are not what keeps memogen inside the store: where the JDK offers a
 * {@link SecureDirectoryStream} (Linux), every open, create, delete and rename is made relative to
 * a directory descriptor reached from the base one name at a time, each opened with
 * {@code O_NOFOLLOW} (openat(2), unlinkat(2), renameat(2)); a new directory is made in the base
 * and renamed into place. So a directory swapped for a link between a check and the use makes
 * the use fail, never reach outside. What remains (a FIFO swapped in for a file opened only for
 * reading, or for a directory, in the microseconds between its check and its open) is the threat
 * model's residual risk, {@code docs/store-format.md}.
 *
 * <p>New directories and files get no write permission for group or others (set at creation,
 * which the umask can only narrow), except in a directory with the setgid bit: a store shared by
 * the members of its group, whose directories and in-place files are made group-writable.
 */
final class StoreFiles {
    private StoreFiles() {}

    /**
     * Something other than the regular file or the directory the store expected at a path. It is
     * a {@link NoSuchFileException}: for the store, nothing of its own is there, and every caller
     * already knows what to do about a file that is gone (a miss, an index entry dropped).
     */
    static class NotPlain extends NoSuchFileException {
        private static final long serialVersionUID = 1L;

        NotPlain(Path path, String what) {
            super(path.toString(), null, what);
        }

        static NotPlain at(Path path, Stat s, String expected) {
            return new NotPlain(path, "is " + s.describe() + ", not " + expected);
        }
    }

    private static final boolean UNIX = FileSystems.getDefault().supportedFileAttributeViews().contains("unix");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;
    private static final int S_ISGID = 02000;

    // Set.of, not PosixFilePermissions.fromString: that makes an EnumSet, whose first use of an enum
    // calls values() by reflection, which on JDK 18 and later starts method handles and, on JDK 25,
    // the class-file API that spins their classes (about 10 ms of a fresh JVM's first store read).
    private static final Set<PosixFilePermission> DIR = Set.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE);
    private static final Set<PosixFilePermission> SHARED_DIR = Set.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_EXECUTE);
    private static final Set<PosixFilePermission> FILE = Set.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
    private static final Set<PosixFilePermission> SHARED_FILE = Set.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ);

    /**
     * Fills {@code into} from byte {@code at} of {@code ch} (positional reads, as many as it takes);
     * false when the file ends first.
     */
    static boolean readFully(FileChannel ch, java.nio.ByteBuffer into, long at) throws IOException {
        while (into.hasRemaining()) {
            if (ch.read(into, at + into.position()) < 0) {
                return false;
            }
        }
        return true;
    }

    /** What lstat(2) says of a path: its kind, link count and identity. */
    record Stat(int kind, int mode, int links, Object fileKey, boolean setgid, long size) {
        boolean regular() {
            return kind == S_IFREG;
        }

        boolean directory() {
            return kind == S_IFDIR;
        }

        String describe() {
            return switch (kind) {
                case S_IFREG -> links > 1 ? "a file with " + links + " names (hard links)" : "a file";
                case S_IFDIR -> "a directory";
                case 0120000 -> "a symbolic link";
                case 0010000 -> "a FIFO";
                case 0140000 -> "a socket";
                default -> "a device or special file";
            };
        }
    }

    /** lstat(2): the path itself, a link not followed; NoSuchFileException when there is nothing. */
    static Stat lstat(Path path) throws IOException {
        if (UNIX) {
            Map<String, Object> a = Files.readAttributes(path, "unix:mode,nlink,fileKey,size", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            return new Stat(mode & S_IFMT, mode, (Integer) a.get("nlink"), a.get("fileKey"), (mode & S_ISGID) != 0,
                    (Long) a.get("size"));
        }
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        int kind = a.isRegularFile() ? S_IFREG : a.isDirectory() ? S_IFDIR : a.isSymbolicLink() ? 0120000 : 0010000;
        return new Stat(kind, 0, 1, a.fileKey(), false, a.size());
    }

    /** Whether {@code path} is a directory, not a link to one. */
    static boolean isDirectory(Path path) {
        try {
            return lstat(path).directory();
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether {@code path} is a regular file, not a link to one. */
    static boolean isRegularFile(Path path) {
        try {
            return lstat(path).regular();
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether anything (a link too) is at {@code path}. */
    static boolean exists(Path path) {
        return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * For tests: what another writer does between the checks of a path and its use (the window
     * a racing writer aims at), given the path; null otherwise.
     */
    static volatile java.util.function.Function<Path, Runnable> betweenCheckAndUse;

    /**
     * For tests: what another writer does after an open looked at the opened name by its path and
     * before it looks at it in the directory it was opened in (a rename over the name there),
     * given the path; null otherwise.
     */
    static volatile java.util.function.Consumer<Path> betweenLooks;

    /** What {@link #betweenCheckAndUse} does now; the returned undo (null when none) runs after the use. */
    private static Runnable window(Path path) {
        java.util.function.Function<Path, Runnable> race = betweenCheckAndUse;
        return race == null ? null : race.apply(path);
    }

    private static void undo(Runnable undo) {
        if (undo != null) {
            undo.run();
        }
    }

    /** Whether the JDK reaches files relative to directory descriptors here; cleared when it turns out not to. */
    private static volatile boolean secure = true;

    /** Whether it has been seen to: from then on {@link #directory} checks every directory on the way itself. */
    private static volatile boolean confirmed;

    /**
     * The directory {@code dir} (the base, or a directory below it), opened as a descriptor
     * reached from {@code base} one name at a time: each name is checked to be a directory
     * (fstatat(2), a link not followed) and opened with {@code O_NOFOLLOW} (openat(2)) relative to
     * the one before, so no link on the way is followed, whatever is swapped meanwhile. Null where
     * the JDK has no {@link SecureDirectoryStream}: callers then use paths, checked with lstat.
     * Anything that is not a directory on the way is a {@link NotPlain}.
     */
    static SecureDirectoryStream<Path> directory(Path base, Path dir) throws IOException {
        if (!secure) {
            return null;
        }
        if (!dir.startsWith(base)) {
            throw new IllegalArgumentException(dir + " is not below " + base);
        }
        DirectoryStream<Path> top = Files.newDirectoryStream(base); // the base is trusted, and may be a link
        if (!(top instanceof SecureDirectoryStream)) {
            top.close();
            secure = false;
            return null;
        }
        confirmed = true;
        @SuppressWarnings("unchecked")
        SecureDirectoryStream<Path> at = (SecureDirectoryStream<Path>) top;
        boolean sound = false;
        try {
            Path path = base;
            for (Path name : base.relativize(dir)) {
                if (name.toString().isEmpty()) {
                    continue;
                }
                path = path.resolve(name);
                SecureDirectoryStream<Path> next = subdirectory(at, path, name);
                at.close();
                at = next;
            }
            sound = true;
            return at;
        } finally {
            if (!sound) {
                at.close();
            }
        }
    }

    /** The directory {@code name} of {@code parent} (whose path is {@code path}), opened as {@link #directory} does. */
    private static SecureDirectoryStream<Path> subdirectory(SecureDirectoryStream<Path> parent, Path path, Path name)
            throws IOException {
        BasicFileAttributes a;
        try {
            a = attributesAt(parent, name);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(path.toString()); // the JDK names it relative to its directory
        }
        if (!a.isDirectory()) {
            throw new NotPlain(path, "is " + describe(a) + ", not a directory of the store");
        }
        try {
            return parent.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(path.toString()); // the JDK names it relative to its directory
        } catch (java.nio.file.AccessDeniedException e) { // no damage: a directory this user may not list
            throw new java.nio.file.AccessDeniedException(path.toString(), null, e.getReason());
        } catch (FileSystemException e) { // ELOOP or ENOTDIR: swapped after the check
            throw new NotPlain(path, "was replaced while it was opened (" + e.getReason() + ")");
        }
    }

    /** fstatat(2) of {@code name} in {@code dir}, a link not followed. */
    private static BasicFileAttributes attributesAt(SecureDirectoryStream<Path> dir, Path name) throws IOException {
        return dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
    }

    private static String describe(BasicFileAttributes a) {
        return a.isSymbolicLink() ? "a symbolic link" : a.isRegularFile() ? "a file" : a.isDirectory() ? "a directory"
                : "a FIFO, socket or device";
    }

    /**
     * The entries of the store's directory {@code dir} below {@code base}, reached as
     * {@link #directory} does (or by path, checked, without openat); nothing there when it is
     * missing or not a directory. Entries are named by their paths ({@code dir/name}).
     */
    static DirectoryStream<Path> list(Path base, Path dir) throws IOException {
        SecureDirectoryStream<Path> at;
        try {
            at = directory(base, dir);
        } catch (NoSuchFileException e) {
            return new Empty();
        }
        if (at != null) {
            return at;
        }
        try {
            checkDirectories(base, dir.resolve("-"));
        } catch (NoSuchFileException e) {
            return new Empty();
        }
        return Files.newDirectoryStream(dir);
    }

    /**
     * The entries of {@code entry}, an entry of {@code parent} (from {@link #list} or from this),
     * when it is a directory: entered without following a link (an empty stream otherwise).
     */
    static DirectoryStream<Path> list(DirectoryStream<Path> parent, Path entry) throws IOException {
        if (parent instanceof SecureDirectoryStream) {
            @SuppressWarnings("unchecked")
            SecureDirectoryStream<Path> at = (SecureDirectoryStream<Path>) parent;
            try {
                return subdirectory(at, entry, entry.getFileName());
            } catch (NoSuchFileException e) { // gone, or no directory (a link is never entered)
                return new Empty();
            }
        }
        return isDirectory(entry) ? Files.newDirectoryStream(entry) : new Empty();
    }

    /** A directory with nothing in it: what is missing, or not a directory. */
    private static final class Empty implements DirectoryStream<Path> {
        @Override
        public java.util.Iterator<Path> iterator() {
            return java.util.Collections.emptyIterator();
        }

        @Override
        public void close() {}
    }

    /**
     * The checks by path of the directories on the way to {@code file}, unless the directory
     * descriptors make them ({@link #directory}, which does the same checks on what it opens).
     */
    private static void checkOnTheWay(Path base, Path file) throws IOException {
        if (!confirmed) {
            checkDirectories(base, file);
        }
    }

    /** Checks that every directory from {@code base} (exclusive) down to {@code file}'s parent is one, not a link. */
    static void checkDirectories(Path base, Path file) throws IOException {
        Path parent = file.getParent();
        if (parent == null || parent.equals(base)) {
            return;
        }
        checkDirectories(base, parent);
        Stat s = lstat(parent);
        if (!s.directory()) {
            throw NotPlain.at(parent, s, "a directory of the store");
        }
    }

    /**
     * Makes {@code dir} and the directories between {@code base} and it, each a directory created
     * here or found as one. Anything else where one of them belongs (a link, a FIFO, a file) is
     * damage: the name is removed (a link, not what it points to) and the directory made, after
     * a warning to {@code reports} (when not null).
     */
    static void directories(Path base, Path dir, Reports reports) throws IOException {
        if (dir == null || dir.equals(base)) {
            return;
        }
        directories(base, dir.getParent(), reports); // first: an lstat(2) resolves links on the way
        Stat s = lstatOrNull(dir);
        if (s != null && s.directory()) {
            return;
        }
        if (s != null) {
            removeUnexpected(base, dir, s, "not a directory", reports, null);
        }
        boolean shared = sharedGroup(dir.getParent());
        Runnable undo = window(dir);
        try {
            if (make(base, dir, shared)) {
                return;
            }
        } finally {
            undo(undo);
        }
        Stat now = lstat(dir); // made meanwhile by another thread or process
        if (!now.directory()) {
            throw NotPlain.at(dir, now, "a directory of the store");
        }
    }

    /**
     * Makes the directory {@code dir} below {@code base}; false when something is there already
     * (made meanwhile by another thread or process, for the caller to check). Where the JDK has
     * openat(2), a directory not directly in the base is made in the base, where no link can be
     * on the way, then renamed into its directory, reached without links (renameat(2)): nothing
     * is ever made elsewhere.
     */
    private static boolean make(Path base, Path dir, boolean shared) throws IOException {
        SecureDirectoryStream<Path> top = dir.getParent().equals(base) ? null : directory(base, base);
        if (top == null) { // directly in the base (mkdir(2) by path goes through the base only), or no openat
            return makeDirectory(dir, shared);
        }
        Path made = temporaryFor(base.resolve(".dir"));
        boolean moved = false;
        try (top; SecureDirectoryStream<Path> parent = directory(base, dir.getParent())) {
            if (!makeDirectory(made, shared)) {
                throw new FileAlreadyExistsException(made.toString(), null, "a new temporary name is taken");
            }
            try {
                attributesAt(parent, dir.getFileName()); // made meanwhile: a rename would replace it
                return false;
            } catch (NoSuchFileException e) {
                top.move(made.getFileName(), parent, dir.getFileName());
                moved = true;
                return true;
            }
        } catch (FileSystemException e) {
            if (e instanceof NoSuchFileException) {
                throw e;
            }
            return false; // EEXIST or ENOTEMPTY: made meanwhile by another thread or process
        } finally {
            if (!moved) {
                delete(base, made);
            }
        }
    }

    /**
     * mkdir(2) of {@code dir}, with the store's permissions; false when something is there
     * already (made meanwhile by another thread or process, for the caller to check).
     */
    private static boolean makeDirectory(Path dir, boolean shared) throws IOException {
        try {
            if (POSIX) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(shared ? SHARED_DIR : DIR));
            } else {
                Files.createDirectory(dir);
            }
        } catch (FileAlreadyExistsException e) {
            return false;
        }
        if (shared) {
            groupWritable(dir);
        }
        return true;
    }

    /** Whether {@code dir} has the setgid bit: a store its group shares (false when unknown). */
    static boolean sharedGroup(Path dir) {
        try {
            return lstat(dir).setgid();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Gives group write to a file or directory just made in a shared-group store, which the umask
     * may have taken away, without following a link; a directory keeps its setgid bit (inherited
     * from its parent), so that what is made in it is shared too.
     */
    private static void groupWritable(Path path) throws IOException {
        Stat s = lstat(path);
        if (!s.regular() && !s.directory()) {
            throw NotPlain.at(path, s, "what was just created");
        }
        int mode = s.directory() ? 02775 : 0664;
        if ((s.mode() & 07777) != mode) {
            Files.setAttribute(path, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
        }
    }

    /**
     * Opens the regular file {@code file} below {@code base} without following a link, creating it
     * when the options say so (with the store's permissions; in a shared-group store, group-writable
     * unless it is an object's temporary file, which is never written in place). A file that is opened for writing must have one name: writing
     * in place through a second name (a hard link) would change a file elsewhere. Anything else at
     * the path is a {@link NotPlain}, and nothing is opened.
     */
    static FileChannel open(Path base, Path file, OpenOption... options) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return openOnce(base, file, options);
            } catch (Replaced e) {
                // Another process renamed a new file over it meanwhile (names, counts, index made
                // anew): the name is opened again; a name replaced at every try is damage.
                if (attempt == OPEN_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** The file at a name was another when it was opened than when it was checked. */
    private static final class Replaced extends NotPlain {
        private static final long serialVersionUID = 1L;

        Replaced(Path path) {
            this(path, "was replaced while it was opened");
        }

        Replaced(Path path, String why) {
            super(path, why);
        }
    }

    /** How often {@link #open} opens a name that another process keeps replacing before that is damage. */
    private static final int OPEN_ATTEMPTS = 3;

    private static FileChannel openOnce(Path base, Path file, OpenOption... options) throws IOException {
        Set<OpenOption> opts = new HashSet<>(java.util.List.of(options));
        boolean writes = opts.contains(StandardOpenOption.WRITE);
        if (writes) {
            opts.add(StandardOpenOption.READ); // O_RDWR: open(2) of a FIFO for reading and writing does not block
        }
        opts.add(LinkOption.NOFOLLOW_LINKS);
        checkOnTheWay(base, file);
        Stat before;
        try {
            before = lstat(file);
        } catch (NoSuchFileException e) {
            if (!opts.contains(StandardOpenOption.CREATE) && !opts.contains(StandardOpenOption.CREATE_NEW)) {
                throw e;
            }
            before = null;
        }
        if (before != null) {
            if (opts.contains(StandardOpenOption.CREATE_NEW)) {
                throw new FileAlreadyExistsException(file.toString());
            }
            checkPlain(file, before, writes);
        }
        boolean shared = before == null && writes && sharedGroup(file.getParent());
        FileAttribute<?>[] attributes = before == null && POSIX
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(shared ? SHARED_FILE : FILE)}
                : new FileAttribute<?>[0];
        Runnable undo = window(file);
        try (SecureDirectoryStream<Path> dir = directory(base, file.getParent())) {
            return open(dir, file, opts, attributes, before, writes, shared);
        } finally {
            undo(undo);
        }
    }

    /**
     * The open itself: relative to {@code dir} when there is one (openat(2)), by path otherwise;
     * then the checks that the file opened is the regular file that was checked.
     */
    private static FileChannel open(SecureDirectoryStream<Path> dir, Path file, Set<OpenOption> opts,
            FileAttribute<?>[] attributes, Stat before, boolean writes, boolean shared) throws IOException {
        FileChannel ch;
        try {
            if (dir == null) {
                ch = FileChannel.open(file, opts, attributes);
            } else {
                SeekableByteChannel opened;
                try {
                    opened = dir.newByteChannel(file.getFileName(), opts, attributes);
                } catch (NoSuchFileException e) {
                    throw new NoSuchFileException(file.toString()); // the JDK names it relative to its directory
                } catch (FileAlreadyExistsException e) {
                    throw new FileAlreadyExistsException(file.toString());
                }
                if (!(opened instanceof FileChannel)) {
                    opened.close();
                    throw new IOException("the JDK opened " + file + " as no file channel");
                }
                ch = (FileChannel) opened;
            }
        } catch (FileSystemException e) {
            if (e instanceof NoSuchFileException || e instanceof FileAlreadyExistsException) {
                throw e;
            }
            Stat now = lstatOrNull(file);
            if (now != null && !now.regular()) { // O_NOFOLLOW met a link (ELOOP), or another kind: damage
                throw NotPlain.at(file, now, "a file of the store");
            }
            throw e;
        }
        boolean sound = false;
        try {
            Stat after = lstat(file);
            java.util.function.Consumer<Path> race = betweenLooks;
            if (race != null) {
                race.accept(file);
            }
            checkPlain(file, after, writes);
            if (before != null && !Objects.equals(before.fileKey(), after.fileKey())) {
                throw new Replaced(file);
            }
            if (dir != null && !Objects.equals(after.fileKey(), attributesAt(dir, file.getFileName()).fileKey())) {
                // What the path checks saw is not what the directory holds under that name: a link
                // on the path leads elsewhere, or another process renamed a new file over the name
                // between the two looks (names, counts, flights made anew). The name is opened
                // again by open(); the same at every attempt is a link, the damage this reports.
                throw new Replaced(file, "was reached through a link while it was opened");
            }
            try {
                ch.position(); // lseek(2): a FIFO or socket swapped in for a moment fails here
            } catch (IOException e) {
                throw new NotPlain(file, "was replaced by something that is no file while it was opened");
            }
            if (shared && inPlaceShared(file)) {
                try {
                    groupWritable(file);
                } catch (IOException e) {
                    // Made meanwhile by another user of the store, who makes it group-writable.
                }
            }
            sound = true;
            return ch;
        } finally {
            if (!sound) {
                ch.close();
            }
        }
    }

    /**
     * A new name for a temporary file beside {@code target}, {@code <name>.tmp-<pid>-<random>}: the
     * orphan sweep deletes it once that pid is gone.
     */
    static Path temporaryFor(Path target) {
        return target.resolveSibling(target.getFileName() + ".tmp-" + ThisProcess.pid() + "-"
                + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong()));
    }

    /**
     * Creates {@code file} below {@code base} for writing ({@code O_CREAT|O_EXCL}); when its
     * directory is missing, or is something else (a link, a file), the directories are made first
     * ({@link #directories}).
     */
    static FileChannel createNew(Path base, Path file, Reports reports) throws IOException {
        try {
            return open(base, file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            directories(base, file.getParent(), reports); // a link or other file in a directory's place is replaced
            return open(base, file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
    }

    /** Files that every process of a shared store writes in place: packs, index, flights, index.lock. */
    private static boolean inPlaceShared(Path file) {
        return !file.getFileName().toString().contains(".tmp-");
    }

    private static Stat lstatOrNull(Path path) {
        try {
            return lstat(path);
        } catch (IOException e) {
            return null;
        }
    }

    private static void checkPlain(Path file, Stat s, boolean writes) throws NotPlain {
        if (!s.regular() || (writes && s.links() > 1)) {
            throw NotPlain.at(file, s, "a file of the store");
        }
    }

    /**
     * Opens one of the store's own files ({@code index}, {@code flights}, {@code index.lock},
     * directly in the store's directory {@code base}), replacing what is there when it is not a
     * plain file: a link, FIFO, socket or hard-linked file at that name is removed (the name only;
     * what a link points to is not touched) and a new file created, after a warning. A directory
     * there cannot be replaced: the NotPlain is thrown (the store is then used read-only).
     */
    static FileChannel openReplacing(Path base, Path file, Reports reports, OpenOption... options) throws IOException {
        try {
            return open(base, file, options);
        } catch (NotPlain e) {
            Stat s = lstatOrNull(file);
            if (s == null || s.directory()) {
                throw e;
            }
            removeUnexpected(base, file, s, "which memogen never creates", reports, e);
            return open(base, file, options);
        }
    }

    /**
     * Removes what is at {@code path} (the name only: a link's target is not touched), after a
     * warning that it is made afresh; when it cannot be removed (another user's, in a directory
     * with the sticky bit), the warning says it is left alone, and the error is thrown.
     */
    private static void removeUnexpected(Path base, Path path, Stat s, String why, Reports reports, Exception cause)
            throws IOException {
        try {
            delete(base, path);
        } catch (IOException e) {
            if (reports != null) {
                reports.warnOnce("damage", "the store's " + path + " is " + s.describe() + ", " + why
                        + "; it cannot be removed (" + e + "), so it is left alone, not followed, and the store"
                        + " does without it", cause);
            }
            throw e;
        }
        if (reports != null) {
            reports.warnOnce("damage", "the store's " + path + " is " + s.describe() + ", " + why
                    + "; it was removed (not followed) and is made afresh", cause);
        }
    }

    /**
     * Deletes the file (or link, never what it points to) at {@code file} below {@code base}; false
     * when there is none, or when a directory on the way is not one (nothing of the store there).
     */
    static boolean delete(Path base, Path file) throws IOException {
        try {
            checkOnTheWay(base, file);
        } catch (NoSuchFileException e) {
            return false;
        }
        Runnable undo = window(file);
        try (SecureDirectoryStream<Path> dir = directory(base, file.getParent())) {
            if (dir == null) {
                return Files.deleteIfExists(file);
            }
            Path name = file.getFileName();
            if (attributesAt(dir, name).isDirectory()) { // an empty one, as Files.deleteIfExists would
                dir.deleteDirectory(name);
            } else {
                dir.deleteFile(name); // unlinkat(2): the name, never what a link points to
            }
            return true;
        } catch (NoSuchFileException e) { // gone, or a directory on the way is not one: nothing of the store there
            return false;
        } finally {
            undo(undo);
        }
    }

    /** Renames {@code from} over {@code to}, both in one directory below {@code base}, atomically. */
    static void move(Path base, Path from, Path to) throws IOException {
        if (!Objects.equals(from.getParent(), to.getParent())) {
            throw new IllegalArgumentException(from + " and " + to + " are in different directories");
        }
        checkOnTheWay(base, to);
        Runnable undo = window(to);
        try (SecureDirectoryStream<Path> dir = directory(base, to.getParent())) {
            if (dir == null) {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                dir.move(from.getFileName(), dir, to.getFileName()); // renameat(2), replacing what is at to
            }
        } finally {
            undo(undo);
        }
    }
}
