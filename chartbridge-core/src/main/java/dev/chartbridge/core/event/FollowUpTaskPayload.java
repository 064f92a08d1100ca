package dev.chartbridge.core.event;

import java.time.LocalDate;

/**
 * A follow-up task for the care team, for example from a triage app. {@code ownerNpi} may be null. {@code status}
 * is the task's state ({@code requested} when new; an amendment moves it to {@code in-progress},
 * {@code completed} or {@code cancelled}).
 */
public record FollowUpTaskPayload(String description, LocalDate dueDate, String priority, String ownerNpi,
                                  String status) implements Payload {
    public static final String REQUESTED = "requested";

    /** A new task: {@code requested}. */
    public FollowUpTaskPayload(String description, LocalDate dueDate, String priority, String ownerNpi) {
        this(description, dueDate, priority, ownerNpi, REQUESTED);
    }
}
