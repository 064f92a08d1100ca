package dev.chartbridge.simulators.epic;

import static dev.chartbridge.simulators.epic.EpicFixtures.bloodPressure;
import static dev.chartbridge.simulators.epic.EpicFixtures.json;
import static dev.chartbridge.simulators.epic.EpicFixtures.parse;
import static dev.chartbridge.simulators.epic.EpicFixtures.send;
import static dev.chartbridge.simulators.epic.EpicSeed.ENCOUNTER_MARIA_OPEN;
import static dev.chartbridge.simulators.epic.EpicSeed.ENCOUNTER_MARIO_OPEN;
import static dev.chartbridge.simulators.epic.EpicSeed.PATIENT_MARIA;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Epic's documented search rules and searchset warnings ({@code epic-error-codes.yml}: 4111, 59108, 4101) and its
 * refusals of a reading filed twice (59189) or of an encounter of another patient (59159), over HTTP.
 */
class EpicSearchRulesTest {
  @RegisterExtension
  static final EpicSimulatorExtension EPIC = new EpicSimulatorExtension();

  private String token;

  @BeforeEach
  void token() {
    token = EpicFixtures.token(EPIC.simulator());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send("GET", EPIC.simulator().baseUrl() + "/" + path, token, null, Map.of());
  }

  private HttpResponse<String> post(String type, String body) throws Exception {
    return send("POST", EPIC.simulator().baseUrl() + "/" + type, token, body, Map.of());
  }

  private static String epicCode(HttpResponse<String> response) {
    return parse(OperationOutcome.class, response.body()).getIssueFirstRep().getDetails().getCodingFirstRep()
        .getCode();
  }

  @Test
  void a_patient_scoped_search_without_the_patient_is_4111() throws Exception {
    HttpResponse<String> encounter = get("Encounter?identifier=" + EpicSeed.CSN_SYSTEM + "|" + EpicSeed.CSN_MARIA_OPEN);
    HttpResponse<String> condition = get("Condition?category=problem-list-item");

    assertThat(encounter.statusCode()).isEqualTo(400);
    assertThat(epicCode(encounter)).isEqualTo("4111");
    assertThat(epicCode(condition)).isEqualTo("4111");
    assertThat(get("Patient?identifier=" + EpicSeed.MRN_SYSTEM + "|" + EpicSeed.MRN_MARIA).statusCode())
        .as("Patient is searched without a patient").isEqualTo(200);
  }

  @Test
  void an_observation_search_needs_category_or_code_59108() throws Exception {
    HttpResponse<String> bare = get("Observation?patient=" + PATIENT_MARIA);

    assertThat(bare.statusCode()).isEqualTo(400);
    assertThat(epicCode(bare)).isEqualTo("59108");
    assertThat(get("Observation?patient=" + PATIENT_MARIA + "&category=vital-signs").statusCode()).isEqualTo(200);
    assertThat(get("Observation?patient=" + PATIENT_MARIA + "&code=85354-9").statusCode()).isEqualTo(200);
  }

  @Test
  void a_search_that_matches_nothing_carries_a_4101_warning_entry_of_mode_outcome() throws Exception {
    Bundle empty = parse(Bundle.class, get("Patient?identifier=" + EpicSeed.MRN_SYSTEM + "|9999").body());
    Bundle found = parse(Bundle.class, get("Patient?identifier=" + EpicSeed.MRN_SYSTEM + "|" + EpicSeed.MRN_MARIA)
        .body());

    assertThat(empty.getEntry()).singleElement().satisfies(e -> {
      assertThat(e.getSearch().getMode()).isEqualTo(Bundle.SearchEntryMode.OUTCOME);
      OperationOutcome warning = (OperationOutcome) e.getResource();
      assertThat(warning.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.WARNING);
      assertThat(warning.getIssueFirstRep().getDetails().getCodingFirstRep().getCode()).isEqualTo("4101");
    });
    assertThat(found.getEntry()).singleElement()
        .satisfies(e -> assertThat(e.getResource().fhirType()).isEqualTo("Patient"));
  }

  @Test
  void a_reading_filed_again_is_59189_and_an_encounter_of_another_patient_59159() throws Exception {
    assertThat(post("Observation", json(reading(ENCOUNTER_MARIA_OPEN, "r1"))).statusCode()).isEqualTo(201);
    HttpResponse<String> again = post("Observation", json(reading(ENCOUNTER_MARIA_OPEN, "r2")));
    HttpResponse<String> otherVisit = post("Observation", json(reading(ENCOUNTER_MARIO_OPEN, "r3")));

    assertThat(again.statusCode()).isEqualTo(422);
    assertThat(epicCode(again)).isEqualTo("59189");
    assertThat(otherVisit.statusCode()).isEqualTo(422);
    assertThat(epicCode(otherVisit)).isEqualTo("59159");
    assertThat(EPIC.simulator().resources("Observation")).hasSize(1);
  }

  private static Observation reading(String encounter, String eventId) {
    Observation bp = bloodPressure(PATIENT_MARIA, encounter, eventId);
    bp.setEffective(new DateTimeType("2026-11-20T09:30:00Z"));
    return bp;
  }

  @Test
  void an_allergy_to_a_substance_already_on_the_chart_is_59141() throws Exception {
    String allergy = "{\"resourceType\":\"AllergyIntolerance\",\"patient\":{\"reference\":\"Patient/"
        + PATIENT_MARIA + "\"},\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\","
        + "\"code\":\"288328004\"}]}}";
    assertThat(post("AllergyIntolerance", allergy).statusCode()).isEqualTo(201);
    HttpResponse<String> again = post("AllergyIntolerance", allergy);

    assertThat(again.statusCode()).isEqualTo(422);
    assertThat(epicCode(again)).isEqualTo("59141");
  }
}
