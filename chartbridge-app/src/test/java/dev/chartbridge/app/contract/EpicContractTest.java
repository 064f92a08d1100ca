package dev.chartbridge.app.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.ApiClient;
import dev.chartbridge.app.Gateway;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.simulators.FaultKind;
import dev.chartbridge.simulators.Simulator;
import dev.chartbridge.simulators.epic.EpicSeed;
import dev.chartbridge.simulators.epic.EpicSimulator;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

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

    /** One heart-rate reading of Maria's at {@code at}. */
    private ObjectNode heartRate(String at, int value) {
        ObjectNode e = event("vitals");
        e.put("occurredAt", at);
        ArrayNode measurements = e.with("payload").putArray("measurements");
        measurements.addObject().put("kind", "heart-rate").put("value", value).put("unit", "/min");
        return e;
    }

    /**
     * A quarter of the creates commit and lose their answer: every reading is reconciled under Epic's search rules
     * (patient-scoped, by category, by content) and lands exactly once, none lost.
     */
    @Test
    void lost_answers_are_reconciled_with_no_duplicate_and_nothing_lost() {
        int before = recordsInEhr("vitals");
        sim.faults().seed(11);
        sim.faults().commitThenTimeout(0.25, 500);
        List<String> ids = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 12; i++) {
                ObjectNode reading = heartRate("2026-11-19T08:%02d:00Z".formatted(i), 60 + i);
                ids.add(api.submit(reading, "lost-answers-" + i).body().get("id").asText());
            }
            for (String id : ids) {
                JsonNode status = api.await(id, st -> !st.get("status").asText().equals("in-progress"),
                        Duration.ofSeconds(60));
                assertThat(status.get("status").asText()).as("%s", status).isEqualTo("delivered");
                assertThat(status.at("/operations/0/state").asText()).isEqualTo("VERIFIED");
            }
        } finally {
            sim.faults().clear();
        }
        assertThat(sim.stats().faults(FaultKind.COMMIT_THEN_TIMEOUT)).as("answers lost").isPositive();
        assertThat(recordsInEhr("vitals") - before).as("no duplicate, nothing lost").isEqualTo(12);
    }

    /**
     * A reading already on the chart (filed without the gateway's identifier, as a device interface would) answers
     * 59189 when the gateway files it again: the reading is found by content and the write ends delivered with it.
     */
    @Test
    void a_59189_for_a_reading_already_on_the_chart_ends_delivered() {
        String at = "2026-11-18T07:45:00Z";
        sim.faults().dropFields("Observation", "identifier");
        JsonNode filed;
        try {
            filed = api.awaitSettled(api.submit(heartRate(at, 88), "filed-elsewhere").body().get("id").asText());
        } finally {
            sim.faults().clear();
        }
        assertThat(filed.get("status").asText()).as("%s", filed).isEqualTo("delivered");
        int before = recordsInEhr("vitals");
        ObjectNode again = heartRate(at, 88);
        again.with("payload").withArray("measurements").addObject().put("kind", "body-weight").put("value", 70)
                .put("unit", "kg");

        JsonNode status = api.awaitSettled(api.submit(again, "filed-again").body().get("id").asText());

        assertThat(status.get("status").asText()).as("%s", status).isEqualTo("delivered");
        assertThat(status.at("/operations/0/remoteId").asText()).isEqualTo(filed.at("/operations/0/remoteId").asText());
        assertThat(status.at("/operations/0/state").asText()).isEqualTo("VERIFIED");
        assertThat(recordsInEhr("vitals") - before).as("only the weight is new").isEqualTo(1);
    }

    /** Epic's published statement stops declaring a write the profile relies on: the live check fails naming it. */
    @Test
    void the_live_check_fails_naming_a_write_epic_no_longer_declares() {
        sim.withdrawn().withdraw("Condition.create");
        try {
            ApiClient.Answer check = api.getWithKey("/v1/connections/" + TARGET + "/check");
            assertThat(check.body().get("verdict").asText()).as(check.text()).isEqualTo("FAIL");
            assertThat(check.text()).contains("no longer declares Condition.create (condition)");
        } finally {
            sim.withdrawn().clear();
        }
    }
}
