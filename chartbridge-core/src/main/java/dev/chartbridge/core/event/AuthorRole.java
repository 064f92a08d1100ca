package dev.chartbridge.core.event;

/** The professional role of an event's author, as sent on the wire (lower case, hyphenated). */
public enum AuthorRole {
    PHYSICIAN, NURSE_PRACTITIONER, PHYSICIAN_ASSISTANT, REGISTERED_NURSE, MEDICAL_ASSISTANT, PHARMACIST, OTHER;

    public String wireName() {
        return name().toLowerCase().replace('_', '-');
    }
}
