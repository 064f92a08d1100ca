package dev.chartbridge.core.delivery;

import dev.chartbridge.core.adapter.RemoteRef;

import java.time.Instant;
import java.util.UUID;

/**
 * One write operation as stored, with the canonical body of its event.
 *
 * @param shadow planned in shadow mode: rendered instead of sent
 */
record OperationRow(UUID id, UUID eventId, String tenantId, String target, int part, String resourceType,
                    String operationKey, OperationState state, int sends, int checks, RemoteRef remote,
                    Instant createdAt, String eventBody, boolean shadow) {
}
