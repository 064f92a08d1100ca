package dev.chartbridge.core.delivery;

import java.util.Collection;

/** The status of a whole event, derived from the states of its write operations, never stored. */
public enum EventStatus {
    AWAITING_APPROVAL, IN_PROGRESS, DELIVERED, PARTIALLY_DELIVERED, NEEDS_REVIEW, FAILED;

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
