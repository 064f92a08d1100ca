package dev.chartbridge.app.faults;

import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.simulators.epic.EpicSeed;
import dev.chartbridge.simulators.epic.EpicSimulator;

import java.util.List;
import java.util.Map;

/** Epic: SMART backend auth, conditions and allergies held in the holding tank until a clinician releases them. */
final class EpicLane implements Lane {
    private static final Map<String, String> RESOURCE = Map.of("vitals", "Observation", "note", "DocumentReference",
            "condition", "Condition", "allergy", "AllergyIntolerance");
    private static final String CLIENT = "chartbridge-fault-matrix";
    private final EpicSimulator sim = EpicSimulator.start();

    @Override
    public String target() {
        return "epic";
    }

    @Override
    public EpicSimulator simulator() {
        return sim;
    }

    @Override
    public GatewayConfig.ConnectionConfig connection() {
        return new GatewayConfig.ConnectionConfig(target(), "epic", sim.baseUrl(), sim.tokenUrl(), CLIENT, null, null,
                null, null, null, null, null, null, FaultMatrixTest.CONCURRENCY, FaultMatrixTest.READ_TIMEOUT_MS);
    }

    @Override
    public void gatewayStarted(int port) {
        sim.registerClient(CLIENT, "http://127.0.0.1:" + port + "/.well-known/jwks.json",
                "system/Patient.rs", "system/Encounter.rs", "system/Observation.crs", "system/DocumentReference.crs",
                "system/Condition.crs", "system/AllergyIntolerance.crs");
    }

    @Override
    public List<String> types() {
        return List.of("vitals", "note", "condition");
    }

    @Override
    public String droppedType() {
        return "allergy";
    }

    @Override
    public void dropCriticalField() {
        sim.faults().dropFields("AllergyIntolerance", "reaction");
    }

    @Override
    public int events() {
        return 250;
    }

    @Override
    public List<Patient> patients() {
        return List.of(
                Patient.of(EpicSeed.MRN_SYSTEM, EpicSeed.MRN_MARIA, EpicSeed.CSN_SYSTEM, EpicSeed.CSN_MARIA_OPEN,
                        EpicSeed.PATIENT_MARIA),
                Patient.of(EpicSeed.MRN_SYSTEM, EpicSeed.MRN_MARIO, EpicSeed.CSN_SYSTEM, EpicSeed.CSN_MARIO_OPEN,
                        EpicSeed.PATIENT_MARIO),
                Patient.of(EpicSeed.MRN_SYSTEM, EpicSeed.MRN_JAMES, EpicSeed.CSN_SYSTEM, EpicSeed.CSN_JAMES_OPEN,
                        EpicSeed.PATIENT_JAMES));
    }

    @Override
    public int records(String eventType, Patient patient) {
        return (int) sim.resourcesForPatient(patient.simulatorId()).stream()
                .filter(r -> r.fhirType().equals(RESOURCE.get(eventType))).count();
    }

    @Override
    public void tick() {
        sim.releaseHoldingTank();
    }
}
