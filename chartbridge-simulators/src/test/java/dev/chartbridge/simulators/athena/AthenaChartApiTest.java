package dev.chartbridge.simulators.athena;

import static dev.chartbridge.simulators.athena.AthenaClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.simulators.vendorkit.TestHttp;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The proprietary v1 chart API: form writes, read-back, 200 success:false refusals, duplicates, toggles. */
class AthenaChartApiTest {

  @RegisterExtension static final AthenaSimulatorExtension SIM = new AthenaSimulatorExtension();

  private static final String VITALS = "[[{\"clinicalelementid\":\"VITALS.BLOODPRESSURE.SYSTOLIC\",\"value\":\"120\"},"
      + "{\"clinicalelementid\":\"VITALS.BLOODPRESSURE.DIASTOLIC\",\"value\":\"80\"}]]";

  private AthenaClient client() throws Exception {
    return new AthenaClient(SIM.simulator()).login();
  }

  @Test
  void problem_is_created_and_read_back() throws Exception {
    AthenaClient c = client();

    HttpResponse<String> created = c.problem(AthenaSeed.PATIENT_MARIA);
    JsonNode problems = json(c.get("/chart/" + AthenaSeed.PATIENT_MARIA + "/problems"));

    assertThat(created.statusCode()).isEqualTo(200);
    assertThat(json(created).get("success").asBoolean()).isTrue();
    long id = json(created).get("problemid").asLong();
    assertThat(problems.get("totalcount").asInt()).isEqualTo(1);
    assertThat(problems.get("problems").get(0).get("problemid").asLong()).isEqualTo(id);
    assertThat(problems.get("problems").get(0).get("snomedcode").asText()).isEqualTo("38341003");
  }

  @Test
  void resending_a_problem_creates_a_duplicate() throws Exception {
    AthenaClient c = client();

    long first = json(c.problem(AthenaSeed.PATIENT_MARIA)).get("problemid").asLong();
    long second = json(c.problem(AthenaSeed.PATIENT_MARIA)).get("problemid").asLong();

    assertThat(second).isNotEqualTo(first);
    assertThat(SIM.simulator().records("problem", AthenaSeed.PATIENT_MARIA)).hasSize(2);
  }

  @Test
  void missing_fields_answer_400_and_business_rule_refusals_answer_200_success_false() throws Exception {
    AthenaClient c = client();

    HttpResponse<String> missing = c.post("/chart/31001/problems", Map.of("snomedcode", "38341003"));
    HttpResponse<String> badCode = c.post("/chart/31001/problems", Map.of("snomedcode", "I10", "departmentid", "1"));
    HttpResponse<String> closed = c.post("/chart/encounter/" + AthenaSeed.ENCOUNTER_MARIA_CLOSED + "/vitals",
        Map.of("departmentid", "1", "vitals", VITALS));

    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(json(missing).get("missingfields").get(0).asText()).isEqualTo("departmentid");
    assertThat(badCode.statusCode()).isEqualTo(200);
    assertThat(json(badCode).get("success").asBoolean()).isFalse();
    assertThat(json(badCode).get("errormessage").asText()).contains("SNOMED");
    assertThat(closed.statusCode()).isEqualTo(200);
    assertThat(json(closed).get("errormessage").asText()).contains("closed");
    assertThat(SIM.simulator().records(null, null)).isEmpty();
  }

  @Test
  void unknown_patient_is_404() throws Exception {
    HttpResponse<String> response = client().problem("99999");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("Invalid patient ID");
  }

  @Test
  void vitals_give_one_id_per_reading_and_encounter_vitals_carry_the_encounter() throws Exception {
    AthenaClient c = client();

    JsonNode chart = json(c.post("/chart/31001/vitals", Map.of("departmentid", "1", "vitals", VITALS, "source", "DEVICE")));
    JsonNode encounter = json(c.post("/chart/encounter/" + AthenaSeed.ENCOUNTER_MARIA_OPEN + "/vitals",
        Map.of("departmentid", "1", "vitals", VITALS)));
    JsonNode read = json(c.get("/chart/31001/vitals"));

    assertThat(chart.get("vitalids")).hasSize(2);
    assertThat(encounter.get("vitalids")).hasSize(2);
    assertThat(read.get("totalcount").asInt()).isEqualTo(4);
    assertThat(read.get("vitals").get(2).get("encounterid").asText()).isEqualTo(AthenaSeed.ENCOUNTER_MARIA_OPEN);
  }

  @Test
  void hidden_vitals_are_accepted_but_cannot_be_read_back() throws Exception {
    AthenaClient c = client();
    SIM.simulator().vitalsHidden(true);

    JsonNode written = json(c.post("/chart/31003/vitals", Map.of("departmentid", "1", "vitals", VITALS)));
    JsonNode read = json(c.get("/chart/31003/vitals"));

    assertThat(written.get("success").asBoolean()).isTrue();
    assertThat(read.get("totalcount").asInt()).isZero();
    assertThat(SIM.simulator().records("vitals", "31003")).hasSize(2);
  }

  @Test
  void allergy_and_medication_are_stored_and_listed() throws Exception {
    AthenaClient c = client();

    JsonNode allergy = json(c.post("/chart/31003/allergies",
        Map.of("allergenid", "10134", "allergenname", "Penicillin", "reactions", "rash", "departmentid", "1")));
    JsonNode medication = json(c.post("/chart/31003/medications",
        Map.of("medicationid", "244767", "startdate", "11/01/2026", "unstructuredsig", "1 tab daily", "departmentid", "1")));

    assertThat(allergy.get("allergyid").asLong()).isPositive();
    assertThat(medication.get("medicationentryid").asLong()).isPositive();
    assertThat(json(c.get("/chart/31003/allergies")).get("allergies").get(0).get("allergenname").asText())
        .isEqualTo("Penicillin");
    assertThat(json(c.get("/chart/31003/medications")).get("medications").get(0).get("unstructuredsig").asText())
        .isEqualTo("1 tab daily");
  }

  @Test
  void clinical_document_needs_a_department_and_takes_one_document_per_call() throws Exception {
    AthenaClient c = client();
    String pdf = Base64.getEncoder().encodeToString("%PDF-1.4".getBytes());

    HttpResponse<String> noDepartment = c.post("/patients/31001/documents/clinicaldocument",
        Map.of("documentsubclass", "CLINICALDOCUMENT", "attachmentcontents", pdf));
    HttpResponse<String> two = TestHttp.send("POST",
        SIM.simulator().apiUrl() + "/patients/31001/documents/clinicaldocument",
        "departmentid=1&documentsubclass=CLINICALDOCUMENT&attachmentcontents=" + pdf + "&attachmentcontents=" + pdf,
        "Content-Type", "application/x-www-form-urlencoded", "Authorization", "Bearer " + c.token);
    HttpResponse<String> one = c.post("/patients/31001/documents/clinicaldocument",
        Map.of("departmentid", "1", "documentsubclass", "CLINICALDOCUMENT", "attachmentcontents", pdf));

    assertThat(noDepartment.statusCode()).isEqualTo(400);
    assertThat(two.statusCode()).isEqualTo(400);
    assertThat(two.body()).contains("one document");
    assertThat(json(one).get("clinicaldocumentid").asLong()).isPositive();
    assertThat(json(c.get("/patients/31001/documents/clinicaldocument")).get("clinicaldocuments").get(0)
        .get("attachmenttype").asText()).isEqualTo("PDF");
  }

  @Test
  void patient_lookup_by_mrn_finds_both_lee_chens() throws Exception {
    JsonNode found = json(client().get("/patients?mrn=2000"));

    assertThat(found.get("totalcount").asInt()).isEqualTo(2);
    assertThat(found.get("patients").findValuesAsText("patientid"))
        .containsExactly(AthenaSeed.PATIENT_LEE_A, AthenaSeed.PATIENT_LEE_B);
  }

  @Test
  void creating_a_patient_best_matches_an_existing_one() throws Exception {
    AthenaClient c = client();

    JsonNode match = json(c.post("/patients", Map.of("lastname", "GARCIA", "firstname", "Mary", "dob", "04/12/1980",
        "departmentid", "1")));
    JsonNode created = json(c.post("/patients", Map.of("lastname", "Novak", "firstname", "Ivo", "dob", "01/02/1999",
        "departmentid", "1")));

    assertThat(match.get(0).get("patientid").asText()).isEqualTo(AthenaSeed.PATIENT_MARIA);
    assertThat(created.get(0).get("patientid").asText()).isEqualTo("39001");
    assertThat(json(c.get("/patients/39001")).get(0).get("lastname").asText()).isEqualTo("Novak");
  }

  @Test
  void encounter_read_gives_its_status() throws Exception {
    JsonNode encounter = json(client().get("/chart/encounter/" + AthenaSeed.ENCOUNTER_MARIA_CLOSED));

    assertThat(encounter.get(0).get("status").asText()).isEqualTo("CLOSED");
    assertThat(encounter.get(0).get("patientid").asText()).isEqualTo(AthenaSeed.PATIENT_MARIA);
  }

  @Test
  void unrouted_path_answers_the_gateway_string() throws Exception {
    HttpResponse<String> response = client().get("/nothing/here");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).isEqualTo("Service not registered with API gateway.");
  }

  @Test
  void a_clinicians_status_change_and_deletion_show_in_the_lists_and_unknown_records_are_404() throws Exception {
    AthenaClient c = client();
    String id = json(c.problem(AthenaSeed.PATIENT_MARIA)).get("problemid").asText();
    String chart = SIM.simulator().controlUrl() + "/chart/problem/" + id;

    HttpResponse<String> status = TestHttp.send("POST", chart + "/status", "{\"status\":\"CHRONIC\"}");
    JsonNode listed = json(c.get("/chart/" + AthenaSeed.PATIENT_MARIA + "/problems")).get("problems").get(0);

    assertThat(status.statusCode()).isEqualTo(200);
    assertThat(json(status).get("versionId").isNull()).isTrue();
    assertThat(listed.get("status").asText()).isEqualTo("CHRONIC");
    assertThat(TestHttp.send("POST", SIM.simulator().controlUrl() + "/chart/allergy/" + id + "/status",
        "{\"status\":\"CHRONIC\"}").statusCode()).as("another kind's id").isEqualTo(404);

    assertThat(TestHttp.send("DELETE", chart, null).statusCode()).isEqualTo(204);
    assertThat(json(c.get("/chart/" + AthenaSeed.PATIENT_MARIA + "/problems")).get("totalcount").asInt()).isZero();
    assertThat(TestHttp.send("DELETE", chart, null).statusCode()).isEqualTo(404);
  }
}
