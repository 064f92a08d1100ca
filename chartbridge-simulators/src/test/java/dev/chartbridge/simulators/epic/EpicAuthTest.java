package dev.chartbridge.simulators.epic;

import static dev.chartbridge.simulators.epic.EpicFixtures.bloodPressure;
import static dev.chartbridge.simulators.epic.EpicFixtures.json;
import static dev.chartbridge.simulators.epic.EpicFixtures.send;
import static dev.chartbridge.simulators.epic.EpicSeed.ENCOUNTER_MARIA_OPEN;
import static dev.chartbridge.simulators.epic.EpicSeed.PATIENT_MARIA;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chartbridge.simulators.auth.ClientAssertion;
import dev.chartbridge.simulators.auth.ClientRegistration;
import dev.chartbridge.simulators.auth.JwksServer;
import dev.chartbridge.simulators.auth.SmartAuth;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Epic's backend auth, scope checks and "API not enabled" answers. */
class EpicAuthTest {

  @RegisterExtension static final EpicSimulatorExtension EPIC = new EpicSimulatorExtension();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String GATEWAY = "gateway-backend";
  private static JwksServer jwks;

  @BeforeAll
  static void keys() {
    jwks = JwksServer.start();
  }

  @AfterAll
  static void stopKeys() {
    jwks.close();
  }

  private EpicSimulator sim() {
    return EPIC.simulator();
  }

  private String registerGateway(String... scopes) {
    sim().registerClient(GATEWAY, jwks.url(), scopes);
    return sim().tokenUrl();
  }

  private HttpResponse<String> createVitals(String token) throws Exception {
    return send("POST", sim().baseUrl() + "/Observation", token,
        json(bloodPressure(PATIENT_MARIA, ENCOUNTER_MARIA_OPEN, "e1")), Map.of());
  }

  @Test
  void rs384_assertion_with_jku_gets_an_hour_token_in_v1_spelling_that_can_write_vitals() throws Exception {
    String tokenUrl = registerGateway("system/Observation.crus", "system/Patient.rs");

    HttpResponse<String> response = jwks.assertion(GATEWAY, tokenUrl).post(tokenUrl, "system/Observation.c");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode token = JSON.readTree(response.body());
    assertThat(token.path("expires_in").asLong()).isEqualTo(3600);
    assertThat(token.path("scope").asText()).isEqualTo("system/Observation.write");
    assertThat(createVitals(token.path("access_token").asText()).statusCode()).isEqualTo(201);
    assertThat(sim().stats().count(SmartAuth.TOKEN_REQUESTS)).isEqualTo(1);
  }

  @Test
  void with_v1_spellings_off_the_v2_scope_comes_back_as_asked() throws Exception {
    try (EpicSimulator v2 = EpicSimulator.builder().grantV1Spellings(false).start()) {
      v2.registerClient(GATEWAY, jwks.url(), "system/Observation.crus");

      HttpResponse<String> response = jwks.assertion(GATEWAY, v2.tokenUrl()).post(v2.tokenUrl(), "system/Observation.c");

      assertThat(JSON.readTree(response.body()).path("scope").asText()).isEqualTo("system/Observation.c");
    }
  }

  @Test
  void an_assertion_without_jku_is_refused() throws Exception {
    String tokenUrl = registerGateway("system/Observation.crus");

    HttpResponse<String> response = jwks.assertion(GATEWAY, tokenUrl).jku(null).post(tokenUrl, null);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(response.body()).path("error").asText()).isEqualTo("invalid_client");
  }

  @Test
  void a_client_secret_is_not_accepted_for_backend_access() throws Exception {
    sim().auth().register(new ClientRegistration("secret-app", java.net.URI.create(jwks.url()), "pw",
        java.util.Set.of("system/Patient.rs")));

    HttpResponse<String> response = ClientAssertion.postForm(sim().tokenUrl(), Map.of("grant_type",
        "client_credentials", "client_id", "secret-app", "client_secret", "pw"), Map.of());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(response.body()).path("error").asText()).isEqualTo("invalid_client");
  }

  @Test
  void no_token_and_an_expired_token_get_401_with_www_authenticate() throws Exception {
    String token = EpicFixtures.token(sim());
    sim().auth().expire(token);

    HttpResponse<String> none = createVitals(null);
    HttpResponse<String> expired = createVitals(token);

    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
    assertThat(none.body()).contains("4118");
    assertThat(expired.statusCode()).isEqualTo(401);
    assertThat(expired.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
        v -> assertThat(v).contains("invalid_token"));
    assertThat(sim().resources("Observation")).isEmpty();
  }

  @Test
  void a_token_without_the_create_scope_gets_403_with_an_empty_body() throws Exception {
    registerGateway("system/Observation.rs");
    String token = sim().issueToken(GATEWAY, "system/Observation.rs");

    HttpResponse<String> response = createVitals(token);

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).isEmpty();
    assertThat(send("GET", sim().baseUrl() + "/Observation?patient=" + PATIENT_MARIA + "&category=vital-signs",
        token, null, Map.of())
        .statusCode()).isEqualTo(200);
  }

  @Test
  void writes_the_capability_statement_does_not_declare_get_403_with_an_empty_body() throws Exception {
    String token = EpicFixtures.token(sim());
    String task = "{\"resourceType\":\"Task\",\"status\":\"requested\",\"intent\":\"order\"}";
    String medication = "{\"resourceType\":\"MedicationRequest\",\"status\":\"active\",\"intent\":\"order\","
        + "\"subject\":{\"reference\":\"Patient/" + PATIENT_MARIA + "\"}}";
    String consent = "{\"resourceType\":\"Consent\",\"id\":\"c1\",\"status\":\"active\"}";

    HttpResponse<String> taskCreate = send("POST", sim().baseUrl() + "/Task", token, task, Map.of());
    HttpResponse<String> medicationCreate = send("POST", sim().baseUrl() + "/MedicationRequest", token, medication,
        Map.of());
    HttpResponse<String> consentUpdate = send("PUT", sim().baseUrl() + "/Consent/c1", token, consent, Map.of());

    for (HttpResponse<String> response : java.util.List.of(taskCreate, medicationCreate, consentUpdate)) {
      assertThat(response.statusCode()).isEqualTo(403);
      assertThat(response.body()).isEmpty();
    }
    // Task update is declared: it gets past the door and is answered by the FHIR layer (no such Task)
    assertThat(send("PUT", sim().baseUrl() + "/Task/t1", token,
        "{\"resourceType\":\"Task\",\"id\":\"t1\",\"status\":\"requested\",\"intent\":\"order\"}", Map.of())
        .statusCode()).isEqualTo(404);
    assertThat(sim().stats().creates()).isZero();
  }

  @Test
  void metadata_is_epics_published_capability_statement_without_a_token() throws Exception {
    HttpResponse<String> response = send("GET", sim().baseUrl() + "/metadata", null, null, Map.of());

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode statement = JSON.readTree(response.body());
    assertThat(statement.path("copyright").asText()).contains("Epic");
    assertThat(statement.path("rest").get(0).path("resource").size()).isEqualTo(59);
  }

  @Test
  void smart_configuration_is_epics_with_this_servers_token_endpoint() throws Exception {
    HttpResponse<String> response = send("GET", sim().baseUrl() + "/.well-known/smart-configuration", null, null,
        Map.of());

    JsonNode config = JSON.readTree(response.body());
    assertThat(config.path("token_endpoint").asText()).isEqualTo(sim().tokenUrl());
    assertThat(config.path("token_endpoint_auth_methods_supported").toString()).contains("private_key_jwt");
  }

  @Test
  void token_endpoint_outage_answers_503_while_issued_tokens_keep_working() throws Exception {
    String tokenUrl = registerGateway("system/Observation.crus");
    String token = sim().issueToken(GATEWAY, "system/Observation.c");
    sim().auth().tokenEndpointOutage(true);

    HttpResponse<String> response = jwks.assertion(GATEWAY, tokenUrl).post(tokenUrl, null);

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(createVitals(token).statusCode()).isEqualTo(201);
    assertThat(sim().stats().count(SmartAuth.TOKEN_REFUSALS)).isEqualTo(1);
  }
}
