package dev.memogen.samples.sales;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/** Daily gross revenue of a region, extrapolated linearly from {@code from} on. */
public record Forecast(String region, LocalDate from, List<BigDecimal> daily, double slopePerDay, double r2) {}
