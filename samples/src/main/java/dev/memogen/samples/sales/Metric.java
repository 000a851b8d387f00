package dev.memogen.samples.sales;

/** What to measure over a period of sales. */
public sealed interface Metric permits Metric.Revenue, Metric.AverageBasket, Metric.Percentile, Metric.Units {

    /** Gross revenue (net plus VAT). */
    record Revenue() implements Metric {}

    /** Mean gross value of one sale. */
    record AverageBasket() implements Metric {}

    /** The {@code p}th percentile (0 to 100) of gross sale values. */
    record Percentile(double p) implements Metric {}

    /** Units sold of one product. */
    record Units(String product) implements Metric {}
}
