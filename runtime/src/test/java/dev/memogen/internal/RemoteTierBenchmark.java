package dev.memogen.internal;

import dev.memogen.internal.remote.S3ProxyServer;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the remote tier costs and saves, whole processes against s3proxy on loopback
 * (docs/remote.md, "What it costs"). Not a test: timings go in the report, not in assertions. Run
 * from {@code runtime/} after {@code mvn test-compile} (and {@code process-test-resources}, which
 * copies s3proxy):
 *
 * <pre>java -cp "target/classes:target/test-classes:$(cat target/test-classpath.txt)" dev.memogen.internal.RemoteTierBenchmark 7</pre>
 *
 * <p>(any class path with the runtime's test dependencies will do). Each round runs, in fresh JVMs
 * with no flags, one after another: a JVM that calls nothing; hits of 50 small values (the first
 * of 1 KiB) and of four 8 MiB arrays in a local store, with the tier off and on; the same hits
 * from the remote into an empty local store; and a miss of an 8 MiB array with the tier off and
 * on (a new prefix each time, so it uploads; the upload is flushed at exit, inside the process's
 * time). Prints the medians of the first call's time, of each further call's (inside the JVM),
 * and of the whole process.
 */
public final class RemoteTierBenchmark {
    private static final Pattern RESULT = Pattern.compile(
            "runs=(\\d+) wrong=(\\d+) remote=(\\d+) store=(\\d+) micros=(\\d+) first=(\\d+)");
    /** Small values: 50 texts ({@link StoreWorker#expectedText}), the first (27) of 1 KiB, the others 0.1 to 3 KiB. */
    private static final String SMALL = "50";
    private static final String FIRST_TEXT = "27";
    /** 8 MiB arrays: 4. */
    private static final String ARRAYS = "4";

    private RemoteTierBenchmark() {}

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        Path work = Files.createTempDirectory("memogen-remote-bench");
        try (S3ProxyServer server = S3ProxyServer.start(work.resolve("server"))) {
            String endpoint = server.endpoint().toString();
            List<String> on = List.of("-Dmemogen.remote=s3://" + S3ProxyServer.BUCKET + "/bench",
                    "-Dmemogen.remote.endpoint=" + endpoint);
            Path local = work.resolve("local");
            // The bucket and the local store get every value once.
            run(local, on, SMALL, ARRAYS, FIRST_TEXT);
            Map<String, List<long[]>> results = new LinkedHashMap<>();
            for (int round = 0; round < rounds; round++) {
                measure(results, "JVM calling nothing", run(work.resolve("none"), List.of(), "0", "0"));
                measure(results, "small: local hits, tier off", run(local, List.of(), SMALL, "0", FIRST_TEXT));
                measure(results, "small: local hits, tier on", run(local, on, SMALL, "0", FIRST_TEXT));
                measure(results, "small: remote hits", run(work.resolve("r" + round + "a"), on, SMALL, "0", FIRST_TEXT));
                measure(results, "8 MiB: local hits, tier off", run(local, List.of(), "0", ARRAYS));
                measure(results, "8 MiB: local hits, tier on", run(local, on, "0", ARRAYS));
                measure(results, "8 MiB: remote hits", run(work.resolve("r" + round + "b"), on, "0", ARRAYS));
                measure(results, "8 MiB: miss, tier off", run(work.resolve("m" + round + "a"), List.of(), "0", "1"));
                measure(results, "8 MiB: miss, tier on (uploads)", run(work.resolve("m" + round + "b"),
                        List.of("-Dmemogen.remote=s3://" + S3ProxyServer.BUCKET + "/miss" + round,
                                "-Dmemogen.remote.endpoint=" + endpoint), "0", "1"));
            }
            System.out.printf("%-32s %12s %14s %12s%n", "fresh JVM, medians of " + rounds, "first call",
                    "each further", "process");
            for (Map.Entry<String, List<long[]>> e : results.entrySet()) {
                System.out.printf("%-32s %9.1f ms %11.2f ms %9d ms%n", e.getKey(), median(e.getValue(), 0) / 1000.0,
                        median(e.getValue(), 1) / 1000.0, median(e.getValue(), 2));
            }
        }
    }

    private static void measure(Map<String, List<long[]>> results, String name, long[] result) {
        results.computeIfAbsent(name, n -> new ArrayList<>()).add(result);
    }

    private static long median(List<long[]> values, int column) {
        long[] v = values.stream().mapToLong(a -> a[column]).sorted().toArray();
        return v[v.length / 2];
    }

    /** One fresh JVM of {@link RemoteWorker}: {first call's micros, each further call's micros, process millis}. */
    private static long[] run(Path store, List<String> options, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Dmemogen.dir=" + store);
        command.addAll(options);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(RemoteWorker.class.getName());
        command.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("AWS_ACCESS_KEY_ID", S3ProxyServer.IDENTITY);
        pb.environment().put("AWS_SECRET_ACCESS_KEY", S3ProxyServer.CREDENTIAL);
        long started = System.nanoTime();
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), Charset.defaultCharset());
        int exit = p.waitFor();
        long millis = (System.nanoTime() - started) / 1_000_000;
        Matcher m = RESULT.matcher(out);
        if (exit != 0 || !m.find() || !m.group(2).equals("0")) {
            throw new IllegalStateException("worker " + command + " failed (" + exit + "):\n" + out);
        }
        long all = Long.parseLong(m.group(5));
        long first = Long.parseLong(m.group(6));
        int calls = Integer.parseInt(args[0]) + Integer.parseInt(args[1]);
        return new long[] {first, calls > 1 ? (all - first) / (calls - 1) : 0, millis};
    }
}
