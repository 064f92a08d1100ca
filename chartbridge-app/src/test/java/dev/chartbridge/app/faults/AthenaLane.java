package dev.chartbridge.app.faults;

import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.simulators.athena.AthenaSeed;
import dev.chartbridge.simulators.athena.AthenaSimulator;
import dev.chartbridge.simulators.vendorkit.ChartStore;

import java.util.List;
import java.util.Map;

/**
 * athenahealth: client secret, records without the gateway's identifier (a lost answer is found by content).
 * The preview environment's per-second call limit is raised: the matrix is about faults, not quotas.
 */
final class AthenaLane extends ChartLane {
    private final AthenaSimulator sim;
    private final String secretFile = FaultMatrixTest.secretFile("athena", AthenaSeed.CLIENT_SECRET);

    AthenaLane() {
        this(AthenaSimulator.builder().limits(1_000, 10_000, 10_000_000).start());
    }

    private AthenaLane(AthenaSimulator sim) {
        super("athena", sim, List.of("vitals", "note", "condition", "allergy", "medication-change"), 250,
                seeded(AthenaSeed.MRN_SYSTEM, "urn:athenahealth:encounterid", List.of(AthenaSeed.ENCOUNTER_MARIA_OPEN,
                                AthenaSeed.ENCOUNTER_MARIO_OPEN, AthenaSeed.ENCOUNTER_JAMES_OPEN),
                        List.of(AthenaSeed.PATIENT_MARIA, AthenaSeed.PATIENT_MARIO, AthenaSeed.PATIENT_JAMES)),
                Map.of("vitals", "vitals", "note", "clinicaldocument", "condition", "problem", "allergy", "allergy",
                        "medication-change", "medication"), sim::records, false);
        this.sim = sim;
    }

    @Override
    GatewayConfig.ConnectionConfig connection() {
        String origin = sim.tokenUrl().replace("/oauth2/v1/token", "");
        return new GatewayConfig.ConnectionConfig(target(), "athenahealth", origin, sim.tokenUrl(), AthenaSeed.CLIENT_ID,
                null, secretFile, null, null, null, AthenaSeed.PRACTICE_ID,
                Map.of("departmentId", AthenaSeed.DEPARTMENT_ID, "mrnSystem", AthenaSeed.MRN_SYSTEM,
                        "mrnCustomFieldId", AthenaSeed.MRN_CUSTOM_FIELD_ID, "tokenRequestsPerMinute", "50"), null,
                FaultMatrixTest.CONCURRENCY, FaultMatrixTest.READ_TIMEOUT_MS);
    }

    /**
     * athena keeps one allergy entry per allergen and answers its PUT without an id: an allergy record is named by
     * its allergenid (as the adapter names it), the others by their ids.
     */
    @Override
    List<String> records(String eventType, Patient patient) {
        if (!eventType.equals("allergy")) {
            return super.records(eventType, patient);
        }
        return sim.records("allergy", patient.simulatorId()).stream().map(e -> e.fields().get("allergenid")).toList();
    }

    /** A blood pressure is two readings in athena, counted once (by its systolic reading). */
    @Override
    boolean countsAsWrite(ChartStore.Entry entry) {
        return !"VITALS.BLOODPRESSURE.DIASTOLIC".equals(entry.fields().get("clinicalelementid"));
    }
}
