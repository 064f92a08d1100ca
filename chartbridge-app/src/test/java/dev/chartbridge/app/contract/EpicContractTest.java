package dev.chartbridge.app.contract;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.Gateway;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.intake.Json;
import dev.chartbridge.simulators.Simulator;
import dev.chartbridge.simulators.epic.EpicSeed;
import dev.chartbridge.simulators.epic.EpicSimulator;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The adapter contract against the Epic simulator: SMART backend auth with the gateway's own JWKS URL, conditions
 * and allergies verified once a clinician releases them from the holding tank.
 */
class EpicContractTest extends AdapterContract {
    private static final Map<String, String> RESOURCE = Map.of("vitals", "Observation", "note", "DocumentReference",
            "condition", "Condition", "allergy", "AllergyIntolerance");
    private static final String CLIENT = "chartbridge-contract";
    private EpicSimulator sim;

    @Override
    protected Simulator startSimulator(Path workDir) {
        sim = EpicSimulator.start();
        return sim;
    }

    @Override
    protected String statusSetInEhr() {
        return "resolved";
    }

    /** No deletion: Epic never removes a record once it is readable (a clinician marks it in error instead). */
    @Override
    protected List<String> readBackChanges() {
        return List.of(AMENDED, STATUS_CHANGED);
    }

    @Override
    protected void afterGatewayStarted(Gateway gateway) {
        sim.registerClient(CLIENT, "http://127.0.0.1:" + gateway.port() + "/.well-known/jwks.json",
                "system/Patient.rs", "system/Encounter.rs", "system/Observation.crs", "system/DocumentReference.crs",
                "system/Condition.crs", "system/AllergyIntolerance.crs");
    }

    @Override
    protected GatewayConfig.ConnectionConfig connection() {
        return new GatewayConfig.ConnectionConfig(TARGET, "epic", sim.baseUrl(), sim.tokenUrl(), CLIENT, null, null,
                null, null, null, null, null, null, 4, 3_000L);
    }

    @Override
    protected List<String> supportedTypes() {
        return List.of("vitals", "note", "condition", "allergy");
    }

    @Override
    protected ObjectNode patientIdentifier() {
        return Json.MAPPER.createObjectNode().put("system", EpicSeed.MRN_SYSTEM).put("value", EpicSeed.MRN_MARIA);
    }

    @Override
    protected ObjectNode encounterIdentifier() {
        return Json.MAPPER.createObjectNode().put("system", EpicSeed.CSN_SYSTEM).put("value", EpicSeed.CSN_MARIA_OPEN);
    }

    @Override
    protected int recordsInEhr(String eventType) {
        return (int) sim.resourcesForPatient(EpicSeed.PATIENT_MARIA).stream()
                .filter(r -> r.fhirType().equals(RESOURCE.get(eventType))).count();
    }

    @Override
    protected void releaseHeldWrites() {
        sim.releaseHoldingTank();
    }

    @Test
    void an_event_naming_another_patients_encounter_is_never_written() {
        anEventNamingAnotherPatientsEncounterIsNeverWritten(Json.MAPPER.createObjectNode()
                .put("system", EpicSeed.CSN_SYSTEM).put("value", EpicSeed.CSN_MARIO_OPEN));
    }

    /** Under Epic's search rules (patient-scoped, Observation by category) a lost answer is found by content. */
    @Test
    void a_lost_note_is_reconciled_and_lands_once() throws Exception {
        aLostNoteIsReconciledAndLandsOnce(sim.faults(), "epic");
    }
}
