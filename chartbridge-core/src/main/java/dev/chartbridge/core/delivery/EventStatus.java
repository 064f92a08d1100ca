package dev.chartbridge.core.delivery;

import java.util.Collection;

/**
 * The status of a whole event, derived from the states of its write operations, never stored. {@code DISCARDED}:
 * a reviewer discarded every write; a discarded write among others counts as not written.
 */
public enum EventStatus {
    AWAITING_APPROVAL, IN_PROGRESS, DELIVERED, PARTIALLY_DELIVERED, NEEDS_REVIEW, FAILED, DISCARDED;

    public static EventStatus of(Collection<OperationState> states) {
        if (states.stream().anyMatch(OperationState::needsReview)) {
            return NEEDS_REVIEW;
        }
        if (states.contains(OperationState.AWAITING_APPROVAL)) {
            return AWAITING_APPROVAL;
        }
        if (!states.stream().allMatch(OperationState::isTerminal)) {
            return IN_PROGRESS;
        }
        if (!states.isEmpty() && states.stream().allMatch(s -> s == OperationState.DISCARDED)) {
            return DISCARDED;
        }
        long written = states.stream().filter(OperationState::isWritten).count();
        if (written == states.size()) {
            return DELIVERED;
        }
        return written == 0 ? FAILED : PARTIALLY_DELIVERED;
    }

    public String wireName() {
        return name().toLowerCase().replace('_', '-');
    }
}
