package dev.chartbridge.simulators.epic;

import ca.uhn.fhir.context.FhirContext;
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
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/** Sample Epic payloads and an HTTP client carrying a bearer token. */
final class EpicFixtures {

  static final FhirContext FHIR = FhirContext.forR4Cached();
  static final String EVENT_SYSTEM = "urn:chartbridge:test:event";
  static final String CLIENT = "chartbridge-gateway";
  static final String ALL_SCOPES = "system/Patient.rs system/Encounter.rs system/Observation.crus "
      + "system/DocumentReference.crus system/Condition.crs system/AllergyIntolerance.crs system/Task.crus "
      + "system/MedicationRequest.crus system/Consent.crus";

  private EpicFixtures() {}

  /** Registers the test client (JWKS URL unused by token shortcuts) and returns a token with every scope. */
  static String token(EpicSimulator sim) {
    sim.registerClient(CLIENT, "http://127.0.0.1:9/jwks.json", ALL_SCOPES.split(" "));
    return sim.issueToken(CLIENT, ALL_SCOPES);
  }

  static Observation bloodPressure(String patient, String encounter, String eventId) {
    Observation bp = new Observation();
    bp.addIdentifier().setSystem(EVENT_SYSTEM).setValue(eventId);
    bp.setStatus(Observation.ObservationStatus.FINAL);
    bp.addCategory().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/observation-category")
        .setCode("vital-signs");
    bp.setCode(loinc(EpicRules.BP_PANEL, "Blood pressure panel"));
    bp.setSubject(new Reference("Patient/" + patient));
    bp.setEncounter(new Reference("Encounter/" + encounter));
    bp.addComponent().setCode(loinc(EpicRules.SYSTOLIC, "Systolic")).setValue(mmHg(120));
    bp.addComponent().setCode(loinc(EpicRules.DIASTOLIC, "Diastolic")).setValue(mmHg(80));
    return bp;
  }

  static Observation systolicAlone(String patient, String encounter) {
    Observation systolic = bloodPressure(patient, encounter, "sys");
    systolic.setCode(loinc(EpicRules.SYSTOLIC, "Systolic")).setComponent(null).setValue(mmHg(120));
    return systolic;
  }

  static DocumentReference note(String patient, String encounter, String eventId) {
    DocumentReference note = new DocumentReference();
    note.addIdentifier().setSystem(EVENT_SYSTEM).setValue(eventId);
    note.setStatus(Enumerations.DocumentReferenceStatus.CURRENT);
    note.setDocStatus(DocumentReference.ReferredDocumentStatus.FINAL);
    note.setType(loinc("11506-3", "Progress note"));
    note.setSubject(new Reference("Patient/" + patient));
    note.getContext().addEncounter(new Reference("Encounter/" + encounter));
    note.addContent().setAttachment(new Attachment().setContentType("text/plain")
        .setData("Patient doing well.".getBytes(StandardCharsets.UTF_8)));
    return note;
  }

  static Condition condition(String patient, String verification) {
    Condition condition = new Condition();
    condition.addIdentifier().setSystem(EVENT_SYSTEM).setValue("cond-" + verification);
    condition.setSubject(new Reference("Patient/" + patient));
    condition.setCode(new CodeableConcept(new Coding("http://snomed.info/sct", "38341003", "Hypertension")));
    condition.setVerificationStatus(new CodeableConcept(new Coding(
        "http://terminology.hl7.org/CodeSystem/condition-ver-status", verification, null)));
    return condition;
  }

  static String json(Resource resource) {
    return FHIR.newJsonParser().encodeResourceToString(resource);
  }

  static <T extends Resource> T parse(Class<T> type, String json) {
    return FHIR.newJsonParser().parseResource(type, json);
  }

  static HttpResponse<String> send(String method, String url, String token, String body, Map<String, String> headers)
      throws IOException, InterruptedException {
    return TestHttp.fhir(method, url, token, body, headers);
  }

  private static CodeableConcept loinc(String code, String display) {
    return new CodeableConcept(new Coding("http://loinc.org", code, display));
  }

  private static Quantity mmHg(int value) {
    return new Quantity().setValue(value).setUnit("mm[Hg]").setSystem("http://unitsofmeasure.org").setCode("mm[Hg]");
  }
}
