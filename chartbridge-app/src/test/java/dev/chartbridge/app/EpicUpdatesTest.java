package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.simulators.RecordedRequest;
import dev.chartbridge.simulators.epic.EpicSeed;
import dev.chartbridge.simulators.epic.EpicSimulator;
import org.hl7.fhir.r4.model.DocumentReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Amendments on a vendor without versioning (Epic declares none): the gateway reads the record, compares it with
 * what it wrote, and writes without If-Match only when nothing else changed; an edit by "another user" in
 * between is caught by the comparison and goes to review with both sides. Epic takes no Condition update, which
 * intake refuses naming the vendor.
 */
class EpicUpdatesTest {
    private static final String CLIENT = "chartbridge-updates";

    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();

    static EpicSimulator epic;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        epic = EpicSimulator.start();
        GatewayConfig c = TestGateway.config(pg.url(), epic.baseUrl(), "epic-updates", TestGateway.fastDelivery(), 4);
        GatewayConfig.TenantConfig t = c.tenants().get(0);
        GatewayConfig.ConnectionConfig connection = new GatewayConfig.ConnectionConfig(TestGateway.TARGET, "epic",
                epic.baseUrl(), epic.tokenUrl(), CLIENT, null, null, null, null, null, null, null, null, 4, 3_000L);
        gateway = TestGateway.start(new GatewayConfig(c.database(), c.http(), c.delivery(), c.node(), c.security(),
                List.of(new GatewayConfig.TenantConfig(t.id(), t.name(), t.apiKeys(), List.of(connection)))));
        epic.registerClient(CLIENT, "http://127.0.0.1:" + gateway.gateway().port() + "/.well-known/jwks.json",
                "system/Patient.rs", "system/Encounter.rs", "system/DocumentReference.crus", "system/Condition.crs");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        epic.close();
    }

    private static ObjectNode note(int n) {
        ObjectNode e = Amendments.event("note", n);
        e.putObject("patient").putArray("identifiers").add(Json.MAPPER.createObjectNode()
                .put("system", EpicSeed.MRN_SYSTEM).put("value", EpicSeed.MRN_MARIA));
        e.putObject("encounter").set("identifier", Json.MAPPER.createObjectNode()
                .put("system", EpicSeed.CSN_SYSTEM).put("value", EpicSeed.CSN_MARIA_OPEN));
        return e;
    }

    @Test
    void an_unchanged_note_is_read_compared_and_amended_without_if_match() {
        ObjectNode note = note(11);
        JsonNode created = Amendments.deliver(gateway, note);
        assertThat(created.get("status").asText()).as(created.toString()).isEqualTo("delivered");
        String noteId = created.at("/operations/0/remoteId").asText();

        ObjectNode amended = Amendments.amending(note, created.get("id").asText());
        ((ObjectNode) amended.get("payload")).put("text", "Amended: recheck in 2 weeks.");
        JsonNode status = Amendments.deliver(gateway, amended);

        assertThat(status.at("/operations/0/state").asText()).as(status.toString()).isEqualTo("VERIFIED");
        List<RecordedRequest> calls = epic.stats().journal().all().stream()
                .filter(r -> r.pathAndQuery().contains("/DocumentReference/" + noteId)).toList();
        assertThat(calls).extracting(RecordedRequest::method).containsSubsequence("GET", "PUT");
        RecordedRequest put = calls.stream().filter(r -> r.method().equals("PUT")).findFirst().orElseThrow();
        assertThat(put.header("If-Match")).isNull();
        DocumentReference stored = (DocumentReference) epic.read("DocumentReference/" + noteId).orElseThrow();
        assertThat(new String(stored.getContentFirstRep().getAttachment().getData(), StandardCharsets.UTF_8))
                .isEqualTo("Amended: recheck in 2 weeks.");
    }

    @Test
    void another_users_edit_is_caught_by_the_comparison_and_goes_to_review_with_both_sides() {
        ObjectNode note = note(12);
        JsonNode created = Amendments.deliver(gateway, note);
        String noteId = created.at("/operations/0/remoteId").asText();
        epic.faults().concurrentEdit("DocumentReference/" + noteId);

        ObjectNode amended = Amendments.amending(note, created.get("id").asText());
        ((ObjectNode) amended.get("payload")).put("text", "Amended after someone else's edit.");
        JsonNode status = Amendments.deliver(gateway, amended);

        assertThat(status.at("/operations/0/state").asText()).isEqualTo("CONFLICT");
        JsonNode item = null;
        for (JsonNode i : gateway.review("?state=CONFLICT").body().get("items")) {
            if (i.get("id").asText().equals(status.at("/operations/0/id").asText())) {
                item = i;
            }
        }
        assertThat(item).isNotNull();
        assertThat(item.at("/conflict/remoteFields").toString()).contains("meta.tag");
        assertThat(item.at("/conflict/localFields").toString()).contains("content");
        assertThat(item.at("/conflict/remoteContent").asText()).contains("concurrent-edit");
        assertThat(epic.stats().journal().matching("PUT", "/interconnect-fhir-oauth/api/FHIR/R4/DocumentReference/"
                + noteId)).isEmpty();
    }

    @Test
    void a_condition_update_is_refused_at_intake_naming_epic_and_the_reason() {
        ObjectNode condition = note(13);
        condition.put("type", "condition");
        condition.set("payload", Events.of("condition").get("payload"));
        ((ObjectNode) condition.get("payload")).put("clinicalStatus", "resolved");
        condition.put("amends", "00000000-0000-4000-8000-000000000000");

        ApiClient.Answer a = gateway.submit(condition, null);

        assertThat(a.status()).isEqualTo(422);
        assertThat(a.body().at("/errors/0/pointer").asText()).isEqualTo("/targets/0");
        assertThat(a.body().at("/errors/0/detail").asText()).contains("epic cannot update a condition event")
                .contains("no Condition update");
    }
}
