package dev.chartbridge.simulators.veradigm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.simulators.FaultKind;
import dev.chartbridge.simulators.vendorkit.SettableClock;
import dev.chartbridge.simulators.vendorkit.TestHttp;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Unity as its public reference clients and recorded traffic show it: GetToken then GetUserAuthentication, saves
 * by their documented parameter positions, reads in Unity's read shapes (not the save parameters), errors in 200
 * bodies, the inactivity wording for an expired token, limits, faults, and strict mode's second answers.
 */
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
  }

  @Test
  void magic_calls_need_the_token_bound_to_the_ehr_user_first() throws Exception {
    UnityClient client = new UnityClient(sim());
    client.token = client.getToken(VeradigmSeed.UNITY_PASSWORD).body();

    JsonNode unbound = UnityClient.parse(client.magic("GetPatient", VeradigmSeed.PATIENT_MARIA));
    JsonNode refused = UnityClient.parse(client.magic("GetUserAuthentication", "", "wrong-password"));
    JsonNode bound = UnityClient.parse(client.magic("GetUserAuthentication", "", VeradigmSeed.APP_USER_PASSWORD));
    JsonNode patient = UnityClient.parse(client.magic("GetPatient", VeradigmSeed.PATIENT_MARIA));

    assertThat(unbound.get(0).get("Error").asText()).startsWith("Magic Error - Action: GetPatient - ");
    assertThat(refused.at("/0/getuserauthenticationinfo/0/ValidUser").asText()).isEqualTo("NO");
    assertThat(bound.at("/0/getuserauthenticationinfo/0/ValidUser").asText()).isEqualTo("YES");
    assertThat(patient.at("/0/getpatientinfo/0/mrn").asText()).isEqualTo("1001");
  }

  @Test
  void a_problem_is_saved_by_parameter_position_and_read_in_the_clinical_summary_shape() throws Exception {
    UnityClient client = new UnityClient(sim()).login();

    JsonNode saved = UnityClient.parse(client.magic("SaveProblem", VeradigmSeed.PATIENT_MARIA, "ICD10", "I10", "",
        "Active", "<problem description=\"Essential hypertension\" onset=\"03/01/2026\"/>"));
    JsonNode summary = UnityClient.parse(client.magic("GetClinicalSummary", VeradigmSeed.PATIENT_MARIA));

    String id = saved.at("/0/saveprobleminfo/0/transid").asText();
    JsonNode row = summary.at("/0/getclinicalsummaryinfo/0");
    assertThat(row.get("transid").asText()).isEqualTo(id);
    assertThat(row.get("section").asText()).isEqualTo("problems");
    assertThat(row.get("entrycode").asText()).isEqualTo("I10|ICD10");
    assertThat(row.get("status").asText()).isEqualTo("Active");
    assertThat(row.get("displaydate").asText()).matches("\\d{2}-[A-Z][a-z]{2}-\\d{4}");
    assertThat(row.has("ProblemCode")).as("read columns are not the save parameters").isFalse();
  }

  @Test
  void every_save_action_stores_a_record_of_its_kind() throws Exception {
    UnityClient client = new UnityClient(sim()).login();
    String p = VeradigmSeed.PATIENT_JAMES;
    client.magic("SaveNote", p, "Seen today", "Progress Note", "Final", "N");
    client.magic("SaveVitals", p, "<vitals encounterid=\"" + VeradigmSeed.ENCOUNTER_JAMES_OPEN
        + "\"><vital name=\"pulse\" value=\"72\"/></vitals>");
    client.magic("SaveAllergy", p, "<allergy allergen=\"Penicillin\" reaction=\"Rash\" severity=\"Mild\"/>");
    client.magic("SaveTask", p, "FOLLOWUP", "sokafor", "0", "Check labs", "Follow-up");
    client.magic("SaveRX", p, "<saverx><field name=\"GPPCText\" value=\"Lisinopril 10 MG\"/>"
        + "<field name=\"Sig\" value=\"1 tab daily\"/></saverx>");

    assertThat(sim().records(null, p)).extracting(e -> e.kind())
        .containsExactly("note", "vitals", "allergy", "task", "medication");
    JsonNode vitals = UnityClient.parse(client.magic("GetClinicalSummary", p)).at("/0/getclinicalsummaryinfo");
    assertThat(vitals).anySatisfy(r -> {
      assertThat(r.get("section").asText()).isEqualTo("vitals");
      assertThat(r.get("description").asText()).isEqualTo("pulse");
      assertThat(r.get("detail").asText()).isEqualTo("72");
    });
  }

  @Test
  void errors_come_inside_a_200_body_naming_the_action() throws Exception {
    UnityClient client = new UnityClient(sim()).login();

    HttpResponse<String> unknownPatient = client.magic("SaveNote", "99999", "x");
    HttpResponse<String> missingParameter = client.magic("SaveProblem", VeradigmSeed.PATIENT_MARIA);
    HttpResponse<String> wrongEncounter = client.magic("SaveVitals", VeradigmSeed.PATIENT_MARIA,
        "<vitals encounterid=\"" + VeradigmSeed.ENCOUNTER_JAMES_OPEN + "\"><vital name=\"pulse\" value=\"1\"/></vitals>");
    var otherUser = client.envelope("SaveNote", VeradigmSeed.PATIENT_MARIA, "x").put("AppUserID", "nobody");

    for (HttpResponse<String> r : new HttpResponse[] {unknownPatient, missingParameter, wrongEncounter,
        client.magic(otherUser)}) {
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(UnityClient.parse(r).get(0).get("Error").asText()).startsWith("Magic Error - Action: Save");
    }
    assertThat(sim().records(null, null)).isEmpty();
  }

  @Test
  void an_expired_token_is_answered_with_the_inactivity_wording_in_a_200_body() throws Exception {
    UnityClient client = new UnityClient(sim()).login();
    sim().expireTokensNow();

    HttpResponse<String> expired = client.magic("SaveNote", VeradigmSeed.PATIENT_MARIA, "x");

    assertThat(expired.statusCode()).isEqualTo(200);
    assertThat(UnityClient.parse(expired).get(0).get("Error").asText()).isEqualTo("Magic Error - Action: SaveNote -"
        + " As a Security precaution, you have been logged out due to inactivity.");
    assertThat(sim().records(null, null)).isEmpty();
  }

  @Test
  void token_expires_after_its_lifetime() throws Exception {
    SettableClock clock = new SettableClock(Instant.parse("2026-11-24T12:00:00Z"));
    try (VeradigmSimulator sim = VeradigmSimulator.builder().clock(clock).unityTokenLifetime(Duration.ofMinutes(5)).start()) {
      UnityClient client = new UnityClient(sim).login();
      assertThat(client.magic("GetPatient", VeradigmSeed.PATIENT_MARIA).body()).contains("\"LastName\":\"Garcia\"");

      clock.advance(Duration.ofMinutes(5));

      assertThat(client.magic("GetPatient", VeradigmSeed.PATIENT_MARIA).body()).contains("logged out due to inactivity");
    }
  }

  @Test
  void resending_a_note_creates_a_duplicate() throws Exception {
    UnityClient client = new UnityClient(sim()).login();

    client.magic("SaveNote", VeradigmSeed.PATIENT_MARIA, "same", "Progress Note", "Final");
    client.magic("SaveNote", VeradigmSeed.PATIENT_MARIA, "same", "Progress Note", "Final");

    assertThat(sim().records("note", VeradigmSeed.PATIENT_MARIA)).hasSize(2);
  }

  @Test
  void mrn_lookup_and_encounters_expose_the_seed_traps_and_each_encounters_patient() throws Exception {
    UnityClient client = new UnityClient(sim()).login();

    JsonNode byMrn = UnityClient.parse(client.magic("GetPatientByMRN", "", "2000"));
    JsonNode encounters = UnityClient.parse(client.magic("GetEncounterList", VeradigmSeed.PATIENT_MARIA, "", "",
        "0", "Y"));

    assertThat(byMrn.at("/0/getpatientbymrninfo")).extracting(n -> n.get("ID").asText())
        .containsExactly(VeradigmSeed.PATIENT_LEE_A, VeradigmSeed.PATIENT_LEE_B);
    assertThat(encounters.at("/0/getencounterlistinfo")).extracting(n -> n.get("PatientID").asText())
        .containsOnly(VeradigmSeed.PATIENT_MARIA).hasSize(2);
  }

  @Test
  void strict_mode_answers_the_assumed_shapes_another_way() throws Exception {
    UnityClient client = new UnityClient(sim()).login();
    TestHttp.send("POST", sim().controlUrl() + "/strict?on=true", "", "Content-Type", "text/plain");

    JsonNode saved = UnityClient.parse(client.magic("SaveAllergy", VeradigmSeed.PATIENT_MARIA,
        "<allergy allergen=\"Penicillin\"/>"));
    JsonNode summary = UnityClient.parse(client.magic("GetClinicalSummary", VeradigmSeed.PATIENT_MARIA));
    JsonNode encounters = UnityClient.parse(client.magic("GetEncounterList", VeradigmSeed.PATIENT_MARIA));
    sim().unityRequestsPerMinute(1);
    client.magic("GetPatient", VeradigmSeed.PATIENT_MARIA);
    HttpResponse<String> limited = client.magic("GetPatient", VeradigmSeed.PATIENT_MARIA);

    assertThat(sim().strict()).isTrue();
    assertThat(saved.at("/0/saveallergyinfo/0/transid").isObject()).as("id as an object").isTrue();
    assertThat(summary.at("/0/getclinicalsummaryinfo/0/section").asText()).isEqualTo("allergy");
    assertThat(encounters.at("/0/getencounterlistinfo/0/patient/ID").asText()).isEqualTo(VeradigmSeed.PATIENT_MARIA);
    assertThat(encounters.at("/0/getencounterlistinfo/0").has("PatientID")).isFalse();
    assertThat(limited.statusCode()).isEqualTo(200);
    assertThat(UnityClient.parse(limited).get(0).has("Error")).isTrue();
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
    assertThat(sim().records("note", null)).extracting(e -> e.fields().get("text")).containsExactly("lost");
    assertThat(sim().stats().faults(FaultKind.COMMIT_THEN_TIMEOUT)).isEqualTo(1);
  }

  @Test
  void drop_fields_applies_to_unity_records() throws Exception {
    UnityClient client = new UnityClient(sim()).login();
    sim().faults().dropFields("allergy", "reaction");

    client.magic("SaveAllergy", VeradigmSeed.PATIENT_MARIA, "<allergy allergen=\"Penicillin\" reaction=\"Rash\"/>");

    assertThat(sim().records("allergy", null)).singleElement()
        .satisfies(e -> assertThat(e.fields()).containsEntry("allergen", "Penicillin").doesNotContainKey("reaction"));
  }
}
