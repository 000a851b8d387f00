package dev.memogen.internal.remote;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the client costs a fresh JVM, measured against s3proxy on loopback (docs/remote.md, "The
 * client"). Not a test: timings go in the report, not in assertions. Run from {@code runtime/}
 * after {@code mvn test-compile}:
 *
 * <pre>java -cp target/classes:target/test-classes dev.memogen.internal.remote.RemoteColdStart 11</pre>
 *
 * <p>It starts s3proxy, then, the given number of times, a fresh JVM that makes a client and does
 * one PUT and one GET of 1 KiB ({@code probe}), and a fresh JVM that does nothing ({@code noop}),
 * both with {@code -Xlog:class+load}; it prints the medians of the time from launch to the end of the
 * PUT and of the GET, and the classes loaded. Then round trips in this (warm) JVM.
 */
public final class RemoteColdStart {
    private RemoteColdStart() {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "probe" -> probe(args);
            case "noop" -> System.out.println("main=" + System.currentTimeMillis() + " cpu=" + cpuMillis());
            default -> run(Integer.parseInt(args[0]));
        }
    }

    /** In a fresh JVM: one PUT and one GET; prints when main started and when each ended (epoch ms). */
    private static void probe(String[] args) {
        long main = System.currentTimeMillis();
        RemoteSettings settings = RemoteSettings.parse(name -> switch (name) {
            case RemoteSettings.REMOTE -> "s3://" + S3ProxyServer.BUCKET + "/cold";
            case RemoteSettings.ENDPOINT -> args[1];
            default -> null;
        }, name -> null).orElseThrow();
        RemoteStore client = S3HttpClient.create(settings, new AwsCredentials(args[2], args[3], null));
        long built = System.currentTimeMillis();
        byte[] value = new byte[1024];
        RemoteStore.PutResult put = client.putIfAbsent(args[4], ObjectSource.of(value, 0, value.length));
        long afterPut = System.currentTimeMillis();
        RemoteStore.GetResult got = client.get(args[4], new ByteArrayOutputStream());
        long afterGet = System.currentTimeMillis();
        System.out.println("main=" + main + " built=" + built + " put=" + afterPut + " get=" + afterGet + " cpu="
                + cpuMillis() + " " + put + " " + got);
    }

    private static void run(int runs) throws Exception {
        Path dir = Files.createTempDirectory("memogen-coldstart");
        try (S3ProxyServer server = S3ProxyServer.start(dir)) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String classPath = System.getProperty("java.class.path");
            List<Long> toMain = new ArrayList<>();
            List<Long> toBuilt = new ArrayList<>();
            List<Long> toPut = new ArrayList<>();
            List<Long> toGet = new ArrayList<>();
            List<Long> noopMain = new ArrayList<>();
            List<Long> probeCpu = new ArrayList<>();
            List<Long> noopCpu = new ArrayList<>();
            List<Long> probeClasses = new ArrayList<>();
            List<Long> noopClasses = new ArrayList<>();
            List<Long> httpClasses = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                Path log = dir.resolve("classes-" + i + ".log");
                long launch = System.currentTimeMillis();
                String out = launch(java, "-Xlog:class+load:file=" + log, "-cp", classPath,
                        RemoteColdStart.class.getName(), "probe", server.endpoint().toString(), S3ProxyServer.IDENTITY,
                        S3ProxyServer.CREDENTIAL, "key-" + i);
                if (!out.contains("Created") || !out.contains("Found")) {
                    throw new IllegalStateException("probe failed: " + out);
                }
                toMain.add(field(out, "main") - launch);
                toBuilt.add(field(out, "built") - launch);
                toPut.add(field(out, "put") - launch);
                toGet.add(field(out, "get") - launch);
                probeCpu.add(field(out, "cpu"));
                List<String> loaded = Files.readAllLines(log, StandardCharsets.UTF_8);
                probeClasses.add((long) loaded.size());
                httpClasses.add(loaded.stream().filter(l -> l.contains("net.http")).count());

                Path noopLog = dir.resolve("noop-" + i + ".log");
                long noopLaunch = System.currentTimeMillis();
                String noop = launch(java, "-Xlog:class+load:file=" + noopLog, "-cp", classPath,
                        RemoteColdStart.class.getName(), "noop");
                noopMain.add(field(noop, "main") - noopLaunch);
                noopCpu.add(field(noop, "cpu"));
                noopClasses.add((long) Files.readAllLines(noopLog, StandardCharsets.UTF_8).size());
            }
            System.out.println("fresh JVM, " + runs + " runs, medians: launch->main " + median(toMain)
                    + " ms, launch->client built " + median(toBuilt) + " ms, launch->first PUT done " + median(toPut)
                    + " ms, launch->first GET done " + median(toGet)
                    + " ms, CPU (user+system, all threads) " + median(probeCpu) + " ms; a JVM doing nothing: launch->main "
                    + median(noopMain) + " ms, CPU " + median(noopCpu) + " ms");
            System.out.println("classes loaded: probe " + median(probeClasses) + " (java.net.http: "
                    + median(httpClasses) + "), a JVM doing nothing " + median(noopClasses));

            RemoteStore client = S3HttpClient.create(server.settings("warm"), server.credentials());
            roundTrips(client, 1024, 200);
            roundTrips(client, 8 << 20, 20);
        }
    }

    /** Median milliseconds of a PUT and of a GET of {@code size} bytes, each a new key, after a warm-up. */
    private static void roundTrips(RemoteStore client, int size, int times) {
        byte[] value = new byte[size];
        Arrays.fill(value, (byte) 7);
        OutputStream sink = OutputStream.nullOutputStream();
        for (int i = 0; i < times; i++) {
            client.putIfAbsent("warmup-" + size + "-" + i, ObjectSource.of(value, 0, size));
            client.get("warmup-" + size + "-" + i, sink);
        }
        List<Long> puts = new ArrayList<>();
        List<Long> gets = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            String key = "timed-" + size + "-" + i;
            long t0 = System.nanoTime();
            if (!(client.putIfAbsent(key, ObjectSource.of(value, 0, size)) instanceof RemoteStore.Created)) {
                throw new IllegalStateException("put failed");
            }
            long t1 = System.nanoTime();
            if (!(client.get(key, sink) instanceof RemoteStore.Found)) {
                throw new IllegalStateException("get failed");
            }
            long t2 = System.nanoTime();
            puts.add((t1 - t0) / 1000);
            gets.add((t2 - t1) / 1000);
        }
        System.out.println("warm, " + size + " bytes, " + times + " round trips, medians: PUT " + median(puts) / 1000.0
                + " ms, GET " + median(gets) / 1000.0 + " ms");
    }

    /** CPU time of this process so far, user and system, all threads (Linux: /proc/self/stat, 10 ms ticks). */
    private static long cpuMillis() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII);
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static String launch(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    private static long field(String out, String name) {
        for (String part : out.strip().split(" ")) {
            if (part.startsWith(name + "=")) {
                return Long.parseLong(part.substring(name.length() + 1));
            }
        }
        throw new IllegalStateException("no " + name + " in " + out);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }
}
