package dev.chartbridge.ehr.ecw;

import dev.chartbridge.ehr.Connection;
import dev.chartbridge.ehr.testing.Writes;
import dev.chartbridge.simulators.ecw.EcwSeed;
import dev.chartbridge.simulators.ecw.EcwSimulator;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** Connections and writes against the eClinicalWorks simulator's seed data, shared by the eCW tests. */
final class EcwTesting {
    static final String CLIENT = "chartbridge";
    /** What the test client is allowed, in eCW's published spellings. */
    static final String[] ALLOWED = {"system/Patient.rs", "system/Encounter.rs", "system/Condition.c",
            "system/Condition.rs", "system/AllergyIntolerance.c", "system/AllergyIntolerance.rs",
            "system/MedicationRequest.c", "system/MedicationRequest.rs", "system/Observation.c",
            "system/Observation.rs"};
    static final Set<String> SUPPORTED = Set.of("vitals", "condition", "allergy", "medication-change");
    static final Writes MARIA = new Writes(EcwSeed.ACCOUNT_SYSTEM, EcwSeed.ACCOUNT_MARIA, EcwSeed.ENCOUNTER_SYSTEM,
            "5001");

    private EcwTesting() {
    }

    /** A connection as a tenant configures it: the FHIR base without the practice code, which comes separately. */
    static Connection connection(EcwSimulator sim, Duration readTimeout) {
        String base = sim.baseUrl().substring(0, sim.baseUrl().length() - sim.practiceCode().length() - 1);
        return new Connection("ehr", "eclinicalworks", base, sim.tokenUrl(), CLIENT, null, null, null,
                sim.practiceCode(), Map.of(), SUPPORTED, 16, readTimeout);
    }
}
