package com.example.intervals;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.Test;

public class IntervalSetTest {
    private static List<Interval> of(int... bounds) {
        Interval[] out = new Interval[bounds.length / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = new Interval(bounds[2 * i], bounds[2 * i + 1]);
        }
        return Arrays.asList(out);
    }

    @Test
    public void emptyListStaysEmpty() {
        assertTrue(IntervalSet.merge(Collections.<Interval>emptyList()).isEmpty());
    }

    @Test
    public void disjointIntervalsAreSorted() {
        assertEquals(of(1, 2, 5, 6), IntervalSet.merge(of(5, 6, 1, 2)));
    }

    @Test
    public void overlappingIntervalsMerge() {
        assertEquals(of(1, 7), IntervalSet.merge(of(1, 4, 3, 7)));
    }

    @Test
    public void containedIntervalDisappears() {
        assertEquals(of(1, 10), IntervalSet.merge(of(1, 10, 2, 3)));
    }

    @Test
    public void touchingIntervalsMerge() {
        assertEquals(of(1, 5), IntervalSet.merge(of(1, 3, 3, 5)));
    }

    @Test
    public void coveredLengthCountsOverlapOnce() {
        assertEquals(8, IntervalSet.coveredLength(of(1, 4, 3, 7, 8, 10)));
    }

    @Test
    public void gapsBetweenDisjointIntervals() {
        assertEquals(of(2, 5), IntervalSet.gaps(of(1, 2, 5, 6)));
    }

    @Test
    public void noGapBetweenTouchingIntervals() {
        assertTrue(IntervalSet.gaps(of(1, 3, 3, 5)).isEmpty());
    }

    @Test(expected = IllegalArgumentException.class)
    public void reversedIntervalIsRejected() {
        new Interval(4, 2);
    }
}
