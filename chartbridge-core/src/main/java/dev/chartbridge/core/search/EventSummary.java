package dev.chartbridge.core.search;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One event as a search lists it: enough to pick it out, no clinical content (the full view is
 * {@code GET /v1/events/{id}}).
 *
 * @param status derived from its writes' states, as in the event's status view
 * @param author the author's NPI
 */
public record EventSummary(UUID id, String type, Instant acceptedAt, String status, String author,
                           List<Write> operations) {
    /** One write of the event, in short. */
    public record Write(UUID id, String target, String state, String errorClass) {
    }
}
