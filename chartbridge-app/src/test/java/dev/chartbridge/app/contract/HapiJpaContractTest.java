package dev.chartbridge.app.contract;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.app.hapi.HapiJpaExtension;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.testing.Examples;
import dev.chartbridge.simulators.Simulator;
import dev.chartbridge.simulators.fhir.SeedData;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The generic FHIR R4 adapter's contract against a real HAPI FHIR JPA server (in process, H2, HAPI's default
 * settings), not only against our simulator: what HAPI stores, strips, caches and answers is HAPI's own. The
 * server holds the simulators' seed under the same ids; it is shared by the JVM's tests, so counts are deltas.
 *
 * <p>{@code every_supported_event_type_is_written_once_and_verified} fails until the generic FHIR adapter's fixes
 * of issue #11 (branch {@code fhir}) are merged: HAPI stores the AI-assisted note's Provenance target without its
 * version ({@code DocumentReference/12}), which the adapter still compares as sent and calls MODIFIED.
 */
class HapiJpaContractTest extends AdapterContract {
    private static final Map<String, String> RESOURCE = Map.of("vitals", "Observation", "note", "DocumentReference",
            "condition", "Condition", "allergy", "AllergyIntolerance", "medication-change", "MedicationRequest",
            "follow-up-task", "Task", "consent", "Consent");

    @RegisterExtension
    static HapiJpaExtension hapi = new HapiJpaExtension();

    @Override
    protected Simulator startSimulator(Path workDir) {
        return hapi.server();
    }

    /** The server is the JVM's, shared with other test classes: it is never stopped here. */
    @Override
    protected void stopSimulator() {
        hapi.server().faults().clear();
    }

    @Override
    protected String statusSetInEhr() {
        return "resolved";
    }

    @Override
    protected GatewayConfig.ConnectionConfig connection() {
        return GatewayConfig.ConnectionConfig.fhir(TARGET, hapi.server().baseUrl(), 4, 5_000L);
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
        return hapi.server().resourcesForPatient(RESOURCE.get(eventType), SeedData.PATIENT_MARIA).size();
    }
}
