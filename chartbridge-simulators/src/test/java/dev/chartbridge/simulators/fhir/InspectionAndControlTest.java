package dev.chartbridge.simulators.fhir;

import static dev.chartbridge.simulators.fhir.TestClients.TEST_SYSTEM;
import static dev.chartbridge.simulators.fhir.TestClients.get;
import static dev.chartbridge.simulators.fhir.TestClients.heartRate;
import static dev.chartbridge.simulators.fhir.TestClients.json;
import static dev.chartbridge.simulators.fhir.TestClients.post;
import static dev.chartbridge.simulators.fhir.TestClients.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chartbridge.simulators.FaultKind;
import dev.chartbridge.simulators.FaultPlan;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.hl7.fhir.r4.model.IdType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The /_sim control and inspection endpoints, the Java inspection API, counters and reset. */
class InspectionAndControlTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Instance field: each test gets its own simulator (the other test classes share one per class). */
  @RegisterExtension final FhirSimulatorExtension sim = new FhirSimulatorExtension();

  private FhirSimulator sim() {
    return sim.simulator();
  }

  private String create(String patient, String event) throws Exception {
    HttpResponse<String> response = post(sim().baseUrl() + "/Observation", json(heartRate(patient, event)), Map.of());
    assertThat(response.statusCode()).isEqualTo(201);
    return new IdType(response.headers().firstValue("Location").orElseThrow()).getIdPart();
  }

  @Test
  void resources_endpoint_lists_stored_resources_of_a_type_for_a_patient() throws Exception {
    String first = create(SeedData.PATIENT_MARIA, "i1");
    create(SeedData.PATIENT_MARIO, "i2");

    JsonNode list = JSON.readTree(get(sim().controlUrl() + "/resources?type=Observation&patient=pat-1001").body());

    assertThat(list).hasSize(1);
    assertThat(list.get(0).get("resourceType").asText()).isEqualTo("Observation");
    assertThat(list.get(0).get("id").asText()).isEqualTo(first);
    assertThat(list.get(0).at("/identifier/0/value").asText()).isEqualTo("i1");
  }

  @Test
  void java_inspection_api_sees_what_was_stored() throws Exception {
    create(SeedData.PATIENT_MARIA, "i3");
    create(SeedData.PATIENT_MARIA, "i3");

    assertThat(sim().resources("Observation")).hasSize(2);
    assertThat(sim().resourcesForPatient(SeedData.PATIENT_MARIA))
        .extracting(r -> r.fhirType() + "/" + r.getIdElement().getIdPart())
        .containsExactlyInAnyOrder("Encounter/enc-5001", "Encounter/enc-5002", "Observation/1", "Observation/2");
    assertThat(sim().countWithIdentifier(TEST_SYSTEM, "i3")).isEqualTo(2);
    assertThat(sim().countWithIdentifier(SeedData.MRN_SYSTEM, SeedData.MRN_AMBIGUOUS)).isEqualTo(2);
  }

  @Test
  void stats_count_requests_by_method_and_type_creates_updates_and_faults() throws Exception {
    String id = create(SeedData.PATIENT_MARIA, "i4");
    Map<String, String> ifMatch = Map.of("If-Match", "W/\"1\"");
    var updated = heartRate(SeedData.PATIENT_MARIA, "i4");
    updated.setId(id);
    send("PUT", sim().baseUrl() + "/Observation/" + id, json(updated), ifMatch, Duration.ofSeconds(5));
    get(sim().baseUrl() + "/Patient/pat-1001");
    sim().faults().tooManyRequestsRate(1.0, 1, false);
    get(sim().baseUrl() + "/Patient/pat-1001");

    JsonNode stats = JSON.readTree(get(sim().controlUrl() + "/stats").body());

    assertThat(stats.get("requests").asLong()).isEqualTo(4);
    assertThat(stats.at("/requestsByMethod/GET").asLong()).isEqualTo(2);
    assertThat(stats.at("/requestsByMethod/POST").asLong()).isEqualTo(1);
    assertThat(stats.at("/requestsByMethod/PUT").asLong()).isEqualTo(1);
    assertThat(stats.at("/requestsByResourceType/Observation").asLong()).isEqualTo(2);
    assertThat(stats.at("/requestsByResourceType/Patient").asLong()).isEqualTo(2);
    assertThat(stats.get("creates").asLong()).isEqualTo(1);
    assertThat(stats.get("updates").asLong()).isEqualTo(1);
    assertThat(stats.at("/faultsInjected/TOO_MANY_REQUESTS").asLong()).isEqualTo(1);
    assertThat(stats.get("tooManyRequestsIssued").asLong()).isEqualTo(1);
  }

  @Test
  void faults_endpoint_sets_shows_and_clears_faults() throws Exception {
    String body = "{\"seed\": 5, \"errorRate\": {\"probability\": 1.0, \"status\": 503, \"retryAfterSeconds\": 3},"
        + " \"commitThenTimeout\": {\"probability\": 0.25}, \"dropFields\": {\"Observation\": [\"note\"]}}";

    assertThat(post(sim().controlUrl() + "/faults", body, Map.of()).statusCode()).isEqualTo(200);
    FaultPlan plan = sim().faults().plan();
    assertThat(plan.errorRate()).isEqualTo(new FaultPlan.Failure(1.0, 503, 3, false));
    assertThat(plan.commitThenTimeout().hangMs()).isEqualTo(FaultPlan.LostResponse.DEFAULT_HANG_MS);
    assertThat(plan.dropFields()).containsEntry("Observation", java.util.List.of("note"));
    assertThat(get(sim().baseUrl() + "/Patient/pat-1001").statusCode()).isEqualTo(503);
    JsonNode shown = JSON.readTree(get(sim().controlUrl() + "/faults").body());
    assertThat(shown.at("/errorRate/retryAfterSeconds").asInt()).isEqualTo(3);

    send("DELETE", sim().controlUrl() + "/faults", null, Map.of(), Duration.ofSeconds(5));

    assertThat(sim().faults().plan()).isEqualTo(FaultPlan.NONE);
    assertThat(get(sim().baseUrl() + "/Patient/pat-1001").statusCode()).isEqualTo(200);
  }

  @Test
  void posting_faults_replaces_the_whole_plan() throws Exception {
    sim().faults().errorRate(1.0, 503, null, false);

    post(sim().controlUrl() + "/faults", "{\"latency\": {\"minMs\": 5, \"maxMs\": 10}}", Map.of());

    assertThat(sim().faults().plan().errorRate()).isNull();
    assertThat(sim().faults().plan().latency()).isEqualTo(new FaultPlan.Latency(5, 10, false));
  }

  @Test
  void faults_endpoint_rejects_an_unknown_fault_name() throws Exception {
    HttpResponse<String> response = post(sim().controlUrl() + "/faults", "{\"errorRat\": {}}", Map.of());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(sim().faults().plan()).isEqualTo(FaultPlan.NONE);
  }

  @Test
  void concurrent_edit_endpoint_bumps_the_version() throws Exception {
    String id = create(SeedData.PATIENT_MARIA, "i5");

    HttpResponse<String> edited = post(sim().controlUrl() + "/concurrent-edit/Observation/" + id, "", Map.of());
    HttpResponse<String> missing = post(sim().controlUrl() + "/concurrent-edit/Observation/nope", "", Map.of());

    assertThat(JSON.readTree(edited.body()).get("versionId").asText()).isEqualTo("2");
    assertThat(get(sim().baseUrl() + "/Observation/" + id).headers().firstValue("ETag")).hasValue("W/\"2\"");
    assertThat(missing.statusCode()).isEqualTo(404);
  }

  @Test
  void reset_restores_exactly_the_seed_and_clears_faults_and_counters() throws Exception {
    create(SeedData.PATIENT_MARIA, "i6");
    sim().faults().concurrentEdit("Patient/" + SeedData.PATIENT_MARIA);
    sim().faults().latency(50);

    sim().reset();

    assertThat(sim().resources("Observation")).isEmpty();
    assertThat(sim().resources("Patient")).extracting(r -> r.getIdElement().getIdPart())
        .containsExactly("pat-1001", "pat-1002", "pat-1003", "pat-2000a", "pat-2000b");
    assertThat(sim().resources("Encounter")).hasSize(4);
    assertThat(sim().resources("Practitioner")).hasSize(2);
    assertThat(sim().read("Patient/pat-1001").orElseThrow().getMeta().getVersionId()).isEqualTo("1");
    assertThat(sim().faults().plan()).isEqualTo(FaultPlan.NONE);
    assertThat(sim().stats().requests()).isZero();
    assertThat(sim().stats().faults(FaultKind.CONCURRENT_EDIT)).isZero();
  }

  @Test
  void reset_endpoint_does_the_same_as_the_java_call() throws Exception {
    create(SeedData.PATIENT_MARIA, "i7");

    assertThat(post(sim().controlUrl() + "/reset", "", Map.of()).statusCode()).isEqualTo(204);
    assertThat(sim().resources("Observation")).isEmpty();
    assertThat(create(SeedData.PATIENT_MARIA, "i8")).as("server ids restart").isEqualTo("1");
  }
}
