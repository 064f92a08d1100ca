package dev.chartbridge.core.delivery;

import dev.chartbridge.core.adapter.Exchange;
import dev.chartbridge.core.adapter.ReadBack;
import dev.chartbridge.core.adapter.RemoteRef;
import dev.chartbridge.core.adapter.RenderedRequest;
import dev.chartbridge.core.adapter.UpdateOutcome;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.core.event.OperationState;

import java.time.Instant;

/**
 * One recorded move of an operation: its new state and what led to it, written with the attempt row, the queue
 * change and the audit entry in one transaction.
 *
 * @param nextDue   when the operation is due again and its lease released; null with {@code keepLease} false
 *                  means it leaves the queue (terminal)
 * @param keepLease the same worker goes straight on with the next step, holding its lease
 * @param outcome   the outcome's name for the attempt ledger and the audit action; null records no attempt
 * @param rendered  the request a shadowed write would have sent, kept with the transition; null otherwise
 * @param conflict  both sides of a conflict an update met, stored for review; null otherwise
 * @param seen      the record as the verification read saw it: read-back watching's first baseline; null otherwise
 */
record Transition(OperationState to, RemoteRef remote, VendorError error, String errorDetail, Step step,
                  String outcome, Exchange exchange, Instant startedAt, long durationMs, String traceId,
                  Instant nextDue, boolean keepLease, int addSends, int addChecks, RenderedRequest rendered,
                  UpdateOutcome.Conflict conflict, ReadBack.Present seen) {
}
