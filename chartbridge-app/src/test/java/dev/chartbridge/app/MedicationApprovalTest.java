package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.simulators.fhir.SeedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpRequest;

import static org.assertj.core.api.Assertions.assertThat;

/** A medication change waits for a second clinician's approval; nothing reaches the EHR before it. */
class MedicationApprovalTest {
    @RegisterExtension
    static GatewayExtension env = new GatewayExtension("approval-node", t -> t);

    private static ApiClient.Answer approve(String eventId, String npi, String role) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("approverNpi", npi).put("role", role)
                .put("statement", "Reviewed dose and interactions; approved.");
        return env.gateway().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + env.gateway().gateway().port()
                        + "/v1/events/" + eventId + "/approvals"))
                .header("Authorization", "Bearer " + TestGateway.KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(TestGateway.bytes(body))).build());
    }

    @Test
    void a_medication_change_is_held_until_a_second_clinician_approves_it() {
        ApiClient.Answer accepted = env.gateway().submit(Events.of("medication-change"), "med-1");
        assertThat(accepted.status()).isEqualTo(202);
        String id = accepted.body().get("id").asText();
        assertThat(accepted.body().at("/operations/0/state").asText()).isEqualTo("AWAITING_APPROVAL");
        // Held: not in the queue at all (asserted below), so no wait can show anything else.
        assertThat(env.gateway().status(id).body().get("status").asText()).isEqualTo("awaiting-approval");
        assertThat(env.ehr().resources("MedicationRequest")).isEmpty();
        assertThat(env.pg().count("SELECT count(*) FROM outbox o JOIN write_operation w ON w.id = o.operation_id"
                + " WHERE w.event_id = '" + id + "'")).isZero();

        ApiClient.Answer self = approve(id, SeedData.NPI_ADA, "physician");
        assertThat(self.status()).isEqualTo(422);
        assertThat(self.body().at("/errors/0/pointer").asText()).isEqualTo("/approverNpi");

        ApiClient.Answer approved = approve(id, SeedData.NPI_SAMUEL, "pharmacist");
        assertThat(approved.status()).isEqualTo(200);
        assertThat(approved.body().get("released").asInt()).isEqualTo(1);

        JsonNode status = env.gateway().awaitSettled(id);
        assertThat(status.at("/operations/0/state").asText()).isEqualTo("VERIFIED");
        assertThat(env.ehr().resources("MedicationRequest")).hasSize(1);
        assertThat(status.get("timeline").findValuesAsText("action"))
                .containsSubsequence("event.accepted", "approval.refused", "event.approved", "operation.created");
        JsonNode approval = status.get("timeline").findParents("action").stream()
                .filter(e -> e.get("action").asText().equals("event.approved")).findFirst().orElseThrow();
        assertThat(approval.get("detail").asText()).contains("\"approverNpi\":\"" + SeedData.NPI_SAMUEL + "\"");

        assertThat(approve(id, SeedData.NPI_SAMUEL, "pharmacist").status()).isEqualTo(409);
    }

    @Test
    void a_medical_assistant_may_not_author_a_medication_change() {
        ObjectNode event = Events.of("medication-change");
        ((ObjectNode) event.get("author")).put("role", "medical-assistant");
        ApiClient.Answer refused = env.gateway().submit(event, "med-2");
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.body().at("/errors/0/pointer").asText()).isEqualTo("/author/role");
        assertThat(env.pg().count("SELECT count(*) FROM clinical_event WHERE idempotency_key = 'med-2'")).isZero();
    }
}
