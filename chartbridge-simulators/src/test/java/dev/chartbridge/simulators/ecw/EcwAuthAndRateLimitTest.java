package dev.chartbridge.simulators.ecw;

import static dev.chartbridge.simulators.ecw.EcwFixtures.hypertension;
import static dev.chartbridge.simulators.ecw.EcwFixtures.json;
import static dev.chartbridge.simulators.ecw.EcwFixtures.send;
import static dev.chartbridge.simulators.ecw.EcwFixtures.tree;
import static dev.chartbridge.simulators.ecw.EcwSeed.PATIENT_MARIA;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chartbridge.simulators.auth.JwksServer;
import dev.chartbridge.simulators.auth.SmartAuth;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** eCW backend auth and the per-practice rate limit (a small limit and a hand-moved clock). */
class EcwAuthAndRateLimitTest {

  /** 12:00:30 UTC on some day: mid-minute, so the window ends at 12:01:00. */
  private static final Instant MID_MINUTE = Instant.parse("2026-03-02T12:00:30Z");
  private static final MutableClock CLOCK = new MutableClock(MID_MINUTE);
  private static final String GATEWAY = "gateway-backend";

  @RegisterExtension static final EcwSimulatorExtension ECW = new EcwSimulatorExtension(() ->
      EcwSimulator.builder().rateLimit(5, Duration.ofMinutes(1)).clock(CLOCK).start());
  private static JwksServer jwks;

  @BeforeAll
  static void keys() {
    jwks = JwksServer.start();
  }

  @AfterAll
  static void stopKeys() {
    jwks.close();
  }

  @BeforeEach
  void startOfTest() {
    CLOCK.set(MID_MINUTE);
    ECW.simulator().rateLimit().configure(5, Duration.ofMinutes(1));
    ECW.simulator().registerClient(GATEWAY, jwks.url(), "system/Condition.crs", "system/Patient.rs");
  }

  private EcwSimulator sim() {
    return ECW.simulator();
  }

  private HttpResponse<String> token() throws Exception {
    // assertions are checked against the simulator's clock, so they are issued relative to it
    return jwks.assertion(GATEWAY, sim().tokenUrl()).expiresIn(Duration.between(Instant.now(), CLOCK.instant())
        .plusSeconds(240)).post(sim().tokenUrl(), "system/Condition.c system/Patient.rs");
  }

  private HttpResponse<String> readMaria(String token) throws Exception {
    return send("GET", sim().baseUrl() + "/Patient/" + PATIENT_MARIA, token, null, Map.of());
  }

  @Test
  void rs384_assertion_without_jku_gets_a_300_second_token_that_writes_a_condition() throws Exception {
    HttpResponse<String> response = jwks.assertion(GATEWAY, sim().tokenUrl()).jku(null)
        .expiresIn(Duration.between(Instant.now(), CLOCK.instant()).plusSeconds(240))
        .post(sim().tokenUrl(), "system/Condition.c");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(tree(response).path("expires_in").asLong()).isEqualTo(300);
    assertThat(tree(response).path("scope").asText()).isEqualTo("system/Condition.c");
    assertThat(send("POST", sim().baseUrl() + "/Condition", tree(response).path("access_token").asText(),
        json(hypertension(PATIENT_MARIA, null, "c1")), Map.of()).statusCode()).isEqualTo(201);
  }

  @Test
  void the_token_lifetime_is_configurable_and_a_token_expires_with_the_clock() throws Exception {
    try (EcwSimulator hour = EcwSimulator.builder().tokenLifetime(Duration.ofHours(1)).clock(CLOCK).start()) {
      hour.registerClient(GATEWAY, jwks.url(), "system/Patient.rs");
      HttpResponse<String> response = jwks.assertion(GATEWAY, hour.tokenUrl())
          .expiresIn(Duration.between(Instant.now(), CLOCK.instant()).plusSeconds(240))
          .post(hour.tokenUrl(), "system/Patient.rs");
      assertThat(tree(response).path("expires_in").asLong()).isEqualTo(3600);
    }
    String token = sim().issueToken(GATEWAY, "system/Patient.rs");
    assertThat(readMaria(token).statusCode()).isEqualTo(200);

    CLOCK.advance(Duration.ofSeconds(300));

    HttpResponse<String> expired = readMaria(token);
    assertThat(expired.statusCode()).isEqualTo(401);
    assertThat(tree(expired).path("resourceType").asText()).isEqualTo("OperationOutcome");
  }

  @Test
  void a_token_without_the_scope_gets_403_and_no_token_gets_401() throws Exception {
    String readOnly = sim().issueToken(GATEWAY, "system/Patient.rs");

    HttpResponse<String> write = send("POST", sim().baseUrl() + "/Condition", readOnly,
        json(hypertension(PATIENT_MARIA, null, "c1")), Map.of());

    assertThat(write.statusCode()).isEqualTo(403);
    assertThat(readMaria(null).statusCode()).isEqualTo(401);
    assertThat(sim().resources("Condition")).isEmpty();
  }

  @Test
  void above_the_limit_every_call_gets_429_without_retry_after_until_the_minute_ends() throws Exception {
    String token = tree(token()).path("access_token").asText(); // call 1: token calls count
    for (int i = 2; i <= 5; i++) {
      assertThat(readMaria(token).statusCode()).isEqualTo(200);
    }

    HttpResponse<String> sixth = readMaria(token);
    HttpResponse<String> tokenCall = token();
    HttpResponse<String> metadata = send("GET", sim().baseUrl() + "/metadata", null, null, Map.of());

    assertThat(sixth.statusCode()).isEqualTo(429);
    assertThat(sixth.headers().firstValue("Retry-After")).isEmpty();
    assertThat(tokenCall.statusCode()).isEqualTo(429);
    assertThat(metadata.statusCode()).isEqualTo(429);
    assertThat(sim().rateLimit().callsInWindow()).isEqualTo(8);
    assertThat(sim().stats().tooManyRequestsIssued()).isEqualTo(3);
    assertThat(sim().stats().count(SmartAuth.TOKENS_ISSUED)).isEqualTo(1);

    CLOCK.advance(Duration.ofSeconds(29)); // 12:00:59: still the same minute
    assertThat(readMaria(token).statusCode()).isEqualTo(429);
    CLOCK.advance(Duration.ofSeconds(1)); // 12:01:00: a new window
    assertThat(readMaria(token).statusCode()).isEqualTo(200);
    assertThat(sim().rateLimit().callsInWindow()).isEqualTo(1);
  }

  @Test
  void the_rate_limit_is_visible_and_configurable_through_the_control_api() throws Exception {
    readMaria(sim().issueToken(GATEWAY, "system/Patient.rs"));

    HttpResponse<String> before = send("GET", sim().controlUrl() + "/rate-limit", null, null, Map.of());
    HttpResponse<String> changed = send("POST", sim().controlUrl() + "/rate-limit", null,
        "{\"limit\":250,\"windowSeconds\":60}", Map.of());

    assertThat(tree(before).path("callsInWindow").asLong()).isEqualTo(1);
    assertThat(tree(before).path("limit").asInt()).isEqualTo(5);
    assertThat(tree(changed).path("limit").asInt()).isEqualTo(250);
    assertThat(sim().rateLimit().limit()).isEqualTo(250);
  }

  @Test
  void token_endpoint_outage_answers_503() throws Exception {
    sim().auth().tokenEndpointOutage(true);

    HttpResponse<String> response = token();

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(tree(response).path("error").asText()).isEqualTo("temporarily_unavailable");
  }
}
