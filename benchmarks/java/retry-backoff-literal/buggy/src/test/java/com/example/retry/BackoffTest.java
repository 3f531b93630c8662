package com.example.retry;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class BackoffTest {
    private final Backoff backoff = new Backoff(100, 1000);

    @Test
    public void noDelayBeforeFirstAttempt() {
        assertEquals(0, backoff.delay(0));
    }

    @Test
    public void firstDelayIsInitial() {
        assertEquals(100, backoff.delay(1));
    }

    @Test
    public void delayDoubles() {
        assertEquals(200, backoff.delay(2));
        assertEquals(400, backoff.delay(3));
    }

    @Test
    public void delayIsCapped() {
        assertEquals(1000, backoff.delay(10));
    }

    @Test
    public void totalDelay() {
        assertEquals(700, backoff.totalDelay(3));
    }

    @Test
    public void policyStopsAfterMaxAttempts() {
        RetryPolicy policy = new RetryPolicy(3, backoff);
        assertTrue(policy.shouldRetry(1, new RuntimeException()));
        assertFalse(policy.shouldRetry(3, new RuntimeException()));
    }

    @Test
    public void policyNeverRetriesBadArguments() {
        RetryPolicy policy = new RetryPolicy(3, backoff);
        assertFalse(policy.shouldRetry(1, new IllegalArgumentException()));
    }
}
