package dev.chartbridge.core.delivery;

/**
 * A claim with the operation as the claim read it (state, counters, the event's stored body): the runner starts
 * from this row, so a claimed operation costs no second read before its first step. {@code sending}: the claim
 * also marked it {@code IN_FLIGHT} for its send ({@link OperationStates#markClaimed}); {@code row} is as it was
 * before that mark.
 */
record Claimed(Claim claim, OperationRow row, boolean sending) {
}
