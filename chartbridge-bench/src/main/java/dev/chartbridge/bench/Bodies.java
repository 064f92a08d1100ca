package dev.chartbridge.bench;

import dev.chartbridge.simulators.fhir.SeedData;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Distinct, valid canonical events for load: blood-pressure readings, each with its own occurrence time (so no two
 * share clinical content), spread round-robin over the patients of the simulator's generated population
 * ({@link SeedData#population(int)}), each event in its patient's open visit. Event {@code n} is for patient
 * {@code n % patients()}. The gateway delivers one patient's writes to a target one at a time, in acceptance order,
 * so the spread is what lets writes run in parallel. Thread-safe.
 */
final class Bodies {
    /** How many patients events are spread over unless {@code --patients} says otherwise. */
    static final int DEFAULT_PATIENTS = 1000;
    /** HTTP bodies start here; SQL backlogs use an earlier base (see {@link Backlog}), so they never collide. */
    private static final Instant BASE = Instant.parse("2025-01-01T00:00:00Z");
    private static final AtomicLong NEXT = new AtomicLong();
    private static volatile int patients = DEFAULT_PATIENTS;

    private Bodies() {
    }

    /** Sets how many patients the events are spread over (once, before a benchmark starts). */
    static void spreadOver(int count) {
        if (count < 1 || count > SeedData.POPULATION_MAX) {
            throw new IllegalArgumentException("--patients must be 1 to " + SeedData.POPULATION_MAX);
        }
        patients = count;
    }

    /** How many patients the events are spread over: the size of the simulator population benchmarks start. */
    static int patients() {
        return patients;
    }

    static byte[] next() {
        return vitals(NEXT.getAndIncrement()).getBytes(StandardCharsets.UTF_8);
    }

    static String vitals(long n) {
        int patient = (int) (n % patients);
        return "{\"schemaVersion\":\"1\",\"patient\":{\"identifiers\":[{\"system\":\"" + SeedData.MRN_SYSTEM
                + "\",\"value\":\"" + SeedData.populationMrn(patient) + "\"}]},"
                + "\"encounter\":{\"identifier\":{\"system\":\"" + SeedData.VISIT_SYSTEM + "\","
                + "\"value\":\"" + SeedData.populationVisit(patient) + "\"}},"
                + "\"author\":{\"npi\":\"1234567893\",\"role\":\"physician\",\"name\":\"Ada Park\"},"
                + "\"occurredAt\":\"" + BASE.plusSeconds(n) + "\",\"targets\":[\"ehr\"],\"type\":\"vitals\","
                + "\"payload\":{\"measurements\":[{\"kind\":\"blood-pressure\",\"systolic\":" + (100 + n % 90)
                + ",\"diastolic\":" + (60 + n % 30) + ",\"unit\":\"mm[Hg]\"}]},\"provenance\":{\"aiAssisted\":false}}";
    }
}
