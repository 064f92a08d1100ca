package dev.chartbridge.simulators.ecw;

import static dev.chartbridge.simulators.ecw.EcwFixtures.EVENT_SYSTEM;
import static dev.chartbridge.simulators.ecw.EcwFixtures.document;
import static dev.chartbridge.simulators.ecw.EcwFixtures.hypertension;
import static dev.chartbridge.simulators.ecw.EcwFixtures.json;
import static dev.chartbridge.simulators.ecw.EcwFixtures.send;
import static dev.chartbridge.simulators.ecw.EcwFixtures.tree;
import static dev.chartbridge.simulators.ecw.EcwSeed.ENCOUNTER_MARIA_LOCKED;
import static dev.chartbridge.simulators.ecw.EcwSeed.ENCOUNTER_MARIA_OPEN;
import static dev.chartbridge.simulators.ecw.EcwSeed.PATIENT_MARIA;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** eClinicalWorks' documented write behaviour and error bodies, over HTTP with a valid token. */
class EcwWriteTest {

  @RegisterExtension static final EcwSimulatorExtension ECW = new EcwSimulatorExtension();

  private String token;

  @BeforeEach
  void authorize() {
    token = EcwFixtures.token(sim());
  }

  private EcwSimulator sim() {
    return ECW.simulator();
  }

  private HttpResponse<String> post(String type, String body) throws Exception {
    return send("POST", sim().baseUrl() + "/" + type, token, body, Map.of());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send("GET", sim().baseUrl() + "/" + path, token, null, Map.of());
  }

  private static void assertEcwError(HttpResponse<String> response, int http, int status, String key)
      throws Exception {
    assertThat(response.statusCode()).isEqualTo(http);
    JsonNode body = tree(response);
    assertThat(body.path("status").asInt()).isEqualTo(status);
    assertThat(body.path("error").asText()).isEqualTo(key);
    assertThat(body.path("message").asText()).isNotBlank();
  }

  @Test
  void a_contracted_create_answers_201_with_the_resource_and_a_resend_creates_a_duplicate() throws Exception {
    String body = json(hypertension(PATIENT_MARIA, ENCOUNTER_MARIA_OPEN, "c1"));

    HttpResponse<String> first = send("POST", sim().baseUrl() + "/Condition", token, body,
        Map.of("If-None-Exist", "identifier=" + EVENT_SYSTEM + "|c1"));
    HttpResponse<String> second = send("POST", sim().baseUrl() + "/Condition", token, body,
        Map.of("If-None-Exist", "identifier=" + EVENT_SYSTEM + "|c1"));

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(tree(first).path("resourceType").asText()).isEqualTo("Condition");
    assertThat(first.headers().firstValue("Location")).hasValueSatisfying(v -> assertThat(v).startsWith(sim().baseUrl()));
    assertThat(second.statusCode()).isEqualTo(201);
    assertThat(sim().countWithIdentifier(EVENT_SYSTEM, "c1")).isEqualTo(2);
  }

  @Test
  void a_write_on_a_closed_encounter_is_139_encounter_is_locked() throws Exception {
    assertEcwError(post("Condition", json(hypertension(PATIENT_MARIA, ENCOUNTER_MARIA_LOCKED, "c1"))),
        409, 139, "ENCOUNTER_IS_LOCKED");
    assertThat(sim().resources("Condition")).isEmpty();
  }

  @Test
  void an_encounter_of_another_patient_is_123_and_an_unknown_patient_is_100() throws Exception {
    assertEcwError(post("Condition", json(hypertension(PATIENT_MARIA, EcwSeed.ENCOUNTER_JAMES_OPEN, "c1"))),
        400, 123, "INVALID_ENCOUNTER");
    assertEcwError(post("Condition", json(hypertension("nobody", null, "c2"))), 400, 100, "INVALID_PATIENT");
  }

  @Test
  void a_condition_coded_outside_icd10_or_snomed_is_102() throws Exception {
    var condition = hypertension(PATIENT_MARIA, null, "c1");
    condition.setCode(new CodeableConcept(new Coding("urn:local", "HTN", null)));

    assertEcwError(post("Condition", json(condition)), 400, 102, "UNSUPPORTED_CODING_SYSTEM");
  }

  @Test
  void a_plain_text_clinical_note_is_refused_with_113_because_ecw_has_no_note_write() throws Exception {
    assertEcwError(post("DocumentReference", json(document(PATIENT_MARIA, "11506-3", "text/plain"))),
        400, 113, "UNSUPPORTED_TYPE_CODE");
  }

  @Test
  void a_document_upload_must_be_pdf_or_c_cda() throws Exception {
    assertEcwError(post("DocumentReference", json(document(PATIENT_MARIA, "34133-9", "text/plain"))),
        400, 114, "UNSUPPORTED_MIME_TYPE_IN_ATTACHMENT");
    assertThat(post("DocumentReference", json(document(PATIENT_MARIA, "34133-9", "application/pdf")))
        .statusCode()).isEqualTo(201);
    assertThat(post("DocumentReference", json(document(PATIENT_MARIA, "34133-9", "application/xml")))
        .statusCode()).isEqualTo(201);
    assertThat(sim().resources("DocumentReference")).hasSize(2);
  }

  @Test
  void immunizations_need_cvx_and_medications_need_rxnorm_and_an_order_intent() throws Exception {
    Immunization flu = new Immunization();
    flu.setStatus(Immunization.ImmunizationStatus.COMPLETED);
    flu.setPatient(new Reference("Patient/" + PATIENT_MARIA));
    flu.setVaccineCode(new CodeableConcept(new Coding("urn:local", "FLU", null)));
    MedicationRequest med = new MedicationRequest();
    med.setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE);
    med.setIntent(MedicationRequest.MedicationRequestIntent.ORDER);
    med.setSubject(new Reference("Patient/" + PATIENT_MARIA));
    med.setMedication(new CodeableConcept(new Coding("urn:local", "LIS10", null)));

    assertEcwError(post("Immunization", json(flu)), 400, 102, "UNSUPPORTED_CODING_SYSTEM");
    flu.setVaccineCode(new CodeableConcept(new Coding(EcwWriteCheck.CVX, "158", null)));
    assertThat(post("Immunization", json(flu)).statusCode()).isEqualTo(201);
    assertEcwError(post("MedicationRequest", json(med)), 400, 2024,
        "RxNorm Code is mandatory for importing medication data");
    med.setMedication(new CodeableConcept(new Coding(EcwWriteCheck.RXNORM, "314076", null)));
    med.setIntent(MedicationRequest.MedicationRequestIntent.PROPOSAL);
    assertEcwError(post("MedicationRequest", json(med)), 400, 121, "INVALID_INTENT");
    med.setIntent(MedicationRequest.MedicationRequestIntent.ORDER);
    assertThat(post("MedicationRequest", json(med)).statusCode()).isEqualTo(201);
  }

  @Test
  void only_telephone_encounters_can_be_created() throws Exception {
    Encounter office = new Encounter();
    office.setStatus(Encounter.EncounterStatus.FINISHED);
    office.setSubject(new Reference("Patient/" + PATIENT_MARIA));
    office.addType().setText("Office visit");
    Encounter phone = office.copy();
    phone.getTypeFirstRep().setText("Telephone encounter");

    assertEcwError(post("Encounter", json(office)), 400, 138, "INVALID_ENCOUNTER_TYPE");
    assertThat(post("Encounter", json(phone)).statusCode()).isEqualTo(201);
  }

  @Test
  void a_write_not_enabled_for_the_practice_is_refused_with_failure() throws Exception {
    sim().disableWrite("Observation");
    HttpResponse<String> observation = post("Observation",
        "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"}}");
    sim().disableWrite("Condition");
    HttpResponse<String> condition = post("Condition", json(hypertension(PATIENT_MARIA, null, "c1")));
    HttpResponse<String> update = send("PUT", sim().baseUrl() + "/Patient/" + PATIENT_MARIA, token,
        "{\"resourceType\":\"Patient\",\"id\":\"" + PATIENT_MARIA + "\"}", Map.of());

    assertEcwError(observation, 403, 2, "FAILURE");
    assertEcwError(condition, 403, 2, "FAILURE");
    assertEcwError(update, 403, 2, "FAILURE");
    assertThat(sim().stats().creates()).isZero();
  }

  @Test
  void questionnaire_response_create_is_published_and_stays_enabled() throws Exception {
    EcwSimulator sim = sim();
    EcwSimulator.CONTRACTED_CREATES.forEach(sim::disableWrite);

    HttpResponse<String> response = post("QuestionnaireResponse", "{\"resourceType\":\"QuestionnaireResponse\","
        + "\"status\":\"completed\",\"subject\":{\"reference\":\"Patient/" + PATIENT_MARIA + "\"}}");

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(sim.enabledWrites()).containsExactly("QuestionnaireResponse");
  }

  @Test
  void without_a_default_writeback_user_every_write_is_308() throws Exception {
    sim().writebackUserConfigured(false);

    assertEcwError(post("Condition", json(hypertension(PATIENT_MARIA, null, "c1"))), 500, 308,
        "DEFAULT_WRITEBACK_USER_NOT_CONFIGURED");
    assertThat(sim().resources("Condition")).isEmpty();
  }

  @Test
  void creating_a_patient_who_exists_is_202_do_not_retry() throws Exception {
    sim().enableWrite("Patient");
    Patient maria = new Patient();
    maria.addName().setFamily("Garcia").addGiven("Maria");
    maria.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1980-04-12"));

    assertEcwError(post("Patient", json(maria)), 409, 202, "INVALID_PATIENT_ALREADY_EXIST");
  }

  @Test
  void patient_search_by_account_number_and_encounter_read() throws Exception {
    Bundle maria = EcwFixtures.FHIR.newJsonParser().parseResource(Bundle.class,
        get("Patient?identifier=" + EcwSeed.ACCOUNT_SYSTEM + "|1001").body());
    Bundle lee = EcwFixtures.FHIR.newJsonParser().parseResource(Bundle.class,
        get("Patient?identifier=" + EcwSeed.ACCOUNT_SYSTEM + "|2000").body());
    Encounter locked = EcwFixtures.FHIR.newJsonParser().parseResource(Encounter.class,
        get("Encounter/" + ENCOUNTER_MARIA_LOCKED).body());

    assertThat(maria.getTotal()).isEqualTo(1);
    assertThat(maria.getEntryFirstRep().getResource().getIdElement().getIdPart()).isEqualTo(PATIENT_MARIA);
    assertThat(lee.getTotal()).isEqualTo(2);
    assertThat(locked.getStatus()).isEqualTo(Encounter.EncounterStatus.FINISHED);
  }

  @Test
  void metadata_declares_only_questionnaire_response_create() throws Exception {
    JsonNode statement = tree(get("metadata"));

    assertThat(statement.path("resourceType").asText()).isEqualTo("CapabilityStatement");
    assertThat(statement.path("publisher").asText()).containsIgnoringCase("eClinicalWorks");
    assertThat(statement.toString().split("\"create\"", -1)).hasSize(2);
  }

  @Test
  void smart_configuration_points_at_this_token_endpoint() throws Exception {
    JsonNode config = tree(send("GET", sim().baseUrl() + "/.well-known/smart-configuration", null, null, Map.of()));

    assertThat(config.path("token_endpoint").asText()).isEqualTo(sim().tokenUrl());
    assertThat(sim().tokenUrl()).endsWith("/oauth/oauth2/token");
    assertThat(sim().baseUrl()).endsWith("/fhir/r4/" + EcwSeed.PRACTICE_CODE);
  }
}
