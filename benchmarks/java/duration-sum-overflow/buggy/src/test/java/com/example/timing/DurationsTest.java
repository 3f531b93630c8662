package com.example.timing;

import static org.junit.Assert.assertEquals;

import java.util.Arrays;
import java.util.Collections;
import org.junit.Test;

public class DurationsTest {
    @Test
    public void totalOfSmallDurations() {
        assertEquals(3500L, Durations.totalMillis(Arrays.asList(1000L, 2500L)));
    }

    @Test
    public void totalOfLongDurations() {
        long week = 7L * 24 * 3600 * 1000;
        assertEquals(4 * week, Durations.totalMillis(Arrays.asList(week, week, week, week)));
    }

    @Test
    public void averageOfEmptyIsZero() {
        assertEquals(0L, Durations.averageMillis(Collections.<Long>emptyList()));
    }

    @Test
    public void averageOfLongDurations() {
        long month = 30L * 24 * 3600 * 1000;
        assertEquals(month, Durations.averageMillis(Arrays.asList(month, month)));
    }

    @Test
    public void format() {
        assertEquals("1:01:05", Durations.format(3665000L));
    }
}
