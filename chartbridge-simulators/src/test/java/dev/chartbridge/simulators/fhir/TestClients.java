package dev.chartbridge.simulators.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/** The clients and sample resources the simulator tests share. */
final class TestClients {

  static final FhirContext FHIR = FhirContext.forR4Cached();
  static final String TEST_SYSTEM = "urn:chartbridge:test:event";
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2))
      .version(HttpClient.Version.HTTP_1_1)
      .build();

  static {
    FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    FHIR.getRestfulClientFactory().setSocketTimeout(10_000);
  }

  private TestClients() {}

  static IGenericClient fhirClient(FhirSimulator simulator) {
    return FHIR.newRestfulGenericClient(simulator.baseUrl());
  }

  /** A heart-rate observation for {@code patientId} carrying the identifier {@code TEST_SYSTEM|eventId}. */
  static Observation heartRate(String patientId, String eventId) {
    Observation observation = new Observation();
    observation.addIdentifier().setSystem(TEST_SYSTEM).setValue(eventId);
    observation.setStatus(Observation.ObservationStatus.FINAL);
    observation.setCode(new CodeableConcept().addCoding(
        new org.hl7.fhir.r4.model.Coding("http://loinc.org", "8867-4", "Heart rate")));
    observation.setSubject(new Reference("Patient/" + patientId));
    observation.setValue(new Quantity().setValue(72).setUnit("/min"));
    observation.addNote(new Annotation().setText("Measured at rest"));
    observation.addInterpretation().addCoding().setCode("N");
    return observation;
  }

  static String json(Observation observation) {
    return FHIR.newJsonParser().encodeResourceToString(observation);
  }

  static HttpResponse<String> send(String method, String url, String body, Map<String, String> headers,
      Duration timeout) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
        .method(method, body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/fhir+json");
    }
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return send("GET", url, null, Map.of(), Duration.ofSeconds(10));
  }

  static HttpResponse<String> post(String url, String body, Map<String, String> headers)
      throws IOException, InterruptedException {
    return send("POST", url, body, headers, Duration.ofSeconds(10));
  }
}
