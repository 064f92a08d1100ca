package dev.chartbridge.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Distinct, valid canonical events for load: blood-pressure readings for the simulator's seeded patient and
 * visit, each with its own occurrence time (so no two share clinical content). Thread-safe.
 */
final class Bodies {
    /** HTTP bodies start here; SQL backlogs use an earlier base (see {@link Backlog}), so they never collide. */
    private static final Instant BASE = Instant.parse("2025-01-01T00:00:00Z");
    private static final AtomicLong NEXT = new AtomicLong();

    private Bodies() {
    }

    static byte[] next() {
        return vitals(NEXT.getAndIncrement()).getBytes(StandardCharsets.UTF_8);
    }

    static String vitals(long n) {
        return "{\"schemaVersion\":\"1\",\"patient\":{\"identifiers\":[{\"system\":\"urn:chartbridge:sim:mrn\","
                + "\"value\":\"1001\"}]},\"encounter\":{\"identifier\":{\"system\":\"urn:chartbridge:sim:visit\","
                + "\"value\":\"V5001\"}},\"author\":{\"npi\":\"1234567893\",\"role\":\"physician\",\"name\":\"Ada Park\"},"
                + "\"occurredAt\":\"" + BASE.plusSeconds(n) + "\",\"targets\":[\"ehr\"],\"type\":\"vitals\","
                + "\"payload\":{\"measurements\":[{\"kind\":\"blood-pressure\",\"systolic\":" + (100 + n % 90)
                + ",\"diastolic\":" + (60 + n % 30) + ",\"unit\":\"mm[Hg]\"}]},\"provenance\":{\"aiAssisted\":false}}";
    }
}
