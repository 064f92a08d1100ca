package dev.chartbridge.app.faults;

import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.simulators.ecw.EcwSeed;
import dev.chartbridge.simulators.ecw.EcwSimulator;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * eClinicalWorks: SMART backend auth, no idempotency. Its published limit (250 calls a minute per practice) is
 * raised here: the matrix is about faults, and at 250 a minute its share of events alone would take minutes.
 */
final class EcwLane implements Lane {
    private static final Map<String, String> RESOURCE = Map.of("condition", "Condition", "allergy",
            "AllergyIntolerance", "medication-change", "MedicationRequest");
    private static final String CLIENT = "chartbridge-fault-matrix";
    private final EcwSimulator sim = EcwSimulator.builder().rateLimit(1_000_000, Duration.ofMinutes(1)).start();

    @Override
    public String target() {
        return "ecw";
    }

    @Override
    public EcwSimulator simulator() {
        return sim;
    }

    @Override
    public GatewayConfig.ConnectionConfig connection() {
        String base = sim.baseUrl().substring(0, sim.baseUrl().lastIndexOf('/'));
        return new GatewayConfig.ConnectionConfig(target(), "eclinicalworks", base, sim.tokenUrl(), CLIENT, null, null,
                null, null, null, sim.practiceCode(), null, null, FaultMatrixTest.CONCURRENCY,
                FaultMatrixTest.READ_TIMEOUT_MS);
    }

    @Override
    public void gatewayStarted(int port) {
        sim.registerClient(CLIENT, "http://127.0.0.1:" + port + "/.well-known/jwks.json",
                "system/Patient.rs", "system/Encounter.rs", "system/Condition.crs", "system/AllergyIntolerance.crs",
                "system/MedicationRequest.crs");
    }

    @Override
    public List<String> types() {
        return List.of("condition", "medication-change");
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
        return 220;
    }

    @Override
    public List<Patient> patients() {
        return List.of(
                Patient.of(EcwSeed.ACCOUNT_SYSTEM, "1001", EcwSeed.ENCOUNTER_SYSTEM, "5001", EcwSeed.PATIENT_MARIA),
                Patient.of(EcwSeed.ACCOUNT_SYSTEM, "1002", EcwSeed.ENCOUNTER_SYSTEM, "5003", EcwSeed.PATIENT_MARIO),
                Patient.of(EcwSeed.ACCOUNT_SYSTEM, "1003", EcwSeed.ENCOUNTER_SYSTEM, "5004", EcwSeed.PATIENT_JAMES));
    }

    @Override
    public int records(String eventType, Patient patient) {
        return (int) sim.resourcesForPatient(patient.simulatorId()).stream()
                .filter(r -> r.fhirType().equals(RESOURCE.get(eventType))).count();
    }
}
