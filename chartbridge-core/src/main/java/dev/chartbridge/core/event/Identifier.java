package dev.chartbridge.core.event;

/** A business identifier, such as a medical record number: the system that issued it and its value. */
public record Identifier(String system, String value) {
    /** {@code system|value}, the FHIR token form. */
    public String token() {
        return system + "|" + value;
    }
}
