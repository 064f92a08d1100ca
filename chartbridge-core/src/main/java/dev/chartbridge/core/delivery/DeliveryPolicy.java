package dev.chartbridge.core.delivery;

import java.time.Duration;

/**
 * How the delivery engine paces and bounds its work. Immutable.
 *
 * @param maxSends        sends of one operation before it is DEAD (retryable answers only)
 * @param baseDelay       first retry delay; doubles per send, with full jitter
 * @param maxDelay        cap of a retry delay (a longer Retry-After is still honoured)
 * @param maxChecks       reconciliation or verification reads before the operation goes to review
 * @param reconcileDelay  wait after an unknown outcome before searching, so a slow EHR can finish committing (after a
 *                        send that went unanswered, at least as long as the send was waited for)
 * @param lease           how long a claim is held; an expired lease is taken over by any node
 * @param pollInterval    how long an idle node waits before looking for due work again
 * @param batchSize       operations claimed per query and queue
 * @param verify          read back what was written and compare the critical fields
 * @param pendingDeadline how long a write the EHR holds unreadable is re-checked before it goes to review
 */
public record DeliveryPolicy(int maxSends, Duration baseDelay, Duration maxDelay, int maxChecks,
                             Duration reconcileDelay, Duration lease, Duration pollInterval, int batchSize,
                             boolean verify, Duration pendingDeadline) {

    public static DeliveryPolicy defaults() {
        return new DeliveryPolicy(8, Duration.ofSeconds(1), Duration.ofMinutes(5), 10, Duration.ofSeconds(1),
                Duration.ofSeconds(60), Duration.ofMillis(100), 32, true, Duration.ofHours(24));
    }

    public DeliveryPolicy withLease(Duration lease) {
        return new DeliveryPolicy(maxSends, baseDelay, maxDelay, maxChecks, reconcileDelay, lease, pollInterval,
                batchSize, verify, pendingDeadline);
    }

    public DeliveryPolicy withDelays(Duration baseDelay, Duration maxDelay, Duration reconcileDelay) {
        return new DeliveryPolicy(maxSends, baseDelay, maxDelay, maxChecks, reconcileDelay, lease, pollInterval,
                batchSize, verify, pendingDeadline);
    }

    public DeliveryPolicy withVerify(boolean verify) {
        return new DeliveryPolicy(maxSends, baseDelay, maxDelay, maxChecks, reconcileDelay, lease, pollInterval,
                batchSize, verify, pendingDeadline);
    }

    public DeliveryPolicy withPollInterval(Duration pollInterval) {
        return new DeliveryPolicy(maxSends, baseDelay, maxDelay, maxChecks, reconcileDelay, lease, pollInterval,
                batchSize, verify, pendingDeadline);
    }
}
