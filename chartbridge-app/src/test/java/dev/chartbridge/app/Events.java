package dev.chartbridge.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.testing.Examples;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Sample events for gateway tests: the published examples, aimed at the test target and dated in the past. */
final class Events {
    private Events() {
    }

    static ObjectNode of(String type) {
        ObjectNode e = Examples.load(type);
        e.putArray("targets").add(TestGateway.TARGET);
        return e;
    }

    /** A blood-pressure reading whose values make it distinct from every other reading with another {@code n}. */
    static ObjectNode bloodPressure(int n) {
        ObjectNode e = of("vitals");
        var measurements = (com.fasterxml.jackson.databind.node.ArrayNode) e.at("/payload/measurements");
        measurements.remove(1);
        ((ObjectNode) measurements.get(0)).put("systolic", 100 + n % 90).put("diastolic", 60 + n % 30);
        e.put("occurredAt", Instant.parse("2026-11-01T00:00:00Z").plus(n, ChronoUnit.SECONDS).toString());
        return e;
    }

    private static final String[] SEEDED_MRNS = {"1001", "1002", "1003"};

    /**
     * {@link #bloodPressure(int)} for one of the three patients in the FHIR simulator's seed, by {@code n}: writes
     * for one patient are delivered one after another (in order), so work meant to run in parallel needs several.
     */
    static ObjectNode bloodPressureSpread(int n) {
        ObjectNode e = bloodPressure(n);
        String mrn = SEEDED_MRNS[Math.floorMod(n, SEEDED_MRNS.length)];
        ((ObjectNode) e.at("/patient/identifiers/0")).put("value", mrn);
        if (!mrn.equals("1001")) {
            e.remove("encounter"); // the open visit in the seed is Maria's
        }
        return e;
    }
}
