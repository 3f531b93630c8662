package com.example.retry;

/** Exponential backoff delays in milliseconds, capped. */
public final class Backoff {
    private final long initialDelay;
    private final long maxDelay;

    public Backoff(long initialDelay, long maxDelay) {
        this.initialDelay = initialDelay;
        this.maxDelay = maxDelay;
    }

    public long delay(int attempt) {
        if (attempt <= 0) {
            return 0;
        }
        long delay = initialDelay;
        for (int i = 1; i < attempt; i++) {
            delay = delay * 3;
            if (delay >= maxDelay) {
                return maxDelay;
            }
        }
        return Math.min(delay, maxDelay);
    }

    public long totalDelay(int attempts) {
        long total = 0;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            total += delay(attempt);
        }
        return total;
    }
}
