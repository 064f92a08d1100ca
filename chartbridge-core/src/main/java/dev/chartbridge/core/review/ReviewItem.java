package dev.chartbridge.core.review;

import dev.chartbridge.core.status.EventView;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One operation in review with its evidence: why it is there, every call made to the EHR for it, and the EHR
 * records it may be (named by the reconciliation that found several).
 *
 * @param inReviewSince when the operation last changed state, i.e. entered review
 * @param candidates    {@code ResourceType/id} of each EHR record that matched this write; empty when none named
 * @param conflict      for an update in {@code CONFLICT}: the gateway's intent and the EHR's record side by side;
 *                      null otherwise
 */
public record ReviewItem(UUID id, UUID eventId, String target, String vendor, int part, String resourceType,
                         String state, String errorClass, String errorDetail, String remoteId, String remoteVersion,
                         int sends, Instant inReviewSince, List<String> candidates,
                         List<EventView.AttemptView> attempts, Conflict conflict) {

    /**
     * Both sides of the newest conflict an update met.
     *
     * @param baseVersion   the version the gateway last wrote or verified (null where the vendor does not version)
     * @param localFields   what the update changes
     * @param remoteFields  what changed in the EHR since the gateway's write
     * @param localIntent   the record as the gateway meant to write it (FHIR JSON)
     * @param remoteContent the record as the EHR held it when the conflict was found (FHIR JSON)
     */
    public record Conflict(Instant detectedAt, String baseVersion, String remoteVersion, List<String> localFields,
                           List<String> remoteFields, String localIntent, String remoteContent) {
    }
}
