package dev.chartbridge.core.event;

/** The professional role of an event's author, as sent on the wire (lower case, hyphenated). */
public enum AuthorRole {
    PHYSICIAN, NURSE_PRACTITIONER, PHYSICIAN_ASSISTANT, REGISTERED_NURSE, MEDICAL_ASSISTANT, PHARMACIST, OTHER;

    /** Whether a clinician in this role may author or approve a medication change. */
    public boolean mayOrderMedication() {
        return this == PHYSICIAN || this == NURSE_PRACTITIONER || this == PHYSICIAN_ASSISTANT || this == PHARMACIST;
    }

    public String wireName() {
        return name().toLowerCase().replace('_', '-');
    }
}
