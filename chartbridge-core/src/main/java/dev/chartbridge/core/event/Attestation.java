package dev.chartbridge.core.event;

import java.time.Instant;

/** A clinician's statement that they reviewed AI-assisted content: who (NPI), when, and what they stated. */
public record Attestation(String byNpi, Instant at, String statement) {
}
