package dev.chartbridge.app.faults;

import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.simulators.epic.EpicSeed;
import dev.chartbridge.simulators.epic.EpicSimulator;

import java.util.List;

/** Epic: SMART backend auth, conditions and allergies held in the holding tank until a clinician releases them. */
final class EpicLane extends SmartFhirLane {
    private final EpicSimulator sim;

    EpicLane() {
        this(EpicSimulator.start());
    }

    private EpicLane(EpicSimulator sim) {
        super("epic", sim, List.of("vitals", "note", "condition"), 250, seeded(EpicSeed.MRN_SYSTEM,
                        EpicSeed.CSN_SYSTEM, List.of(EpicSeed.CSN_MARIA_OPEN, EpicSeed.CSN_MARIO_OPEN,
                                EpicSeed.CSN_JAMES_OPEN),
                        List.of(EpicSeed.PATIENT_MARIA, EpicSeed.PATIENT_MARIO, EpicSeed.PATIENT_JAMES)),
                (jwks, scopes) -> sim.registerClient(CLIENT, jwks, scopes), sim::resourcesForPatient);
        this.sim = sim;
    }

    @Override
    GatewayConfig.ConnectionConfig connection() {
        return new GatewayConfig.ConnectionConfig(target(), "epic", sim.baseUrl(), sim.tokenUrl(), CLIENT, null, null,
                null, null, null, null, null, null, FaultMatrixTest.CONCURRENCY, FaultMatrixTest.READ_TIMEOUT_MS);
    }

    @Override
    void tick() {
        sim.releaseHoldingTank();
    }
}
