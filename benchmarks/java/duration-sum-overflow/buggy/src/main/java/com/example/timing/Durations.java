package com.example.timing;

import java.util.List;

/** Aggregates durations given in milliseconds. */
public final class Durations {
    private Durations() {
    }

    public static long totalMillis(List<Long> durations) {
        int total = 0;
        for (long d : durations) {
            total += d;
        }
        return total;
    }

    public static long averageMillis(List<Long> durations) {
        if (durations.isEmpty()) {
            return 0;
        }
        return totalMillis(durations) / durations.size();
    }

    public static String format(long millis) {
        long seconds = millis / 1000;
        long hours = seconds / 3600;
        long minutes = seconds % 3600 / 60;
        return String.format("%d:%02d:%02d", hours, minutes, seconds % 60);
    }
}
