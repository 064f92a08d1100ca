package dev.chartbridge.core.event;

import java.time.LocalDate;

/** A follow-up task for the care team, for example from a triage app. {@code ownerNpi} may be null. */
public record FollowUpTaskPayload(String description, LocalDate dueDate, String priority, String ownerNpi)
        implements Payload {
}
