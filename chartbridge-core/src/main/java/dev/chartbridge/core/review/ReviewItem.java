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
 */
public record ReviewItem(UUID id, UUID eventId, String target, String vendor, int part, String resourceType,
                         String state, String errorClass, String errorDetail, String remoteId, String remoteVersion,
                         int sends, Instant inReviewSince, List<String> candidates,
                         List<EventView.AttemptView> attempts) {
}
