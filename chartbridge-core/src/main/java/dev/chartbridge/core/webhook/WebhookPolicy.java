package dev.chartbridge.core.webhook;

import java.time.Duration;

/**
 * How webhook deliveries are paced and bounded. Immutable.
 *
 * @param maxAttempts  attempts of one delivery before it is given up (kept, with every attempt)
 * @param baseDelay    first retry delay; doubles per attempt, with full jitter
 * @param maxDelay     cap of a retry delay
 * @param timeout      how long one POST may take (connect and answer)
 * @param lease        how long a claimed delivery is held; a dead node's claims come due again after it
 * @param pollInterval how long an idle node waits before looking for due deliveries again
 */
public record WebhookPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, Duration timeout,
                            Duration lease, Duration pollInterval) {
    public static WebhookPolicy defaults() {
        return new WebhookPolicy(10, Duration.ofSeconds(1), Duration.ofMinutes(10), Duration.ofSeconds(5),
                Duration.ofSeconds(60), Duration.ofMillis(200));
    }
}
