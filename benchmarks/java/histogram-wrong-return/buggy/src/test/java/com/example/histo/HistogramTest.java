package com.example.histo;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class HistogramTest {
    private Histogram sample() {
        Histogram h = new Histogram(0, 10, 5);
        for (double v : new double[] {0.5, 2.5, 2.7, 3.1, 9.9, 4.0, 3.9}) {
            h.add(v);
        }
        return h;
    }

    @Test
    public void countsPerBucket() {
        Histogram h = sample();
        assertEquals(1, h.count(0));
        assertEquals(4, h.count(1));
        assertEquals(1, h.count(4));
    }

    @Test
    public void outOfRangeValuesIgnored() {
        Histogram h = sample();
        h.add(-1);
        h.add(10);
        assertEquals(7, h.total());
    }

    @Test
    public void modeBucketIndex() {
        assertEquals(1, sample().modeBucket());
    }

    @Test
    public void modeOfEmptyHistogram() {
        assertEquals(-1, new Histogram(0, 1, 3).modeBucket());
    }

    @Test
    public void modeOfSingleValueInLastBucket() {
        Histogram h = new Histogram(0, 10, 5);
        h.add(9);
        assertEquals(4, h.modeBucket());
    }
}
