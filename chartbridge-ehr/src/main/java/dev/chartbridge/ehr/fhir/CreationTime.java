package dev.chartbridge.ehr.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * The field of each written FHIR type that says when the record was made (the gateway fills it from the event's
 * {@code occurredAt}): {@code Condition.recordedDate}, {@code AllergyIntolerance.recordedDate},
 * {@code MedicationRequest.authoredOn}, {@code Task.authoredOn}, {@code DocumentReference.date},
 * {@code Consent.dateTime}. An amendment carries a later {@code occurredAt} but names no such field, so an update
 * keeps the value the record has. {@code Observation.effective[x]} is clinical content (when the reading was
 * taken) and an amendment may correct it. Stateless.
 */
final class CreationTime {
    private static final Map<String, String> FIELD = Map.of("Condition", "recordedDate", "AllergyIntolerance",
            "recordedDate", "MedicationRequest", "authoredOn", "Task", "authoredOn", "DocumentReference", "date",
            "Consent", "dateTime");

    private CreationTime() {
    }

    /** The creation-time field of {@code resourceType}, or null where it has none. */
    static String field(String resourceType) {
        return FIELD.get(resourceType);
    }

    /** Sets {@code record}'s creation-time field to {@code source}'s (removes it where {@code source} has none). */
    static void keep(String resourceType, ObjectNode record, ObjectNode source) {
        String field = field(resourceType);
        if (field == null || source == null) {
            return;
        }
        JsonNode value = source.get(field);
        if (value == null) {
            record.remove(field);
        } else {
            record.set(field, value.deepCopy());
        }
    }
}
