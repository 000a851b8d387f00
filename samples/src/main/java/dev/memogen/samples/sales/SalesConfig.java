package dev.memogen.samples.sales;

import java.math.BigDecimal;
import java.util.Currency;

/**
 * How a sales team reports: a plain mutable configuration object, as a DI container or a
 * properties file would fill it. Not a record: memogen reads it through {@link SalesConfigAdapter}.
 */
public class SalesConfig {
    private String team = "";
    private Currency currency = Currency.getInstance("EUR");
    private BigDecimal vatRate = BigDecimal.ZERO;
    private int fiscalYearStartMonth = 1;

    public String getTeam() {
        return team;
    }

    public void setTeam(String team) {
        this.team = team;
    }

    public Currency getCurrency() {
        return currency;
    }

    public void setCurrency(Currency currency) {
        this.currency = currency;
    }

    public BigDecimal getVatRate() {
        return vatRate;
    }

    public void setVatRate(BigDecimal vatRate) {
        this.vatRate = vatRate;
    }

    public int getFiscalYearStartMonth() {
        return fiscalYearStartMonth;
    }

    public void setFiscalYearStartMonth(int fiscalYearStartMonth) {
        this.fiscalYearStartMonth = fiscalYearStartMonth;
    }
}
