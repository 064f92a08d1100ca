package dev.chartbridge.core.event;

import java.time.Instant;
import java.util.List;

/**
 * The canonical, vendor-neutral clinical event (schema version 1): what an app asks ChartBridge to write into
 * one or more EHRs. Immutable; built only by {@link dev.chartbridge.core.intake.EventParser}, which guarantees
 * every field is valid.
 *
 * @param encounterIdentifier null when the event is not tied to an encounter
 * @param targets names of the tenant's EHR connections to write to
 */
public record ClinicalEvent(String schemaVersion, EventType type, String tenant, List<Identifier> patientIdentifiers,
                            Identifier encounterIdentifier, Author author, Instant occurredAt, List<String> targets,
                            Payload payload, Provenance provenance) {
    public static final String SCHEMA_VERSION = "1";

    /** The identifier the gateway uses to find the patient in the EHR: the first one given. */
    public Identifier primaryPatientIdentifier() {
        return patientIdentifiers.get(0);
    }
}
