package dev.chartbridge.core.event;

/**
 * The life of one write operation. {@code DUE → IN_FLIGHT → CREATED → VERIFIED | MODIFIED | PENDING_REMOTE},
 * with {@code RETRY_WAIT} after a retryable answer, {@code UNKNOWN} when a send may or may not have landed
 * (reconciled before anything is resent), and the terminal {@code CONFLICT}, {@code REJECTED}, {@code DEAD},
 * {@code NEEDS_REVIEW}. Medication changes start in {@code AWAITING_APPROVAL} and enter the queue only when
 * approved. A reviewer may end an operation in review as {@code DISCARDED} (see {@code ReviewQueue}). A write in
 * shadow mode (release controls) runs {@code DUE → SHADOWED}: rendered, never sent. Terminal
 * operations leave the work queue but are kept forever.
 */
public enum OperationState {
    /** Planned, held back until a second authorized clinician approves it (medication changes). Not queued. */
    AWAITING_APPROVAL(false),
    DUE(false),
    IN_FLIGHT(false),
    RETRY_WAIT(false),
    UNKNOWN(false),
    CREATED(false),
    PENDING_REMOTE(false),
    VERIFIED(true),
    /** Written, and verification is turned off by the delivery policy: nothing was read back. */
    CREATED_UNVERIFIED(true),
    MODIFIED(true),
    CONFLICT(true),
    REJECTED(true),
    DEAD(true),
    NEEDS_REVIEW(true),
    /** A reviewer decided the gateway writes nothing (more) for this operation. Audited with who and why. */
    DISCARDED(true),
    /** Shadow mode: rendered exactly as it would be sent, and not sent. The rendered request is kept. */
    SHADOWED(true);

    private final boolean terminal;

    OperationState(boolean terminal) {
        this.terminal = terminal;
    }

    public boolean isTerminal() {
        return terminal;
    }

    /** The record is in the EHR (whatever verification later says about its fields). */
    public boolean isWritten() {
        return this == CREATED || this == PENDING_REMOTE || this == VERIFIED || this == MODIFIED
                || this == CREATED_UNVERIFIED;
    }

    /** Ended without writing anything, and nobody needs to look at it before a replay. */
    public boolean isFailed() {
        return this == REJECTED || this == DEAD;
    }

    /** Ended in a state a human must look at. */
    public boolean needsReview() {
        return this == NEEDS_REVIEW || this == CONFLICT || this == MODIFIED;
    }
}
