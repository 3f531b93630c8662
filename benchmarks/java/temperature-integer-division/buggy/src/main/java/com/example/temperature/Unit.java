package com.example.temperature;

/** Temperature scales, with the symbol used when formatting a reading. */
public enum Unit {
    CELSIUS("\u00b0C"),
    FAHRENHEIT("\u00b0F"),
    KELVIN("K");

    private final String symbol;

    Unit(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }
}
