package dev.chartbridge.simulators.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.chartbridge.simulators.Faults;
import dev.chartbridge.simulators.SimulatorServer;
import dev.chartbridge.simulators.SimulatorStats;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shared token infrastructure over real HTTP: a token endpoint and a bearer-protected API on a
 * {@link SimulatorServer}, and the client's JWKS served by the test.
 */
class SmartAuthTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final String CLIENT = "gateway-backend";
  private static final String SECRET_CLIENT = "gateway-secret";

  private static JwksServer jwks;
  private static SimulatorStats stats;
  private static SmartAuth auth;
  private static SimulatorServer server;

  @BeforeAll
  static void start() {
    jwks = JwksServer.start();
    stats = new SimulatorStats();
    SimulatorServer[] self = new SimulatorServer[1];
    auth = new SmartAuth(AuthPolicy.builder().requireJku(true).clientSecret(true).grantV1Spellings(true)
        .tokenRequestsPerMinute(20).build(), stats, Clock.systemUTC(),
        () -> self[0].origin() + "/oauth2/token");
    server = SimulatorServer.builder()
        .api("/api", new ProtectedApi())
        .faults(new Faults(reference -> "1"))
        .stats(stats)
        .controlRoutes(routes -> {
          routes.post("/oauth2/token", auth.tokenEndpoint());
          new AuthControlRoutes(auth).register(routes);
        })
        .start();
    self[0] = server;
  }

  @AfterAll
  static void stop() {
    server.close();
    jwks.close();
  }

  @BeforeEach
  void resetAuth() {
    auth.reset();
    stats.reset();
    auth.register(ClientRegistration.withJwks(CLIENT, jwks.url(), "system/Observation.crs", "system/Patient.rs"));
    auth.register(ClientRegistration.withSecret(SECRET_CLIENT, "s3cret:+", "system/Patient.read"));
  }

  /** An API that answers 200 to whatever the bearer check grants, else the check's status. */
  private static final class ProtectedApi extends HttpServlet {
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
      String type = request.getPathInfo().substring(1).split("/")[0];
      BearerCheck check = auth.check(request.getHeader("Authorization"), type,
          Interaction.of(request.getMethod(), request.getPathInfo()));
      response.setStatus(check.status());
      if (check.wwwAuthenticate() != null) {
        response.setHeader("WWW-Authenticate", check.wwwAuthenticate());
      }
    }
  }

  private String tokenUrl() {
    return auth.tokenUrl();
  }

  private ClientAssertion assertion() {
    return jwks.assertion(CLIENT, tokenUrl());
  }

  private static JsonNode body(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  private HttpResponse<String> api(String method, String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.origin() + "/api" + path))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private void assertRefused(HttpResponse<String> response, int status, String error) throws IOException {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(body(response).path("error").asText()).isEqualTo(error);
    assertThat(body(response).path("error_description").asText()).isNotBlank();
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("json"));
  }

  @Test
  void valid_assertion_gets_a_bearer_token_with_the_policy_lifetime_and_granted_scopes() throws Exception {
    HttpResponse<String> response = assertion().post(tokenUrl(), "system/Observation.c system/Patient.rs");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode token = body(response);
    assertThat(token.path("token_type").asText()).isEqualTo("Bearer");
    assertThat(token.path("expires_in").asLong()).isEqualTo(3600);
    // v1 spellings switched on: what was asked as v2 comes back as v1
    assertThat(token.path("scope").asText()).isEqualTo("system/Observation.write system/Patient.read");
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(api("POST", "/Observation", token.path("access_token").asText()).statusCode()).isEqualTo(200);
    assertThat(stats.count(SmartAuth.TOKEN_REQUESTS)).isEqualTo(1);
    assertThat(stats.count(SmartAuth.TOKENS_ISSUED)).isEqualTo(1);
    assertThat(jwks.fetches()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void an_alg_other_than_rs384_is_refused() throws Exception {
    assertRefused(assertion().alg(JWSAlgorithm.RS256).post(tokenUrl(), null), 401, "invalid_client");
    assertThat(stats.count(SmartAuth.TOKEN_REFUSALS)).isEqualTo(1);
    assertThat(auth.tokens()).isEmpty();
  }

  @Test
  void a_jku_other_than_the_registered_jwks_url_is_refused() throws Exception {
    assertRefused(assertion().jku("http://127.0.0.1:1/evil.json").post(tokenUrl(), null), 401, "invalid_client");
  }

  @Test
  void a_missing_jku_is_refused_when_the_vendor_requires_it() throws Exception {
    assertRefused(assertion().jku(null).post(tokenUrl(), null), 401, "invalid_client");
  }

  @Test
  void an_unknown_kid_is_refused() throws Exception {
    assertRefused(assertion().kid("no-such-key").post(tokenUrl(), null), 401, "invalid_client");
  }

  @Test
  void a_signature_by_another_key_is_refused() throws Exception {
    var otherKey = new RSAKeyGenerator(2048).keyID(JwksServer.KID).generate();
    assertRefused(assertion().signedWith(otherKey).post(tokenUrl(), null), 401, "invalid_client");
  }

  @Test
  void an_unregistered_client_is_refused() throws Exception {
    assertRefused(jwks.assertion("stranger", tokenUrl()).post(tokenUrl(), null), 401, "invalid_client");
  }

  @Test
  void exp_more_than_five_minutes_ahead_is_refused() throws Exception {
    assertRefused(assertion().expiresIn(Duration.ofMinutes(6)).post(tokenUrl(), null), 400, "invalid_grant");
  }

  @Test
  void an_expired_assertion_is_refused() throws Exception {
    assertRefused(assertion().expiresIn(Duration.ofSeconds(-30)).post(tokenUrl(), null), 400, "invalid_grant");
  }

  @Test
  void a_replayed_jti_is_refused() throws Exception {
    assertThat(assertion().jti("once").post(tokenUrl(), null).statusCode()).isEqualTo(200);

    assertRefused(assertion().jti("once").post(tokenUrl(), null), 400, "invalid_grant");
    assertThat(auth.tokens()).hasSize(1);
  }

  @Test
  void a_jti_longer_than_151_characters_is_refused() throws Exception {
    assertRefused(assertion().jti("j".repeat(152)).post(tokenUrl(), null), 400, "invalid_grant");
  }

  @Test
  void an_audience_other_than_the_token_endpoint_is_refused() throws Exception {
    assertRefused(assertion().audience(server.origin() + "/api").post(tokenUrl(), null), 400, "invalid_grant");
  }

  @Test
  void a_grant_type_other_than_client_credentials_is_refused() throws Exception {
    HttpResponse<String> response = ClientAssertion.postForm(tokenUrl(),
        Map.of("grant_type", "authorization_code", "code", "x"), Map.of());
    assertRefused(response, 400, "unsupported_grant_type");
  }

  @Test
  void scopes_none_of_which_are_allowed_are_refused_as_invalid_scope() throws Exception {
    assertRefused(assertion().post(tokenUrl(), "system/MedicationRequest.c"), 400, "invalid_scope");
  }

  @Test
  void secret_in_basic_auth_gets_a_token_and_a_wrong_secret_is_refused() throws Exception {
    Map<String, String> form = Map.of("grant_type", "client_credentials", "scope", "system/Patient.read");
    HttpResponse<String> ok = ClientAssertion.postForm(tokenUrl(), form, Map.of("Authorization",
        basic(SECRET_CLIENT, "s3cret%3A%2B")));
    HttpResponse<String> wrong = ClientAssertion.postForm(tokenUrl(), form, Map.of("Authorization",
        basic(SECRET_CLIENT, "guess")));

    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(body(ok).path("scope").asText()).isEqualTo("system/Patient.read");
    assertRefused(wrong, 401, "invalid_client");
    assertThat(wrong.headers().firstValue("WWW-Authenticate")).isPresent();
  }

  @Test
  void secret_in_the_form_gets_a_token() throws Exception {
    HttpResponse<String> response = ClientAssertion.postForm(tokenUrl(), Map.of("grant_type",
        "client_credentials", "client_id", SECRET_CLIENT, "client_secret", "s3cret:+"), Map.of());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(body(response).path("scope").asText()).isEqualTo("system/Patient.read");
  }

  @Test
  void a_write_without_a_write_scope_is_forbidden_and_a_read_is_allowed() throws Exception {
    String token = body(assertion().post(tokenUrl(), "system/Patient.rs system/MedicationRequest.c"))
        .path("access_token").asText();

    HttpResponse<String> write = api("POST", "/Patient", token);
    assertThat(write.statusCode()).isEqualTo(403);
    assertThat(write.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
        v -> assertThat(v).contains("insufficient_scope"));
    assertThat(api("GET", "/Patient/1", token).statusCode()).isEqualTo(200);
    assertThat(api("POST", "/MedicationRequest", token).statusCode()).isEqualTo(403);
    assertThat(stats.count(SmartAuth.API_REFUSALS)).isEqualTo(2);
  }

  @Test
  void missing_unknown_and_expired_tokens_get_401_with_www_authenticate() throws Exception {
    String token = auth.issue(CLIENT, "system/Patient.rs").value();
    assertThat(api("GET", "/Patient/1", token).statusCode()).isEqualTo(200);

    auth.expire(token);

    HttpResponse<String> expired = api("GET", "/Patient/1", token);
    assertThat(expired.statusCode()).isEqualTo(401);
    assertThat(expired.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
        v -> assertThat(v).contains("invalid_token").contains("expired"));
    assertThat(api("GET", "/Patient/1", null).statusCode()).isEqualTo(401);
    assertThat(api("GET", "/Patient/1", "made-up").statusCode()).isEqualTo(401);
    auth.revoke(token);
    assertThat(auth.token(token)).isEmpty();
  }

  @Test
  void token_endpoint_outage_answers_503_and_issued_tokens_keep_working() throws Exception {
    String token = body(assertion().post(tokenUrl(), "system/Patient.rs")).path("access_token").asText();
    auth.tokenEndpointOutage(true);

    assertRefused(assertion().post(tokenUrl(), "system/Patient.rs"), 503, "temporarily_unavailable");
    assertThat(api("GET", "/Patient/1", token).statusCode()).isEqualTo(200);

    auth.tokenEndpointOutage(false);
    assertThat(assertion().post(tokenUrl(), "system/Patient.rs").statusCode()).isEqualTo(200);
  }

  @Test
  void token_requests_above_the_per_client_limit_get_429() throws Exception {
    for (int i = 0; i < 20; i++) {
      assertThat(assertion().post(tokenUrl(), null).statusCode()).isEqualTo(200);
    }
    assertRefused(assertion().post(tokenUrl(), null), 429, "too_many_requests");
  }

  @Test
  void control_routes_register_a_client_and_mint_and_expire_tokens() throws Exception {
    HttpResponse<String> registered = ClientAssertion.postJson(server.origin() + "/_sim/clients",
        "{\"clientId\":\"curl-client\",\"clientSecret\":\"x\",\"scopes\":[\"system/Patient.read\"]}");
    HttpResponse<String> minted = ClientAssertion.postJson(server.origin() + "/_sim/tokens",
        "{\"clientId\":\"curl-client\",\"scope\":\"system/Patient.read\"}");
    String token = body(minted).path("access_token").asText();

    assertThat(registered.statusCode()).isEqualTo(201);
    assertThat(api("GET", "/Patient/1", token).statusCode()).isEqualTo(200);
    ClientAssertion.postJson(server.origin() + "/_sim/tokens/expire", "");
    assertThat(api("GET", "/Patient/1", token).statusCode()).isEqualTo(401);
  }

  @Test
  void the_jwks_is_fetched_once_and_reused_for_the_next_assertions() throws Exception {
    int before = jwks.fetches();

    assertThat(assertion().post(tokenUrl(), null).statusCode()).isEqualTo(200);
    assertThat(assertion().post(tokenUrl(), null).statusCode()).isEqualTo(200);
    assertThat(assertion().post(tokenUrl(), null).statusCode()).isEqualTo(200);

    assertThat(jwks.fetches() - before).isEqualTo(1);
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }
}
