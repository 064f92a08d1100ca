package dev.chartbridge.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.simulators.fhir.FhirSimulatorExtension;
import dev.chartbridge.simulators.fhir.SeedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where a tenant verifies its users, who an event names is the token's word (issue #15): the author must be the
 * verified user (or the clinician the token says the user acts for) with the role the token states, an AI note is
 * attested by the user only, an assertion is used once, and reads need a verified user too.
 */
class IdentityBoundToTokenTest {
    /** A medical assistant of the clinic (a valid NPI that is not Ada's or Samuel's). */
    private static final String NPI_MA = "1356427389";

    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();
    @RegisterExtension
    static FhirSimulatorExtension ehr = new FhirSimulatorExtension();

    static final TestIdentityProvider idp = new TestIdentityProvider();
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.startWith(pg.url(), ehr.simulator().baseUrl(), "identity-node", idp.tenant(true));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static String ada() {
        return idp.assertion("ada.park", Map.of("npi", SeedData.NPI_ADA, "role", "physician"));
    }

    private static String medicalAssistant(Map<String, Object> more) {
        Map<String, Object> claims = new java.util.HashMap<>(Map.of("npi", NPI_MA, "role", "medical-assistant"));
        claims.putAll(more);
        return idp.assertion("max.assistant", claims);
    }

    private static ApiClient.Answer submit(ObjectNode event, String key, String userAssertion) {
        return gateway.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.gateway().port() + "/v1/events"))
                .header("Authorization", "Bearer " + TestGateway.KEY).header("Content-Type", "application/json")
                .header("Idempotency-Key", key).header("X-User-Assertion", userAssertion)
                .POST(HttpRequest.BodyPublishers.ofByteArray(TestGateway.bytes(event))).build());
    }

    @Test
    void a_medical_assistants_token_cannot_author_a_medication_order_as_a_physician() {
        ApiClient.Answer asAda = submit(Events.of("medication-change"), "id-ma-as-ada", medicalAssistant(Map.of()));
        assertThat(asAda.status()).isEqualTo(403);
        assertThat(asAda.body().at("/errors/0/pointer").asText()).isEqualTo("/author/npi");

        // Even naming the assistant's own NPI, the body cannot make the assistant a physician.
        ObjectNode ownNpi = Events.of("medication-change");
        ((ObjectNode) ownNpi.get("author")).put("npi", NPI_MA);
        ApiClient.Answer promoted = submit(ownNpi, "id-ma-promoted", medicalAssistant(Map.of()));
        assertThat(promoted.status()).isEqualTo(403);
        assertThat(promoted.body().at("/errors/0/pointer").asText()).isEqualTo("/author/role");
        assertThat(promoted.body().at("/errors/0/detail").asText()).contains("medical-assistant");

        assertThat(pg.count("SELECT count(*) FROM clinical_event WHERE idempotency_key LIKE 'id-ma-%'")).isZero();
        assertThat(pg.count("SELECT count(*) FROM audit_entry WHERE action = 'event.refused'"
                + " AND actor LIKE '%user:max.assistant%' AND detail LIKE '%not the verified user%'")).isEqualTo(2);
    }

    @Test
    void with_its_own_role_the_assistants_medication_order_meets_the_role_gate() {
        ObjectNode own = Events.of("medication-change");
        ((ObjectNode) own.get("author")).put("npi", NPI_MA).put("role", "medical-assistant");
        ApiClient.Answer refused = submit(own, "id-ma-own", medicalAssistant(Map.of()));
        assertThat(refused.status()).as("%s", refused.body()).isEqualTo(422);
        assertThat(refused.body().at("/errors/0/pointer").asText()).isEqualTo("/author/role");
    }

    @Test
    void an_ai_note_cannot_be_attested_in_another_persons_name() {
        // The assistant may draft for Ada (the token says so), but not attest as her.
        String onBehalf = medicalAssistant(Map.of("on_behalf_of",
                Map.of("npi", SeedData.NPI_ADA, "role", "physician")));
        ApiClient.Answer attested = submit(Events.of("note"), "id-note-by-ma", onBehalf);
        assertThat(attested.status()).isEqualTo(403);
        assertThat(attested.body().get("errors")).hasSize(1);
        assertThat(attested.body().at("/errors/0/pointer").asText()).isEqualTo("/provenance/attestation/byNpi");

        ApiClient.Answer byAda = submit(Events.of("note"), "id-note-by-ada", ada());
        assertThat(byAda.status()).as("%s", byAda.body()).isEqualTo(202);
        assertThat(pg.count("SELECT count(*) FROM clinical_event WHERE idempotency_key = 'id-note-by-ada'"))
                .isEqualTo(1);
    }

    @Test
    void a_delegation_the_token_states_lets_the_assistant_submit_for_the_physician() {
        ObjectNode vitals = Events.bloodPressure(41);
        String onBehalf = medicalAssistant(Map.of("on_behalf_of",
                Map.of("npi", SeedData.NPI_ADA, "role", "physician")));
        ApiClient.Answer accepted = submit(vitals, "id-vitals-for-ada", onBehalf);
        assertThat(accepted.status()).as("%s", accepted.body()).isEqualTo(202);
        assertThat(pg.count("SELECT count(*) FROM audit_entry WHERE action = 'event.accepted'"
                + " AND actor LIKE '%user:max.assistant%'")).isEqualTo(1);
    }

    @Test
    void an_assertion_is_accepted_once() {
        String once = ada();
        assertThat(submit(Events.bloodPressure(42), "id-once-1", once).status()).isEqualTo(202);
        ApiClient.Answer replayed = submit(Events.bloodPressure(43), "id-once-2", once);
        assertThat(replayed.status()).isEqualTo(401);
        assertThat(replayed.body().at("/errors/0/detail").asText()).contains("used before");
        assertThat(pg.count("SELECT count(*) FROM clinical_event WHERE idempotency_key = 'id-once-2'")).isZero();
        assertThat(pg.count("SELECT count(*) FROM user_token_seen WHERE expires_at > now()")).isPositive();
    }

    @Test
    void an_assertion_without_a_jti_is_refused() {
        String noJti = idp.assertion("ada.park", Map.of("npi", SeedData.NPI_ADA, "role", "physician",
                "jti", ""));
        ApiClient.Answer refused = submit(Events.bloodPressure(44), "id-no-jti", noJti);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.body().at("/errors/0/detail").asText()).contains("jti");
    }

    @Test
    void reads_need_a_verified_user_too() {
        String id = submit(Events.bloodPressure(45), "id-read", ada()).body().get("id").asText();
        assertThat(gateway.status(id).status()).isEqualTo(401);
        assertThat(gateway.getWithKey("/v1/audit").status()).isEqualTo(401);
        assertThat(gateway.review("").status()).isEqualTo(401);
        assertThat(gateway.getWithKey("/v1/release-controls").status()).isEqualTo(401);
        ApiClient asAda = new ApiClient(gateway.gateway().port(), TestGateway.KEY, IdentityBoundToTokenTest::ada);
        assertThat(asAda.status(id).status()).isEqualTo(200);
        assertThat(asAda.getWithKey("/v1/audit").status()).isEqualTo(200);
    }

    @Test
    void an_approval_needs_the_role_from_the_token() {
        ApiClient.Answer held = submit(Events.of("medication-change"), "id-med-held", ada());
        assertThat(held.status()).isEqualTo(202);
        ObjectNode approval = Json.MAPPER.createObjectNode().put("approverNpi", SeedData.NPI_SAMUEL)
                .put("role", "pharmacist").put("statement", "Reviewed dose and interactions; approved.");
        String roleless = idp.assertion("samuel.okafor", Map.of("npi", SeedData.NPI_SAMUEL));
        ApiClient.Answer refused = gateway.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + gateway.gateway().port() + "/v1/events/" + held.body().get("id").asText() + "/approvals"))
                .header("Authorization", "Bearer " + TestGateway.KEY).header("Content-Type", "application/json")
                .header("X-User-Assertion", roleless)
                .POST(HttpRequest.BodyPublishers.ofByteArray(TestGateway.bytes(approval))).build());
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.body().at("/errors/0/pointer").asText()).isEqualTo("/role");
    }
}
