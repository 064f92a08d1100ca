package dev.chartbridge.core.intake;

import dev.chartbridge.core.json.FieldError;

import java.util.List;
import java.util.UUID;

/** What intake decided about one submitted event. */
public sealed interface IntakeResult {

    /** Stored with its planned operations; {@code replay} when the same key and body had been accepted before. */
    record Accepted(UUID eventId, List<PlannedOperation> operations, boolean replay) implements IntakeResult {
    }

    /** The body is not a valid event: every invalid field, each with a JSON pointer. Nothing was stored. */
    record Invalid(List<FieldError> errors) implements IntakeResult {
    }

    /** A target cannot take this event at all (vendor capability): each refusal names the target. Nothing stored. */
    record Unsupported(List<FieldError> errors) implements IntakeResult {
    }

    /** A safety gate refused the event (e.g. the author's role may not order medication); nothing stored. */
    record Refused(List<FieldError> errors) implements IntakeResult {
    }

    /**
     * An amendment names an earlier event it cannot change (unknown, other type or patient, not written on a
     * target, already amended): each error names the field. Nothing was stored.
     */
    record InvalidAmendment(List<FieldError> errors) implements IntakeResult {
    }

    /** The idempotency key was used before with a different body. */
    record KeyReused(UUID existingEventId) implements IntakeResult {
    }

    /** Another event with identical clinical content for the same patient and target was accepted already. */
    record DuplicateContent(UUID existingEventId) implements IntakeResult {
    }

    /** The body names a tenant other than the caller's. */
    record WrongTenant(String named) implements IntakeResult {
    }

    /** One write the event will become; {@code shadow}: rendered and kept, never sent (release controls). */
    record PlannedOperation(UUID id, String target, int part, String resourceType, String state, boolean shadow) {
    }
}
