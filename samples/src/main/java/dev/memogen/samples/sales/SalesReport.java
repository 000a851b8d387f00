package dev.memogen.samples.sales;

import dev.memogen.FunctionStats;
import dev.memogen.Memogen;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Runs the analyses of {@link SalesAnalytics} for two sales teams through the generated
 * {@code SalesAnalyticsMemo}. The first run computes every analysis; a second run, in a new JVM,
 * loads every result from the store; a run with another EU VAT rate ({@code --eu-vat 0.21})
 * computes the EU team's analyses again and loads the US team's. Lines starting with {@code =}
 * are results: they are the same whether computed, loaded, or run with {@code -Dmemogen.disable=true}.
 *
 * <pre>
 * java -cp samples/target/memogen-samples.jar dev.memogen.samples.sales.SalesReport [--eu-vat RATE]
 * </pre>
 */
public final class SalesReport {
    private SalesReport() {}

    private static int stages;
    private static int computed;

    public static void main(String[] args) {
        BigDecimal euVat = new BigDecimal("0.20");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--eu-vat") && i + 1 < args.length) {
                euVat = new BigDecimal(args[++i]);
            } else {
                System.err.println("usage: SalesReport [--eu-vat RATE]");
                System.exit(2);
            }
        }
        System.out.println("memogen store: " + Memogen.storeDirectory() + (Memogen.isDisabled() ? " (disabled)" : ""));
        long start = System.nanoTime();
        SalesAnalytics eu = new SalesAnalytics(config("EU", "EUR", euVat, 1), SalesData.generate(1, 20_000, 400));
        SalesAnalytics us = new SalesAnalytics(config("US", "USD", new BigDecimal("0.0825"), 10),
                SalesData.generate(2, 20_000, 400));
        int[] counts = new int[4];
        for (SalesAnalytics team : List.of(eu, us)) {
            int stagesBefore = stages;
            int computedBefore = computed;
            report(team);
            String name = team.config().getTeam();
            System.out.printf(Locale.ROOT, "%s: computed %d of %d%n", name, computed - computedBefore,
                    stages - stagesBefore);
        }
        System.out.printf(Locale.ROOT, "%nstages computed: %d of %d, loaded: %d; total %.0f ms%n",
                computed, stages, stages - computed, (System.nanoTime() - start) / 1e6);
    }

    private static SalesConfig config(String team, String currency, BigDecimal vat, int fiscalYearStartMonth) {
        SalesConfig c = new SalesConfig();
        c.setTeam(team);
        c.setCurrency(Currency.getInstance(currency));
        c.setVatRate(vat);
        c.setFiscalYearStartMonth(fiscalYearStartMonth);
        return c;
    }

    private static void report(SalesAnalytics a) {
        String team = a.config().getTeam();
        for (String region : SalesData.REGIONS) {
            RegionStats s = stage(team + " region " + region, () -> SalesAnalyticsMemo.regionStats(a, region));
            result(team, s.region() + ": " + s.sales() + " sales, " + s.units() + " units, gross " + s.gross() + " "
                    + a.config().getCurrency() + ", " + s.first() + " to " + s.last());
        }
        LocalDate q1 = LocalDate.of(2026, 1, 1);
        LocalDate q1End = LocalDate.of(2026, 3, 31);
        for (Metric m : List.of(new Metric.Revenue(), new Metric.AverageBasket(), new Metric.Percentile(90),
                new Metric.Units("drill"))) {
            BigDecimal v = stage(team + " " + m, () -> SalesAnalyticsMemo.metric(a, m, q1, q1End));
            result(team, "Q1 " + m + " = " + v);
        }
        Map<LocalDate, BigDecimal> daily = stage(team + " daily revenue north",
                () -> SalesAnalyticsMemo.dailyRevenue(a, "north"));
        BigDecimal best = daily.values().stream().max(BigDecimal::compareTo).orElse(BigDecimal.ZERO);
        result(team, "north: " + daily.size() + " days, best day " + best);
        Forecast forecast = stage(team + " forecast north, 30 days",
                () -> SalesAnalyticsMemo.forecast(a, "north", 30).join());
        result(team, String.format(Locale.ROOT, "forecast north from %s: %s ... %s, slope %.4f/day, r2 %.4f",
                forecast.from(), forecast.daily().get(0), forecast.daily().get(forecast.daily().size() - 1),
                forecast.slopePerDay(), forecast.r2()));
        RealMatrix units = stage(team + " units by product and region",
                () -> SalesAnalyticsMemo.unitsByProductAndRegion(a));
        result(team, "units " + format(units));
        RealMatrix corr = stage(team + " region correlations", () -> SalesAnalyticsMemo.correlations(a, units));
        result(team, "correlations " + format(corr));
        List<java.util.UUID> top = stage(team + " top customers",
                () -> SalesAnalyticsMemo.topCustomers(a, 3, Instant.parse("2026-07-01T00:00:00Z")));
        result(team, "top customers since July " + top);
        Sale largest = stage(team + " largest sale of the top customer",
                () -> SalesAnalyticsMemo.largestSale(a, top.get(0))).orElseThrow();
        result(team, "largest sale " + largest.id() + " on " + largest.day() + ": " + largest.quantity() + " x "
                + largest.product() + " at " + largest.unitPrice());
    }

    private static String format(RealMatrix m) {
        StringBuilder s = new StringBuilder();
        for (double[] row : m.getData()) {
            s.append(Arrays.stream(row).mapToObj(x -> String.format(Locale.ROOT, "%.4f", x)).toList());
        }
        return s.toString();
    }

    private static void result(String team, String line) {
        System.out.println("= " + team + " " + line);
    }

    /** Runs one memoized analysis and says whether it was computed or loaded, and how long it took. */
    private static <T> T stage(String label, Supplier<T> call) {
        long missesBefore = misses();
        long t0 = System.nanoTime();
        T value = call.get();
        double ms = (System.nanoTime() - t0) / 1e6;
        boolean wasComputed = misses() > missesBefore || Memogen.isDisabled();
        stages++;
        if (wasComputed) {
            computed++;
        }
        System.out.printf(Locale.ROOT, "%-44s %-8s %9.1f ms%n", label, wasComputed ? "computed" : "loaded", ms);
        return value;
    }

    private static long misses() {
        return Memogen.statistics().stream().mapToLong(FunctionStats::misses).sum();
    }
}
