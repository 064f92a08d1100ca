package dev.chartbridge.core.delivery;

import java.time.Duration;
import java.util.Map;

/**
 * How often written records are re-read, and how many re-reads per minute each target may take. Immutable.
 *
 * @param interval       a record is re-read once this long after it was written or last read
 * @param pollInterval   how often this node looks for records due
 * @param readsPerMinute per target queue ({@code tenant/connection}): re-reads this node may make per minute;
 *                       a queue not named gets {@code defaultReadsPerMinute}. Set it inside the vendor's rate
 *                       budget, leaving room for writes
 */
public record ReadBackPolicy(Duration interval, Duration pollInterval, int defaultReadsPerMinute,
                             Map<String, Integer> readsPerMinute) {
    public ReadBackPolicy {
        readsPerMinute = Map.copyOf(readsPerMinute);
    }

    public int readsPerMinute(String queue) {
        return readsPerMinute.getOrDefault(queue, defaultReadsPerMinute);
    }
}
