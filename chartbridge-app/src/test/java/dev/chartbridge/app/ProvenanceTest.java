package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.simulators.RecordedRequest;
import dev.chartbridge.simulators.epic.EpicSeed;
import dev.chartbridge.simulators.epic.EpicSimulator;
import dev.chartbridge.simulators.fhir.FhirSimulator;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * AI provenance travels with the write where the EHR keeps it (issue #6): an attested AI-assisted note to a
 * standard FHIR server is followed by exactly one Provenance of the note's version, with the attesting clinician,
 * the model and prompt, and the transcript; a lost answer to it is reconciled, never resent; it is not sent while
 * the note is not in the EHR; shadow mode shows it without sending it; a human-written note gets none; and Epic,
 * which takes no Provenance, gets the note alone while the event's record says the provenance is kept locally.
 */
class ProvenanceTest {
    private static final String EPIC_CLIENT = "chartbridge-provenance";
    private static final String EPIC_TARGET = "epic";
    private static final String TRANSCRIPT = "sha256:9f2c1a7be0d3c54e8a61f0b2d7c9e4a3b5f6081d2e3c4b5a69788796a5b4c3d2";
    private static final EpicSimulator EPIC = EpicSimulator.start();

    @RegisterExtension
    static GatewayExtension node = new GatewayExtension("provenance-node", t -> new GatewayConfig.TenantConfig(t.id(),
            t.name(), t.apiKeys(), List.of(t.connections().get(0), new GatewayConfig.ConnectionConfig(EPIC_TARGET,
            "epic", EPIC.baseUrl(), EPIC.tokenUrl(), EPIC_CLIENT, null, null, null, null, null, null, null,
            List.of("note"), 4, 3_000L))));
    static TestGateway gateway;

    @BeforeAll
    static void registerWithEpic() {
        gateway = node.gateway();
        EPIC.registerClient(EPIC_CLIENT, "http://127.0.0.1:" + gateway.gateway().port() + "/.well-known/jwks.json",
                "system/Patient.s", "system/Encounter.s", "system/DocumentReference.crs");
    }

    @AfterAll
    static void stopEpic() {
        EPIC.close();
    }

    private static FhirSimulator ehr() {
        return node.ehr();
    }

    /** The published AI-assisted, attested note, made distinct from every other test's by its title. */
    private static ObjectNode aiNote(String title) {
        ObjectNode note = Events.of("note");
        ((ObjectNode) note.get("payload")).put("title", title);
        return note;
    }

    private static JsonNode accepted(ObjectNode event, String key) {
        ApiClient.Answer a = gateway.submit(event, key);
        assertThat(a.status()).as("%s", a.body()).isEqualTo(202);
        return a.body();
    }

    private static JsonNode operation(JsonNode status, String resourceType) {
        return StreamSupport.stream(status.get("operations").spliterator(), false)
                .filter(o -> o.get("resourceType").asText().equals(resourceType)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + resourceType + " operation: " + status));
    }

    private static String operationKey(String operationId) {
        return node.pg().text("SELECT operation_key FROM write_operation WHERE id = '"
                + java.util.UUID.fromString(operationId) + "'");
    }

    private static List<String> actions(JsonNode status, String operationId) {
        List<String> out = new ArrayList<>();
        status.get("timeline").forEach(e -> {
            if (operationId == null || operationId.equals(e.path("operationId").asText())) {
                out.add(e.get("action").asText());
            }
        });
        return out;
    }

    private static List<String> writes(List<RecordedRequest> journal) {
        return journal.stream().filter(r -> r.method().equals("POST") || r.method().equals("PUT"))
                .map(r -> r.method() + " " + r.pathAndQuery().replaceFirst("^.*/fhir/", "")).toList();
    }

    private static Provenance onlyProvenance() {
        assertThat(ehr().resources("Provenance")).as("Provenances in the EHR").hasSize(1);
        return (Provenance) ehr().resources("Provenance").get(0);
    }

    private static String review(String operationId, String action, String reason) {
        ApiClient.Answer a = gateway.reviewAction(operationId, Json.MAPPER.createObjectNode().put("action", action)
                .put("actor", "user-77").put("reason", reason).toString());
        assertThat(a.status()).as("%s", a.body()).isEqualTo(200);
        return a.body().get("state").asText();
    }

    @Test
    void an_attested_ai_note_is_followed_by_one_provenance_of_the_version_written() {
        JsonNode accepted = accepted(aiNote("Provenance sent"), "ai-note");
        assertThat(accepted.get("operations").findValuesAsText("resourceType"))
                .containsExactly("DocumentReference", "Provenance");

        JsonNode status = gateway.awaitSettled(accepted.get("id").asText());

        assertThat(status.get("status").asText()).isEqualTo("delivered");
        JsonNode note = operation(status, "DocumentReference");
        JsonNode prov = operation(status, "Provenance");
        assertThat(note.get("state").asText()).isEqualTo("VERIFIED");
        assertThat(prov.get("state").asText()).isEqualTo("VERIFIED");
        assertThat(prov.get("part").asInt()).as("after the note's part").isEqualTo(1);
        assertThat(prov.get("sends").asInt()).isEqualTo(1);
        assertThat(prov.get("attempts").findValuesAsText("outcome")).containsExactly("created", "verified");
        assertThat(ehr().resources("DocumentReference")).hasSize(1);
        assertThat(ehr().countWithIdentifier(WriteContext.IDENTIFIER_SYSTEM, operationKey(note.get("id").asText())))
                .isEqualTo(1);

        Provenance sent = onlyProvenance();
        String written = "DocumentReference/" + note.get("remoteId").asText() + "/_history/"
                + note.get("remoteVersion").asText();
        assertThat(sent.getTarget()).extracting(Reference::getReference).containsExactly(written);
        assertThat(((DocumentReference) ehr().read("DocumentReference/" + note.get("remoteId").asText()).orElseThrow())
                .getMeta().getVersionId()).isEqualTo(note.get("remoteVersion").asText());
        assertThat(sent.getIdElement().getIdPart()).isEqualTo(prov.get("remoteId").asText());
        assertThat(sent.getMeta().getTag()).anySatisfy(t -> {
            assertThat(t.getSystem()).isEqualTo(WriteContext.IDENTIFIER_SYSTEM);
            assertThat(t.getCode()).isEqualTo(operationKey(prov.get("id").asText()));
        });
        assertThat(sent.getRecorded().toInstant()).as("the attestation")
                .isEqualTo(Instant.parse("2026-11-20T09:41:00Z"));
        assertThat(sent.getAgent()).extracting(a -> a.getType().getCodingFirstRep().getCode() + " "
                        + a.getWho().getIdentifier().getValue())
                .containsExactly("author 1234567893", "assembler scribe-llm-2026-10", "verifier 1234567893");
        assertThat(sent.getAgent().get(1).getWho().getDisplay()).contains("soap-v7");
        assertThat(sent.getEntityFirstRep().getRole()).isEqualTo(Provenance.ProvenanceEntityRole.SOURCE);
        assertThat(sent.getEntityFirstRep().getWhat().getIdentifier().getValue()).isEqualTo(TRANSCRIPT);
        assertThat(sent.getSignatureFirstRep().getWho().getIdentifier().getValue()).isEqualTo("1234567893");
        assertThat(sent.getActivity().getText()).contains("3 edits").contains("attest");
        assertThat(new R4Validation().errors(sent)).as("valid R4").isEmpty();

        assertThat(writes(ehr().stats().journal().all())).as("the note first, then its Provenance, each once")
                .containsExactly("POST DocumentReference", "POST Provenance");
        assertThat(node.pg().count("SELECT count(*) FROM write_operation WHERE id = '" + prov.get("id").asText() + "'"
                + " AND resource_type = 'Provenance' AND part = 1 AND state = 'VERIFIED' AND remote_id = '"
                + sent.getIdElement().getIdPart() + "'")).as("the ledger row").isEqualTo(1);
        assertThat(node.pg().count("SELECT count(*) FROM audit_entry WHERE action = 'operation.created'"
                + " AND operation_id = '" + prov.get("id").asText() + "' AND detail LIKE '%\"remoteId\":\""
                + sent.getIdElement().getIdPart() + "\"%'")).as("the audit entry").isEqualTo(1);
        assertThat(actions(status, prov.get("id").asText()))
                .containsExactly("operation.held", "operation.released", "operation.created", "operation.verified");
        assertThat(actions(status, null)).doesNotContain("provenance.kept-locally");
    }

    @Test
    void lost_answers_to_the_note_and_its_provenance_are_reconciled_and_nothing_is_sent_twice() {
        ehr().faults().commitThenTimeout(1.0, 3_000);
        JsonNode status;
        try {
            status = gateway.await(accepted(aiNote("Provenance answer lost"), "ai-lost").get("id").asText(),
                    s -> s.get("status").asText().equals("delivered"), Duration.ofSeconds(30));
        } finally {
            ehr().faults().clear();
        }

        JsonNode prov = operation(status, "Provenance");
        assertThat(prov.get("attempts").findValuesAsText("outcome")).containsExactly("unknown", "found", "verified");
        assertThat(prov.get("sends").asInt()).isEqualTo(1);
        assertThat(operation(status, "DocumentReference").get("attempts").findValuesAsText("outcome"))
                .containsExactly("unknown", "found", "verified");
        Provenance sent = onlyProvenance();
        assertThat(sent.getIdElement().getIdPart()).isEqualTo(prov.get("remoteId").asText());
        assertThat(ehr().resources("DocumentReference")).hasSize(1);
        assertThat(writes(ehr().stats().journal().all())).containsExactly("POST DocumentReference", "POST Provenance");
        assertThat(ehr().stats().journal().all()).extracting(RecordedRequest::pathAndQuery)
                .anyMatch(q -> q.contains("Provenance?_tag="));
    }

    @Test
    void a_provenance_is_not_sent_while_its_note_is_in_review_and_is_sent_once_the_note_is_delivered() {
        ehr().faults().commitThenTimeout(1.0, 3_000);
        String eventId;
        try {
            eventId = accepted(aiNote("Provenance waits for review"), "ai-review").get("id").asText();
            Instant deadline = Instant.now().plusSeconds(10);
            while (ehr().resources("DocumentReference").isEmpty()) {
                assertThat(Instant.now()).as("the EHR stores the note").isBefore(deadline);
                TestGateway.sleep(10);
            }
            // The note's answer is lost; every search fails from now on, so the note goes to review.
            ehr().faults().clear();
            ehr().faults().errorRate(1.0, 500, null, false);
            gateway.await(eventId, s -> operation(s, "Provenance").get("state").asText().equals("NEEDS_REVIEW"),
                    Duration.ofSeconds(30));
        } finally {
            ehr().faults().clear();
        }
        JsonNode held = gateway.status(eventId).body();
        assertThat(held.get("status").asText()).isEqualTo("needs-review");
        JsonNode note = operation(held, "DocumentReference");
        JsonNode prov = operation(held, "Provenance");
        assertThat(note.get("state").asText()).isEqualTo("NEEDS_REVIEW");
        assertThat(prov.get("errorDetail").asText()).startsWith("not sent: the DocumentReference it describes")
                .contains(note.get("id").asText()).contains("is NEEDS_REVIEW, not in the EHR");
        assertThat(prov.get("sends").asInt()).isZero();
        assertThat(prov.get("attempts").findValuesAsText("outcome")).containsExactly("blocked");
        assertThat(ehr().resources("Provenance")).isEmpty();

        assertThat(review(note.get("id").asText(), "retry", "the EHR answers again")).isEqualTo("UNKNOWN");
        gateway.await(eventId, s -> operation(s, "DocumentReference").get("state").asText().equals("VERIFIED"),
                Duration.ofSeconds(30));
        assertThat(review(prov.get("id").asText(), "retry", "the note is in the chart now")).isEqualTo("DUE");
        JsonNode done = gateway.await(eventId, s -> s.get("status").asText().equals("delivered"),
                Duration.ofSeconds(30));

        JsonNode delivered = operation(done, "DocumentReference");
        assertThat(onlyProvenance().getTarget()).extracting(Reference::getReference).containsExactly(
                "DocumentReference/" + delivered.get("remoteId").asText() + "/_history/"
                        + delivered.get("remoteVersion").asText());
        assertThat(ehr().resources("DocumentReference")).hasSize(1);
        assertThat(operation(done, "Provenance").get("attempts").findValuesAsText("outcome"))
                .containsExactly("blocked", "created", "verified");
    }

    @Test
    void a_provenance_whose_note_was_refused_ends_rejected_without_being_sent() {
        ObjectNode note = aiNote("Provenance of a refused note");
        ((ObjectNode) note.at("/patient/identifiers/0")).put("value", "9999");
        note.remove("encounter");

        JsonNode status = gateway.awaitSettled(accepted(note, "ai-refused").get("id").asText());

        assertThat(status.get("status").asText()).isEqualTo("failed");
        assertThat(operation(status, "DocumentReference").get("state").asText()).isEqualTo("REJECTED");
        JsonNode prov = operation(status, "Provenance");
        assertThat(prov.get("state").asText()).isEqualTo("REJECTED");
        assertThat(prov.get("errorDetail").asText()).contains("ended REJECTED without being written");
        assertThat(prov.get("sends").asInt()).isZero();
        assertThat(ehr().resources("Provenance")).isEmpty();
    }

    @Test
    void shadow_mode_renders_the_provenance_and_sends_nothing() {
        ApiClient admin = gateway.admin();
        assertThat(admin.putReleaseControl("{\"target\":\"ehr\",\"eventType\":\"note\",\"mode\":\"shadow\"}").status())
                .isEqualTo(200);
        JsonNode status;
        try {
            JsonNode accepted = accepted(aiNote("Provenance in shadow"), "ai-shadow");
            assertThat(accepted.get("operations").findValuesAsText("shadow")).containsOnly("true");
            status = gateway.awaitSettled(accepted.get("id").asText());
        } finally {
            admin.putReleaseControl("{\"target\":\"ehr\",\"eventType\":\"note\",\"mode\":\"live\"}");
        }

        assertThat(status.get("status").asText()).isEqualTo("shadowed");
        JsonNode note = operation(status, "DocumentReference");
        JsonNode prov = operation(status, "Provenance");
        assertThat(prov.get("state").asText()).isEqualTo("SHADOWED");
        assertThat(prov.get("sends").asInt()).isZero();
        assertThat(prov.at("/rendered/method").asText()).isEqualTo("POST");
        assertThat(prov.at("/rendered/path").asText()).isEqualTo("Provenance");
        assertThat(prov.at("/rendered/headers/If-None-Exist").asText())
                .isEqualTo("_tag=" + WriteContext.IDENTIFIER_SYSTEM + "|" + operationKey(prov.get("id").asText()));
        assertThat(prov.at("/rendered/body").asText()).contains("\"resourceType\":\"Provenance\"")
                .contains("\"code\":\"verifier\"").contains(TRANSCRIPT)
                .contains("\"value\":\"" + operationKey(note.get("id").asText()) + "\"");
        assertThat(writes(ehr().stats().journal().all())).as("nothing written").isEmpty();
        assertThat(ehr().resources("Provenance")).isEmpty();
    }

    @Test
    void an_ai_drafted_medication_change_gets_its_provenance_after_the_approved_order() {
        ObjectNode change = Events.of("medication-change");
        change.set("provenance", Events.of("note").get("provenance").deepCopy());
        String eventId = accepted(change, "ai-medication").get("id").asText();
        assertThat(gateway.status(eventId).body().get("operations").findValuesAsText("state"))
                .containsOnly("AWAITING_APPROVAL");
        assertThat(gateway.approve(eventId).status()).isEqualTo(200);

        JsonNode status = gateway.awaitSettled(eventId);

        assertThat(status.get("status").asText()).as("%s", status).isEqualTo("delivered");
        JsonNode order = operation(status, "MedicationRequest");
        assertThat(onlyProvenance().getTarget()).extracting(Reference::getReference).containsExactly(
                "MedicationRequest/" + order.get("remoteId").asText() + "/_history/"
                        + order.get("remoteVersion").asText());
        assertThat(writes(ehr().stats().journal().all())).containsExactly("POST MedicationRequest", "POST Provenance");
    }

    @Test
    void a_note_written_without_ai_gets_no_provenance() {
        ObjectNode note = aiNote("Written by hand");
        note.set("provenance", Json.MAPPER.createObjectNode().put("aiAssisted", false));

        JsonNode accepted = accepted(note, "human-note");
        JsonNode status = gateway.awaitSettled(accepted.get("id").asText());

        assertThat(accepted.get("operations").findValuesAsText("resourceType")).containsExactly("DocumentReference");
        assertThat(status.get("status").asText()).isEqualTo("delivered");
        assertThat(ehr().resources("Provenance")).isEmpty();
        assertThat(actions(status, null)).doesNotContain("provenance.kept-locally");
    }

    @Test
    void epic_takes_the_note_alone_and_the_event_says_its_provenance_is_kept_locally() {
        ObjectNode note = aiNote("Provenance kept locally");
        note.putArray("targets").add(EPIC_TARGET);
        note.putObject("patient").putArray("identifiers").add(Json.MAPPER.createObjectNode()
                .put("system", EpicSeed.MRN_SYSTEM).put("value", EpicSeed.MRN_MARIA));
        note.putObject("encounter").set("identifier", Json.MAPPER.createObjectNode()
                .put("system", EpicSeed.CSN_SYSTEM).put("value", EpicSeed.CSN_MARIA_OPEN));

        JsonNode accepted = accepted(note, "ai-epic");
        JsonNode status = gateway.awaitSettled(accepted.get("id").asText());

        assertThat(accepted.get("operations").findValuesAsText("resourceType")).containsExactly("DocumentReference");
        assertThat(status.get("status").asText()).as("%s", status).isEqualTo("delivered");
        JsonNode kept = StreamSupport.stream(status.get("timeline").spliterator(), false)
                .filter(e -> e.get("action").asText().equals("provenance.kept-locally")).findFirst()
                .orElseThrow(() -> new AssertionError("no provenance.kept-locally: " + status.get("timeline")));
        JsonNode detail = tree(kept.get("detail").asText());
        assertThat(detail.get("target").asText()).isEqualTo(EPIC_TARGET);
        assertThat(detail.get("vendor").asText()).isEqualTo("epic");
        assertThat(detail.get("reason").asText()).contains("declares Provenance read only");
        assertThat(node.pg().count("SELECT count(*) FROM audit_entry WHERE action = 'provenance.kept-locally'"
                + " AND event_id = '" + accepted.get("id").asText() + "'")).isEqualTo(1);
        assertThat(writes(EPIC.stats().journal().all())).noneMatch(w -> w.contains("Provenance"));

        JsonNode capabilities = gateway.getWithKey("/v1/capabilities").body().get("connections");
        assertThat(capabilities.findValues("provenance")).extracting(p -> p.get("handling").asText())
                .containsExactlyInAnyOrder("fhir-resource", "local-only");
    }

    private static JsonNode tree(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
