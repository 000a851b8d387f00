package dev.memogen.internal.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.memogen.internal.remote.RemoteStore.Failure;
import dev.memogen.internal.remote.RemoteStore.Kind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link S3HttpClient} against fake servers. Those that misbehave in ways s3proxy does not (a 500,
 * malformed XML, no answer, a body that stops halfway, plain HTTP to an https client) give a
 * {@link Failure} of the right kind, in bounded time, never an exception. Others show what requests
 * look like: a session token, the addressing.
 */
class FakeServerTest {
    private static final AwsCredentials CREDENTIALS = new AwsCredentials("AKIDFAULTY", "secret", null);
    /** For the tests of timeouts. */
    private static final Duration SHORT = Duration.ofMillis(800);
    /** For the others: an answer comes, but a loaded machine's first request may take a while. */
    private static final Duration LONG = Duration.ofSeconds(10);

    @Test
    void aServerErrorIsAServerErrorWithItsCode() throws IOException {
        withServer(exchange -> answer(exchange, 503,
                "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"), client -> {
            Failure f = assertInstanceOf(Failure.class, client.get("k", new ByteArrayOutputStream()));
            assertEquals(Kind.SERVER_ERROR, f.kind(), f.reason());
            assertTrue(f.reason().contains("503 SlowDown: Please reduce your request rate."), f.reason());
        });
    }

    @Test
    void anAnswerWithoutAnUploadIdIsABadResponse() throws IOException {
        withServer(multipart("<InitiateMultipartUploadResult><Upload", ""), client -> {
            Failure f = assertInstanceOf(Failure.class, client.putIfAbsent("k", sixMebiBytes()));
            assertEquals(Kind.BAD_RESPONSE, f.kind(), f.reason());
            assertTrue(f.reason().contains("no UploadId"), f.reason());
        });
    }

    @Test
    void anErrorInsideA200CompletionIsAFailure() throws IOException {
        withServer(multipart("<InitiateMultipartUploadResult><UploadId>u-1</UploadId></InitiateMultipartUploadResult>",
                "<Error><Code>InternalError</Code><Message>oops</Message></Error>"), client -> {
            Failure f = assertInstanceOf(Failure.class, client.putIfAbsent("k", sixMebiBytes()));
            assertEquals(Kind.SERVER_ERROR, f.kind(), f.reason());
            assertTrue(f.reason().contains("InternalError"), f.reason());
        });
    }

    /**
     * A server for multipart uploads: no object (HEAD 404), {@code created} to CreateMultipartUpload,
     * an ETag for each part, {@code completed} (status 200) to CompleteMultipartUpload.
     */
    private static HttpHandler multipart(String created, String completed) {
        return exchange -> {
            String query = exchange.getRequestURI().getRawQuery();
            exchange.getRequestBody().readAllBytes();
            if (exchange.getRequestMethod().equals("HEAD")) {
                answer(exchange, 404, "");
            } else if (query != null && query.startsWith("uploads")) {
                answer(exchange, 200, created);
            } else if (query != null && query.startsWith("partNumber")) {
                exchange.getResponseHeaders().add("ETag", "\"e\"");
                answer(exchange, 200, "");
            } else if (exchange.getRequestMethod().equals("POST")) {
                answer(exchange, 200, completed);
            } else {
                answer(exchange, 204, "");
            }
        };
    }

    /** Above the clients' 5 MiB threshold: a multipart upload. */
    private static ObjectSource sixMebiBytes() {
        byte[] big = new byte[6 << 20];
        return ObjectSource.of(big, 0, big.length);
    }

    @Test
    void aServerThatNeverAnswersIsATimeout() throws IOException {
        // Connections are accepted by the kernel (the backlog) and never read or answered.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            S3HttpClient client = client(silent.getLocalPort(), SHORT);
            long start = System.nanoTime();
            Failure f = assertInstanceOf(Failure.class, client.get("k", new ByteArrayOutputStream()));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(Kind.TIMEOUT, f.kind(), f.reason());
            assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "took " + took);
        }
    }

    /** The answer's headers and 10 bytes come at once, the rest never: no progress for two timeouts. */
    @Test
    void aBodyThatStopsHalfwayIsATimeout() throws IOException {
        Duration timeout = Duration.ofMillis(1500);
        CountDownLatch done = new CountDownLatch(1);
        withServer(exchange -> {
            exchange.sendResponseHeaders(200, 1000);
            OutputStream out = exchange.getResponseBody();
            out.write(new byte[10]);
            out.flush();
            try {
                done.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        }, timeout, client -> {
            long start = System.nanoTime();
            Failure f = assertInstanceOf(Failure.class, client.get("k", new ByteArrayOutputStream()));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            done.countDown();
            assertEquals(Kind.TIMEOUT, f.kind(), f.reason());
            assertTrue(f.reason().contains("no progress for 1500 ms"), f.reason());
            assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "took " + took);
        });
    }

    @Test
    void aDenialWithoutABodyStillNamesTheKeyId() throws IOException {
        withServer(exchange -> answer(exchange, 403, ""), client -> {
            Failure f = assertInstanceOf(Failure.class, client.putIfAbsent("k", ObjectSource.of(new byte[3], 0, 3)));
            assertEquals(Kind.DENIED, f.kind(), f.reason());
            assertTrue(f.reason().contains("AKIDFAULTY") && !f.reason().contains("secret,"), f.reason());
        });
    }

    /**
     * An https endpoint gets the JDK's TLS (an http one gets none, to start faster): what reaches
     * the server is a TLS handshake record (content type 22, version 3.x), not an HTTP request;
     * the server, which speaks no TLS, then closes, and the call is a failure like any other.
     * (The JDK's client reports a connection closed during the handshake at once or only at its
     * timeout, depending on timing: both are accepted, with a short timeout.)
     */
    @Test
    void anHttpsEndpointSpeaksTls() throws Exception {
        try (ServerSocket plain = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            byte[] first = new byte[3];
            int[] got = {0};
            Thread answering = new Thread(() -> {
                try (Socket s = plain.accept()) {
                    java.io.InputStream in = s.getInputStream();
                    while (got[0] < first.length) {
                        int n = in.read(first, got[0], first.length - got[0]);
                        if (n < 0) {
                            break;
                        }
                        got[0] += n;
                    }
                } catch (IOException ignored) {
                    // the test's assertions say what happened
                }
            });
            answering.start();
            RemoteSettings settings = RemoteSettings.parse(Map.of(RemoteSettings.REMOTE, "s3://bucket",
                    RemoteSettings.ENDPOINT, "https://127.0.0.1:" + plain.getLocalPort())::get, name -> null)
                    .orElseThrow().withTimeouts(SHORT, Duration.ofSeconds(2));
            Failure f = assertInstanceOf(Failure.class,
                    S3HttpClient.create(settings, CREDENTIALS).get("k", new ByteArrayOutputStream()));
            answering.join(5_000);
            assertEquals(3, got[0], "bytes the server received");
            assertEquals(22, first[0], "a TLS handshake record, not '" + new String(first, StandardCharsets.US_ASCII) + "'");
            assertEquals(3, first[1], "TLS major version 3");
            assertTrue(f.kind() == Kind.UNREACHABLE || f.kind() == Kind.TIMEOUT, f.kind() + ": " + f.reason());
        }
    }

    /** A session token goes in {@code X-Amz-Security-Token}, and is signed. */
    @Test
    void aSessionTokenIsSentAndSigned() throws IOException {
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.createContext("/", exchange -> {
            seen.add(exchange.getRequestHeaders().getFirst("X-Amz-Security-Token"));
            seen.add(exchange.getRequestHeaders().getFirst("Authorization"));
            answer(exchange, 404, "");
        });
        server.start();
        try {
            RemoteSettings settings = RemoteSettings.parse(Map.of(RemoteSettings.REMOTE, "s3://bucket",
                    RemoteSettings.ENDPOINT, "http://127.0.0.1:" + server.getAddress().getPort())::get, name -> null)
                    .orElseThrow();
            S3HttpClient client = S3HttpClient.create(settings, new AwsCredentials("ASIATEMP", "secret", "the-token"));
            assertEquals(new RemoteStore.NotFound(), client.get("k", new ByteArrayOutputStream()));
        } finally {
            server.stop(0);
        }
        assertEquals("the-token", seen.get(0));
        assertTrue(seen.get(1).startsWith("AWS4-HMAC-SHA256 Credential=ASIATEMP/"), seen.get(1));
        assertTrue(seen.get(1).contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,"),
                seen.get(1));
    }

    @Test
    void awsIsAddressedVirtualHostedAndOtherEndpointsPathStyle() {
        AwsCredentials any = new AwsCredentials("AKID", "secret", null);
        RemoteSettings aws = RemoteSettings.parse(Map.of(RemoteSettings.REMOTE, "s3://team-cache/ci",
                RemoteSettings.REGION, "eu-west-1")::get, name -> null).orElseThrow();
        assertEquals("https://team-cache.s3.eu-west-1.amazonaws.com/ci/fn/a%20b",
                S3HttpClient.create(aws, any).objectUri("fn/a b").toString());
        RemoteSettings dotted = RemoteSettings.parse(Map.of(RemoteSettings.REMOTE, "s3://team.cache")::get,
                name -> null).orElseThrow();
        assertEquals("https://s3.us-east-1.amazonaws.com/team.cache/k",
                S3HttpClient.create(dotted, any).objectUri("k").toString());
        RemoteSettings minio = RemoteSettings.parse(Map.of(RemoteSettings.REMOTE, "s3://cache/p",
                RemoteSettings.ENDPOINT, "http://minio:9000")::get, name -> null).orElseThrow();
        assertEquals("http://minio:9000/cache/p/k%2B1", S3HttpClient.create(minio, any).objectUri("k+1").toString());
    }

    private interface ClientCheck {
        void check(S3HttpClient client) throws IOException;
    }

    private static void withServer(HttpHandler handler, ClientCheck check) throws IOException {
        withServer(handler, LONG, check);
    }

    private static void withServer(HttpHandler handler, Duration timeout, ClientCheck check) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.createContext("/", handler);
        server.start();
        try {
            check.check(client(server.getAddress().getPort(), timeout));
        } finally {
            server.stop(0);
        }
    }

    private static S3HttpClient client(int port, Duration timeout) {
        RemoteSettings settings = RemoteSettings.parse(Map.of(RemoteSettings.REMOTE, "s3://bucket/p",
                RemoteSettings.ENDPOINT, "http://127.0.0.1:" + port)::get, name -> null).orElseThrow()
                .withTimeouts(timeout, timeout)
                .withMultipartThreshold(RemoteSettings.MIN_PART_SIZE);
        return S3HttpClient.create(settings, CREDENTIALS);
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }
}
