package dev.memogen.samples.sales;

import dev.memogen.GenerateMemo;
import dev.memogen.Memo;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.apache.commons.math3.stat.regression.SimpleRegression;

/**
 * A sales-analytics service written the usual way: configuration and data come in through the
 * constructor, the analyses are instance methods. {@code @GenerateMemo} makes
 * {@code SalesAnalyticsMemo}, whose static methods take the service first
 * ({@code SalesAnalyticsMemo.regionStats(analytics, "north")}); the service's fields
 * ({@code config}, {@code sales}) are part of each key, the logger is not.
 */
@GenerateMemo(adapters = {RealMatrixAdapter.class, SalesConfigAdapter.class})
public class SalesAnalytics {
    @Memo.Ignore
    private final System.Logger log = System.getLogger(SalesAnalytics.class.getName());

    private final SalesConfig config;
    private final List<Sale> sales;

    public SalesAnalytics(SalesConfig config, List<Sale> sales) {
        this.config = config;
        this.sales = List.copyOf(sales);
    }

    public SalesConfig config() {
        return config;
    }

    /** A sale's value with VAT, rounded to the currency's cents. */
    private BigDecimal gross(Sale s) {
        return s.net().multiply(BigDecimal.ONE.add(config.getVatRate()))
                .setScale(config.getCurrency().getDefaultFractionDigits(), RoundingMode.HALF_EVEN);
    }

    /** Counts, units and gross revenue of one region. */
    public RegionStats regionStats(String region) {
        log.log(System.Logger.Level.DEBUG, "regionStats {0}", region);
        int count = 0;
        int units = 0;
        BigDecimal gross = BigDecimal.ZERO;
        LocalDate first = null;
        LocalDate last = null;
        for (Sale s : sales) {
            if (s.region().equals(region)) {
                count++;
                units += s.quantity();
                gross = gross.add(gross(s));
                first = first == null || s.day().isBefore(first) ? s.day() : first;
                last = last == null || s.day().isAfter(last) ? s.day() : last;
            }
        }
        return new RegionStats(region, count, units, gross, first, last);
    }

    /** One metric over the sales of the days {@code from} to {@code to}, both included. */
    public BigDecimal metric(Metric metric, LocalDate from, LocalDate to) {
        List<Sale> period = sales.stream().filter(s -> !s.day().isBefore(from) && !s.day().isAfter(to)).toList();
        if (metric instanceof Metric.Revenue) {
            return period.stream().map(this::gross).reduce(BigDecimal.ZERO, BigDecimal::add);
        } else if (metric instanceof Metric.AverageBasket) {
            BigDecimal total = period.stream().map(this::gross).reduce(BigDecimal.ZERO, BigDecimal::add);
            return period.isEmpty() ? BigDecimal.ZERO
                    : total.divide(BigDecimal.valueOf(period.size()), 2, RoundingMode.HALF_EVEN);
        } else if (metric instanceof Metric.Percentile p) {
            double[] values = period.stream().mapToDouble(s -> gross(s).doubleValue()).toArray();
            return values.length == 0 ? BigDecimal.ZERO
                    : BigDecimal.valueOf(new Percentile().evaluate(values, p.p())).setScale(2, RoundingMode.HALF_EVEN);
        } else {
            String product = ((Metric.Units) metric).product();
            return BigDecimal.valueOf(period.stream().filter(s -> s.product().equals(product))
                    .mapToInt(Sale::quantity).sum());
        }
    }

    /** Gross revenue of each day of one region, in date order. */
    public Map<LocalDate, BigDecimal> dailyRevenue(String region) {
        Map<LocalDate, BigDecimal> byDay = new TreeMap<>();
        for (Sale s : sales) {
            if (s.region().equals(region)) {
                byDay.merge(s.day(), gross(s), BigDecimal::add);
            }
        }
        return new LinkedHashMap<>(byDay);
    }

    /**
     * A linear forecast of one region's daily gross revenue for the {@code days} days after the
     * last sale, computed in the background.
     */
    public CompletableFuture<Forecast> forecast(String region, int days) {
        return CompletableFuture.supplyAsync(() -> {
            Map<LocalDate, BigDecimal> daily = dailyRevenue(region);
            SimpleRegression regression = new SimpleRegression();
            LocalDate last = null;
            for (Map.Entry<LocalDate, BigDecimal> e : daily.entrySet()) {
                regression.addData(e.getKey().toEpochDay(), e.getValue().doubleValue());
                last = e.getKey();
            }
            if (last == null) {
                return new Forecast(region, null, List.of(), 0, 0); // no sales there
            }
            LocalDate from = last.plusDays(1);
            List<BigDecimal> values = new ArrayList<>();
            for (int i = 0; i < days; i++) {
                double predicted = regression.predict(from.plusDays(i).toEpochDay());
                values.add(BigDecimal.valueOf(Double.isNaN(predicted) ? 0 : predicted).setScale(2, RoundingMode.HALF_EVEN));
            }
            return new Forecast(region, from, values, regression.getSlope(), regression.getRSquare());
        });
    }

    /** Units sold per product (rows) and region (columns), both in name order. */
    public RealMatrix unitsByProductAndRegion() {
        List<String> products = new ArrayList<>(new TreeSet<>(sales.stream().map(Sale::product).toList()));
        List<String> regions = new ArrayList<>(new TreeSet<>(sales.stream().map(Sale::region).toList()));
        RealMatrix m = MatrixUtils.createRealMatrix(products.size(), regions.size());
        for (Sale s : sales) {
            int i = products.indexOf(s.product());
            int j = regions.indexOf(s.region());
            m.addToEntry(i, j, s.quantity());
        }
        return m;
    }

    /** Pearson correlations between the columns of {@code data}. */
    public RealMatrix correlations(RealMatrix data) {
        return new PearsonsCorrelation(data).getCorrelationMatrix();
    }

    /** The largest sale of one customer, if it bought anything. */
    public Optional<Sale> largestSale(UUID customer) {
        return sales.stream().filter(s -> s.customer().equals(customer)).max(Comparator.comparing(this::gross));
    }

    /** The {@code n} customers with the largest gross revenue since {@code since}, largest first. */
    public List<UUID> topCustomers(int n, Instant since) {
        Map<UUID, BigDecimal> byCustomer = new HashMap<>();
        for (Sale s : sales) {
            if (!s.at().isBefore(since)) {
                byCustomer.merge(s.customer(), gross(s), BigDecimal::add);
            }
        }
        return byCustomer.entrySet().stream()
                .sorted(Map.Entry.<UUID, BigDecimal>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(n).map(Map.Entry::getKey).toList();
    }

    /** The sales of one region, lazily. A stream is not a value that can be stored: not memoized. */
    @Memo.Skip
    public Stream<Sale> salesOf(String region) {
        return sales.stream().filter(s -> s.region().equals(region));
    }
}
