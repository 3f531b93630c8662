package com.example.histo;

/** Counts of values in equal-width buckets over [low, high). */
public final class Histogram {
    private final double low;
    private final double width;
    private final int[] counts;

    public Histogram(double low, double high, int buckets) {
        if (buckets <= 0 || high <= low) {
            throw new IllegalArgumentException("bad histogram range");
        }
        this.low = low;
        this.width = (high - low) / buckets;
        this.counts = new int[buckets];
    }

    public void add(double value) {
        int index = (int) Math.floor((value - low) / width);
        if (index >= 0 && index < counts.length) {
            counts[index]++;
        }
    }

    public int count(int bucket) {
        return counts[bucket];
    }

    public int total() {
        int total = 0;
        for (int count : counts) {
            total += count;
        }
        return total;
    }

    /** The index of the fullest bucket (the first one on ties); -1 when empty. */
    public int modeBucket() {
        int bestIndex = -1;
        int bestCount = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > bestCount) {
                bestCount = counts[i];
                bestIndex = i;
            }
        }
        return bestCount;
    }
}
