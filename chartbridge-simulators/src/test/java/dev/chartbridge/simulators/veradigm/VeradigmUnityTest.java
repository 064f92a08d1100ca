package dev.chartbridge.simulators.veradigm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.simulators.FaultKind;
import dev.chartbridge.simulators.vendorkit.SettableClock;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Unity: GetToken, Magic actions and their read-back, errors in 200 bodies, token expiry, limits, faults. */
class VeradigmUnityTest {

  @RegisterExtension static final VeradigmSimulatorExtension SIM = new VeradigmSimulatorExtension();

  private VeradigmSimulator sim() {
    return SIM.simulator();
  }

  @Test
  void get_token_answers_the_bare_token_and_bad_credentials_an_error_text_in_200() throws Exception {
    UnityClient client = new UnityClient(sim());

    HttpResponse<String> good = client.getToken(VeradigmSeed.UNITY_PASSWORD);
    HttpResponse<String> bad = client.getToken("wrong");

    assertThat(good.statusCode()).isEqualTo(200);
    assertThat(good.body()).matches("[0-9A-F-]{36}");
    assertThat(bad.statusCode()).isEqualTo(200);
    assertThat(bad.body()).startsWith("error:");
    assertThat(sim().stats().count("tokenRequests")).isEqualTo(2);
  }

  @Test
  void save_problem_is_stored_and_read_back_in_the_clinical_summary() throws Exception {
    UnityClient client = new UnityClient(sim()).login();

    JsonNode saved = UnityClient.parse(client.magic("SaveProblem", VeradigmSeed.PATIENT_MARIA, "I10", "ICD10", "Hypertension"));
    JsonNode summary = UnityClient.parse(client.magic("GetClinicalSummary", VeradigmSeed.PATIENT_MARIA, "problem"));

    String id = saved.get(0).get("saveprobleminfo").get(0).get("ID").asText();
    assertThat(summary.get(0).get("getclinicalsummaryinfo")).hasSize(1);
    JsonNode row = summary.get(0).get("getclinicalsummaryinfo").get(0);
    assertThat(row.get("ID").asText()).isEqualTo(id);
    assertThat(row.get("ProblemCode").asText()).isEqualTo("I10");
    assertThat(row.get("Description").asText()).isEqualTo("Hypertension");
  }

  @Test
  void every_save_action_stores_a_record_of_its_kind() throws Exception {
    UnityClient client = new UnityClient(sim()).login();
    String p = VeradigmSeed.PATIENT_JAMES;
    client.magic("SaveNote", p, "Seen today", "Progress", VeradigmSeed.ENCOUNTER_JAMES_OPEN);
    client.magic("SaveV11Note", p, "<note/>");
    client.magic("SaveVitals", p, "<vitals><bp>120/80</bp></vitals>");
    client.magic("SaveAllergy", p, "Penicillin", "Rash");
    client.magic("SaveTask", p, "Review", "drpark", "Check labs");
    client.magic("SaveRX", p, "Lisinopril 10 mg", "1 tab daily");
    var doc = client.envelope("SaveDocumentImage", p, "Consult", "consult.pdf");
    doc.put("Data", Base64.getEncoder().encodeToString("%PDF-1.4".getBytes()));
    client.magic(doc);

    assertThat(sim().records(null, p)).extracting(e -> e.kind())
        .containsExactly("note", "note", "vitals", "allergy", "task", "medication", "document");
  }

  @Test
  void errors_come_inside_a_200_body() throws Exception {
    UnityClient client = new UnityClient(sim()).login();

    HttpResponse<String> unknownPatient = client.magic("SaveNote", "99999", "x");
    HttpResponse<String> missingParameter = client.magic("SaveProblem", VeradigmSeed.PATIENT_MARIA);
    HttpResponse<String> wrongEncounter = client.magic("SaveNote", VeradigmSeed.PATIENT_MARIA, "x", "n",
        VeradigmSeed.ENCOUNTER_JAMES_OPEN);
    var badUser = client.envelope("SaveNote", VeradigmSeed.PATIENT_MARIA, "x").put("AppUserID", "nobody");

    for (HttpResponse<String> r : new HttpResponse[] {unknownPatient, missingParameter, wrongEncounter, client.magic(badUser)}) {
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(UnityClient.parse(r).get(0).get("Error").asText()).startsWith("Magic Error - ");
    }
    assertThat(sim().records(null, null)).isEmpty();
  }

  @Test
  void invalid_or_expired_token_is_an_error_in_a_200_body() throws Exception {
    UnityClient client = new UnityClient(sim());
    client.token = "not-a-token";
    HttpResponse<String> invalid = client.magic("SaveNote", VeradigmSeed.PATIENT_MARIA, "x");
    client.login();
    sim().expireTokensNow();
    HttpResponse<String> expired = client.magic("SaveNote", VeradigmSeed.PATIENT_MARIA, "x");

    assertThat(invalid.statusCode()).isEqualTo(200);
    assertThat(invalid.body()).isEqualTo("[{\"Error\":\"Magic Error - Invalid Security Token\"}]");
    assertThat(expired.statusCode()).isEqualTo(200);
    assertThat(expired.body()).contains("Security Token has expired");
    assertThat(sim().records(null, null)).isEmpty();
  }

  @Test
  void token_expires_after_its_lifetime() throws Exception {
    SettableClock clock = new SettableClock(Instant.parse("2026-11-24T12:00:00Z"));
    try (VeradigmSimulator sim = VeradigmSimulator.builder().clock(clock).unityTokenLifetime(Duration.ofMinutes(5)).start()) {
      UnityClient client = new UnityClient(sim).login();
      assertThat(client.magic("GetPatient", VeradigmSeed.PATIENT_MARIA).body()).contains("\"LastName\":\"Garcia\"");

      clock.advance(Duration.ofMinutes(5));

      assertThat(client.magic("GetPatient", VeradigmSeed.PATIENT_MARIA).body()).contains("expired");
    }
  }

  @Test
  void resending_a_note_creates_a_duplicate() throws Exception {
    UnityClient client = new UnityClient(sim()).login();

    client.magic("SaveNote", VeradigmSeed.PATIENT_MARIA, "same");
    client.magic("SaveNote", VeradigmSeed.PATIENT_MARIA, "same");

    assertThat(sim().records("note", VeradigmSeed.PATIENT_MARIA)).hasSize(2);
  }

  @Test
  void search_and_encounters_expose_the_seed_traps() throws Exception {
    UnityClient client = new UnityClient(sim()).login();

    JsonNode byMrn = UnityClient.parse(client.magic("SearchPatients", "", "2000"));
    JsonNode encounters = UnityClient.parse(client.magic("GetEncounterList", VeradigmSeed.PATIENT_MARIA));

    assertThat(byMrn.get(0).get("searchpatientsinfo")).extracting(n -> n.get("ID").asText())
        .containsExactly(VeradigmSeed.PATIENT_LEE_A, VeradigmSeed.PATIENT_LEE_B);
    assertThat(encounters.get(0).get("getencounterlistinfo")).extracting(n -> n.get("EncounterStatus").asText())
        .containsExactly("Open", "Closed");
  }

  @Test
  void unity_limit_answers_429_when_configured() throws Exception {
    UnityClient client = new UnityClient(sim()).login();
    sim().unityRequestsPerMinute(2);

    client.magic("GetPatient", VeradigmSeed.PATIENT_MARIA);
    client.magic("GetPatient", VeradigmSeed.PATIENT_MARIA);
    HttpResponse<String> third = client.magic("GetPatient", VeradigmSeed.PATIENT_MARIA);

    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(sim().stats().count("rateLimited")).isEqualTo(1);
  }

  @Test
  void common_faults_apply_to_magic_json() throws Exception {
    UnityClient client = new UnityClient(sim()).login();
    sim().faults().tooManyRequestsRate(1.0, 3, true);
    HttpResponse<String> throttled = client.magic("SaveNote", VeradigmSeed.PATIENT_MARIA, "x");
    sim().faults().clear();
    sim().faults().commitThenTimeout(1.0, 300);

    assertThat(throttled.statusCode()).isEqualTo(429);
    assertThat(throttled.headers().firstValue("Retry-After")).hasValue("3");
    assertThatThrownBy(() -> client.magic("SaveNote", VeradigmSeed.PATIENT_MARIA, "lost")).isInstanceOf(IOException.class);
    assertThat(sim().records("note", null)).extracting(e -> e.fields().get("NoteText")).containsExactly("lost");
    assertThat(sim().stats().faults(FaultKind.COMMIT_THEN_TIMEOUT)).isEqualTo(1);
  }

  @Test
  void drop_fields_applies_to_unity_records() throws Exception {
    UnityClient client = new UnityClient(sim()).login();
    sim().faults().dropFields("allergy", "Reaction");

    client.magic("SaveAllergy", VeradigmSeed.PATIENT_MARIA, "Penicillin", "Rash");

    assertThat(sim().records("allergy", null)).singleElement()
        .satisfies(e -> assertThat(e.fields()).containsEntry("Allergen", "Penicillin").doesNotContainKey("Reaction"));
  }
}
