package dev.chartbridge.simulators.athena;

import static dev.chartbridge.simulators.athena.AthenaClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chartbridge.simulators.FaultKind;
import dev.chartbridge.simulators.vendorkit.SettableClock;
import dev.chartbridge.simulators.vendorkit.TestHttp;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Token endpoint and its per-minute limit, API quotas and headers, FHIR surface, faults on v1 writes. */
class AthenaAuthLimitsAndFaultsTest {

  private static final Instant NOON = Instant.parse("2026-11-24T12:00:00Z");

  @Test
  void token_needs_the_client_secret_in_basic_auth_and_lasts_an_hour() throws Exception {
    try (AthenaSimulator sim = AthenaSimulator.start()) {
      AthenaClient c = new AthenaClient(sim);
      HttpResponse<String> bad = c.requestToken("wrong", AthenaSeed.MDP_SCOPE);
      HttpResponse<String> badScope = c.requestToken(AthenaSeed.CLIENT_SECRET, "athena/service/Other");
      HttpResponse<String> good = c.requestToken(AthenaSeed.CLIENT_SECRET, AthenaSeed.MDP_SCOPE);

      assertThat(bad.statusCode()).isEqualTo(401);
      assertThat(json(bad).get("error").asText()).isEqualTo("invalid_client");
      assertThat(badScope.statusCode()).isEqualTo(400);
      assertThat(good.statusCode()).isEqualTo(200);
      assertThat(json(good).get("expires_in").asInt()).isEqualTo(3600);
      assertThat(json(good).get("token_type").asText()).isEqualTo("Bearer");
      assertThat(sim.stats().count("tokenRequests")).isEqualTo(3);
    }
  }

  @Test
  void preview_allows_five_new_tokens_a_minute_and_reports_the_quota_in_headers() throws Exception {
    SettableClock clock = new SettableClock(NOON);
    try (AthenaSimulator sim = AthenaSimulator.builder().clock(clock).start()) {
      AthenaClient c = new AthenaClient(sim);
      for (int i = 0; i < 5; i++) {
        HttpResponse<String> ok = c.requestToken(AthenaSeed.CLIENT_SECRET, AthenaSeed.MDP_SCOPE);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("X-RateLimit-Remaining")).hasValue(Integer.toString(4 - i));
      }
      HttpResponse<String> sixth = c.requestToken(AthenaSeed.CLIENT_SECRET, AthenaSeed.MDP_SCOPE);

      assertThat(sixth.statusCode()).isEqualTo(429);
      assertThat(sixth.headers().firstValue("X-RateLimit-Reset"))
          .hasValue(Long.toString(NOON.plusSeconds(60).getEpochSecond()));
      assertThat(sim.stats().count("rateLimited")).isEqualTo(1);
      assertThat(sim.stats().tooManyRequestsIssued()).isEqualTo(1);
      clock.advance(Duration.ofMinutes(1));
      assertThat(c.requestToken(AthenaSeed.CLIENT_SECRET, AthenaSeed.MDP_SCOPE).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void production_allows_fifty_new_tokens_a_minute() throws Exception {
    SettableClock clock = new SettableClock(NOON);
    try (AthenaSimulator sim = AthenaSimulator.builder().clock(clock).environment(AthenaEnvironment.PRODUCTION).start()) {
      AthenaClient c = new AthenaClient(sim);
      int ok = 0;
      while (c.requestToken(AthenaSeed.CLIENT_SECRET, AthenaSeed.MDP_SCOPE).statusCode() == 200) {
        ok++;
      }
      assertThat(ok).isEqualTo(50);
    }
  }

  @Test
  void api_needs_a_live_token_with_the_mdp_scope() throws Exception {
    SettableClock clock = new SettableClock(NOON);
    try (AthenaSimulator sim = AthenaSimulator.builder().clock(clock).start()) {
      AthenaClient none = new AthenaClient(sim);
      none.token = "nope";
      AthenaClient fhirOnly = new AthenaClient(sim);
      fhirOnly.token = json(fhirOnly.requestToken(AthenaSeed.CLIENT_SECRET, "system/Patient.read"))
          .get("access_token").asText();
      AthenaClient c = new AthenaClient(sim).login();

      assertThat(none.problem("31001").statusCode()).isEqualTo(401);
      assertThat(fhirOnly.problem("31001").statusCode()).isEqualTo(403);
      clock.advance(Duration.ofSeconds(3600));
      assertThat(c.problem("31001").statusCode()).isEqualTo(401);
      assertThat(sim.records(null, null)).isEmpty();
    }
  }

  @Test
  void daily_quota_is_reported_on_every_answer_and_enforced() throws Exception {
    SettableClock clock = new SettableClock(NOON);
    try (AthenaSimulator sim = AthenaSimulator.builder().clock(clock).limits(5, 100, 3).start()) {
      AthenaClient c = new AthenaClient(sim).login();
      HttpResponse<String> first = c.get("/chart/31001/problems?departmentid=1");
      c.problem("31001");
      HttpResponse<String> third = c.get("/chart/31001/problems?departmentid=1");
      HttpResponse<String> fourth = c.problem("31001");

      assertThat(first.headers().firstValue("X-RateLimit-Remaining")).hasValue("2");
      assertThat(third.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
      assertThat(third.headers().firstValue("X-RateLimit-Reset"))
          .hasValue(Long.toString(Instant.parse("2026-11-25T00:00:00Z").getEpochSecond()));
      assertThat(fourth.statusCode()).isEqualTo(429);
      assertThat(sim.records("problem", null)).hasSize(1);
    }
  }

  @Test
  void per_second_limit_gives_429_within_the_second_and_resets_after_it() throws Exception {
    SettableClock clock = new SettableClock(NOON);
    try (AthenaSimulator sim = AthenaSimulator.builder().clock(clock).limits(5, 2, 1000).start()) {
      AthenaClient c = new AthenaClient(sim).login();
      c.get("/patients/customfields/1201/1001");
      c.get("/patients/customfields/1201/1001");

      assertThat(c.get("/patients/customfields/1201/1001").statusCode()).isEqualTo(429);
      clock.advance(Duration.ofSeconds(1));
      assertThat(c.get("/patients/customfields/1201/1001").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void fhir_serves_athenas_statement_and_only_questionnaire_response_create() throws Exception {
    try (AthenaSimulator sim = AthenaSimulator.start()) {
      AthenaClient c = new AthenaClient(sim).login();
      String bearer = "Bearer " + c.token;

      HttpResponse<String> metadata = TestHttp.get(sim.baseUrl() + "/metadata");
      HttpResponse<String> patient = TestHttp.get(sim.baseUrl() + "/Patient?identifier=1001", "Authorization", bearer);
      HttpResponse<String> condition = TestHttp.send("POST", sim.baseUrl() + "/Condition",
          "{\"resourceType\":\"Condition\"}", "Authorization", bearer, "Content-Type", "application/fhir+json");
      HttpResponse<String> questionnaire = TestHttp.send("POST", sim.baseUrl() + "/QuestionnaireResponse",
          "{\"resourceType\":\"QuestionnaireResponse\",\"status\":\"completed\",\"subject\":{\"reference\":\"Patient/31001\"}}",
          "Authorization", bearer, "Content-Type", "application/fhir+json");

      assertThat(metadata.body()).contains("athenahealth FHIR Server");
      assertThat(patient.body()).contains("\"total\":1").contains("\"id\":\"31001\"");
      assertThat(condition.statusCode()).isEqualTo(405);
      assertThat(questionnaire.statusCode()).isEqualTo(201);
      assertThat(TestHttp.get(sim.baseUrl() + "/Patient/31001").statusCode()).isEqualTo(401);
    }
  }

  @Test
  void injected_faults_apply_to_form_posts() throws Exception {
    try (AthenaSimulator sim = AthenaSimulator.start()) {
      AthenaClient c = new AthenaClient(sim).login();
      sim.faults().errorRate(1.0, 503, 5, true);
      HttpResponse<String> unavailable = c.problem("31001");
      sim.faults().clear();
      sim.faults().commitThenTimeout(1.0, 300);

      assertThat(unavailable.statusCode()).isEqualTo(503);
      assertThat(unavailable.headers().firstValue("Retry-After")).hasValue("5");
      assertThatThrownBy(() -> c.problem("31001")).isInstanceOf(IOException.class);
      sim.faults().clear();
      c.problem("31001");
      assertThat(sim.records("problem", "31001")).hasSize(2);
      assertThat(sim.stats().faults(FaultKind.COMMIT_THEN_TIMEOUT)).isEqualTo(1);
    }
  }

  @Test
  void latency_reset_and_drop_fields_apply_to_the_v1_api() throws Exception {
    try (AthenaSimulator sim = AthenaSimulator.start()) {
      AthenaClient c = new AthenaClient(sim).login();
      sim.faults().resetBeforeCommit(1.0, true);
      assertThatThrownBy(() -> c.problem("31001")).isInstanceOf(IOException.class);
      sim.faults().clear();
      sim.faults().latency(200).dropFields("problem", "note");

      long start = System.nanoTime();
      c.problem("31001");

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
      assertThat(sim.records("problem", null)).singleElement()
          .satisfies(e -> assertThat(e.fields()).containsKey("snomedcode").doesNotContainKey("note"));
      assertThat(sim.stats().faults(FaultKind.RESET_BEFORE_COMMIT)).isEqualTo(1);
      assertThat(sim.stats().faults(FaultKind.DROP_FIELDS)).isEqualTo(1);
    }
  }

  @Test
  void concurrent_edit_marks_a_stored_record() throws Exception {
    try (AthenaSimulator sim = AthenaSimulator.start()) {
      AthenaClient c = new AthenaClient(sim).login();
      String id = json(c.problem("31001")).get("problemid").asText();

      sim.faults().concurrentEdit("problem/" + id);

      assertThat(json(c.get("/chart/31001/problems?departmentid=1")).at("/problems/0/lastmodifiedby").asText())
          .as("athena's read shape shows who changed the problem last").isEqualTo("another.user1");
    }
  }

  @Test
  void reset_restores_seed_and_configured_limits() throws Exception {
    try (AthenaSimulator sim = AthenaSimulator.start()) {
      AthenaClient c = new AthenaClient(sim).login();
      c.post("/patients", Map.of("lastname", "Novak", "firstname", "Ivo", "dob", "01/02/1999", "departmentid", "1"));
      c.problem("31001");
      sim.strict(true);

      sim.reset();

      assertThat(sim.strict()).as("back to the configured mode").isFalse();
      assertThat(sim.records(null, null)).isEmpty();
      assertThat(sim.stats().requests()).isZero();
      AthenaClient again = new AthenaClient(sim).login();
      assertThat(again.get("/patients/39001").statusCode()).isEqualTo(404);
    }
  }
}
