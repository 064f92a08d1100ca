package dev.chartbridge.core.common;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before trying again. Two kinds:
 * <ul>
 *   <li>{@link #delay}: after an answer to a send or a check (429, 503, a read that failed): exponential with full
 *       jitter, a random delay in [0, min(cap, base·2^(n-1))], so many writes refused at once spread out.</li>
 *   <li>{@link #wait}: while waiting on something that is not an answer to the write (a record the EHR holds but
 *       does not show yet, a send deferred for want of a token or of the gateway's own call budget): exponential
 *       with equal jitter, a random delay in [c/2, c] with c = min(cap, base·2^(n-1)), so each wait in a row is
 *       at least about as long as the one before and a day-long wait costs tens of tries, not tens of
 *       thousands.</li>
 * </ul>
 * Neither is ever shorter than the EHR's Retry-After. Used for EHR writes and for webhook deliveries. Thread-safe
 * (stateless).
 */
public final class Backoff {
    private Backoff() {
    }

    /** The delay before try {@code attempt} (1 for the first retry): full jitter, never under Retry-After. */
    public static Duration delay(Duration base, Duration max, int attempt, Duration retryAfter) {
        return atLeast(fullJitter(base, max, attempt), retryAfter);
    }

    /**
     * The {@code n}th wait in a row (1 for the first) on something that is not an answer to the write, capped at
     * {@code cap}.
     */
    public static Duration wait(Duration base, Duration cap, int n, Duration retryAfter) {
        long ceiling = ceiling(base, cap, n);
        long half = ceiling / 2;
        return atLeast(Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(ceiling - half + 1)), retryAfter);
    }

    /** A random delay in [0, min(max, base·2^(attempt-1))]. */
    public static Duration fullJitter(Duration base, Duration max, int attempt) {
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling(base, max, attempt) + 1));
    }

    private static long ceiling(Duration base, Duration max, int attempt) {
        return attempt >= 30 ? max.toMillis() : Math.min(max.toMillis(), base.toMillis() << Math.max(0, attempt - 1));
    }

    private static Duration atLeast(Duration d, Duration retryAfter) {
        return retryAfter != null && retryAfter.compareTo(d) > 0 ? retryAfter : d;
    }
}
