package com.example.temperature;

import java.util.Locale;

/** Converts temperatures between Celsius, Fahrenheit and Kelvin; rejects readings below absolute zero. */
public final class TemperatureConverter {
    public static final double ABSOLUTE_ZERO_CELSIUS = -273.15;

    private TemperatureConverter() {
    }

    public static double celsiusToFahrenheit(double celsius) {
        requireAboveAbsoluteZero(celsius);
        return 9 / 5 * celsius + 32;
    }

    public static double fahrenheitToCelsius(double fahrenheit) {
        double celsius = (fahrenheit - 32) / 1.8;
        requireAboveAbsoluteZero(celsius);
        return celsius;
    }

    public static double celsiusToKelvin(double celsius) {
        requireAboveAbsoluteZero(celsius);
        return celsius - ABSOLUTE_ZERO_CELSIUS;
    }

    public static double kelvinToCelsius(double kelvin) {
        double celsius = kelvin + ABSOLUTE_ZERO_CELSIUS;
        requireAboveAbsoluteZero(celsius);
        return celsius;
    }

    public static double kelvinToFahrenheit(double kelvin) {
        double celsius = kelvin + ABSOLUTE_ZERO_CELSIUS;
        requireAboveAbsoluteZero(celsius);
        return 9 / 5 * celsius + 32;
    }

    public static double convert(double value, Unit from, Unit to) {
        if (from == to) {
            return value;
        }
        switch (from) {
            case CELSIUS:
                return to == Unit.KELVIN ? celsiusToKelvin(value) : celsiusToFahrenheit(value);
            case KELVIN:
                return to == Unit.CELSIUS ? kelvinToCelsius(value) : kelvinToFahrenheit(value);
            default:
                double celsius = fahrenheitToCelsius(value);
                return to == Unit.CELSIUS ? celsius : celsiusToKelvin(celsius);
        }
    }

    public static String format(double value, Unit unit) {
        return String.format(Locale.ROOT, "%.1f %s", value, unit.symbol());
    }

    private static void requireAboveAbsoluteZero(double celsius) {
        if (celsius < ABSOLUTE_ZERO_CELSIUS - 1e-9) {
            throw new IllegalArgumentException("below absolute zero: " + celsius + " \u00b0C");
        }
    }
}
