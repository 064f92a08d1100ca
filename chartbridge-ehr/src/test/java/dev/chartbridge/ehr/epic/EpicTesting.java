package dev.chartbridge.ehr.epic;

import dev.chartbridge.ehr.AdapterEnvironment;
import dev.chartbridge.ehr.Connection;
import dev.chartbridge.ehr.testing.Writes;
import dev.chartbridge.simulators.epic.EpicSeed;
import dev.chartbridge.simulators.epic.EpicSimulator;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** Connections and writes against the Epic simulator's seed data, shared by the Epic tests. */
final class EpicTesting {
    static final String CLIENT = "chartbridge";
    /** What the test client is allowed at Epic: everything the adapter may ask for. */
    static final String[] ALLOWED = {"system/Patient.rs", "system/Encounter.rs", "system/Observation.crs",
            "system/DocumentReference.crs", "system/Condition.crs", "system/AllergyIntolerance.crs"};
    static final Set<String> SUPPORTED = Set.of("vitals", "note", "condition", "allergy");
    static final Writes MARIA = new Writes(EpicSeed.MRN_SYSTEM, EpicSeed.MRN_MARIA, EpicSeed.CSN_SYSTEM,
            EpicSeed.CSN_MARIA_OPEN);

    private EpicTesting() {
    }

    static Connection connection(EpicSimulator sim, String clientId, Set<String> types, Duration readTimeout) {
        return new Connection("ehr", "epic", sim.baseUrl(), sim.tokenUrl(), clientId, null, null, null, null,
                Map.of(), types, 24, readTimeout);
    }

    static EpicAdapter adapter(EpicSimulator sim, AdapterEnvironment env) {
        return new EpicAdapter(connection(sim, CLIENT, SUPPORTED, Duration.ofSeconds(5)), env);
    }
}
