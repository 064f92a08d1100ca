package dev.chartbridge.core.delivery;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: a random delay in [0, min(cap, base·2^(n-1))], never shorter than
 * Retry-After. Used for EHR writes and for webhook deliveries. Thread-safe (stateless).
 */
public final class Backoff {
    private Backoff() {
    }

    static Duration delay(DeliveryPolicy policy, int attempt, Duration retryAfter) {
        Duration jittered = fullJitter(policy.baseDelay(), policy.maxDelay(), attempt);
        return retryAfter != null && retryAfter.compareTo(jittered) > 0 ? retryAfter : jittered;
    }

    /** A random delay in [0, min(max, base·2^(attempt-1))]. */
    public static Duration fullJitter(Duration base, Duration max, int attempt) {
        long ceiling = attempt >= 30 ? max.toMillis() : Math.min(max.toMillis(), base.toMillis() << Math.max(0, attempt - 1));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling + 1));
    }
}
