package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The intake API over real HTTP and a real database: what is accepted, what is refused, and that refusals store nothing. */
class IntakeApiTest {
    @RegisterExtension
    static GatewayExtension env = new GatewayExtension("intake-node", t -> t);

    /** Rows intake writes and nothing else removes (outbox rows leave as the engine delivers, so they are not counted). */
    private long rows() {
        return env.pg().count("SELECT (SELECT count(*) FROM clinical_event) + (SELECT count(*) FROM write_operation)");
    }

    @Test
    void an_accepted_event_is_stored_with_its_operations_queue_rows_and_audit_entry_in_one_go() {
        TestGateway.Answer a = env.gateway().submit(Events.of("vitals"), "vitals-1");

        assertThat(a.status()).as("%s", a.body()).isEqualTo(202);
        String id = a.body().get("id").asText();
        assertThat(a.header("Location")).isEqualTo("/v1/events/" + id);
        assertThat(a.body().get("operations")).hasSize(2);
        assertThat(a.body().at("/operations/0/resourceType").asText()).isEqualTo("Observation");
        assertThat(env.pg().count("SELECT count(*) FROM write_operation WHERE event_id = '" + id + "'")).isEqualTo(2);
        assertThat(env.pg().count("SELECT count(*) FROM audit_entry WHERE event_id = '" + id
                + "' AND action = 'event.accepted'")).isEqualTo(1);
        assertThat(env.gateway().status(id).body().get("type").asText()).isEqualTo("vitals");
    }

    @Test
    void the_same_key_and_body_return_the_same_event_and_a_different_body_is_a_conflict() {
        ObjectNode event = Events.bloodPressure(1);
        TestGateway.Answer first = env.gateway().submit(event, "bp-key");
        TestGateway.Answer again = env.gateway().submit(event, "bp-key");
        ObjectNode changed = Events.bloodPressure(2);
        TestGateway.Answer conflict = env.gateway().submit(changed, "bp-key");

        assertThat(first.status()).isEqualTo(202);
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.body().get("id")).isEqualTo(first.body().get("id"));
        assertThat(again.body().get("replay").asBoolean()).isTrue();
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.body().get("type").asText()).endsWith("/idempotency-key-reused");
        assertThat(conflict.body().get("existingEventId")).isEqualTo(first.body().get("id"));
    }

    @Test
    void without_a_key_an_identical_body_is_the_same_event() {
        ObjectNode event = Events.bloodPressure(3);
        TestGateway.Answer first = env.gateway().submit(event, null);
        TestGateway.Answer again = env.gateway().submit(event, null);
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.body().get("id")).isEqualTo(first.body().get("id"));
    }

    @Test
    void identical_clinical_content_under_another_key_is_refused_as_a_duplicate() {
        ObjectNode event = Events.bloodPressure(4);
        TestGateway.Answer first = env.gateway().submit(event, "dup-a");
        long before = rows();
        TestGateway.Answer second = env.gateway().submit(event, "dup-b");

        assertThat(second.status()).isEqualTo(409);
        assertThat(second.body().get("type").asText()).endsWith("/duplicate-content");
        assertThat(second.body().get("existingEventId")).isEqualTo(first.body().get("id"));
        assertThat(rows()).isEqualTo(before);
    }

    @Test
    void an_invalid_event_gets_problem_json_naming_every_field_and_stores_nothing() {
        ObjectNode event = Events.of("note");
        event.put("occurredAt", "soon");
        ((ObjectNode) event.get("payload")).remove("text");
        ((ObjectNode) event.get("author")).put("role", "wizard");
        long before = rows();

        TestGateway.Answer a = env.gateway().submit(event, "bad-1");

        assertThat(a.status()).isEqualTo(400);
        assertThat(a.header("Content-Type")).startsWith("application/problem+json");
        assertThat(a.body().get("title").asText()).isEqualTo("Invalid event");
        assertThat(a.body().get("errors").findValuesAsText("pointer"))
                .containsExactlyInAnyOrder("/occurredAt", "/payload/text", "/author/role");
        assertThat(rows()).isEqualTo(before);
    }

    @Test
    void an_unknown_target_is_named_by_its_position() {
        ObjectNode event = Events.bloodPressure(5);
        event.putArray("targets").add("ehr").add("billing");
        TestGateway.Answer a = env.gateway().submit(event, "unknown-target");
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.body().at("/errors/0/pointer").asText()).isEqualTo("/targets/1");
        assertThat(a.body().at("/errors/0/detail").asText()).isEqualTo("is not an EHR connection of tenant acme");
    }

    @Test
    void malformed_json_is_a_400_on_the_body() {
        TestGateway.Answer a = env.gateway().submit("{\"type\":".getBytes(StandardCharsets.UTF_8), "application/json",
                null, TestGateway.KEY);
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.body().at("/errors/0/pointer").asText()).isEmpty();
        assertThat(a.body().at("/errors/0/detail").asText()).startsWith("the body is not valid JSON");
    }

    @Test
    void a_body_over_the_limit_is_413_and_a_wrong_content_type_is_415() {
        byte[] huge = new byte[1024 * 1024 + 10];
        java.util.Arrays.fill(huge, (byte) ' ');
        assertThat(env.gateway().submit(huge, "application/json", null, TestGateway.KEY).status()).isEqualTo(413);
        TestGateway.Answer form = env.gateway().submit("a=b".getBytes(), "application/x-www-form-urlencoded", null,
                TestGateway.KEY);
        assertThat(form.status()).isEqualTo(415);
        assertThat(form.body().get("status").asInt()).isEqualTo(415);
    }

    @Test
    void requests_without_a_valid_key_are_401_and_another_tenants_event_is_invisible() {
        byte[] body = TestGateway.bytes(Events.bloodPressure(6));
        TestGateway.Answer none = env.gateway().submit(body, "application/json", null, null);
        TestGateway.Answer wrong = env.gateway().submit(body, "application/json", null, "cbk_nope");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(wrong.status()).isEqualTo(401);

        assertThat(env.gateway().status(UUID.randomUUID().toString()).status()).isEqualTo(404);
    }

    @Test
    void an_event_naming_another_tenant_is_403() {
        ObjectNode event = Events.bloodPressure(7);
        event.put("tenant", "other");
        TestGateway.Answer a = env.gateway().submit(event, null);
        assertThat(a.status()).isEqualTo(403);
        assertThat(a.body().at("/errors/0/pointer").asText()).isEqualTo("/tenant");
    }

    @Test
    void an_invalid_idempotency_key_header_is_named() {
        TestGateway.Answer a = env.gateway().submit(Events.bloodPressure(8), "x".repeat(201));
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.body().at("/errors/0/pointer").asText()).isEqualTo("header:Idempotency-Key");
    }

    @Test
    void metrics_health_openapi_and_schema_are_served() {
        env.gateway().submit(Events.bloodPressure(9), null);
        TestGateway.Answer metrics = env.gateway().get("/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.text()).contains("chartbridge_events_total{outcome=\"accepted\"}");
        assertThat(env.gateway().get("/health/ready").body().get("status").asText()).isEqualTo("ready");
        JsonNode schema = env.gateway().get("/v1/schemas/clinical-event.json").body();
        assertThat(schema.get("$schema").asText()).contains("json-schema.org");
        TestGateway.Answer openapi = env.gateway().get("/openapi.yaml");
        assertThat(openapi.status()).isEqualTo(200);
        assertThat(openapi.text()).contains("/v1/events/{id}:");
    }

    @Test
    void capabilities_list_each_connection_of_the_tenant_with_what_it_takes() {
        TestGateway.Answer a = env.gateway().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + env.gateway().gateway().port() + "/v1/capabilities"))
                .header("Authorization", "Bearer " + TestGateway.KEY).GET().build());
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body().at("/connections/0/target").asText()).isEqualTo("ehr");
        assertThat(a.body().at("/connections/0/vendor").asText()).isEqualTo("fhir-r4");
        assertThat(a.body().at("/connections/0/eventTypes/vitals/call").asText()).isEqualTo("Observation.create");
    }
}
