package com.example.billing;

import static org.junit.Assert.assertEquals;

import org.junit.Before;
import org.junit.Test;

public class TaxCalculatorTest {
    private TaxCalculator tax;

    @Before
    public void setUp() {
        tax = new TaxCalculator(20);
        tax.setRate("DE", 19);
        tax.setRate("LU", 17);
    }

    @Test
    public void knownCountryRate() {
        assertEquals(19, tax.rateFor(new Customer("Anna", new Address("DE"))));
    }

    @Test
    public void unknownCountryUsesDefault() {
        assertEquals(20, tax.rateFor(new Customer("Ben", new Address("FR"))));
    }

    @Test
    public void missingAddressUsesDefault() {
        assertEquals(20, tax.rateFor(new Customer("Cleo", null)));
    }

    @Test
    public void taxOnAmount() {
        assertEquals(170, tax.taxOn(new Customer("Dan", new Address("LU")), 1000));
    }

    @Test
    public void grossWithoutAddress() {
        assertEquals(1200, tax.gross(new Customer("Eve", null), 1000));
    }
}
