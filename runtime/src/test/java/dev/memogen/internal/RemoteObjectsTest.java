package dev.memogen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.Memogen;
import dev.memogen.MemogenSettings;
import dev.memogen.RemoteObjects;
import dev.memogen.RemoteStatistics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A program's own client for the remote tier ({@link RemoteObjects}, put in force with
 * {@link MemogenSettings#withRemote}): here objects in a directory, standing for an SDK's bucket.
 */
class RemoteObjectsTest {
    @TempDir Path dir;

    private final AtomicInteger runs = new AtomicInteger();
    private final IntFunction<String> body = k -> {
        runs.incrementAndGet();
        return StoreWorker.expectedText(k);
    };

    @AfterEach
    void noRemote() {
        Memogen.configure(MemogenSettings.at(dir.resolve("after")));
    }

    /** Objects as files under a directory: what a minimal implementation looks like. */
    static final class DirectoryObjects implements RemoteObjects {
        final Path root;
        final AtomicInteger puts = new AtomicInteger();

        DirectoryObjects(Path root) {
            this.root = root;
        }

        @Override
        public boolean get(String key, OutputStream sink) throws IOException {
            Path file = root.resolve(key);
            if (!Files.isRegularFile(file)) {
                return false;
            }
            Files.copy(file, sink);
            return true;
        }

        @Override
        public boolean putIfAbsent(String key, long length, InputStream content) throws IOException {
            Path file = root.resolve(key);
            Files.createDirectories(file.getParent());
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
                content.transferTo(out);
            } catch (FileAlreadyExistsException e) {
                return false;
            }
            puts.incrementAndGet();
            return true;
        }

        @Override
        public void delete(String key) throws IOException {
            Files.deleteIfExists(root.resolve(key));
        }
    }

    private String call(int key) {
        return StoreTestSupport.call(StoreWorker.TEXT, key, body);
    }

    @Test
    void resultsGoThroughTheProgramsOwnObjects() {
        DirectoryObjects bucket = new DirectoryObjects(dir.resolve("bucket"));
        Memogen.configure(MemogenSettings.at(dir.resolve("a")).withRemote(bucket, false, true));
        for (int k = 0; k < 5; k++) {
            assertEquals(StoreWorker.expectedText(k), call(k));
        }
        assertEquals(5, runs.get());
        assertEquals(5, bucket.puts.get(), "uploaded before each call returned (sync)");

        Memogen.configure(MemogenSettings.at(dir.resolve("b")).withRemote(bucket, true, false));
        for (int k = 0; k < 5; k++) {
            assertEquals(StoreWorker.expectedText(k), call(k));
        }
        assertEquals(5, runs.get(), "a second store gets every value from the objects");
        RemoteStatistics s = Memogen.remoteStatistics().orElseThrow();
        assertEquals(5, s.hits());
        assertTrue(s.location().contains("DirectoryObjects"), s.location());
    }

    @Test
    void anImplementationThatThrowsNeverFailsACall() {
        AtomicInteger asked = new AtomicInteger();
        RemoteObjects broken = new RemoteObjects() {
            @Override
            public boolean get(String key, OutputStream sink) throws IOException {
                asked.incrementAndGet();
                throw new IOException("no route to the bucket");
            }

            @Override
            public boolean putIfAbsent(String key, long length, InputStream content) {
                asked.incrementAndGet();
                throw new IllegalStateException("a bug of the program's own");
            }

            @Override
            public void delete(String key) {
                throw new UnsupportedOperationException();
            }
        };
        Memogen.configure(MemogenSettings.at(dir.resolve("c")).withRemote(broken, false, true));
        for (int k = 0; k < 20; k++) {
            assertEquals(StoreWorker.expectedText(k), call(k));
        }
        assertEquals(20, runs.get());
        assertEquals(3, Memogen.remoteStatistics().orElseThrow().failures(),
                "three failures in a row, then the remote is left alone");
        assertEquals(3, asked.get());
    }
}
