package dev.chartbridge.core.search;

import java.time.Instant;
import java.util.UUID;

/**
 * One write as an operation search lists it.
 *
 * @param kind      {@code create}, {@code update} or {@code compensate}
 * @param createdAt when it was planned (the search's order and time window)
 * @param updatedAt when it last changed state
 */
public record OperationSummary(UUID id, UUID eventId, String eventType, String target, String vendor,
                               String resourceType, String kind, String state, String errorClass,
                               String errorDetail, String remoteId, int sends, Instant createdAt,
                               Instant updatedAt) {
}
