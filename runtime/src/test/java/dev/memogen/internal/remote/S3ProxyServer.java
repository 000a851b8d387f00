package dev.memogen.internal.remote;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real S3 server for tests: s3proxy 4.1.0 (filesystem backend, SigV2/SigV4 authorization),
 * copied into {@code target/s3proxy} by the build and run as a separate process on a free loopback
 * port, its data in a directory of the test's. It checks signatures (a wrong secret is a 403) and
 * honours {@code If-None-Match: *} atomically, which S3Mock and s3rver do not (issue 23).
 *
 * <p>{@link #stop} and {@link #start} stop it and bring it back on the same port with the same data:
 * "the server is down" and "the server is back".
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final String IDENTITY = "memogen-test-access-key";
    public static final String CREDENTIAL = "memogen-test-secret-key";
    public static final String BUCKET = "memogen-test";
    private static final Duration READY_WITHIN = Duration.ofSeconds(60);

    private final Path directory;
    private final int port;
    private final Path properties;
    private final Path log;
    private Process process;

    private S3ProxyServer(Path directory, int port) throws IOException {
        this.directory = directory;
        this.port = port;
        Path data = Files.createDirectories(directory.resolve("data"));
        this.properties = directory.resolve("s3proxy.properties");
        this.log = directory.resolve("s3proxy.log");
        Files.write(properties, List.of(
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + IDENTITY,
                "s3proxy.credential=" + CREDENTIAL,
                "jclouds.provider=filesystem-nio2",
                "jclouds.filesystem.basedir=" + data), StandardCharsets.UTF_8);
    }

    /** Starts a server with its files in {@code directory}, and makes the bucket {@link #BUCKET}. */
    public static S3ProxyServer start(Path directory) throws IOException, InterruptedException {
        S3ProxyServer server = new S3ProxyServer(directory, freePort());
        server.start();
        RemoteStore.PutResult bucket = S3HttpClient.create(server.settings(""), server.credentials()).createBucket();
        if (!(bucket instanceof RemoteStore.Created)) {
            server.close();
            throw new IllegalStateException("cannot create the test bucket: " + bucket);
        }
        return server;
    }

    /** Starts (or starts again) the process, and waits until it answers HTTP. */
    public void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running");
        }
        Path jar = Path.of("target", "s3proxy", "s3proxy.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the build copies it (mvn process-test-resources)");
        }
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // A small, quick server: the machine builds other things at the same time.
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", jar.toString(), "--properties", properties.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("LOG_LEVEL", "warn");
        process = builder.start();
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (!answers()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("s3proxy exited with " + process.exitValue() + ":\n" + logTail());
            }
            if (System.nanoTime() > deadline) {
                close();
                throw new IllegalStateException("s3proxy did not answer within " + READY_WITHIN + ":\n" + logTail());
            }
            Thread.sleep(100);
        }
    }

    /** Kills the process and waits until it is gone; its port then refuses connections. */
    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    int port() {
        return port;
    }

    public AwsCredentials credentials() {
        return new AwsCredentials(IDENTITY, CREDENTIAL, null);
    }

    /** Settings for the test bucket under {@code prefix}, at this server. */
    public RemoteSettings settings(String prefix) {
        String remote = "s3://" + BUCKET + (prefix.isEmpty() ? "" : "/" + prefix);
        return RemoteSettings.parse(
                name -> switch (name) {
                    case RemoteSettings.REMOTE -> remote;
                    case RemoteSettings.ENDPOINT -> endpoint().toString();
                    default -> null;
                },
                name -> null).orElseThrow();
    }

    /** Where s3proxy keeps the objects of the test bucket. */
    public Path bucketDirectory() {
        return directory.resolve("data").resolve(BUCKET);
    }

    /** Whether the server answers an HTTP request (any status: an anonymous GET is a 403). */
    private boolean answers() {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(2_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] start = in.readNBytes(9);
            return new String(start, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 ");
        } catch (IOException e) {
            return false;
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
