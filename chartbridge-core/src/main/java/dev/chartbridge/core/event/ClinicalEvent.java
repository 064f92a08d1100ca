package dev.chartbridge.core.event;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The canonical, vendor-neutral clinical event (schema version 1): what an app asks ChartBridge to write into
 * one or more EHRs. Immutable; built only by {@link dev.chartbridge.core.event.EventParser}, which guarantees
 * every field is valid.
 *
 * @param encounterIdentifier null when the event is not tied to an encounter
 * @param targets names of the tenant's EHR connections to write to
 * @param amends  the id of an earlier event of the same type and patient whose records this event changes
 *                (task status, note amendment, condition resolution, medication change); null for a new write
 */
public record ClinicalEvent(String schemaVersion, EventType type, String tenant, List<Identifier> patientIdentifiers,
                            Identifier encounterIdentifier, Author author, Instant occurredAt, List<String> targets,
                            Payload payload, Provenance provenance, UUID amends) {
    public static final String SCHEMA_VERSION = "1";

    /** Without {@code amends}: an event that writes new records. */
    public ClinicalEvent(String schemaVersion, EventType type, String tenant, List<Identifier> patientIdentifiers,
                         Identifier encounterIdentifier, Author author, Instant occurredAt, List<String> targets,
                         Payload payload, Provenance provenance) {
        this(schemaVersion, type, tenant, patientIdentifiers, encounterIdentifier, author, occurredAt, targets,
                payload, provenance, null);
    }

    /** This event changes the records an earlier event wrote. */
    public boolean isAmendment() {
        return amends != null;
    }

    /** The first patient identifier given: the default for finding the patient in an EHR. */
    public Identifier primaryPatientIdentifier() {
        return patientIdentifiers.get(0);
    }

    /**
     * The patient identifier issued by {@code system} (an EHR's MRN system), else the first one given. An app
     * writing one event to several EHRs lists each EHR's MRN; each adapter picks its own.
     */
    public Identifier patientIdentifier(String system) {
        return patientIdentifiers.stream().filter(i -> i.system().equals(system)).findFirst()
                .orElse(primaryPatientIdentifier());
    }
}
