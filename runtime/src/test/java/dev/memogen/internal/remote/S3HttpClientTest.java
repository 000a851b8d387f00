package dev.memogen.internal.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.internal.remote.RemoteStore.AlreadyThere;
import dev.memogen.internal.remote.RemoteStore.Created;
import dev.memogen.internal.remote.RemoteStore.Deleted;
import dev.memogen.internal.remote.RemoteStore.Failure;
import dev.memogen.internal.remote.RemoteStore.Found;
import dev.memogen.internal.remote.RemoteStore.Kind;
import dev.memogen.internal.remote.RemoteStore.NotFound;
import dev.memogen.internal.remote.RemoteStore.PutResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link S3HttpClient} against a real S3 server, s3proxy ({@link S3ProxyServer}), on loopback. */
class S3HttpClientTest {
    private static final int MIB = 1 << 20;

    @TempDir
    static Path serverDirectory;
    @TempDir
    Path work;

    private static S3ProxyServer server;
    private static S3HttpClient client;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.start(serverDirectory);
        client = S3HttpClient.create(server.settings("tests"), server.credentials());
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aKibiByteGoesUpAndComesBackTheSame() {
        byte[] value = random(1024, 1);
        assertEquals(new Created(1024), client.putIfAbsent("small", ObjectSource.of(value, 0, value.length)));
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        assertEquals(new Found(1024), client.get("small", back));
        assertArrayEquals(value, back.toByteArray());
    }

    @Test
    void eightMebiBytesGoUpInOnePutAndComeBackTheSame() throws IOException {
        assertRoundTrip("eight", 8 * MIB, 2);
    }

    @Test
    void twentyMebiBytesGoUpInPartsAndComeBackTheSame() throws IOException {
        assertRoundTrip("twenty", 20 * MIB, 3);
        // Uploaded again: the HEAD before a multipart upload finds it, and nothing is sent.
        Path other = file("twenty-other", 20 * MIB, 4);
        assertEquals(new AlreadyThere(), client.putIfAbsent("twenty", ObjectSource.of(other)));
    }

    @Test
    void theSecondPutOfAKeyFindsTheFirstAndLeavesIt() {
        byte[] first = random(100, 5);
        byte[] second = random(100, 6);
        assertEquals(new Created(100), client.putIfAbsent("twice", ObjectSource.of(first, 0, 100)));
        assertEquals(new AlreadyThere(), client.putIfAbsent("twice", ObjectSource.of(second, 0, 100)));
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        assertEquals(new Found(100), client.get("twice", back));
        assertArrayEquals(first, back.toByteArray());
    }

    @Test
    void ofSixteenConcurrentPutsOfAKeyExactlyOneWrites() throws Exception {
        int writers = 16;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<byte[]> values = new ArrayList<>();
        List<Future<PutResult>> results = new ArrayList<>();
        try {
            for (int i = 0; i < writers; i++) {
                byte[] value = random(4096, 100 + i);
                values.add(value);
                results.add(pool.submit(() -> {
                    go.await();
                    return client.putIfAbsent("raced", ObjectSource.of(value, 0, value.length));
                }));
            }
            go.countDown();
            int created = 0;
            int winner = -1;
            for (int i = 0; i < writers; i++) {
                PutResult r = results.get(i).get(60, TimeUnit.SECONDS);
                if (r instanceof Created) {
                    created++;
                    winner = i;
                } else {
                    assertEquals(new AlreadyThere(), r);
                }
            }
            assertEquals(1, created);
            ByteArrayOutputStream back = new ByteArrayOutputStream();
            client.get("raced", back);
            assertArrayEquals(values.get(winner), back.toByteArray());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Two multipart uploads of one key, both past their HEAD (both see no object) before either
     * completes: the completion's {@code If-None-Match: *} decides, and s3proxy 4.1.0 honours it
     * (412 to the second). Without it both would answer Created, the second overwriting the first.
     */
    @Test
    void ofTwoRacingMultipartUploadsTheFirstToCompleteWins() throws Exception {
        Path a = file("race-a", 12 * MIB, 7);
        Path b = file("race-b", 12 * MIB, 8);
        CountDownLatch bothUploading = new CountDownLatch(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<PutResult> first = pool.submit(() -> client.putIfAbsent("multi-race", waitingFor(bothUploading, a)));
            Future<PutResult> second = pool.submit(() -> client.putIfAbsent("multi-race", waitingFor(bothUploading, b)));
            PutResult one = first.get(120, TimeUnit.SECONDS);
            PutResult two = second.get(120, TimeUnit.SECONDS);
            assertTrue(one instanceof Created ^ two instanceof Created, one + " and " + two);
            assertTrue(one instanceof AlreadyThere ^ two instanceof AlreadyThere, one + " and " + two);
            assertEquals(-1, Files.mismatch(one instanceof Created ? a : b, download("multi-race")));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aKeyNeverWrittenIsNotFound() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        assertEquals(new NotFound(), client.get("never-written", sink));
        assertEquals(0, sink.size());
    }

    @Test
    void keysLiveUnderThePrefix() {
        byte[] value = random(10, 9);
        assertEquals(new Created(10), client.putIfAbsent("prefixed", ObjectSource.of(value, 0, 10)));
        S3HttpClient bucketRoot = S3HttpClient.create(server.settings(""), server.credentials());
        S3HttpClient otherPrefix = S3HttpClient.create(server.settings("other/team"), server.credentials());
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        assertEquals(new Found(10), bucketRoot.get("tests/prefixed", back));
        assertArrayEquals(value, back.toByteArray());
        assertEquals(new NotFound(), bucketRoot.get("prefixed", new ByteArrayOutputStream()));
        assertEquals(new NotFound(), otherPrefix.get("prefixed", new ByteArrayOutputStream()));
    }

    @Test
    void keysWithCharactersToEncodeRoundTrip() {
        String key = "fn 1/a+b=c~d_é%2F$";
        byte[] value = random(33, 10);
        assertEquals(new Created(33), client.putIfAbsent(key, ObjectSource.of(value, 0, 33)));
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        assertEquals(new Found(33), client.get(key, back));
        assertArrayEquals(value, back.toByteArray());
        assertEquals(new NotFound(), client.get("fn 1/a+b=c~d_é", new ByteArrayOutputStream()));
    }

    @Test
    void aDeletedKeyIsNotFoundAndCanBeWrittenAgain() {
        byte[] value = random(8, 11);
        assertEquals(new Created(8), client.putIfAbsent("deleted", ObjectSource.of(value, 0, 8)));
        assertEquals(new Deleted(), client.delete("deleted"));
        assertEquals(new NotFound(), client.get("deleted", new ByteArrayOutputStream()));
        assertEquals(new Deleted(), client.delete("deleted"));
        assertEquals(new Created(8), client.putIfAbsent("deleted", ObjectSource.of(value, 0, 8)));
    }

    @Test
    void anEmptyObjectRoundTrips() {
        assertEquals(new Created(0), client.putIfAbsent("empty", ObjectSource.of(new byte[0], 0, 0)));
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        assertEquals(new Found(0), client.get("empty", back));
        assertEquals(0, back.size());
    }

    @Test
    void aWrongSecretIsAClearDenialNamingTheKeyIdButNotTheSecret() {
        String wrongSecret = "not-the-secret-at-all";
        S3HttpClient wrong = S3HttpClient.create(server.settings("tests"),
                new AwsCredentials(S3ProxyServer.IDENTITY, wrongSecret, null));
        byte[] value = random(10, 12);
        Failure put = assertInstanceOf(Failure.class, wrong.putIfAbsent("denied", ObjectSource.of(value, 0, 10)));
        Failure get = assertInstanceOf(Failure.class, wrong.get("small", new ByteArrayOutputStream()));
        for (Failure f : List.of(put, get)) {
            assertEquals(Kind.DENIED, f.kind(), f.reason());
            assertTrue(f.reason().contains("access key id " + S3ProxyServer.IDENTITY), f.reason());
            assertTrue(f.reason().contains("403"), f.reason());
            assertFalse(f.reason().contains(wrongSecret), f.reason());
        }
        assertEquals(new NotFound(), client.get("denied", new ByteArrayOutputStream()));
    }

    @Test
    void aClockAnHourOffIsADenial() {
        Clock late = Clock.offset(Clock.systemUTC(), Duration.ofHours(-1));
        S3HttpClient skewed = S3HttpClient.create(server.settings("tests"), server.credentials(), late);
        Failure f = assertInstanceOf(Failure.class, skewed.get("small", new ByteArrayOutputStream()));
        assertEquals(Kind.DENIED, f.kind(), f.reason());
        assertTrue(f.reason().contains("403 RequestTimeTooSkewed"), f.reason());
    }

    @Test
    void anObjectAboveTheDownloadLimitIsRefused() {
        byte[] value = random(2000, 13);
        assertEquals(new Created(2000), client.putIfAbsent("big", ObjectSource.of(value, 0, 2000)));
        S3HttpClient limited = S3HttpClient.create(server.settings("tests").withMaxObjectBytes(1000),
                server.credentials());
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        Failure f = assertInstanceOf(Failure.class, limited.get("big", sink));
        assertEquals(Kind.BAD_RESPONSE, f.kind(), f.reason());
        assertTrue(f.reason().contains("larger than 1000 bytes"), f.reason());
        assertTrue(sink.size() <= 1000, "bytes written: " + sink.size());
    }

    @Test
    void aFailingSinkIsALocalFailureNotTheRemotes() {
        byte[] value = random(100, 14);
        client.putIfAbsent("sinkless", ObjectSource.of(value, 0, 100));
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("disk full");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("disk full");
            }
        };
        Failure f = assertInstanceOf(Failure.class, client.get("sinkless", broken));
        assertEquals(Kind.LOCAL, f.kind(), f.reason());
        assertFalse(f.remoteFault());
        assertTrue(f.reason().contains("disk full"), f.reason());
    }

    @Test
    void aSourceThatFailsHalfwayIsALocalFailureAndWritesNothing() {
        ObjectSource failing = new ObjectSource() {
            @Override
            public long length() {
                return 100_000;
            }

            @Override
            public InputStream open() {
                return new InputStream() {
                    private int given;

                    @Override
                    public int read() {
                        throw new UnsupportedOperationException();
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        if (given >= 50_000) {
                            throw new IOException("the file went away");
                        }
                        int n = Math.min(len, 50_000 - given);
                        given += n;
                        return n;
                    }
                };
            }
        };
        Failure f = assertInstanceOf(Failure.class, client.putIfAbsent("half", failing));
        assertEquals(Kind.LOCAL, f.kind(), f.reason());
        assertTrue(f.reason().contains("the file went away"), f.reason());
        assertEquals(new NotFound(), client.get("half", new ByteArrayOutputStream()));
    }

    /** A source that waits, once opened, until {@code latch} is down: both uploads are then past HEAD. */
    private static ObjectSource waitingFor(CountDownLatch latch, Path file) throws IOException {
        ObjectSource source = ObjectSource.of(file);
        return new ObjectSource() {
            @Override
            public long length() {
                return source.length();
            }

            @Override
            public InputStream open() throws IOException {
                latch.countDown();
                try {
                    if (!latch.await(60, TimeUnit.SECONDS)) {
                        throw new IOException("the other upload did not start");
                    }
                } catch (InterruptedException e) {
                    throw new UncheckedIOException(new IOException(e));
                }
                return source.open();
            }
        };
    }

    /** Uploads {@code size} random bytes from a file, downloads them into another, and compares. */
    private void assertRoundTrip(String key, int size, long seed) throws IOException {
        Path up = file(key, size, seed);
        assertEquals(new Created(size), client.putIfAbsent(key, ObjectSource.of(up)));
        assertEquals(-1, Files.mismatch(up, download(key)));
    }

    private Path download(String key) throws IOException {
        Path down = work.resolve(key + ".back");
        try (OutputStream sink = Files.newOutputStream(down)) {
            assertInstanceOf(Found.class, client.get(key, sink));
        }
        return down;
    }

    private Path file(String name, int size, long seed) throws IOException {
        Path file = work.resolve(name);
        Files.write(file, random(size, seed));
        return file;
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }
}
