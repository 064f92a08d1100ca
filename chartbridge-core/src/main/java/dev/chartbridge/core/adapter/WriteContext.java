package dev.chartbridge.core.adapter;

import dev.chartbridge.core.event.ClinicalEvent;

import java.util.UUID;

/**
 * Everything an adapter needs for one step of one write operation.
 *
 * @param operationKey the gateway's identity of this write, stamped on the record as
 *                     {@code urn:chartbridge:write|operationKey} where the vendor keeps identifiers
 * @param part         which part of the event's payload this operation writes (vitals: which measurement)
 * @param remote       where an earlier step found or created the record; null before that
 */
public record WriteContext(UUID operationId, String operationKey, String tenantId, String target,
                           ClinicalEvent event, int part, String resourceType, RemoteRef remote) {
    public static final String IDENTIFIER_SYSTEM = "urn:chartbridge:write";
}
