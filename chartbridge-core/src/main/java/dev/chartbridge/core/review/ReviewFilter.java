package dev.chartbridge.core.review;

import dev.chartbridge.core.delivery.OperationState;

import java.time.Instant;

/**
 * Which review items to list; null components do not filter.
 *
 * @param state one of the review states ({@link OperationState#needsReview()})
 * @param since items that entered review at or after this instant
 * @param limit 1 to {@link #MAX_LIMIT}
 */
public record ReviewFilter(OperationState state, String target, Instant since, int limit) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    public ReviewFilter {
        if (state != null && !state.needsReview()) {
            throw new IllegalArgumentException(state + " is not a review state");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT);
        }
    }
}
