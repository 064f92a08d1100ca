package dev.chartbridge.simulators.athena;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chartbridge.simulators.vendorkit.TestHttp;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Map;

/** A minimal athena client for the tests: token, then form posts and GETs with the bearer token. */
final class AthenaClient {

  static final ObjectMapper JSON = new ObjectMapper();
  private final AthenaSimulator sim;
  String token;

  AthenaClient(AthenaSimulator sim) {
    this.sim = sim;
  }

  HttpResponse<String> requestToken(String secret, String scope) throws IOException, InterruptedException {
    return TestHttp.send("POST", sim.tokenUrl(),
        TestHttp.form(Map.of("grant_type", "client_credentials", "scope", scope)),
        "Content-Type", "application/x-www-form-urlencoded",
        "Authorization", TestHttp.basic(AthenaSeed.CLIENT_ID, secret));
  }

  AthenaClient login() throws IOException, InterruptedException {
    HttpResponse<String> response = requestToken(AthenaSeed.CLIENT_SECRET, AthenaSeed.MDP_SCOPE);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    token = JSON.readTree(response.body()).get("access_token").asText();
    return this;
  }

  HttpResponse<String> post(String path, Map<String, String> form) throws IOException, InterruptedException {
    return TestHttp.send("POST", sim.apiUrl() + path, TestHttp.form(form),
        "Content-Type", "application/x-www-form-urlencoded", "Authorization", "Bearer " + token);
  }

  HttpResponse<String> put(String path, Map<String, String> form) throws IOException, InterruptedException {
    return TestHttp.send("PUT", sim.apiUrl() + path, TestHttp.form(form),
        "Content-Type", "application/x-www-form-urlencoded", "Authorization", "Bearer " + token);
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return TestHttp.get(sim.apiUrl() + path, "Authorization", "Bearer " + token);
  }

  static JsonNode json(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  HttpResponse<String> problem(String patient) throws IOException, InterruptedException {
    return post("/chart/" + patient + "/problems", Map.of("snomedcode", "38341003", "startdate", "11/01/2026",
        "departmentid", AthenaSeed.DEPARTMENT_ID, "note", "From the app"));
  }
}
