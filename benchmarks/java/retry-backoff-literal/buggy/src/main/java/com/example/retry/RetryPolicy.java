package com.example.retry;

/** Decides whether to retry a failed call. */
public final class RetryPolicy {
    private final int maxAttempts;
    private final Backoff backoff;

    public RetryPolicy(int maxAttempts, Backoff backoff) {
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
    }

    public boolean shouldRetry(int attempt, Exception error) {
        if (attempt >= maxAttempts) {
            return false;
        }
        return !(error instanceof IllegalArgumentException);
    }

    public long waitBefore(int attempt) {
        return backoff.delay(attempt);
    }
}
