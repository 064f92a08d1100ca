package dev.chartbridge.core.delivery;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with full jitter: a random delay in [0, min(cap, base·2^(n-1))], never shorter than Retry-After. */
final class Backoff {
    private Backoff() {
    }

    static Duration delay(DeliveryPolicy policy, int attempt, Duration retryAfter) {
        long base = policy.baseDelay().toMillis();
        long ceiling = attempt >= 30 ? policy.maxDelay().toMillis()
                : Math.min(policy.maxDelay().toMillis(), base << Math.max(0, attempt - 1));
        Duration jittered = Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling + 1));
        return retryAfter != null && retryAfter.compareTo(jittered) > 0 ? retryAfter : jittered;
    }
}
