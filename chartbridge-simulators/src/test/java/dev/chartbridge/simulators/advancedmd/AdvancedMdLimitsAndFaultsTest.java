package dev.chartbridge.simulators.advancedmd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chartbridge.simulators.FaultKind;
import dev.chartbridge.simulators.vendorkit.SettableClock;
import dev.chartbridge.simulators.vendorkit.TestHttp;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Session expiry (1025), per-tier quotas with peak hours, the read-only FHIR API and common faults. */
class AdvancedMdLimitsAndFaultsTest {

  /** Wednesday 2026-11-25 10:00 America/Denver (17:00 UTC): peak hours. */
  private static final Instant PEAK = Instant.parse("2026-11-25T17:00:00Z");
  /** Saturday 2026-11-28 10:00 America/Denver: off-peak. */
  private static final Instant WEEKEND = Instant.parse("2026-11-28T17:00:00Z");

  @Test
  void expired_session_gets_fault_1025_in_a_200_body() throws Exception {
    try (AdvancedMdSimulator sim = AdvancedMdSimulator.start()) {
      AmdClient client = new AmdClient(sim).login();
      sim.expireSessionsNow();

      HttpResponse<String> response = client.note(AdvancedMdSeed.PATIENT_MARIA, "late");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("<code>1025</code>").contains("Session has timed out");
      assertThat(sim.records(null, null)).isEmpty();
      assertThat(client.login().note(AdvancedMdSeed.PATIENT_MARIA, "again").body()).contains("success=\"1\"");
    }
  }

  @Test
  void session_expires_after_its_lifetime_on_the_simulator_clock() throws Exception {
    SettableClock clock = new SettableClock(WEEKEND);
    try (AdvancedMdSimulator sim = AdvancedMdSimulator.builder().clock(clock)
        .sessionLifetime(Duration.ofMinutes(20)).start()) {
      AmdClient client = new AmdClient(sim).login();
      clock.advance(Duration.ofMinutes(19));
      assertThat(client.note(AdvancedMdSeed.PATIENT_MARIA, "in time").body()).contains("success=\"1\"");

      clock.advance(Duration.ofMinutes(2));

      assertThat(client.note(AdvancedMdSeed.PATIENT_MARIA, "too late").body()).contains("<code>1025</code>");
      assertThat(sim.stats().count("sessionTimeouts")).isEqualTo(1);
    }
  }

  @Test
  void missing_token_is_treated_as_a_timed_out_session() throws Exception {
    try (AdvancedMdSimulator sim = AdvancedMdSimulator.start()) {
      HttpResponse<String> response = AmdClient.post(sim.xmlRpcUrl(),
          "<ppmdmsg action=\"getehrnotes\" class=\"api\" patientid=\"pat70001\"/>");

      assertThat(response.body()).contains("<code>1025</code>");
    }
  }

  @Test
  void tier_1_at_peak_allows_one_request_per_minute_then_429_quota_violation_without_retry_after()
      throws Exception {
    SettableClock clock = new SettableClock(PEAK);
    try (AdvancedMdSimulator sim = AdvancedMdSimulator.builder().clock(clock).tier(RateTier.TIER_1).start()) {
      HttpResponse<String> first = AmdClient.post(sim.xmlRpcUrl(), AmdClient.loginXml(AdvancedMdSeed.PASSWORD));
      HttpResponse<String> second = AmdClient.post(sim.xmlRpcUrl(), AmdClient.loginXml(AdvancedMdSeed.PASSWORD));

      assertThat(first.body()).contains("success=\"1\"");
      assertThat(second.statusCode()).isEqualTo(429);
      assertThat(second.body()).contains("QuotaViolation").contains("about a minute");
      assertThat(second.headers().firstValue("Retry-After")).isEmpty();
      assertThat(sim.stats().count("rateLimited")).isEqualTo(1);
      assertThat(sim.stats().tooManyRequestsIssued()).isEqualTo(1);

      clock.advance(Duration.ofSeconds(60));
      assertThat(AmdClient.post(sim.xmlRpcUrl(), AmdClient.loginXml(AdvancedMdSeed.PASSWORD)).statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void tier_1_off_peak_allows_sixty_per_minute() throws Exception {
    SettableClock clock = new SettableClock(WEEKEND);
    try (AdvancedMdSimulator sim = AdvancedMdSimulator.builder().clock(clock).tier(RateTier.TIER_1).start()) {
      AmdClient client = new AmdClient(sim).login();
      int ok = 2;
      while (client.note(AdvancedMdSeed.PATIENT_JAMES, "n").statusCode() == 200) {
        ok++;
      }
      assertThat(ok).isEqualTo(60);
      assertThat(sim.records("ehrnote", null)).hasSize(58);
    }
  }

  @Test
  void tier_2_at_peak_allows_twelve_and_tier_is_switchable() throws Exception {
    SettableClock clock = new SettableClock(PEAK);
    try (AdvancedMdSimulator sim = AdvancedMdSimulator.builder().clock(clock).tier(RateTier.TIER_2).start()) {
      AmdClient client = new AmdClient(sim).login();
      int ok = 2;
      while (client.note(AdvancedMdSeed.PATIENT_JAMES, "n").statusCode() == 200) {
        ok++;
      }
      assertThat(ok).isEqualTo(12);
      sim.tier(RateTier.TIER_3);
      assertThat(client.note(AdvancedMdSeed.PATIENT_JAMES, "n").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void fhir_metadata_is_the_published_statement_and_reads_work() throws Exception {
    try (AdvancedMdSimulator sim = AdvancedMdSimulator.start()) {
      HttpResponse<String> metadata = TestHttp.get(sim.baseUrl() + "/metadata");
      HttpResponse<String> search = TestHttp.get(sim.baseUrl() + "/Patient?identifier="
          + AdvancedMdSeed.CHART_SYSTEM + "%7C2000");

      assertThat(metadata.statusCode()).isEqualTo(200);
      assertThat(metadata.body()).contains("\"publisher\"").contains("providerapi.advancedmd.com");
      assertThat(search.body()).contains("\"total\":2").contains("pat70004").contains("pat70005");
      assertThat(TestHttp.get(sim.baseUrl() + "/Encounter/vst80002").body()).contains("\"status\":\"finished\"");
    }
  }

  @Test
  void fhir_writes_are_refused_with_405_and_store_nothing() throws Exception {
    try (AdvancedMdSimulator sim = AdvancedMdSimulator.start()) {
      HttpResponse<String> create = TestHttp.send("POST", sim.baseUrl() + "/Condition",
          "{\"resourceType\":\"Condition\",\"subject\":{\"reference\":\"Patient/pat70001\"}}",
          "Content-Type", "application/fhir+json");

      assertThat(create.statusCode()).isEqualTo(405);
      assertThat(create.body()).contains("OperationOutcome").contains("not-supported");
      assertThat(sim.stats().creates()).isZero();
    }
  }

  @Test
  void injected_503_applies_to_xml_rpc_and_stores_nothing() throws Exception {
    try (AdvancedMdSimulator sim = AdvancedMdSimulator.start()) {
      AmdClient client = new AmdClient(sim).login();
      sim.faults().errorRate(1.0, 503, null, true);

      assertThat(client.note(AdvancedMdSeed.PATIENT_MARIA, "x").statusCode()).isEqualTo(503);
      assertThat(sim.records(null, null)).isEmpty();
      assertThat(sim.stats().faults(FaultKind.ERROR)).isEqualTo(1);
    }
  }

  @Test
  void commit_then_reset_stores_the_note_but_loses_the_answer_and_a_resend_duplicates() throws Exception {
    try (AdvancedMdSimulator sim = AdvancedMdSimulator.start()) {
      AmdClient client = new AmdClient(sim).login();
      sim.faults().commitThenReset(1.0);

      assertThatThrownBy(() -> client.note(AdvancedMdSeed.PATIENT_MARIA, "lost")).isInstanceOf(IOException.class);
      sim.faults().clear();
      client.note(AdvancedMdSeed.PATIENT_MARIA, "lost");

      assertThat(sim.records("ehrnote", AdvancedMdSeed.PATIENT_MARIA)).hasSize(2);
      assertThat(sim.stats().faults(FaultKind.COMMIT_THEN_RESET)).isEqualTo(1);
    }
  }

  @Test
  void drop_fields_and_concurrent_edit_act_on_xml_rpc_records() throws Exception {
    try (AdvancedMdSimulator sim = AdvancedMdSimulator.start()) {
      AmdClient client = new AmdClient(sim).login();
      sim.faults().dropFields("ehrproblem", "description");
      client.call("addehrproblem", "patientid=\"pat70001\" code=\"I10\" description=\"Hypertension\"", "");
      String id = sim.records("ehrproblem", null).get(0).id();

      assertThat(sim.faults().concurrentEdit("ehrproblem/" + id)).isEqualTo("1");

      assertThat(sim.records("ehrproblem", null)).singleElement().satisfies(e -> assertThat(e.fields())
          .containsEntry("code", "I10").doesNotContainKey("description").containsEntry("editedByAnotherUser", "1"));
    }
  }
}
