package dev.memogen.samples.sales;

import dev.memogen.MemoAdapter;
import java.math.BigDecimal;
import java.util.Currency;

/** Lets memogen key results by a {@link SalesConfig}: by the values of its properties. */
public final class SalesConfigAdapter implements MemoAdapter<SalesConfig, SalesConfigAdapter.Stored> {

    /** What a configuration holds, as a value. */
    public record Stored(String team, Currency currency, BigDecimal vatRate, int fiscalYearStartMonth) {}

    @Override
    public Stored toStored(SalesConfig c) {
        return new Stored(c.getTeam(), c.getCurrency(), c.getVatRate(), c.getFiscalYearStartMonth());
    }

    @Override
    public SalesConfig fromStored(Stored s) {
        SalesConfig c = new SalesConfig();
        c.setTeam(s.team());
        c.setCurrency(s.currency());
        c.setVatRate(s.vatRate());
        c.setFiscalYearStartMonth(s.fiscalYearStartMonth());
        return c;
    }
}
