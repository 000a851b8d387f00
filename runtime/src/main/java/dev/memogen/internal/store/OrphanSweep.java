package dev.memogen.internal.store;

import dev.memogen.internal.hash.Hex;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Deletes what no live writer can be using and no index entry refers to: temporary files of dead
 * processes and objects without an index entry ({@code Memogen.removeOrphans()}). Safe while other
 * threads and processes use the store: an object is deleted only after the index, under its lock,
 * confirms it has no entry, and objects are installed under that same lock together with their
 * entries.
 */
final class OrphanSweep {
    private final Path objects;
    private final StoreIndex index;
    private final Reports reports;
    private long removed;

    private OrphanSweep(Path objects, StoreIndex index, Reports reports) {
        this.objects = objects;
        this.index = index;
        this.reports = reports;
    }

    /** Sweeps {@code objects}; returns how many files were deleted. */
    static long run(Path objects, StoreIndex index, Reports reports) throws IOException {
        OrphanSweep sweep = new OrphanSweep(objects, index, reports);
        ObjectTree.forEach(objects, sweep::visit);
        Path root = objects.getParent();
        try (DirectoryStream<Path> made = StoreFiles.list(root, root)) { // directories made for a rename, by a JVM gone
            for (Path dir : made) {
                String name = dir.getFileName().toString();
                if (name.startsWith(".dir.tmp-") && writerGone(name.substring(9)) && StoreFiles.delete(root, dir)) {
                    sweep.removed++;
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            // left for the next sweep
        }
        return sweep.removed;
    }

    /** Deletes {@code entry} if it is an orphan; one that cannot be deleted stays for the next sweep. */
    private void visit(long fn, Path entry) {
        try {
            if (removeIfOrphan(fn, entry)) {
                removed++;
            }
        } catch (IOException e) {
            // left for the next sweep
        }
    }

    private boolean removeIfOrphan(long fn, Path entry) throws IOException {
        String name = entry.getFileName().toString();
        int tmp = name.indexOf(".tmp-");
        if (tmp == 32) {
            return writerGone(name.substring(tmp + 5)) && StoreFiles.delete(objects.getParent(), entry);
        }
        if (name.length() == 32) {
            long k0 = Hex.parse(name.substring(0, 16), 16);
            long k1 = Hex.parse(name.substring(16), 16);
            if (!index.contains(fn, k0, k1) && index.deleteIfUnindexed(fn, k0, k1, entry)) {
                reports.event("orphan", "removed an object no index entry refers to: " + entry);
                return true;
            }
        }
        return false;
    }

    /** Whether the writer of a temporary file named {@code <pid>-<random>} is no longer running. */
    static boolean writerGone(String pidAndRandom) {
        int dash = pidAndRandom.indexOf('-');
        try {
            long pid = Long.parseLong(dash < 0 ? pidAndRandom : pidAndRandom.substring(0, dash));
            if (pid == ThisProcess.pid()) {
                return false; // ours: a write of this JVM may be under way
            }
            return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
