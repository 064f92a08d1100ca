package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.chartbridge.app.config.GatewayConfig;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tenant with an identity provider: every request names its user in a JWT the gateway verifies, approvals must
 * come from the verified clinician, and a patient claim binds the request to that patient.
 */
class UserAssertionTest {
    private static final String ISSUER = "https://idp.acme.example";
    private static final String AUDIENCE = "chartbridge";

    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();
    @RegisterExtension
    static FhirSimulatorExtension ehr = new FhirSimulatorExtension();

    static RSAKey idpKey;
    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        idpKey = new RSAKeyGenerator(2048).keyID("idp-1").generate();
        Path jwks = Files.createTempFile("idp-jwks", ".json");
        jwks.toFile().deleteOnExit();
        Files.writeString(jwks, new JWKSet(idpKey.toPublicJWK()).toString());
        GatewayConfig.UserAssertionConfig users =
                new GatewayConfig.UserAssertionConfig(ISSUER, AUDIENCE, jwks.toString(), true);
        gateway = TestGateway.startWith(pg.url(), ehr.simulator().baseUrl(), "users-node",
                t -> new GatewayConfig.TenantConfig(t.id(), t.name(), t.apiKeys(), t.connections(), null, null, null, users));
    }

    /** Reads as Ada: the tenant requires a verified user for reads too, a fresh assertion each time. */
    private static ApiClient asAda() {
        return new ApiClient(gateway.gateway().port(), TestGateway.KEY, () -> {
            try {
                return ada();
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static String assertion(RSAKey key, String subject, String npi, String role, String patient,
                                    Instant expires) throws JOSEException {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject(subject)
                .issueTime(Date.from(Instant.now().minusSeconds(5))).expirationTime(Date.from(expires))
                .jwtID(UUID.randomUUID().toString()).claim("npi", npi).claim("role", role);
        if (patient != null) {
            claims.claim("patient", patient);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                claims.build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static String ada() throws JOSEException {
        return assertion(idpKey, "ada.park", SeedData.NPI_ADA, "physician", null, Instant.now().plusSeconds(300));
    }

    private static String samuel() throws JOSEException {
        return assertion(idpKey, "samuel.okafor", SeedData.NPI_SAMUEL, "pharmacist", null,
                Instant.now().plusSeconds(300));
    }

    private static HttpRequest.Builder post(String path, byte[] body, String userAssertion) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.gateway().port() + path))
                .header("Authorization", "Bearer " + TestGateway.KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        return userAssertion == null ? b : b.header("X-User-Assertion", userAssertion);
    }

    private static ApiClient.Answer submit(ObjectNode event, String key, String userAssertion) {
        return gateway.send(post("/v1/events", TestGateway.bytes(event), userAssertion)
                .header("Idempotency-Key", key).build());
    }

    private static ApiClient.Answer approve(String eventId, String npi, String role, String userAssertion) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("approverNpi", npi).put("role", role)
                .put("statement", "Reviewed dose and interactions; approved.");
        return gateway.send(post("/v1/events/" + eventId + "/approvals", TestGateway.bytes(body), userAssertion)
                .build());
    }

    @Test
    void a_request_without_a_verified_user_is_refused_and_stores_nothing() throws Exception {
        ApiClient.Answer missing = submit(Events.bloodPressure(1), "ua-refused-missing", null);
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.body().at("/errors/0/pointer").asText()).isEqualTo("header:X-User-Assertion");

        RSAKey impostor = new RSAKeyGenerator(2048).keyID("idp-1").generate();
        ApiClient.Answer forged = submit(Events.bloodPressure(2), "ua-refused-forged",
                assertion(impostor, "ada.park", SeedData.NPI_ADA, "physician", null, Instant.now().plusSeconds(300)));
        assertThat(forged.status()).isEqualTo(401);
        assertThat(forged.body().at("/errors/0/detail").asText()).contains("signature");

        ApiClient.Answer expired = submit(Events.bloodPressure(3), "ua-refused-expired",
                assertion(idpKey, "ada.park", SeedData.NPI_ADA, "physician", null, Instant.now().minusSeconds(120)));
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.body().at("/errors/0/detail").asText()).contains("expired");

        ApiClient.Answer tooLong = submit(Events.bloodPressure(4), "ua-refused-too-long",
                assertion(idpKey, "ada.park", SeedData.NPI_ADA, "physician", null, Instant.now().plus(Duration.ofHours(3))));
        assertThat(tooLong.status()).isEqualTo(401);

        assertThat(pg.count("SELECT count(*) FROM clinical_event WHERE idempotency_key LIKE 'ua-refused-%'")).isZero();
    }

    @Test
    void only_the_verified_second_clinician_can_release_a_medication_change() throws Exception {
        ApiClient.Answer accepted = submit(Events.of("medication-change"), "ua-med", ada());
        assertThat(accepted.status()).as("%s", accepted.body()).isEqualTo(202);
        String id = accepted.body().get("id").asText();

        // Ada's own token cannot pass for Samuel's approval, whatever the body claims.
        ApiClient.Answer posing = approve(id, SeedData.NPI_SAMUEL, "pharmacist", ada());
        assertThat(posing.status()).isEqualTo(422);
        assertThat(posing.body().at("/errors/0/pointer").asText()).isEqualTo("/approverNpi");
        assertThat(posing.body().at("/errors/0/detail").asText()).contains("verified user");
        assertThat(ehr.simulator().resources("MedicationRequest")).isEmpty();

        ApiClient.Answer approved = approve(id, SeedData.NPI_SAMUEL, "pharmacist", samuel());
        assertThat(approved.status()).isEqualTo(200);
        JsonNode status = asAda().awaitSettled(id);
        assertThat(status.at("/operations/0/state").asText()).isEqualTo("VERIFIED");
        assertThat(ehr.simulator().resources("MedicationRequest")).hasSize(1);

        assertThat(pg.count("SELECT count(*) FROM audit_entry WHERE action = 'approval.refused' AND event_id = '" + id
                + "' AND actor LIKE '%user:ada.park npi:" + SeedData.NPI_ADA + "' AND detail LIKE '%\"identity\":\"verified\"%'"))
                .isEqualTo(1);
        assertThat(pg.count("SELECT count(*) FROM audit_entry WHERE action = 'event.approved' AND event_id = '" + id
                + "' AND actor LIKE '%user:samuel.okafor npi:" + SeedData.NPI_SAMUEL + "'")).isEqualTo(1);
        assertThat(pg.count("SELECT count(*) FROM audit_entry WHERE action = 'event.accepted' AND event_id = '" + id
                + "' AND actor LIKE '%user:ada.park%'")).isEqualTo(1);
    }

    @Test
    void a_patient_claim_binds_the_request_to_that_patient() throws Exception {
        String boundToMario = assertion(idpKey, "ada.park", SeedData.NPI_ADA, "physician",
                SeedData.MRN_SYSTEM + "|" + SeedData.MRN_MARIO, Instant.now().plusSeconds(300));

        ApiClient.Answer refused = submit(Events.bloodPressure(5), "ua-other-patient", boundToMario);

        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.body().at("/errors/0/pointer").asText()).isEqualTo("/patient/identifiers");
        assertThat(pg.count("SELECT count(*) FROM clinical_event WHERE idempotency_key = 'ua-other-patient'")).isZero();
        assertThat(pg.count("SELECT count(*) FROM audit_entry WHERE action = 'event.refused'"
                + " AND actor LIKE '%user:ada.park%' AND detail LIKE '%bound to%'")).isEqualTo(1);

        String boundToMarioAgain = assertion(idpKey, "ada.park", SeedData.NPI_ADA, "physician",
                SeedData.MRN_SYSTEM + "|" + SeedData.MRN_MARIO, Instant.now().plusSeconds(300));
        ApiClient.Answer contradicting = gateway.send(post("/v1/events", TestGateway.bytes(Events.bloodPressure(6)),
                boundToMarioAgain).header("X-Patient-Context", SeedData.MRN_SYSTEM + "|" + SeedData.MRN_MARIA).build());
        assertThat(contradicting.status()).isEqualTo(400);
        assertThat(contradicting.body().at("/errors/0/pointer").asText()).isEqualTo("header:X-Patient-Context");
    }

    @Test
    void a_review_action_is_taken_by_the_verified_user_only() throws Exception {
        ehr.simulator().faults().dropFields("Observation", "component");
        ApiClient.Answer accepted = submit(Events.bloodPressure(7), "ua-review", ada());
        JsonNode status = asAda().awaitSettled(accepted.body().get("id").asText());
        ehr.simulator().faults().clear();
        assertThat(status.at("/operations/0/state").asText()).isEqualTo("MODIFIED");
        String operationId = status.at("/operations/0/id").asText();

        byte[] asAda = TestGateway.bytes(Json.MAPPER.createObjectNode().put("action", "discard")
                .put("actor", "ada.park").put("reason", "Re-entered by hand"));
        ApiClient.Answer posing = gateway.send(post("/v1/review/" + operationId + "/actions", asAda, samuel()).build());
        assertThat(posing.status()).isEqualTo(400);
        assertThat(posing.body().at("/errors/0/pointer").asText()).isEqualTo("/actor");

        ApiClient.Answer done = gateway.send(post("/v1/review/" + operationId + "/actions", asAda, ada()).build());
        assertThat(done.status()).as("%s", done.body()).isEqualTo(200);
        assertThat(pg.count("SELECT count(*) FROM audit_entry WHERE action = 'review.discard' AND operation_id = '"
                + operationId + "' AND actor LIKE '%user:ada.park%'")).isEqualTo(1);
    }
}
