package dev.chartbridge.simulators.veradigm;

import static dev.chartbridge.simulators.vendorkit.TestHttp.basic;
import static dev.chartbridge.simulators.vendorkit.TestHttp.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.simulators.FaultKind;
import dev.chartbridge.simulators.vendorkit.TestHttp;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Veradigm FHIR: token, the sandbox statement's writes, no-version updates, no conditional create, switch. */
class VeradigmFhirTest {

  @RegisterExtension static final VeradigmSimulatorExtension SIM = new VeradigmSimulatorExtension();

  private static final String CONDITION = "{\"resourceType\":\"Condition\",\"identifier\":[{\"system\":\"urn:app\","
      + "\"value\":\"e-1\"}],\"code\":{\"text\":\"Hypertension\"},\"subject\":{\"reference\":\"Patient/10101\"}}";

  private VeradigmSimulator sim() {
    return SIM.simulator();
  }

  private String token() throws Exception {
    HttpResponse<String> response = send("POST", sim().tokenUrl(),
        TestHttp.form(Map.of("grant_type", "client_credentials", "scope", "system/Condition.write")),
        "Content-Type", "application/x-www-form-urlencoded",
        "Authorization", basic(VeradigmSeed.FHIR_CLIENT_ID, VeradigmSeed.FHIR_CLIENT_SECRET));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return UnityClient.JSON.readTree(response.body()).get("access_token").asText();
  }

  private HttpResponse<String> fhir(String method, String path, String body, String... headers) throws Exception {
    String[] all = new String[headers.length + 4];
    all[0] = "Authorization";
    all[1] = "Bearer " + token();
    all[2] = "Content-Type";
    all[3] = "application/fhir+json";
    System.arraycopy(headers, 0, all, 4, headers.length);
    return send(method, sim().baseUrl() + path, body, all);
  }

  @Test
  void metadata_is_the_sandbox_statement_and_needs_no_token() throws Exception {
    HttpResponse<String> metadata = TestHttp.get(sim().baseUrl() + "/metadata");

    assertThat(metadata.statusCode()).isEqualTo(200);
    assertThat(metadata.body()).contains("Veradigm Connect CP00101").contains("\"no-version\"");
  }

  @Test
  void fhir_needs_a_bearer_token_from_the_client_credentials_endpoint() throws Exception {
    HttpResponse<String> anonymous = TestHttp.get(sim().baseUrl() + "/Patient/10101");
    HttpResponse<String> badSecret = send("POST", sim().tokenUrl(), "grant_type=client_credentials",
        "Content-Type", "application/x-www-form-urlencoded", "Authorization", basic(VeradigmSeed.FHIR_CLIENT_ID, "x"));

    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(badSecret.statusCode()).isEqualTo(401);
    assertThat(badSecret.body()).contains("invalid_client");
    assertThat(fhir("GET", "/Patient/10101", null).body()).contains("\"family\":\"Garcia\"");
  }

  @Test
  void create_is_honoured_without_etag_or_version() throws Exception {
    HttpResponse<String> created = fhir("POST", "/Condition", CONDITION);

    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.headers().firstValue("ETag")).isEmpty();
    assertThat(created.headers().firstValue("Location")).hasValue(sim().baseUrl() + "/Condition/1");
    JsonNode body = UnityClient.JSON.readTree(created.body());
    assertThat(body.path("meta").has("versionId")).isFalse();
    assertThat(sim().fhirResources("Condition")).hasSize(1);
  }

  @Test
  void if_none_exist_is_ignored_so_a_resend_duplicates() throws Exception {
    fhir("POST", "/Condition", CONDITION, "If-None-Exist", "identifier=urn:app|e-1");
    HttpResponse<String> again = fhir("POST", "/Condition", CONDITION, "If-None-Exist", "identifier=urn:app|e-1");

    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(sim().fhirResources("Condition")).hasSize(2);
  }

  @Test
  void stale_if_match_is_ignored_and_the_update_silently_overwrites_a_concurrent_edit() throws Exception {
    fhir("POST", "/Condition", CONDITION);
    sim().faults().concurrentEdit("Condition/1");
    assertThat(sim().fhirRead("Condition", "1").orElseThrow().toString()).contains("concurrent-edit");

    HttpResponse<String> update = fhir("PUT", "/Condition/1",
        CONDITION.replace("Hypertension", "Essential hypertension").replace("{\"resourceType\":\"Condition\",",
            "{\"resourceType\":\"Condition\",\"id\":\"1\","), "If-Match", "W/\"1\"");

    assertThat(update.statusCode()).isEqualTo(200);
    assertThat(update.headers().firstValue("ETag")).isEmpty();
    String stored = sim().fhirRead("Condition", "1").orElseThrow().toString();
    assertThat(stored).contains("Essential hypertension").doesNotContain("concurrent-edit");
    assertThat(sim().stats().faults(FaultKind.CONCURRENT_EDIT)).isEqualTo(1);
  }

  @Test
  void types_without_declared_writes_answer_405() throws Exception {
    HttpResponse<String> patient = fhir("POST", "/Patient", "{\"resourceType\":\"Patient\"}");
    HttpResponse<String> procedure = fhir("POST", "/Procedure", "{\"resourceType\":\"Procedure\"}");

    assertThat(patient.statusCode()).isEqualTo(405);
    assertThat(procedure.statusCode()).isEqualTo(405);
    assertThat(procedure.body()).contains("OperationOutcome").contains("no create interaction on Procedure");
  }

  @Test
  void the_docs_switch_turns_fhir_writes_off() throws Exception {
    sim().fhirWrites(false);

    HttpResponse<String> created = fhir("POST", "/Condition", CONDITION);

    assertThat(created.statusCode()).isEqualTo(405);
    assertThat(created.body()).contains("read-only");
    assertThat(sim().fhirResources("Condition")).isEmpty();
  }

  @Test
  void search_by_patient_finds_what_was_written_and_mrn_2000_is_ambiguous() throws Exception {
    fhir("POST", "/Condition", CONDITION);

    assertThat(fhir("GET", "/Condition?patient=10101", null).body()).contains("\"total\":1");
    assertThat(fhir("GET", "/Patient?identifier=2000", null).body()).contains("\"total\":2");
  }

  @Test
  void fhir_limit_and_injected_faults_apply() throws Exception {
    String token = token();
    sim().fhirRequestsPerMinute(1);
    HttpResponse<String> first = send("GET", sim().baseUrl() + "/Patient/10101", null, "Authorization", "Bearer " + token);
    HttpResponse<String> second = send("GET", sim().baseUrl() + "/Patient/10101", null, "Authorization", "Bearer " + token);
    sim().fhirRequestsPerMinute(0);
    sim().faults().errorRate(1.0, 500, null, true);
    HttpResponse<String> failed = send("POST", sim().baseUrl() + "/Condition", CONDITION,
        "Authorization", "Bearer " + token, "Content-Type", "application/fhir+json");

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(second.statusCode()).isEqualTo(429);
    assertThat(failed.statusCode()).isEqualTo(500);
    assertThat(sim().fhirResources("Condition")).isEmpty();
  }
}
