package dev.chartbridge.app.faults;

import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.simulators.athena.AthenaSeed;
import dev.chartbridge.simulators.athena.AthenaSimulator;

import java.util.List;
import java.util.Map;

/**
 * athenahealth: client secret, records without the gateway's identifier (a lost answer is found by content).
 * The preview environment's per-second call limit is raised: the matrix is about faults, not quotas.
 */
final class AthenaLane implements Lane {
    private static final Map<String, String> KIND = Map.of("vitals", "vitals", "note", "clinicaldocument",
            "condition", "problem", "allergy", "allergy", "medication-change", "medication");
    private final AthenaSimulator sim = AthenaSimulator.builder().limits(1_000, 10_000, 10_000_000).start();
    private final String secretFile = FaultMatrixTest.secretFile("athena", AthenaSeed.CLIENT_SECRET);

    @Override
    public String target() {
        return "athena";
    }

    @Override
    public AthenaSimulator simulator() {
        return sim;
    }

    @Override
    public GatewayConfig.ConnectionConfig connection() {
        String origin = sim.tokenUrl().replace("/oauth2/v1/token", "");
        return new GatewayConfig.ConnectionConfig(target(), "athenahealth", origin, sim.tokenUrl(), AthenaSeed.CLIENT_ID,
                null, secretFile, null, null, null, AthenaSeed.PRACTICE_ID,
                Map.of("departmentId", AthenaSeed.DEPARTMENT_ID, "mrnSystem", AthenaSeed.MRN_SYSTEM), null,
                FaultMatrixTest.CONCURRENCY, FaultMatrixTest.READ_TIMEOUT_MS);
    }

    @Override
    public List<String> types() {
        return List.of("vitals", "note", "condition", "allergy", "medication-change");
    }

    @Override
    public int events() {
        return 250;
    }

    @Override
    public List<Patient> patients() {
        String enc = "urn:athenahealth:encounterid";
        return List.of(
                Patient.of(AthenaSeed.MRN_SYSTEM, "1001", enc, AthenaSeed.ENCOUNTER_MARIA_OPEN, AthenaSeed.PATIENT_MARIA),
                Patient.of(AthenaSeed.MRN_SYSTEM, "1002", enc, AthenaSeed.ENCOUNTER_MARIO_OPEN, AthenaSeed.PATIENT_MARIO),
                Patient.of(AthenaSeed.MRN_SYSTEM, "1003", enc, AthenaSeed.ENCOUNTER_JAMES_OPEN, AthenaSeed.PATIENT_JAMES));
    }

    /** One per write: a blood pressure is two readings in athena, counted once (by its systolic reading). */
    @Override
    public int records(String eventType, Patient patient) {
        return (int) sim.records(KIND.get(eventType), patient.simulatorId()).stream()
                .filter(r -> !"VITALS.BLOODPRESSURE.DIASTOLIC".equals(r.fields().get("clinicalelementid"))).count();
    }
}
