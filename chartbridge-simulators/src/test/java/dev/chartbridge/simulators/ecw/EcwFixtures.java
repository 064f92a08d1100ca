package dev.chartbridge.simulators.ecw;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chartbridge.simulators.vendorkit.TestHttp;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/** Sample eCW payloads and an HTTP client carrying a bearer token. */
final class EcwFixtures {

  static final FhirContext FHIR = FhirContext.forR4Cached();
  static final ObjectMapper JSON = new ObjectMapper();
  static final String EVENT_SYSTEM = "urn:chartbridge:test:event";
  static final String CLIENT = "chartbridge-gateway";
  static final String ALL_SCOPES = "system/Patient.crs system/Encounter.crs system/Condition.crs "
      + "system/AllergyIntolerance.crs system/Immunization.crs system/MedicationRequest.crs "
      + "system/DocumentReference.crs system/Observation.crs system/QuestionnaireResponse.crs";

  private EcwFixtures() {}

  static String token(EcwSimulator sim) {
    sim.registerClient(CLIENT, "http://127.0.0.1:9/jwks.json", ALL_SCOPES.split(" "));
    return sim.issueToken(CLIENT, ALL_SCOPES);
  }

  static Condition hypertension(String patient, String encounter, String eventId) {
    Condition condition = new Condition();
    condition.addIdentifier().setSystem(EVENT_SYSTEM).setValue(eventId);
    condition.setSubject(new Reference("Patient/" + patient));
    if (encounter != null) {
      condition.setEncounter(new Reference("Encounter/" + encounter));
    }
    condition.setCode(new CodeableConcept(new Coding(EcwWriteCheck.ICD10, "I10", "Essential hypertension")));
    return condition;
  }

  static DocumentReference document(String patient, String loincType, String contentType) {
    DocumentReference document = new DocumentReference();
    document.setStatus(Enumerations.DocumentReferenceStatus.CURRENT);
    document.setType(new CodeableConcept(new Coding(EcwWriteCheck.LOINC, loincType, null)));
    document.setSubject(new Reference("Patient/" + patient));
    document.addContent().setAttachment(new Attachment().setContentType(contentType)
        .setData("%PDF-1.4 ...".getBytes(StandardCharsets.UTF_8)));
    return document;
  }

  static String json(Resource resource) {
    return FHIR.newJsonParser().encodeResourceToString(resource);
  }

  static JsonNode tree(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  static HttpResponse<String> send(String method, String url, String token, String body, Map<String, String> headers)
      throws IOException, InterruptedException {
    return TestHttp.fhir(method, url, token, body, headers);
  }
}
