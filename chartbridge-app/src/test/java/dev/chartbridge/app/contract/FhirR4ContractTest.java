package dev.chartbridge.app.contract;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.testing.Examples;
import dev.chartbridge.simulators.Simulator;
import dev.chartbridge.simulators.fhir.FhirSimulator;
import dev.chartbridge.simulators.fhir.SeedData;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The adapter contract against the generic FHIR R4 simulator. */
class FhirR4ContractTest extends AdapterContract {
    private static final Map<String, String> RESOURCE = Map.of("vitals", "Observation", "note", "DocumentReference",
            "condition", "Condition", "allergy", "AllergyIntolerance", "medication-change", "MedicationRequest",
            "follow-up-task", "Task", "consent", "Consent");
    private FhirSimulator sim;

    @Override
    protected Simulator startSimulator(Path workDir) {
        sim = FhirSimulator.start();
        return sim;
    }

    @Override
    protected String statusSetInEhr() {
        return "resolved";
    }

    @Override
    protected GatewayConfig.ConnectionConfig connection() {
        return GatewayConfig.ConnectionConfig.fhir(TARGET, sim.baseUrl(), 4, 2_000L);
    }

    @Override
    protected List<String> supportedTypes() {
        return Examples.TYPES;
    }

    @Override
    protected ObjectNode patientIdentifier() {
        return Json.MAPPER.createObjectNode().put("system", SeedData.MRN_SYSTEM).put("value", SeedData.MRN_MARIA);
    }

    @Override
    protected ObjectNode encounterIdentifier() {
        return Json.MAPPER.createObjectNode().put("system", SeedData.VISIT_SYSTEM).put("value", "V5001");
    }

    @Override
    protected int recordsInEhr(String eventType) {
        return (int) sim.resourcesForPatient(SeedData.PATIENT_MARIA).stream()
                .filter(r -> r.fhirType().equals(RESOURCE.get(eventType))).count();
    }

    @Test
    void an_event_naming_another_patients_encounter_is_never_written() {
        // V5003 is the open encounter of Mario Garcia (MRN 1002), confusable with Maria (MRN 1001)
        anEventNamingAnotherPatientsEncounterIsNeverWritten(Json.MAPPER.createObjectNode()
                .put("system", SeedData.VISIT_SYSTEM).put("value", "V5003"));
    }
}
