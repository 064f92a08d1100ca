package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.simulators.fhir.FhirSimulator;
import dev.chartbridge.simulators.fhir.SeedData;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Accept, deliver, verify, against the generic FHIR simulator over real HTTP, with its faults. */
class DeliveryTest {
    @RegisterExtension
    static GatewayExtension env = new GatewayExtension("delivery-node", t -> t);

    private static FhirSimulator sim() {
        return env.ehr();
    }

    private static String submit(ObjectNode event) {
        TestGateway.Answer a = env.gateway().submit(event, null);
        assertThat(a.status()).as("%s", a.body()).isEqualTo(202);
        return a.body().get("id").asText();
    }

    private static String operationKey(JsonNode status, int index) {
        return env.pg().jdbc().read(c -> {
            try (var ps = c.prepareStatement("SELECT operation_key FROM write_operation WHERE id = ?::uuid")) {
                ps.setString(1, status.at("/operations/" + index + "/id").asText());
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
    }

    @Test
    void a_blood_pressure_reading_is_written_once_as_a_panel_and_verified() {
        JsonNode status = env.gateway().awaitSettled(submit(Events.bloodPressure(100)));

        assertThat(status.get("status").asText()).isEqualTo("delivered");
        JsonNode op = status.at("/operations/0");
        assertThat(op.get("state").asText()).isEqualTo("VERIFIED");
        String key = operationKey(status, 0);
        assertThat(sim().countWithIdentifier(WriteContext.IDENTIFIER_SYSTEM, key)).isEqualTo(1);

        Observation written = (Observation) sim().read("Observation/" + op.get("remoteId").asText()).orElseThrow();
        assertThat(written.getSubject().getReference()).isEqualTo("Patient/" + SeedData.PATIENT_MARIA);
        assertThat(written.getEncounter().getReference()).isEqualTo("Encounter/" + SeedData.ENCOUNTER_MARIA_OPEN);
        assertThat(written.getCode().getCodingFirstRep().getCode()).isEqualTo("85354-9");
        assertThat(written.getComponent()).extracting(c -> c.getCode().getCodingFirstRep().getCode())
                .containsExactly("8480-6", "8462-4");
        assertThat(written.getComponentFirstRep().getValueQuantity().getValue()).isEqualByComparingTo("110");
        assertThat(written.getComponentFirstRep().getValueQuantity().getCode()).isEqualTo("mm[Hg]");

        assertThat(op.get("attempts").findValuesAsText("outcome")).containsExactly("created", "verified");
        assertThat(status.get("timeline").findValuesAsText("action"))
                .containsExactly("event.accepted", "operation.created", "operation.verified");
    }

    @Test
    void every_event_type_reaches_the_ehr_and_verifies() {
        for (String type : List.of("note", "condition", "allergy", "medication-change", "follow-up-task", "consent")) {
            String id = submit(Events.of(type));
            if (type.equals("medication-change")) {
                assertThat(env.gateway().approve(id).status()).isEqualTo(200);
            }
            JsonNode status = env.gateway().awaitSettled(id);
            assertThat(status.get("status").asText()).as(type + ": " + status).isEqualTo("delivered");
            String ref = status.at("/operations/0/resourceType").asText() + "/" + status.at("/operations/0/remoteId").asText();
            Resource written = sim().read(ref).orElseThrow();
            assertThat(sim().countWithIdentifier(WriteContext.IDENTIFIER_SYSTEM, operationKey(status, 0)))
                    .as(type).isEqualTo(1);
            assertThat(written.fhirType()).isEqualTo(status.at("/operations/0/resourceType").asText());
        }
    }

    @Test
    void resubmitting_the_same_event_creates_nothing_new() {
        ObjectNode event = Events.bloodPressure(101);
        String id = submit(event);
        env.gateway().awaitSettled(id);
        int stored = sim().resources("Observation").size();

        TestGateway.Answer again = env.gateway().submit(event, null);

        assertThat(again.status()).isEqualTo(202);
        assertThat(again.body().get("id").asText()).isEqualTo(id);
        // Nothing new was planned or queued for the event, so nothing can be sent: no need to wait and see.
        assertThat(env.pg().count("SELECT count(*) FROM outbox o JOIN write_operation w ON w.id = o.operation_id"
                + " WHERE w.event_id = '" + id + "'")).isZero();
        assertThat(sim().resources("Observation")).hasSize(stored);
        assertThat(env.pg().count("SELECT count(*) FROM write_operation WHERE event_id = '" + id + "'")).isEqualTo(1);
    }

    @Test
    void a_lost_answer_after_commit_is_reconciled_not_resent() {
        sim().faults().commitThenTimeout(1.0, 3_000);
        String id = submit(Events.bloodPressure(102));
        env.gateway().await(id, s -> s.at("/operations/0/state").asText().equals("UNKNOWN"), java.time.Duration.ofSeconds(10));
        sim().faults().clear();

        JsonNode status = env.gateway().awaitSettled(id);

        assertThat(status.at("/operations/0/state").asText()).isEqualTo("VERIFIED");
        assertThat(sim().countWithIdentifier(WriteContext.IDENTIFIER_SYSTEM, operationKey(status, 0))).isEqualTo(1);
        assertThat(status.at("/operations/0/sends").asInt()).isEqualTo(1);
        assertThat(status.at("/operations/0/attempts").findValuesAsText("outcome"))
                .containsExactly("unknown", "found", "verified");
        // The claim that recorded UNKNOWN gave its lease back and ended there: only the next claim, after the
        // reconcile delay, searched.
        String key = operationKey(status, 0);
        assertThat(sim().stats().journal().all()).filteredOn(r -> r.method().equals("GET")
                && r.pathAndQuery().contains(key)).as("searches for the write").hasSize(1);
    }

    @Test
    void a_503_with_retry_after_is_retried_no_sooner_and_lands_once() {
        sim().faults().errorRate(1.0, 503, 1, true);
        String id = submit(Events.bloodPressure(103));
        env.gateway().await(id, s -> s.at("/operations/0/state").asText().equals("RETRY_WAIT"), java.time.Duration.ofSeconds(10));
        sim().faults().clear();

        JsonNode status = env.gateway().awaitSettled(id);

        assertThat(status.at("/operations/0/state").asText()).isEqualTo("VERIFIED");
        JsonNode first = status.at("/operations/0/attempts/0");
        assertThat(first.get("outcome").asText()).isEqualTo("retryable");
        assertThat(first.get("httpStatus").asInt()).isEqualTo(503);
        assertThat(first.get("errorClass").asText()).isEqualTo("TRANSIENT");
        java.time.Instant answered = java.time.Instant.parse(first.get("startedAt").asText())
                .plusMillis(first.get("durationMs").asLong());
        java.time.Instant resent = java.time.Instant.parse(status.at("/operations/0/attempts/1/startedAt").asText());
        assertThat(java.time.Duration.between(answered, resent)).as("sent again after Retry-After: 1")
                .isGreaterThanOrEqualTo(java.time.Duration.ofSeconds(1));
        assertThat(sim().countWithIdentifier(WriteContext.IDENTIFIER_SYSTEM, operationKey(status, 0))).isEqualTo(1);
    }

    @Test
    void a_search_answered_503_with_retry_after_is_repeated_no_sooner() {
        int stored = sim().resources("Observation").size();
        sim().faults().commitThenTimeout(1.0, 3_000);
        String id = submit(Events.bloodPressure(109));
        // The write is stored and its answer held back: the search that follows, and every request after it, is
        // answered 503 with Retry-After: 1, longer than any retry delay of this gateway (500 ms at most), so a
        // search sooner than 1 s would be the gateway's own pace, not the EHR's.
        while (sim().resources("Observation").size() == stored) {
            TestGateway.sleep(20);
        }
        sim().faults().clear();
        sim().faults().errorRate(1.0, 503, 1, false);
        JsonNode unknown = env.gateway().await(id, s -> s.at("/operations/0/state").asText().equals("UNKNOWN"),
                java.time.Duration.ofSeconds(10));
        String key = operationKey(unknown, 0);
        java.util.function.Supplier<List<java.time.Instant>> searches = () -> sim().stats().journal().all().stream()
                .filter(r -> r.method().equals("GET") && r.pathAndQuery().contains(key))
                .map(dev.chartbridge.simulators.RecordedRequest::receivedAt).toList();
        while (searches.get().size() < 2) {
            TestGateway.sleep(20);
        }
        sim().faults().clear();

        JsonNode status = env.gateway().awaitSettled(id);

        assertThat(status.at("/operations/0/state").asText()).isEqualTo("VERIFIED");
        assertThat(sim().countWithIdentifier(WriteContext.IDENTIFIER_SYSTEM, key)).isEqualTo(1);
        JsonNode failed = status.at("/operations/0/attempts/1");
        assertThat(failed.get("step").asText()).isEqualTo("RECONCILE");
        assertThat(failed.get("outcome").asText()).isEqualTo("undetermined");
        assertThat(failed.get("httpStatus").asInt()).isEqualTo(503);
        List<java.time.Instant> at = searches.get();
        assertThat(java.time.Duration.between(at.get(0), at.get(1))).as("searched again after Retry-After: 1")
                .isGreaterThanOrEqualTo(java.time.Duration.ofSeconds(1));
    }

    @Test
    void a_field_the_ehr_drops_silently_makes_the_write_modified_with_the_field_named() {
        sim().faults().dropFields("Observation", "component");
        JsonNode status = env.gateway().awaitSettled(submit(Events.bloodPressure(104)));
        sim().faults().clear();

        assertThat(status.get("status").asText()).isEqualTo("needs-review");
        assertThat(status.at("/operations/0/state").asText()).isEqualTo("MODIFIED");
        assertThat(status.at("/operations/0/errorDetail").asText()).isEqualTo("the EHR dropped or altered: component");
    }

    @Test
    void an_ambiguous_patient_goes_to_review_naming_the_candidates_never_guessed() {
        ObjectNode event = Events.bloodPressure(105);
        ((ObjectNode) event.at("/patient/identifiers/0")).put("value", SeedData.MRN_AMBIGUOUS);
        event.remove("encounter");

        JsonNode status = env.gateway().awaitSettled(submit(event));

        assertThat(status.at("/operations/0/state").asText()).as("%s", status).isEqualTo("NEEDS_REVIEW");
        assertThat(status.at("/operations/0/attempts/0/outcome").asText()).isEqualTo("needs-review");
        assertThat(status.at("/operations/0/errorDetail").asText())
                .startsWith("not sent: INVALID [ambiguous]: 2 records (patient) match the identifier (system "
                        + SeedData.MRN_SYSTEM + "); refusing to guess between")
                .contains("Patient/" + SeedData.PATIENT_LEE_A, "Patient/" + SeedData.PATIENT_LEE_B);
        assertThat(sim().resourcesForPatient(SeedData.PATIENT_LEE_A)).isEmpty();
        assertThat(sim().resourcesForPatient(SeedData.PATIENT_LEE_B)).isEmpty();
    }

    @Test
    void a_refusal_by_the_ehr_keeps_its_reason_and_is_not_retried() {
        sim().faults().errorRate(1.0, 500, null, true);
        String id = submit(Events.bloodPressure(106));
        // 500 after sending is an unknown outcome: the gateway searches before anything else.
        JsonNode status = env.gateway().await(id, s -> s.at("/operations/0/attempts").size() >= 2,
                java.time.Duration.ofSeconds(10));
        sim().faults().clear();
        assertThat(status.at("/operations/0/attempts/0/outcome").asText()).isEqualTo("unknown");
        assertThat(status.at("/operations/0/attempts/1/step").asText()).isEqualTo("RECONCILE");
        assertThat(env.gateway().awaitSettled(id).at("/operations/0/state").asText()).isEqualTo("VERIFIED");
    }

    @Test
    void a_write_that_keeps_getting_503_is_dead_after_the_capped_number_of_sends_and_kept() {
        sim().faults().errorRate(1.0, 503, null, true);
        JsonNode status = env.gateway().awaitSettled(submit(Events.bloodPressure(107)));
        sim().faults().clear();

        assertThat(status.get("status").asText()).isEqualTo("failed");
        assertThat(status.at("/operations/0/state").asText()).isEqualTo("DEAD");
        assertThat(status.at("/operations/0/sends").asInt()).isEqualTo(6);
        assertThat(status.at("/operations/0/attempts").findValuesAsText("outcome"))
                .containsExactly("retryable", "retryable", "retryable", "retryable", "retryable", "dead");
        assertThat(sim().resources("Observation").stream()
                .filter(r -> ((Observation) r).getComponentFirstRep().getValueQuantity().getValue().intValue() == 117))
                .isEmpty();
        assertThat(env.pg().count("SELECT count(*) FROM outbox o JOIN write_operation w ON w.id = o.operation_id"
                + " WHERE w.state = 'DEAD'")).isZero();
    }

    @Test
    void a_400_from_the_ehr_is_rejected_at_once_with_its_reason() {
        sim().faults().errorRate(1.0, 400, null, true);
        JsonNode status = env.gateway().awaitSettled(submit(Events.bloodPressure(108)));
        sim().faults().clear();

        assertThat(status.at("/operations/0/state").asText()).isEqualTo("REJECTED");
        assertThat(status.at("/operations/0/sends").asInt()).isEqualTo(1);
        assertThat(status.at("/operations/0/errorClass").asText()).isEqualTo("INVALID");
        assertThat(status.at("/operations/0/attempts/0/httpStatus").asInt()).isEqualTo(400);
    }

    @Test
    void under_lost_answers_and_resets_every_write_lands_exactly_once() {
        sim().faults().commitThenTimeout(0.25, 2_500).commitThenReset(0.1).resetBeforeCommit(0.1, true);
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 60; i++) {
            ids.add(submit(Events.bloodPressureSpread(3000 + i)));
        }
        for (String id : ids) {
            JsonNode status = env.gateway().awaitSettled(id);
            assertThat(status.at("/operations/0/state").asText()).as("%s", status).isEqualTo("VERIFIED");
            assertThat(sim().countWithIdentifier(WriteContext.IDENTIFIER_SYSTEM, operationKey(status, 0)))
                    .isEqualTo(1);
        }
        sim().faults().clear();
        assertThat(env.pg().count("SELECT count(*) FROM delivery_attempt WHERE outcome = 'unknown'")).isPositive();
    }
}
