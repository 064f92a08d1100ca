package dev.chartbridge.core.review;

import dev.chartbridge.core.event.OperationState;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which undelivered writes to list (or retry in bulk); null components do not filter.
 *
 * @param state      one of {@link #LISTED} (without it: every state of {@link #ACTIONABLE})
 * @param errorClass the error class the write last met, e.g. {@code TRANSIENT}, {@code AUTH}
 * @param since      writes that last changed state at or after this instant
 * @param until      writes that last changed state before this instant
 * @param limit      1 to {@link #MAX_LIMIT}
 */
public record ReviewFilter(OperationState state, String target, String errorClass, Instant since, Instant until,
                           int limit) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;
    /** Writes a reviewer can act on: in review, or ended without being written ({@code DEAD}, {@code REJECTED}). */
    public static final Set<OperationState> ACTIONABLE = EnumSet.of(OperationState.NEEDS_REVIEW,
            OperationState.CONFLICT, OperationState.MODIFIED, OperationState.DEAD, OperationState.REJECTED);
    /**
     * Every state that can be listed: the actionable ones, and writes still waiting (for a retry or a deferred
     * send, for a second clinician's approval, for the EHR to show the record, for a search after an unknown
     * outcome).
     */
    public static final Set<OperationState> LISTED = EnumSet.of(OperationState.NEEDS_REVIEW,
            OperationState.CONFLICT, OperationState.MODIFIED, OperationState.DEAD, OperationState.REJECTED,
            OperationState.RETRY_WAIT, OperationState.AWAITING_APPROVAL, OperationState.PENDING_REMOTE,
            OperationState.UNKNOWN);

    public ReviewFilter {
        if (state != null && !LISTED.contains(state)) {
            throw new IllegalArgumentException(state + " is not a state writes are listed by");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT);
        }
    }

    public ReviewFilter(OperationState state, String target, Instant since, int limit) {
        this(state, target, null, since, null, limit);
    }

    /** The states this filter lists. */
    public Set<OperationState> states() {
        return state == null ? ACTIONABLE : EnumSet.of(state);
    }
}
