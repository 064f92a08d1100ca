package dev.chartbridge.core.event;

import java.util.Collection;
import java.util.List;

/**
 * The status of a whole event, derived from the states of its write operations, never stored. {@code DISCARDED}:
 * a reviewer discarded every write; a discarded write among others counts as not written. {@code SHADOWED}: every
 * write was rendered in shadow mode; a shadowed write among live ones is left out, so the event's status is that
 * of its live writes (a shadow write that could not be rendered ends {@code REJECTED} or {@code DEAD} and does count
 * as failed: it shows what going live would meet).
 */
public enum EventStatus {
    AWAITING_APPROVAL, IN_PROGRESS, DELIVERED, PARTIALLY_DELIVERED, NEEDS_REVIEW, FAILED, DISCARDED, SHADOWED;

    public static EventStatus of(Collection<OperationState> all) {
        List<OperationState> states = all.stream().filter(s -> s != OperationState.SHADOWED).toList();
        if (states.isEmpty() && !all.isEmpty()) {
            return SHADOWED;
        }
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
