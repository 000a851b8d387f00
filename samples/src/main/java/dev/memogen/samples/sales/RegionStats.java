package dev.memogen.samples.sales;

import java.math.BigDecimal;
import java.time.LocalDate;

/** Totals of one region. */
public record RegionStats(String region, int sales, int units, BigDecimal gross, LocalDate first, LocalDate last) {}
