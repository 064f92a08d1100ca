package dev.chartbridge.app.contract;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.Gateway;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.simulators.Simulator;
import dev.chartbridge.simulators.ecw.EcwSeed;
import dev.chartbridge.simulators.ecw.EcwSimulator;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The adapter contract against one eClinicalWorks practice: SMART backend auth with the gateway's own JWKS URL
 * (allow-listed at eCW), the practice code configured apart from the FHIR base.
 */
class EcwContractTest extends AdapterContract {
    private static final Map<String, String> RESOURCE = Map.of("vitals", "Observation", "condition", "Condition",
            "allergy", "AllergyIntolerance", "medication-change", "MedicationRequest");
    private static final String CLIENT = "chartbridge-contract";
    private EcwSimulator sim;

    @Override
    protected Simulator startSimulator(Path workDir) {
        sim = EcwSimulator.start();
        return sim;
    }

    @Override
    protected String statusSetInEhr() {
        return "resolved";
    }

    @Override
    protected void afterGatewayStarted(Gateway gateway) {
        sim.registerClient(CLIENT, "http://127.0.0.1:" + gateway.port() + "/.well-known/jwks.json",
                // eCW's published spellings (eclinicalworks-smart-configuration.json)
                "system/Patient.rs", "system/Encounter.rs", "system/Observation.c", "system/Observation.rs",
                "system/Condition.c", "system/Condition.rs", "system/AllergyIntolerance.c",
                "system/AllergyIntolerance.rs", "system/MedicationRequest.c", "system/MedicationRequest.rs");
    }

    @Override
    protected GatewayConfig.ConnectionConfig connection() {
        String base = sim.baseUrl().substring(0, sim.baseUrl().lastIndexOf('/'));
        return new GatewayConfig.ConnectionConfig(TARGET, "eclinicalworks", base, sim.tokenUrl(), CLIENT, null, null,
                null, null, null, sim.practiceCode(), null, null, 4, 3_000L);
    }

    @Override
    protected List<String> supportedTypes() {
        return List.of("vitals", "condition", "allergy", "medication-change");
    }

    @Override
    protected ObjectNode patientIdentifier() {
        return Json.MAPPER.createObjectNode().put("system", EcwSeed.ACCOUNT_SYSTEM).put("value", EcwSeed.ACCOUNT_MARIA);
    }

    @Override
    protected ObjectNode encounterIdentifier() {
        return Json.MAPPER.createObjectNode().put("system", EcwSeed.ENCOUNTER_SYSTEM).put("value", "5001");
    }

    @Override
    protected int recordsInEhr(String eventType) {
        return (int) sim.resourcesForPatient(EcwSeed.PATIENT_MARIA).stream()
                .filter(r -> r.fhirType().equals(RESOURCE.get(eventType))).count();
    }

    @Test
    void an_event_naming_another_patients_encounter_is_never_written() {
        // encounter 5003 is Mario Garcia's, confusable with Maria
        anEventNamingAnotherPatientsEncounterIsNeverWritten(Json.MAPPER.createObjectNode()
                .put("system", EcwSeed.ENCOUNTER_SYSTEM).put("value", "5003"));
    }
}
