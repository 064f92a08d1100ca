package dev.chartbridge.simulators.veradigm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.simulators.vendorkit.TestHttp;
import java.io.IOException;
import java.net.http.HttpResponse;

/** A minimal Unity JSON client for the tests. */
final class UnityClient {

  static final ObjectMapper JSON = new ObjectMapper();
  private final VeradigmSimulator sim;
  String token;

  UnityClient(VeradigmSimulator sim) {
    this.sim = sim;
  }

  HttpResponse<String> getToken(String password) throws IOException, InterruptedException {
    String body = JSON.createObjectNode().put("Username", VeradigmSeed.UNITY_USERNAME).put("Password", password)
        .put("Appname", VeradigmSeed.APP_NAME).toString();
    return TestHttp.send("POST", sim.unityUrl() + "/GetToken", body, "Content-Type", "application/json");
  }

  /** GetToken, then GetUserAuthentication binding the token to the seed's EHR user. */
  UnityClient login() throws IOException, InterruptedException {
    token = getToken(VeradigmSeed.UNITY_PASSWORD).body();
    magic("GetUserAuthentication", "", VeradigmSeed.APP_USER_PASSWORD);
    return this;
  }

  /** Sends {@code action} with Parameter1..n = {@code parameters}. */
  HttpResponse<String> magic(String action, String patientId, String... parameters)
      throws IOException, InterruptedException {
    return magic(envelope(action, patientId, parameters));
  }

  ObjectNode envelope(String action, String patientId, String... parameters) {
    ObjectNode body = JSON.createObjectNode().put("Action", action).put("AppUserID", VeradigmSeed.APP_USER)
        .put("Appname", VeradigmSeed.APP_NAME).put("PatientID", patientId).put("Token", token);
    for (int i = 1; i <= 6; i++) {
      body.put("Parameter" + i, i <= parameters.length ? parameters[i - 1] : "");
    }
    return body.putNull("Data");
  }

  HttpResponse<String> magic(ObjectNode envelope) throws IOException, InterruptedException {
    return TestHttp.send("POST", sim.unityUrl() + "/MagicJson", envelope.toString(), "Content-Type", "application/json");
  }

  static JsonNode parse(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }
}
