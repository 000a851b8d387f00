package dev.memogen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.memogen.internal.remote.S3ProxyServer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The remote tier between "machines": separate JVMs ({@link RemoteWorker}), each with a store of
 * its own, sharing a bucket of a real S3 server (s3proxy, {@link S3ProxyServer}) on loopback, set
 * up by the contract's system properties and AWS's environment variables, as a user's program is.
 */
class RemoteTierTest {
    /** What a worker is asked to call: small texts (pack records) and 8 MiB arrays (object files). */
    private static final int TEXTS = 20;
    private static final int ARRAYS = 2;
    private static final int ALL = TEXTS + ARRAYS;
    private static final Pattern RESULT = Pattern.compile(
            "runs=(\\d+) wrong=(\\d+) remote=(\\d+) store=(\\d+) micros=\\d+ first=\\d+ tierHits=(-?\\d+)");

    @TempDir
    static Path serverDirectory;
    @TempDir
    Path work;

    private static S3ProxyServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.start(serverDirectory);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aSecondMachineGetsEveryResultWithoutComputingThenHitsLocallyWithTheServerGone() throws Exception {
        Path aEvents = work.resolve("a-events.jsonl");
        Run a = machine("a", "shared", Map.of("memogen.events", aEvents.toString()), Map.of(), TEXTS, ARRAYS);
        a.expect(ALL, 0, 0);
        assertEquals(ALL, objects("shared"), "one object per entry after A's exit");
        assertEquals("", a.warnings(), a.err);
        assertEquals(ALL, lines(aEvents, "\"event\":\"remote-miss\""));
        assertEquals(ALL, lines(aEvents, "\"event\":\"remote-upload\""), "uploads are flushed, their events too");

        Path bEvents = work.resolve("b-events.jsonl");
        Run b = machine("b", "shared", Map.of("memogen.events", bEvents.toString()), Map.of(), TEXTS, ARRAYS);
        b.expect(0, ALL, 0);
        assertEquals("", b.warnings(), b.err);
        assertEquals(ALL, lines(bEvents, "\"event\":\"hit\",\"tier\":\"remote\""));

        Run again = machine("b", "shared", Map.of("memogen.remote.endpoint", deadEndpoint()), Map.of(), TEXTS,
                ARRAYS);
        again.expect(0, 0, ALL);
        assertEquals("", again.warnings(), "nothing asks the remote: " + again.err);

        Run readOnly = machine("c", "shared", Map.of("memogen.remote.readOnly", "true"), Map.of(), TEXTS + 5, ARRAYS);
        readOnly.expect(5, ALL, 0);
        assertEquals(ALL, objects("shared"), "a read-only machine uploads nothing");
    }

    @Test
    void aReadOnlyMachineUploadsNothing() throws Exception {
        Run c = machine("c", "read-only", Map.of("memogen.remote.readOnly", "true"), Map.of(), TEXTS, ARRAYS);
        c.expect(ALL, 0, 0);
        assertEquals(0, objects("read-only"));
    }

    @Test
    void anUnreachableRemoteCostsOneWarningAndNoWrongValue() throws Exception {
        long started = System.nanoTime();
        Run a = machine("a", "down", Map.of("memogen.remote.endpoint", deadEndpoint()), Map.of(), TEXTS, ARRAYS);
        a.expect(ALL, 0, 0);
        assertEquals(1, a.count("remote store"), a.err);
        assertTrue(a.err.contains("cannot connect") || a.err.contains("refused") || a.err.contains("unreachable"),
                a.err);
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(60), "no wait on every call");
    }

    @Test
    void aServerAnswering500IsLeftAloneAfterAFewFailures() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer broken = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        broken.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            byte[] body = "<Error><Code>InternalError</Code><Message>down</Message></Error>".getBytes();
            exchange.sendResponseHeaders(500, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        broken.start();
        try {
            Run a = machine("a", "broken", Map.of("memogen.remote.endpoint",
                    "http://127.0.0.1:" + broken.getAddress().getPort()), Map.of(), TEXTS, ARRAYS);
            a.expect(ALL, 0, 0);
            assertEquals(1, a.count("remote store"), a.err);
            assertTrue(a.err.contains("500"), a.err);
            // 22 lookups and 22 uploads without a breaker; it opens after 3 failures in a row.
            assertTrue(requests.get() <= 6, requests + " requests");
        } finally {
            broken.stop(0);
        }
    }

    @Test
    void aFlippedByteInAnObjectIsAMissAndTheObjectIsReplaced() throws Exception {
        machine("a", "flipped", Map.of(), Map.of(), 3, 1).expect(4, 0, 0);
        List<Path> files = objectFiles("flipped");
        assertEquals(4, files.size());
        for (Path f : files) {
            try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
                long at = raf.length() / 2;
                raf.seek(at);
                int b = raf.read();
                raf.seek(at);
                raf.write(b ^ 0x10);
            }
        }
        Run b = machine("b", "flipped", Map.of(), Map.of(), 3, 1);
        b.expect(4, 0, 0);
        assertEquals(1, b.count("cannot be used"), b.err);
        Run c = machine("c", "flipped", Map.of(), Map.of(), 3, 1);
        c.expect(0, 4, 0); // B deleted the damaged objects and uploaded its own
    }

    @Test
    void withAKeyOnlyObjectsTaggedWithThatKeyAreUsed() throws Exception {
        Map<String, String> alpha = Map.of("memogen.key", "alpha-secret-of-the-team");
        machine("open", "keyed", Map.of(), Map.of(), TEXTS, 0).expect(TEXTS, 0, 0);
        // Objects without a tag live apart from tagged ones: a keyed machine does not even see them.
        machine("a", "keyed", alpha, Map.of(), TEXTS, 0).expect(TEXTS, 0, 0);
        machine("b", "keyed", alpha, Map.of(), TEXTS, 0).expect(0, TEXTS, 0);
        // A bucket writer without the key puts its own objects where the keyed machines look.
        List<Path> tagged = objectFiles("keyed").stream().filter(p -> !p.toString().contains("/keyed/open/")).toList();
        assertEquals(TEXTS, tagged.size());
        for (Path f : tagged) {
            byte[] forged = Files.readAllBytes(f);
            forged[forged.length - 16 - 5] ^= 1; // in the tag; the checksum is made right again below
            int body = forged.length - 16;
            dev.memogen.internal.hash.Xxh3Stream sum = dev.memogen.internal.hash.Xxh3Stream.digest(forged, 0, body);
            java.nio.ByteBuffer trailer = java.nio.ByteBuffer.wrap(forged, body, 16)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN);
            trailer.putLong(sum.high());
            trailer.putLong(sum.low());
            Files.write(f, forged);
        }
        Run c = machine("c", "keyed", alpha, Map.of(), TEXTS, 0);
        c.expect(TEXTS, 0, 0);
        assertEquals(1, c.count("authentication tag"), c.err);
    }

    @Test
    void badCredentialsGiveOneClearWarning() throws Exception {
        Run a = machine("a", "denied", Map.of(), Map.of("AWS_SECRET_ACCESS_KEY", "not-the-secret"), TEXTS, ARRAYS);
        a.expect(ALL, 0, 0);
        assertEquals(1, a.count("remote store"), a.err);
        assertTrue(a.err.contains("403"), a.err);
    }

    @Test
    void twoMachinesMissingTheSameKeysAtOnceLeaveOneObjectPerKey() throws Exception {
        Map<String, String> sync = Map.of("memogen.remote.sync", "true");
        CompletableFuture<Run> a = CompletableFuture.supplyAsync(() -> machineUnchecked("a", "race", sync, 60));
        CompletableFuture<Run> b = CompletableFuture.supplyAsync(() -> machineUnchecked("b", "race", sync, 60));
        Run ra = a.get();
        Run rb = b.get();
        assertEquals(0, ra.wrong + rb.wrong);
        assertEquals(60, objects("race"));
        assertEquals("", ra.warnings() + rb.warnings(), ra.err + rb.err);
    }

    /**
     * An object older than its function's ttl is as good as absent: the machine that finds it
     * computes, deletes it and uploads its own, which the next machine gets (in-process runtimes,
     * each with a store of its own; uploads synchronous).
     */
    @Test
    void anObjectOlderThanItsTtlIsReplaced() throws Exception {
        MemoFunction<String> fresh = MemoFunction.create("r.Remote#fresh(int)", "v1", StoreTestSupport.STRING, false)
                .withTtl(1_000, false);
        dev.memogen.internal.remote.RemoteSettings s = server.settings("ttl");
        dev.memogen.internal.remote.RemoteSettings sync = new dev.memogen.internal.remote.RemoteSettings(s.bucket(),
                s.prefix(), s.endpoint(), s.region(), s.pathStyle(), false, true, s.connectTimeout(), s.timeout(),
                s.multipartThreshold(), s.maxObjectBytes());
        AtomicInteger runs = new AtomicInteger();
        java.util.function.IntFunction<String> body = k -> {
            runs.incrementAndGet();
            return StoreWorker.expectedText(k);
        };
        try {
            for (String machine : List.of("a", "b", "c")) {
                if (machine.equals("b")) {
                    Thread.sleep(1_200); // a's object is older than the ttl now
                }
                MemoRuntime.install(dev.memogen.internal.core.MemoConfig.at(work.resolve(machine)),
                        problems -> new dev.memogen.internal.core.RemoteTier(sync,
                                dev.memogen.internal.remote.S3HttpClient.create(sync, server.credentials()), problems));
                assertEquals(StoreWorker.expectedText(7), StoreTestSupport.call(fresh, 7, body));
            }
            assertEquals(2, runs.get(), "a computed, b found a's object expired and computed, c got b's");
            assertEquals(1, objects("ttl"));
        } finally {
            MemoRuntime.install(dev.memogen.internal.core.MemoConfig.at(work.resolve("none")));
        }
    }

    private Run machineUnchecked(String name, String prefix, Map<String, String> properties, int texts) {
        try {
            return machine(name, prefix, properties, Map.of(), texts, 0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@link RemoteWorker} in a JVM of its own, with the store {@code work/name}. */
    private Run machine(String name, String prefix, Map<String, String> properties, Map<String, String> env,
            int texts, int arrays) throws IOException, InterruptedException {
        ProcessBuilder pb = Jvms.worker(RemoteWorker.class, work, String.valueOf(texts), String.valueOf(arrays));
        List<String> options = new ArrayList<>();
        options.add("-Dmemogen.dir=" + work.resolve(name));
        options.add("-Dmemogen.remote=s3://" + S3ProxyServer.BUCKET + "/" + prefix);
        if (!properties.containsKey("memogen.remote.endpoint")) {
            options.add("-Dmemogen.remote.endpoint=" + server.endpoint());
        }
        properties.forEach((k, v) -> options.add("-D" + k + "=" + v));
        pb.command().addAll(1, options);
        pb.environment().put("AWS_ACCESS_KEY_ID", S3ProxyServer.IDENTITY);
        pb.environment().put("AWS_SECRET_ACCESS_KEY", S3ProxyServer.CREDENTIAL);
        pb.environment().remove("MEMOGEN_REMOTE");
        pb.environment().putAll(env);
        Path errFile = work.resolve(name + "-" + System.nanoTime() + ".err");
        pb.redirectError(errFile.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), Charset.defaultCharset());
        int exit = p.waitFor();
        String err = Files.readString(errFile, Charset.defaultCharset());
        Matcher m = RESULT.matcher(out);
        if (exit != 0 || !m.find()) {
            throw new AssertionError("machine " + name + " exited with " + exit + ":\n" + out + err);
        }
        Run run = new Run(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                Integer.parseInt(m.group(4)), err);
        assertEquals(run.remote, Integer.parseInt(m.group(5)), "Memogen.remoteStatistics().hits() counts what"
                + " the functions' remoteHits do");
        return run;
    }

    /** A machine's run: bodies run, wrong values, remote and local store hits, and its standard error. */
    private record Run(int runs, int wrong, int remote, int store, String err) {
        void expect(int runs, int remote, int store) {
            assertEquals(List.of(runs, 0, remote, store), List.of(this.runs, wrong, this.remote, this.store),
                    "runs, wrong, remote hits, store hits\n" + err);
        }

        /** memogen's warnings (its log lines at WARNING) joined, or "" for none. */
        String warnings() {
            return String.join("\n", err.lines().filter(l -> l.contains("memogen:")).toList());
        }

        int count(String text) {
            return (int) err.lines().filter(l -> l.contains("memogen:") && l.contains(text)).count();
        }
    }

    /** Lines of an events file that contain {@code text}. */
    private static long lines(Path events, String text) throws IOException {
        try (Stream<String> lines = Files.lines(events)) {
            return lines.filter(l -> l.contains(text)).count();
        }
    }

    private static int objects(String prefix) throws IOException {
        return objectFiles(prefix).size();
    }

    /** The files of the objects under {@code prefix} in s3proxy's directory of the bucket. */
    private static List<Path> objectFiles(String prefix) throws IOException {
        Path dir = server.bucketDirectory().resolve(prefix);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** An endpoint where nothing listens: the server is gone. */
    private static String deadEndpoint() throws IOException {
        return "http://127.0.0.1:" + S3ProxyServer.freePort();
    }
}
