package dev.chartbridge.simulators.athena;

import static dev.chartbridge.simulators.athena.AthenaClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The simulator answers in athena's read shapes (docs/evidence/athenahealth.yaml), not the write forms, and in
 * strict mode answers each assumed or disputed point the other plausible way.
 */
class AthenaReadShapesTest {

  private static final String VITALS = "[[{\"clinicalelementid\":\"VITALS.BLOODPRESSURE.SYSTOLIC\",\"value\":\"128\","
      + "\"readingtaken\":\"11/20/2026 09:30:00\"},{\"clinicalelementid\":\"VITALS.BLOODPRESSURE.DIASTOLIC\","
      + "\"value\":\"82\",\"readingtaken\":\"11/20/2026 09:30:00\"}]]";

  @Test
  void problems_read_as_code_and_events_and_need_a_department() throws Exception {
    try (AthenaSimulator sim = AthenaSimulator.start()) {
      AthenaClient c = new AthenaClient(sim).login();
      JsonNode created = json(c.problem("31001"));

      JsonNode listed = json(c.get("/chart/31001/problems?departmentid=1")).at("/problems/0");

      assertThat(created.get("success").asText()).isEqualTo("true");
      assertThat(listed.get("problemid").asText()).isEqualTo(created.get("problemid").asText());
      assertThat(listed.get("code").asText()).isEqualTo("38341003");
      assertThat(listed.has("snomedcode")).as("the write form's name is not the read shape's").isFalse();
      assertThat(listed.at("/events/0/eventtype").asText()).isEqualTo("START");
      assertThat(listed.at("/events/0/startdate").asText()).isEqualTo("11/01/2026");
      assertThat(c.get("/chart/31001/problems").statusCode()).isEqualTo(400);
    }
  }

  @Test
  void encounter_vitals_answer_success_only_unless_ids_are_asked_for_then_objects() throws Exception {
    try (AthenaSimulator sim = AthenaSimulator.start()) {
      AthenaClient c = new AthenaClient(sim).login();
      JsonNode plain = json(c.post("/chart/encounter/45001/vitals", Map.of("departmentid", "1", "vitals", VITALS)));
      JsonNode withIds = json(c.post("/chart/encounter/45001/vitals",
          Map.of("departmentid", "1", "vitals", VITALS, "returnvitalids", "true")));

      assertThat(plain.has("vitalids")).isFalse();
      assertThat(withIds.at("/vitalids/0/clinicalelementid").asText()).isEqualTo("VITALS.BLOODPRESSURE.SYSTOLIC");
      assertThat(withIds.at("/vitalids/0/vitalid").isTextual()).isTrue();
      JsonNode groups = json(c.get("/chart/encounter/45001/vitals"));
      assertThat(groups.at("/0/key").asText()).isEqualTo("BLOODPRESSURE");
      assertThat(groups.at("/0/readings")).as("two reading sets of two readings").hasSize(2);
      assertThat(groups.at("/0/readings/0")).hasSize(2);
      assertThat(groups.at("/0/readings/0/0/value").asText()).isEqualTo("128");
    }
  }

  @Test
  void allergies_are_put_with_a_reference_allergen_and_read_with_name_and_reactions() throws Exception {
    try (AthenaSimulator sim = AthenaSimulator.start()) {
      AthenaClient c = new AthenaClient(sim).login();
      JsonNode reference = json(c.get("/reference/allergies?searchvalue=penicillin"));
      assertThat(reference).hasSize(2);
      assertThat(reference.at("/0/allergyid").asText()).isEqualTo("10831");
      HttpResponse<String> put = c.put("/chart/31001/allergies", Map.of("departmentid", "1", "allergies",
          "[{\"allergenid\":\"10831\",\"reactions\":[{\"reactionname\":\"hives\",\"snomedcode\":\"247472004\"}]}]"));
      HttpResponse<String> unknown = c.put("/chart/31001/allergies",
          Map.of("departmentid", "1", "allergies", "[{\"allergenid\":\"1\"}]"));

      assertThat(put.body()).isEqualTo("{\"success\":\"true\"}");
      assertThat(json(unknown).get("success").asText()).isEqualTo("false");
      JsonNode row = json(c.get("/chart/31001/allergies?departmentid=1")).at("/allergies/0");
      assertThat(row.get("allergenname").asText()).isEqualTo("Penicillin G");
      assertThat(row.at("/reactions/0/snomedcode").asText()).isEqualTo("247472004");
    }
  }

  @Test
  void medications_are_athenas_own_ids_and_read_as_an_array_of_arrays() throws Exception {
    try (AthenaSimulator sim = AthenaSimulator.start()) {
      AthenaClient c = new AthenaClient(sim).login();
      assertThat(json(c.get("/reference/medications?searchvalue=lisinopril"))).hasSize(3);
      JsonNode rxnorm = json(c.post("/chart/31001/medications", Map.of("departmentid", "1", "medicationid", "314076")));
      JsonNode created = json(c.post("/chart/31001/medications", Map.of("departmentid", "1", "medicationid", "299001",
          "unstructuredsig", "10 mg oral QD")));

      assertThat(rxnorm.get("success").asText()).as("an RxNorm code is no athena medication id").isEqualTo("false");
      JsonNode row = json(c.get("/chart/31001/medications?departmentid=1")).at("/medications/0/0");
      assertThat(row.get("medicationentryid").asText()).isEqualTo(created.get("medicationentryid").asText());
      assertThat(row.get("medication").asText()).isEqualTo("lisinopril 10 mg oral tablet");
    }
  }

  @Test
  void patients_are_found_by_the_mrn_custom_field_and_encounters_listed_per_patient() throws Exception {
    try (AthenaSimulator sim = AthenaSimulator.start()) {
      AthenaClient c = new AthenaClient(sim).login();

      assertThat(json(c.get("/patients/customfields/1201/2000")).get("patients")).hasSize(2);
      assertThat(json(c.get("/patients/customfields/1201/1001")).at("/patients/0/patientid").asText())
          .isEqualTo("31001");
      JsonNode encounters = json(c.get("/chart/31001/encounters?limit=1"));
      assertThat(encounters.get("encounters")).hasSize(1);
      assertThat(encounters.get("next").asText()).contains("offset=1");
      assertThat(json(c.get("/chart/encounter/45001")).at("/0").has("patientid"))
          .as("the recorded encounter read names no patient").isFalse();
    }
  }

  @Test
  void strict_mode_answers_the_assumed_points_the_other_way() throws Exception {
    try (AthenaSimulator sim = AthenaSimulator.builder().strict(true).start()) {
      AthenaClient c = new AthenaClient(sim).login();
      JsonNode problem = json(c.problem("31001"));
      JsonNode vitals = json(c.post("/chart/encounter/45001/vitals",
          Map.of("departmentid", "1", "vitals", VITALS, "returnvitalids", "true")));

      assertThat(problem.get("success").isBoolean()).isTrue();
      assertThat(problem.has("problemid")).isFalse();
      assertThat(vitals.has("vitalids")).isFalse();
      assertThat(json(c.get("/chart/encounter/45001/vitals")).at("/0/readings/0/value").asText()).isEqualTo("128");
      assertThat(json(c.get("/reference/allergies?searchvalue=latex")).at("/0/allergenid").isNumber()).isTrue();
      sim.strict(false);
      assertThat(json(c.problem("31001")).has("problemid")).isTrue();
    }
  }
}
