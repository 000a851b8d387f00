package dev.memogen.samples.sales;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/** One line of a sales ledger. */
public record Sale(UUID id, UUID customer, LocalDate day, Instant at, String region, String product, int quantity,
        BigDecimal unitPrice) {

    /** Quantity times unit price, before tax. */
    public BigDecimal net() {
        return unitPrice.multiply(BigDecimal.valueOf(quantity));
    }
}
