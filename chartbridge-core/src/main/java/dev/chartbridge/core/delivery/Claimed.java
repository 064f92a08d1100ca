package dev.chartbridge.core.delivery;

/**
 * A claim with the operation as the claim read it (state, counters, the event's stored body): the runner starts
 * from this row, so a claimed operation costs no second read before its first step.
 */
record Claimed(Claim claim, OperationRow row) {
}
