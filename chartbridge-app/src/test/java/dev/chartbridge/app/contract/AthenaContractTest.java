package dev.chartbridge.app.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.ApiClient;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.simulators.Simulator;
import dev.chartbridge.simulators.athena.AthenaSeed;
import dev.chartbridge.simulators.athena.AthenaSimulator;
import dev.chartbridge.simulators.vendorkit.ChartStore;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The adapter contract against the athenahealth simulator, configured as a tenant would (client secret from a
 * file), plus the athena-specific promise: a write whose answer was lost is reconciled by content, not resent.
 */
class AthenaContractTest extends AdapterContract {
    private static final Map<String, String> KIND = Map.of("vitals", "vitals", "note", "clinicaldocument",
            "condition", "problem", "allergy", "allergy", "medication-change", "medication");
    protected AthenaSimulator sim;
    private Path secretFile;

    @Override
    protected Simulator startSimulator(Path workDir) throws Exception {
        sim = AthenaSimulator.start();
        secretFile = workDir.resolve("athena-secret");
        writeFile(secretFile, AthenaSeed.CLIENT_SECRET);
        return sim;
    }

    /** athena's problem status: the check writes none, a clinician then calls the problem chronic. */
    @Override
    protected String statusSetInEhr() {
        return "CHRONIC";
    }

    @Override
    protected GatewayConfig.ConnectionConfig connection() {
        String origin = sim.tokenUrl().replace("/oauth2/v1/token", "");
        return new GatewayConfig.ConnectionConfig(TARGET, "athenahealth", origin, sim.tokenUrl(), AthenaSeed.CLIENT_ID,
                null, secretFile.toString(), null, null, null, AthenaSeed.PRACTICE_ID,
                Map.of("departmentId", AthenaSeed.DEPARTMENT_ID, "mrnSystem", AthenaSeed.MRN_SYSTEM,
                        "mrnCustomFieldId", AthenaSeed.MRN_CUSTOM_FIELD_ID), null, 4, 2_000L);
    }

    @Override
    protected List<String> supportedTypes() {
        return List.of("vitals", "note", "condition", "allergy", "medication-change");
    }

    @Override
    protected ObjectNode patientIdentifier() {
        return Json.MAPPER.createObjectNode().put("system", AthenaSeed.MRN_SYSTEM).put("value", "1001");
    }

    @Override
    protected ObjectNode encounterIdentifier() {
        return Json.MAPPER.createObjectNode().put("system", "urn:athenahealth:encounterid")
                .put("value", AthenaSeed.ENCOUNTER_MARIA_OPEN);
    }

    /** One per write: a blood pressure write is two readings in athena, counted once (by its systolic reading). */
    @Override
    protected int recordsInEhr(String eventType) {
        return (int) sim.records(KIND.get(eventType), AthenaSeed.PATIENT_MARIA).stream()
                .filter(r -> !"VITALS.BLOODPRESSURE.DIASTOLIC".equals(r.fields().get("clinicalelementid"))).count();
    }

    /**
     * Every write the gateway calls VERIFIED is in the simulator's chart as the record it names, holding the
     * content the event carried (never a false VERIFIED): checked against the simulator's own store, not through
     * the adapter's reading of it.
     */
    @Test
    void every_verified_write_names_a_record_the_ehr_holds_with_the_events_content() {
        ObjectNode condition = fresh("condition");
        ((ObjectNode) condition.get("payload")).put("onset", "2026-08-02");
        ApiClient.Answer accepted = api.submit(condition, "athena-verified-holds");
        JsonNode status = api.await(accepted.body().get("id").asText(),
                s -> !s.get("status").asText().equals("in-progress"), Duration.ofSeconds(30));
        JsonNode op = status.get("operations").get(0);
        if (op.get("state").asText().equals("VERIFIED")) {
            ChartStore.Entry stored = sim.records("problem", AthenaSeed.PATIENT_MARIA).stream()
                    .filter(r -> r.id().equals(op.get("remoteId").asText())).findFirst().orElseThrow();
            assertThat(stored.fields()).containsEntry("snomedcode", condition.at("/payload/code/code").asText())
                    .containsEntry("startdate", "08/02/2026");
        } else {
            assertThat(op.get("state").asText()).as("%s", op).isIn("NEEDS_REVIEW", "MODIFIED", "CONFLICT");
        }
        assertThat(sim.records("problem", AthenaSeed.PATIENT_MARIA).stream()
                .filter(r -> "08/02/2026".equals(r.fields().get("startdate")))).as("written once").hasSize(1);
    }

    /** The example with a new occurredAt, so it is not the same clinical content as the contract's own writes. */
    protected ObjectNode fresh(String type) {
        return event(type).put("occurredAt", Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS).toString());
    }

    /** Lost answers, resets, 503 and 429, an expired token: 0 duplicates, 0 lost, 0 false VERIFIED. */
    @Test
    void under_faults_no_write_is_duplicated_lost_or_falsely_verified() {
        AthenaFaultsContract.run(api, sim, this::fresh, getClass().getSimpleName());
    }

    @Test
    void a_write_whose_answer_was_lost_is_found_by_content_and_never_resent() {
        ApiClient.Answer warmUp = api.submit(fresh("condition"), "athena-warm-up");
        api.await(warmUp.body().get("id").asText(), s -> !s.get("status").asText().equals("in-progress"),
                Duration.ofSeconds(30)); // the token and the patient are cached now: only the write is a POST
        int before = recordsInEhr("allergy");
        sim.faults().commitThenTimeout(1.0, 200);
        try {
            // Another substance than the contract's own allergy write: the same content recorded twice since the
            // event happened would (rightly) be ambiguous, not found.
            ObjectNode allergy = fresh("allergy");
            ((ObjectNode) allergy.at("/payload/substance")).put("code", "10180").put("display", "Sulfamethoxazole");
            ApiClient.Answer accepted = api.submit(allergy, "athena-lost-answer");
            JsonNode status = api.await(accepted.body().get("id").asText(),
                    s -> !s.get("status").asText().equals("in-progress"), Duration.ofSeconds(30));

            assertThat(status.get("status").asText()).as("%s", status).isEqualTo("delivered");
            JsonNode op = status.get("operations").get(0);
            assertThat(op.get("state").asText()).isEqualTo("VERIFIED");
            assertThat(op.get("sends").asInt()).isEqualTo(1);
            List<ChartStore.Entry> stored = sim.records("allergy", AthenaSeed.PATIENT_MARIA);
            assertThat(stored).hasSize(before + 1);
            // athena answers an allergy PUT with success alone: the record is the allergen's entry
            assertThat(op.get("remoteId").asText()).isEqualTo(stored.get(stored.size() - 1).fields().get("allergenid"));
            // A read before the send may be held back by athena's per-second call limit (deferred: nothing sent);
            // from the one send on: lost, found by content, verified.
            List<String> outcomes = op.get("attempts").findValuesAsText("outcome");
            assertThat(outcomes.subList(outcomes.indexOf("unknown") < 0 ? 0 : outcomes.indexOf("unknown"),
                    outcomes.size())).as("%s", outcomes).containsExactly("unknown", "found", "verified");
            assertThat(outcomes.subList(0, Math.max(0, outcomes.indexOf("unknown")))).as("%s", outcomes)
                    .allMatch("deferred"::equals);
            assertThat(status.get("timeline").findValuesAsText("action"))
                    .contains("operation.unknown", "operation.found", "operation.verified");
            assertThat(sim.stats().journal().matching("PUT", "/v1/" + AthenaSeed.PRACTICE_ID + "/chart/"
                    + AthenaSeed.PATIENT_MARIA + "/allergies").stream()
                    .filter(r -> r.bodyText().contains("Sulfamethoxazole"))).as("sent once, never resent").hasSize(1);
        } finally {
            sim.faults().clear();
        }
    }
}
