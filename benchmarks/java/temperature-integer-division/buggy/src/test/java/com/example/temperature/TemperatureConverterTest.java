package com.example.temperature;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class TemperatureConverterTest {
    private static final double EPS = 1e-9;

    @Test
    public void freezingPointInFahrenheit() {
        assertEquals(32.0, TemperatureConverter.celsiusToFahrenheit(0), EPS);
    }

    @Test
    public void boilingPointInFahrenheit() {
        assertEquals(212.0, TemperatureConverter.celsiusToFahrenheit(100), EPS);
    }

    @Test
    public void minusFortyIsTheSameOnBothScales() {
        assertEquals(-40.0, TemperatureConverter.convert(-40, Unit.CELSIUS, Unit.FAHRENHEIT), EPS);
    }

    @Test
    public void fahrenheitToCelsius() {
        assertEquals(37.0, TemperatureConverter.fahrenheitToCelsius(98.6), 1e-6);
    }

    @Test
    public void kelvinToFahrenheit() {
        assertEquals(212.0, TemperatureConverter.kelvinToFahrenheit(373.15), 1e-6);
    }

    @Test
    public void fahrenheitToKelvin() {
        assertEquals(273.15, TemperatureConverter.convert(32, Unit.FAHRENHEIT, Unit.KELVIN), 1e-6);
    }

    @Test(expected = IllegalArgumentException.class)
    public void rejectsBelowAbsoluteZero() {
        TemperatureConverter.kelvinToCelsius(-1);
    }

    @Test
    public void formatsWithSymbol() {
        assertEquals("21.5 \u00b0C", TemperatureConverter.format(21.5, Unit.CELSIUS));
    }
}
