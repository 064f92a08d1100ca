package dev.chartbridge.app.faults;

import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.simulators.ecw.EcwSeed;
import dev.chartbridge.simulators.ecw.EcwSimulator;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * eClinicalWorks: SMART backend auth, no idempotency. Its published limit (250 calls a minute per practice) is
 * raised here, at the simulator and in the gateway's own call budget alike: the matrix is about faults, and at 250
 * a minute its share of events alone would take minutes.
 */
final class EcwLane extends SmartFhirLane {
    private final EcwSimulator sim;

    EcwLane() {
        this(EcwSimulator.builder().rateLimit(1_000_000, Duration.ofMinutes(1)).start());
    }

    private EcwLane(EcwSimulator sim) {
        super("ecw", sim, List.of("condition", "medication-change"), 220, seeded(EcwSeed.ACCOUNT_SYSTEM,
                        EcwSeed.ENCOUNTER_SYSTEM, List.of("5001", "5003", "5004"),
                        List.of(EcwSeed.PATIENT_MARIA, EcwSeed.PATIENT_MARIO, EcwSeed.PATIENT_JAMES)),
                (jwks, scopes) -> sim.registerClient(CLIENT, jwks, scopes), sim::resourcesForPatient);
        this.sim = sim;
    }

    @Override
    GatewayConfig.ConnectionConfig connection() {
        String base = sim.baseUrl().substring(0, sim.baseUrl().lastIndexOf('/'));
        return new GatewayConfig.ConnectionConfig(target(), "eclinicalworks", base, sim.tokenUrl(), CLIENT, null, null,
                null, null, null, sim.practiceCode(), Map.of("callsPerMinute", "100000"), null,
                FaultMatrixTest.CONCURRENCY, FaultMatrixTest.READ_TIMEOUT_MS);
    }
}
