package dev.memogen.internal.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.internal.remote.RemoteStore.Created;
import dev.memogen.internal.remote.RemoteStore.Failure;
import dev.memogen.internal.remote.RemoteStore.Found;
import dev.memogen.internal.remote.RemoteStore.Kind;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server goes away and comes back (S3ProxyServer stop and start): failures in bounded time, then the same data. */
class S3ServerDownTest {
    private static final Duration GENEROUS = Duration.ofSeconds(5);

    @TempDir
    Path directory;

    @Test
    void aStoppedServerIsAPromptFailureAndTheRestartedOneHasTheData() throws Exception {
        try (S3ProxyServer server = S3ProxyServer.start(directory)) {
            S3HttpClient client = S3HttpClient.create(server.settings("down"), server.credentials());
            byte[] value = "kept across the restart".getBytes(StandardCharsets.UTF_8);
            assertEquals(new Created(value.length), client.putIfAbsent("kept", ObjectSource.of(value, 0, value.length)));

            server.stop();
            long start = System.nanoTime();
            Failure get = assertInstanceOf(Failure.class, client.get("kept", new ByteArrayOutputStream()));
            Failure put = assertInstanceOf(Failure.class, client.putIfAbsent("new", ObjectSource.of(value, 0, 3)));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            for (Failure f : new Failure[] {get, put}) {
                assertEquals(Kind.UNREACHABLE, f.kind(), f.reason());
                assertTrue(f.reason().contains("127.0.0.1:" + server.port()), f.reason());
            }
            assertTrue(took.compareTo(GENEROUS) < 0, "two failures took " + took);

            server.start();
            ByteArrayOutputStream back = new ByteArrayOutputStream();
            assertEquals(new Found(value.length), client.get("kept", back));
            assertArrayEquals(value, back.toByteArray());
        }
    }
}
