package dev.chartbridge.core.delivery;

import dev.chartbridge.core.adapter.RemoteRef;
import dev.chartbridge.core.event.OperationState;

import java.time.Instant;
import java.util.UUID;

/**
 * One write operation as stored, with the canonical body of its event. For a change of an earlier record
 * ({@code kind} {@code update} or {@code compensate}): the identity stamped on the record, the body of the event
 * the record was last written from, and the conflict policy; all null for a create.
 *
 * @param shadow planned in shadow mode: rendered instead of sent
 * @param waits  waits in a row on something that is not an answer to the write (see
 *               {@link dev.chartbridge.core.common.Backoff#wait})
 * @param traceparent the W3C trace the event was accepted under; null for none
 * @param compensation the fan-out compensation policy planned with the event's writes (the same on each); null
 *                     for none
 */
record OperationRow(UUID id, UUID eventId, String tenantId, String target, int part, String resourceType,
                    String operationKey, OperationState state, int sends, int checks, RemoteRef remote,
                    Instant createdAt, String eventBody, boolean shadow, String kind, String recordKey,
                    String baseBody, String onConflict, int waits, String traceparent, String compensation) {

    /** This operation changes a record written earlier rather than creating one. */
    boolean changesRecord() {
        return !"create".equals(kind);
    }

    OperationRow moved(OperationState to, int addSends, int addChecks, RemoteRef newRemote) {
        return new OperationRow(id, eventId, tenantId, target, part, resourceType, operationKey, to, sends + addSends,
                checks + addChecks, newRemote != null ? newRemote : remote, createdAt, eventBody, shadow, kind,
                recordKey, baseBody, onConflict, waits, traceparent, compensation);
    }
}
