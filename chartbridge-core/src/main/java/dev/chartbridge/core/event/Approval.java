package dev.chartbridge.core.event;

/** A second clinician's approval of a held write (a medication change): an NPI, a role, and what they state. */
public record Approval(String approverNpi, AuthorRole role, String statement) {
}
