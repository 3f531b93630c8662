package com.example.intervals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Normalizes lists of intervals: sorted, with overlapping or touching intervals merged. */
public final class IntervalSet {
    private IntervalSet() {
    }

    public static List<Interval> merge(List<Interval> intervals) {
        List<Interval> sorted = new ArrayList<>(intervals);
        Collections.sort(sorted);
        List<Interval> merged = new ArrayList<>();
        for (Interval next : sorted) {
            if (merged.isEmpty()) {
                merged.add(next);
                continue;
            }
            Interval last = merged.get(merged.size() - 1);
            if (next.start() < last.end()) {
                int end = Math.max(last.end(), next.end());
                merged.set(merged.size() - 1, new Interval(last.start(), end));
            } else {
                merged.add(next);
            }
        }
        return merged;
    }

    public static int coveredLength(List<Interval> intervals) {
        int total = 0;
        for (Interval interval : merge(intervals)) {
            total += interval.length();
        }
        return total;
    }

    public static List<Interval> gaps(List<Interval> intervals) {
        List<Interval> merged = merge(intervals);
        List<Interval> gaps = new ArrayList<>();
        for (int i = 1; i < merged.size(); i++) {
            gaps.add(new Interval(merged.get(i - 1).end(), merged.get(i).start()));
        }
        return gaps;
    }
}
