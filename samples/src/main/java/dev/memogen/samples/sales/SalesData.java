package dev.memogen.samples.sales;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/** A synthetic, reproducible sales ledger: the same seed gives the same sales. */
public final class SalesData {
    private SalesData() {}

    static final String[] REGIONS = {"north", "south", "east", "west"};
    static final String[] PRODUCTS = {"anvil", "bolt", "crate", "drill", "easel", "fuse"};
    static final LocalDate START = LocalDate.of(2026, 1, 1);

    /** {@code n} sales over one year, from {@code customers} customers. */
    public static List<Sale> generate(long seed, int n, int customers) {
        Random random = new Random(seed);
        List<UUID> people = new ArrayList<>();
        for (int i = 0; i < customers; i++) {
            people.add(new UUID(random.nextLong(), random.nextLong()));
        }
        List<Sale> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int r = random.nextInt(REGIONS.length);
            int p = random.nextInt(PRODUCTS.length);
            // Seasonal, with a trend that differs by region.
            int dayOfYear = random.nextInt(365);
            LocalDate day = START.plusDays(dayOfYear);
            Instant at = day.atStartOfDay().toInstant(ZoneOffset.UTC).plusSeconds(random.nextInt(86_400));
            int quantity = 1 + random.nextInt(3 + r + (dayOfYear * (r + 1)) / 200);
            BigDecimal price = BigDecimal.valueOf(500 + 250L * p + random.nextInt(200), 2);
            out.add(new Sale(new UUID(random.nextLong(), random.nextLong()), people.get(random.nextInt(customers)),
                    day, at, REGIONS[r], PRODUCTS[p], quantity, price));
        }
        return out;
    }
}
