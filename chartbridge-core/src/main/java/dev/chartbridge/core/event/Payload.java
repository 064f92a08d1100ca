package dev.chartbridge.core.event;

/**
 * The type-specific content of a {@link ClinicalEvent}. Most payloads become one resource in the EHR; vitals
 * become one resource per measurement, so a payload tells how many parts it has.
 */
public sealed interface Payload permits VitalsPayload, NotePayload, ConditionPayload, AllergyPayload,
        MedicationChangePayload, FollowUpTaskPayload, ConsentPayload {

    /** How many separate resources this payload is written as. */
    default int parts() {
        return 1;
    }
}
