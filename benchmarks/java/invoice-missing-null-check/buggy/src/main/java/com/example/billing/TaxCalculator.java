package com.example.billing;

import java.util.HashMap;
import java.util.Map;

/** VAT rates by country, in percent; unknown countries and addresses use the default rate. */
public final class TaxCalculator {
    private final Map<String, Integer> rates = new HashMap<>();
    private final int defaultRate;

    public TaxCalculator(int defaultRate) {
        this.defaultRate = defaultRate;
    }

    public void setRate(String country, int percent) {
        rates.put(country, percent);
    }

    public int rateFor(Customer customer) {
        Address address = customer.address();
        Integer rate = rates.get(address.country());
        return rate == null ? defaultRate : rate;
    }

    public long taxOn(Customer customer, long amount) {
        return amount * rateFor(customer) / 100;
    }

    public long gross(Customer customer, long amount) {
        return amount + taxOn(customer, amount);
    }
}
