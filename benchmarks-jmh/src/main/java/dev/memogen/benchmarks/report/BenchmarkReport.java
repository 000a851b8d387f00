package dev.memogen.benchmarks.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.Color;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/**
 * Turns JMH's JSON results ({@code -rf json}) into the tables of {@code benchmarks/README.md}
 * ({@code tables.md}) and the chart of the headline comparisons ({@code chart.png}), headless.
 *
 * <pre>
 * java -Djava.awt.headless=true -cp benchmarks-jmh/target/memogen-benchmarks.jar \
 *     dev.memogen.benchmarks.report.BenchmarkReport benchmarks/results benchmarks
 * </pre>
 */
public final class BenchmarkReport {
    /** One JMH result: benchmark method, parameters, score and (if profiled) allocation per op. */
    record Result(String benchmark, Map<String, String> params, double score, double error, String unit,
            double allocPerOp) {
        String param(String name) {
            return params.getOrDefault(name, "");
        }

        String method() {
            return benchmark.substring(benchmark.lastIndexOf('.') + 1);
        }

        String benchmarkClass() {
            String s = benchmark.substring(0, benchmark.lastIndexOf('.'));
            return s.substring(s.lastIndexOf('.') + 1);
        }
    }

    private final List<Result> results = new ArrayList<>();

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path in = Path.of(args.length > 0 ? args[0] : "benchmarks/results");
        Path out = Path.of(args.length > 1 ? args[1] : "benchmarks");
        BenchmarkReport report = new BenchmarkReport();
        try (Stream<Path> files = Files.list(in)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".json")).sorted()::iterator) {
                report.read(f);
            }
        }
        String tables = report.tables();
        Path fresh = in.resolve("fresh-process.md");
        if (Files.exists(fresh)) {
            tables += "\n" + Files.readString(fresh);
        }
        Files.writeString(out.resolve("tables.md"), tables);
        report.chart(out.resolve("chart.png"));
        System.out.println(tables);
        System.out.println("wrote " + out.resolve("tables.md") + " and " + out.resolve("chart.png"));
    }

    void read(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file)) {
            JsonArray all = JsonParser.parseReader(r).getAsJsonArray();
            for (JsonElement e : all) {
                JsonObject o = e.getAsJsonObject();
                Map<String, String> params = new TreeMap<>();
                if (o.has("params")) {
                    o.getAsJsonObject("params").entrySet().forEach(p -> params.put(p.getKey(), p.getValue().getAsString()));
                }
                JsonObject primary = o.getAsJsonObject("primaryMetric");
                double alloc = Double.NaN;
                JsonObject secondary = o.getAsJsonObject("secondaryMetrics");
                if (secondary != null && secondary.has("gc.alloc.rate.norm")) {
                    alloc = secondary.getAsJsonObject("gc.alloc.rate.norm").get("score").getAsDouble();
                }
                double error = primary.get("scoreError").isJsonPrimitive()
                        && primary.get("scoreError").getAsJsonPrimitive().isNumber()
                        ? primary.get("scoreError").getAsDouble() : Double.NaN;
                Result res = new Result(o.get("benchmark").getAsString(), params,
                        primary.get("score").getAsDouble(), error, primary.get("scoreUnit").getAsString(), alloc);
                results.removeIf(x -> x.benchmark().equals(res.benchmark()) && x.params().equals(res.params()));
                results.add(res); // a later file replaces an earlier result of the same benchmark
            }
        }
    }

    private List<Result> of(String benchmarkClass) {
        return results.stream().filter(r -> r.benchmarkClass().equals(benchmarkClass)).toList();
    }

    private Result find(String benchmarkClass, String method, String... params) {
        outer:
        for (Result r : of(benchmarkClass)) {
            if (!r.method().equals(method)) {
                continue;
            }
            for (int i = 0; i < params.length; i += 2) {
                if (!r.param(params[i]).equals(params[i + 1])) {
                    continue outer;
                }
            }
            return r;
        }
        return null;
    }

    private static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        double a = Math.abs(v);
        String p = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, p, v);
    }

    private static String size(String bytes) {
        long b = Long.parseLong(bytes);
        return b >= 1 << 20 ? (b >> 20) + " MiB" : b >= 1 << 10 ? (b >> 10) + " KiB" : b + " B";
    }

    private static List<String> distinct(List<Result> rs, String param) {
        List<String> v = new ArrayList<>();
        for (Result r : rs) {
            if (!v.contains(r.param(param))) {
                v.add(r.param(param));
            }
        }
        v.sort((x, y) -> {
            try {
                return Long.compare(Long.parseLong(x), Long.parseLong(y));
            } catch (NumberFormatException e) {
                return 0; // enum order as run
            }
        });
        return v;
    }

    String tables() {
        StringBuilder s = new StringBuilder();
        hotHit(s);
        hashing(s);
        persistent(s);
        overheads(s);
        return s.toString();
    }

    private void hotHit(StringBuilder s) {
        List<Result> rs = of("HotHitBenchmark");
        if (rs.isEmpty()) {
            return;
        }
        s.append("### 1. Hot hit, small arguments (ns/op, B/op allocated)\n\n");
        s.append("| cache | `long f(int,int)` ns/op | B/op | vs hand-written | `Fit fit(Sample,double)` ns/op | B/op | vs hand-written |\n");
        s.append("|---|---:|---:|---:|---:|---:|---:|\n");
        Result mapInts = find("HotHitBenchmark", "smallInts", "cache", "HAND_WRITTEN_MAP");
        Result mapFit = find("HotHitBenchmark", "recordAndDouble", "cache", "HAND_WRITTEN_MAP");
        for (String cache : distinct(rs, "cache")) {
            Result a = find("HotHitBenchmark", "smallInts", "cache", cache);
            Result b = find("HotHitBenchmark", "recordAndDouble", "cache", cache);
            s.append("| ").append(cache.toLowerCase(Locale.ROOT).replace('_', ' ')).append(" | ")
                    .append(a == null ? "–" : fmt(a.score()) + " ± " + fmt(a.error())).append(" | ")
                    .append(a == null ? "–" : fmt(a.allocPerOp())).append(" | ")
                    .append(a == null || mapInts == null ? "–" : fmt(a.score() / mapInts.score()) + "x").append(" | ")
                    .append(b == null ? "–" : fmt(b.score()) + " ± " + fmt(b.error())).append(" | ")
                    .append(b == null ? "–" : fmt(b.allocPerOp())).append(" | ")
                    .append(b == null || mapFit == null ? "–" : fmt(b.score() / mapFit.score()) + "x").append(" |\n");
        }
        s.append('\n');
    }

    private static double gbPerSecond(Result r) {
        return Long.parseLong(r.param("size")) / r.score(); // bytes per ns = GB/s
    }

    private void hashing(StringBuilder s) {
        List<Result> rs = of("ArgumentHashingBenchmark");
        if (rs.isEmpty()) {
            return;
        }
        s.append("### 2. Hashing one large argument (GB/s; memogen's share of the faster raw XXH3-128)\n\n");
        List<String> sizes = distinct(rs, "size");
        for (String type : distinct(rs, "type")) {
            s.append("**").append(type.toLowerCase(Locale.ROOT).replace('_', ' ')).append("**\n\n| method |");
            sizes.forEach(z -> s.append(' ').append(size(z)).append(" |"));
            s.append("\n|---|");
            sizes.forEach(z -> s.append("---:|"));
            s.append('\n');
            for (String method : distinct(rs, "method")) {
                s.append("| ").append(method.toLowerCase(Locale.ROOT).replace('_', ' ')).append(" |");
                for (String z : sizes) {
                    Result r = find("ArgumentHashingBenchmark", "hash", "type", type, "size", z, "method", method);
                    s.append(' ').append(r == null ? "–" : fmt(gbPerSecond(r))).append(" |");
                }
                s.append('\n');
            }
            s.append("| **memogen / raw XXH3** |");
            for (String z : sizes) {
                Result m = find("ArgumentHashingBenchmark", "hash", "type", type, "size", z, "method", "MEMOGEN");
                Result zah = find("ArgumentHashingBenchmark", "hash", "type", type, "size", z, "method", "ZAH_XXH3");
                Result h4 = find("ArgumentHashingBenchmark", "hash", "type", type, "size", z, "method", "HASH4J_XXH3");
                double raw = Math.max(zah == null ? 0 : gbPerSecond(zah), h4 == null ? 0 : gbPerSecond(h4));
                s.append(' ').append(m == null || raw == 0 ? "–" : String.format(Locale.ROOT, "**%.0f%%**", 100 * gbPerSecond(m) / raw)).append(" |");
            }
            s.append("\n\n");
        }
    }

    private void persistent(StringBuilder s) {
        List<Result> rs = of("PersistentTierBenchmark");
        if (rs.isEmpty()) {
            return;
        }
        List<String> sizes = distinct(rs, "valueBytes");
        s.append("### 3. Persistent tier, one value (µs/op; OS page cache warm)\n\n| store |");
        for (String op : List.of("get", "put")) {
            sizes.forEach(z -> s.append(' ').append(op).append(' ').append(size(z)).append(" |"));
        }
        s.append("\n|---|");
        for (int i = 0; i < 2 * sizes.size(); i++) {
            s.append("---:|");
        }
        s.append('\n');
        for (String store : distinct(rs, "store")) {
            s.append("| ").append(store.toLowerCase(Locale.ROOT).replace('_', ' ')).append(" |");
            for (String op : List.of("get", "put")) {
                for (String z : sizes) {
                    Result r = find("PersistentTierBenchmark", op, "store", store, "valueBytes", z);
                    s.append(' ').append(r == null ? "–" : fmt(r.score()) + " ± " + fmt(r.error())).append(" |");
                }
            }
            s.append('\n');
        }
        s.append("| **memogen / files** |");
        for (String op : List.of("get", "put")) {
            for (String z : sizes) {
                Result m = find("PersistentTierBenchmark", op, "store", "MEMOGEN", "valueBytes", z);
                Result f = find("PersistentTierBenchmark", op, "store", "FILES", "valueBytes", z);
                s.append(' ').append(m == null || f == null ? "–" : "**" + fmt(m.score() / f.score()) + "x**").append(" |");
            }
        }
        s.append("\n\n");
    }

    private void overheads(StringBuilder s) {
        List<Result> miss = of("MissOverheadBenchmark");
        List<Result> fp = of("FingerprintBenchmark");
        List<Result> scale = of("StoreScaleBenchmark");
        if (miss.isEmpty() && fp.isEmpty() && scale.isEmpty()) {
            return;
        }
        s.append("### 5. Overheads\n\n");
        if (!miss.isEmpty()) {
            s.append("Miss: the method alone against a memogen miss (µs/op)\n\n");
            s.append("| result | method alone | memogen miss | overhead | overhead / method |\n|---|---:|---:|---:|---:|\n");
            for (String n : distinct(miss, "n")) {
                Result d = find("MissOverheadBenchmark", "direct", "n", n);
                Result m = find("MissOverheadBenchmark", "memogenMiss", "n", n);
                if (d == null || m == null) {
                    continue;
                }
                s.append("| `double[").append(n).append("]` (").append(size(Long.toString(8L * Long.parseLong(n))))
                        .append(") | ").append(fmt(d.score())).append(" | ").append(fmt(m.score())).append(" | ")
                        .append(fmt(m.score() - d.score())).append(" | ").append(fmt((m.score() - d.score()) / d.score()))
                        .append("x |\n");
            }
            s.append('\n');
        }
        if (!fp.isEmpty()) {
            s.append("First-call code fingerprint (52 classes reached)\n\n| case | ms |\n|---|---:|\n");
            for (Result r : fp) {
                s.append("| ").append(r.method()).append(" | ").append(fmt(r.score())).append(" ± ").append(fmt(r.error()))
                        .append(" |\n");
            }
            s.append('\n');
        }
        if (!scale.isEmpty()) {
            s.append("Store size\n\n| entries | open + first hit (µs) | store hit, memory tier off (ns) |\n|---:|---:|---:|\n");
            for (String n : distinct(scale, "entries")) {
                Result open = find("StoreScaleBenchmark", "openAndFirstHit", "entries", n);
                Result hit = find("StoreScaleBenchmark", "storeHit", "entries", n);
                s.append("| ").append(String.format(Locale.ROOT, "%,d", Long.parseLong(n))).append(" | ")
                        .append(open == null ? "–" : fmt(open.score()) + " ± " + fmt(open.error())).append(" | ")
                        .append(hit == null ? "–" : fmt(hit.score()) + " ± " + fmt(hit.error())).append(" |\n");
            }
            s.append('\n');
        }
    }

    void chart(Path png) throws IOException {
        List<Chart<?, ?>> charts = new ArrayList<>();
        List<Result> hot = of("HotHitBenchmark");
        if (!hot.isEmpty()) {
            CategoryChart c = bar("1. Hot hit, small arguments", "ns/op (lower is better)");
            List<String> caches = distinct(hot, "cache");
            for (String m : List.of("smallInts", "recordAndDouble")) {
                List<String> x = new ArrayList<>();
                List<Double> y = new ArrayList<>();
                for (String cache : caches) {
                    Result r = find("HotHitBenchmark", m, "cache", cache);
                    if (r != null) {
                        x.add(cache.toLowerCase(Locale.ROOT).replace('_', ' '));
                        y.add(r.score());
                    }
                }
                c.addSeries(m.equals("smallInts") ? "long f(int,int)" : "Fit fit(Sample,double)", x, y);
            }
            charts.add(c);
        }
        List<Result> hash = of("ArgumentHashingBenchmark");
        if (!hash.isEmpty()) {
            List<String> sizes = distinct(hash, "size");
            for (String z : List.of(sizes.get(0), sizes.get(sizes.size() - 1))) {
                CategoryChart c = bar("2. Hashing one " + size(z) + " argument", "GB/s (higher is better)");
                for (String method : distinct(hash, "method")) {
                    List<String> x = new ArrayList<>();
                    List<Double> y = new ArrayList<>();
                    for (String type : distinct(hash, "type")) {
                        Result r = find("ArgumentHashingBenchmark", "hash", "type", type, "size", z, "method", method);
                        if (r != null) {
                            x.add(type.toLowerCase(Locale.ROOT).replace("_array", "[]"));
                            y.add(gbPerSecond(r));
                        }
                    }
                    c.addSeries(method.toLowerCase(Locale.ROOT).replace('_', ' '), x, y);
                }
                charts.add(c);
            }
        }
        List<Result> tier = of("PersistentTierBenchmark");
        if (!tier.isEmpty()) {
            CategoryChart c = bar("3. Persistent tier, one value", "time / Files.write or readAllBytes (lower is better)");
            for (String store : distinct(tier, "store")) {
                List<String> x = new ArrayList<>();
                List<Double> y = new ArrayList<>();
                for (String op : List.of("get", "put")) {
                    for (String z : distinct(tier, "valueBytes")) {
                        Result r = find("PersistentTierBenchmark", op, "store", store, "valueBytes", z);
                        Result files = find("PersistentTierBenchmark", op, "store", "FILES", "valueBytes", z);
                        x.add(op + " " + size(z));
                        y.add(r == null || files == null ? 0.0 : r.score() / files.score());
                    }
                }
                c.addSeries(store.toLowerCase(Locale.ROOT).replace('_', ' '), x, y);
            }
            charts.add(c);
        }
        if (charts.isEmpty()) {
            return;
        }
        int cols = charts.size() % 2 == 0 ? 2 : 1; // XChart's grid must be full
        int rows = charts.size() / cols;
        BitmapEncoder.saveBitmap(charts, rows, cols, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static final Color[] PALETTE = {new Color(0xD62728), new Color(0x1F77B4), new Color(0x2CA02C),
            new Color(0xFF7F0E), new Color(0x9467BD), new Color(0x8C564B)};

    private static CategoryChart bar(String title, String yTitle) {
        CategoryChart c = new CategoryChartBuilder().width(760).height(440).title(title).yAxisTitle(yTitle).build();
        Styler st = c.getStyler();
        st.setLegendPosition(Styler.LegendPosition.OutsideS);
        st.setLegendLayout(Styler.LegendLayout.Horizontal);
        st.setSeriesColors(PALETTE);
        st.setChartBackgroundColor(Color.WHITE);
        c.getStyler().setOverlapped(false);
        c.getStyler().setXAxisLabelRotation(0);
        return c;
    }

}
