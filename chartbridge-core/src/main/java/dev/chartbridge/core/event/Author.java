package dev.chartbridge.core.event;

/** Who authored the event's content: a clinician identified by NPI, with a role. */
public record Author(String npi, AuthorRole role, String name) {
}
