package com.example.intervals;

/** A closed interval of integers, [start, end]. */
public final class Interval implements Comparable<Interval> {
    private final int start;
    private final int end;

    public Interval(int start, int end) {
        if (end < start) {
            throw new IllegalArgumentException("end before start: " + start + ".." + end);
        }
        this.start = start;
        this.end = end;
    }

    public int start() {
        return start;
    }

    public int end() {
        return end;
    }

    public int length() {
        return end - start;
    }

    public boolean contains(int point) {
        return start <= point && point <= end;
    }

    @Override
    public int compareTo(Interval other) {
        if (start != other.start) {
            return Integer.compare(start, other.start);
        }
        return Integer.compare(end, other.end);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Interval)) {
            return false;
        }
        Interval other = (Interval) o;
        return start == other.start && end == other.end;
    }

    @Override
    public int hashCode() {
        return 31 * start + end;
    }

    @Override
    public String toString() {
        return "[" + start + "," + end + "]";
    }
}
