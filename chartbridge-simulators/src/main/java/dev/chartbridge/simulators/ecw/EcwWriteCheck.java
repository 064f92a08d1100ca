package dev.chartbridge.simulators.ecw;

import dev.chartbridge.simulators.fhir.internal.ResourceStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * What the simulated eCW writeback checks on a create, answering with eCW's codes: the patient exists
 * (100), a referenced encounter exists for that patient (123) and is not locked (139), coding systems
 * (102, 120, 2024), statuses and intents (110, 121), document uploads only as PDF or C-CDA (114) and never
 * as a clinical note (113), telephone encounters only (138), no second patient with the same name and
 * birth date (202), vital signs with a supported code, unit and value (613, 611, 612). Thread-safe: reads the store
 * only.
 */
final class EcwWriteCheck {

  static final String ICD10 = "http://hl7.org/fhir/sid/icd-10-cm";
  static final String SNOMED = "http://snomed.info/sct";
  static final String CVX = "http://hl7.org/fhir/sid/cvx";
  static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
  static final String LOINC = "http://loinc.org";
  /** Document MIME types eCW's upload takes: PDF and C-CDA XML. */
  static final Set<String> UPLOAD_TYPES =
      Set.of("application/pdf", "application/xml", "text/xml", "application/hl7-v3+xml", "application/cda+xml");
  /** LOINC clinical-note types: eCW has no clinical-note write. */
  static final Set<String> NOTE_TYPES = Set.of("11506-3", "34117-2", "11488-4", "28570-0", "34746-8", "18842-5",
      "57133-1", "34109-9");

  static final String UCUM = "http://unitsofmeasure.org";
  static final String BP_PANEL = "85354-9";
  static final String SYSTOLIC = "8480-6";
  static final String DIASTOLIC = "8462-4";
  /** The vital signs taken and their units: US Core's vital-signs codes and UCUM units (assumed). */
  static final Map<String, Set<String>> VITAL_UNITS = Map.of(
      BP_PANEL, Set.of("mm[Hg]"),
      "8867-4", Set.of("/min"),
      "9279-1", Set.of("/min"),
      "8310-5", Set.of("Cel", "[degF]"),
      "59408-5", Set.of("%"),
      "29463-7", Set.of("kg", "g", "[lb_av]"),
      "8302-2", Set.of("cm", "m", "[in_i]"),
      "39156-5", Set.of("kg/m2"));

  private final ResourceStore store;

  EcwWriteCheck(ResourceStore store) {
    this.store = store;
  }

  /** The refusal of creating {@code resource}, or empty if eCW would take it. */
  Optional<EcwRefusal> check(Resource resource) {
    if (resource instanceof Patient patient) {
      return duplicatePatient(patient);
    }
    if (resource instanceof Encounter encounter) {
      return patient(encounter.getSubject()).or(() -> telephone(encounter));
    }
    if (resource instanceof Condition condition) {
      return patient(condition.getSubject())
          .or(() -> encounter(condition.getEncounter(), condition.getSubject()))
          .or(() -> coded(condition.getCode(), Set.of(ICD10, SNOMED), EcwError.UNSUPPORTED_CODING_SYSTEM));
    }
    if (resource instanceof AllergyIntolerance allergy) {
      return patient(allergy.getPatient())
          .or(() -> encounter(allergy.getEncounter(), allergy.getPatient()))
          .or(() -> allergy.getCode().hasCoding() ? Optional.empty()
              : refuse(EcwError.INVALID_CODING_ELEMENT, "AllergyIntolerance.code needs a coding"));
    }
    if (resource instanceof Immunization immunization) {
      return patient(immunization.getPatient())
          .or(() -> encounter(immunization.getEncounter(), immunization.getPatient()))
          .or(() -> coded(immunization.getVaccineCode(), Set.of(CVX), EcwError.UNSUPPORTED_CODING_SYSTEM))
          .or(() -> immunization.getStatus() == Immunization.ImmunizationStatus.COMPLETED ? Optional.empty()
              : refuse(EcwError.INVALID_STATUS, "Immunization.status must be completed"));
    }
    if (resource instanceof MedicationRequest medication) {
      return patient(medication.getSubject())
          .or(() -> encounter(medication.getEncounter(), medication.getSubject()))
          .or(() -> medication.hasMedicationCodeableConcept()
              && hasSystem(medication.getMedicationCodeableConcept(), Set.of(RXNORM)) ? Optional.empty()
              : refuse(EcwError.RXNORM_CODE_MANDATORY, "medicationCodeableConcept needs an RxNorm coding"))
          .or(() -> medication.getIntent() == MedicationRequest.MedicationRequestIntent.ORDER
              || medication.getIntent() == MedicationRequest.MedicationRequestIntent.PLAN ? Optional.empty()
              : refuse(EcwError.INVALID_INTENT, "MedicationRequest.intent must be order or plan"));
    }
    if (resource instanceof Observation observation) {
      return patient(observation.getSubject())
          .or(() -> encounter(observation.getEncounter(), observation.getSubject()))
          .or(() -> vitals(observation));
    }
    if (resource instanceof DocumentReference document) {
      return patient(document.getSubject())
          .or(() -> encounter(document.getContext().getEncounterFirstRep(), document.getSubject()))
          .or(() -> upload(document));
    }
    return Optional.empty();
  }

  private Optional<EcwRefusal> patient(Reference reference) {
    if (!reference.hasReference() || store.read("Patient", reference.getReferenceElement().getIdPart()).isEmpty()) {
      return refuse(EcwError.INVALID_PATIENT, "no patient " + reference.getReference());
    }
    return Optional.empty();
  }

  private Optional<EcwRefusal> encounter(Reference reference, Reference patient) {
    if (reference == null || !reference.hasReference()) {
      return Optional.empty();
    }
    Optional<Encounter> encounter = store.read("Encounter", reference.getReferenceElement().getIdPart())
        .map(Encounter.class::cast);
    if (encounter.isEmpty() || !encounter.get().getSubject().getReferenceElement().getIdPart()
        .equals(patient.getReferenceElement().getIdPart())) {
      return refuse(EcwError.INVALID_ENCOUNTER, reference.getReference() + " is not an encounter of "
          + patient.getReference());
    }
    Encounter.EncounterStatus status = encounter.get().getStatus();
    if (status == Encounter.EncounterStatus.FINISHED || status == Encounter.EncounterStatus.CANCELLED) {
      return refuse(EcwError.ENCOUNTER_IS_LOCKED, reference.getReference() + " is " + status.toCode());
    }
    return Optional.empty();
  }

  /**
   * A vital sign as eCW's error guide describes the checks (611 INVALID_UNIT, 612 INVALID_VITAL_VALUE, 613
   * UNSUPPORTED_OBSERVATION); which codes and units eCW takes is not published: here the US Core vital-signs codes
   * with their UCUM units (assumed).
   */
  private static Optional<EcwRefusal> vitals(Observation observation) {
    // evidence: ecw.error.vitals, ecw.vitals.codes
    List<String> codes = observation.getCode().getCoding().stream().filter(c -> LOINC.equals(c.getSystem()))
        .map(Coding::getCode).toList();
    String code = codes.stream().filter(VITAL_UNITS::containsKey).findFirst().orElse(null);
    if (code == null) {
      return refuse(EcwError.UNSUPPORTED_OBSERVATION, "Observation.code " + codes + " is not a supported vital sign");
    }
    List<Quantity> values = new ArrayList<>();
    if (BP_PANEL.equals(code)) {
      for (String part : List.of(SYSTOLIC, DIASTOLIC)) {
        Optional<Observation.ObservationComponentComponent> component = observation.getComponent().stream()
            .filter(c -> c.getCode().getCoding().stream().anyMatch(cd -> part.equals(cd.getCode()))).findFirst();
        if (component.isEmpty() || !component.get().hasValueQuantity()) {
          return refuse(EcwError.INVALID_VITAL_VALUE, "blood pressure needs a " + part + " component with a value");
        }
        values.add(component.get().getValueQuantity());
      }
    } else if (observation.hasValueQuantity()) {
      values.add(observation.getValueQuantity());
    } else {
      return refuse(EcwError.INVALID_VITAL_VALUE, "a vital sign needs valueQuantity");
    }
    for (Quantity q : values) {
      if (!VITAL_UNITS.get(code).contains(q.getCode()) || !UCUM.equals(q.getSystem())) {
        return refuse(EcwError.INVALID_UNIT, "unit " + q.getCode() + " is not allowed for " + code);
      }
      if (!q.hasValue() || q.getValue().signum() <= 0) {
        return refuse(EcwError.INVALID_VITAL_VALUE, "the value must be a positive number");
      }
    }
    return Optional.empty();
  }

  private Optional<EcwRefusal> upload(DocumentReference document) {
    List<String> types = document.getType().getCoding().stream().filter(c -> LOINC.equals(c.getSystem()))
        .map(Coding::getCode).toList();
    if (types.isEmpty() || types.stream().anyMatch(NOTE_TYPES::contains)) {
      return refuse(EcwError.UNSUPPORTED_TYPE_CODE, "DocumentReference.type " + types
          + " is not an uploadable document type (eCW takes C-CDA/PDF uploads, not clinical notes)");
    }
    Attachment attachment = document.getContentFirstRep().getAttachment();
    String mime = attachment.getContentType() == null ? ""
        : attachment.getContentType().split(";")[0].trim().toLowerCase(Locale.ROOT);
    if (!UPLOAD_TYPES.contains(mime) || !attachment.hasData()) {
      return refuse(EcwError.UNSUPPORTED_MIME_TYPE_IN_ATTACHMENT, "attachment '" + mime
          + "' (with data) must be one of " + UPLOAD_TYPES);
    }
    return Optional.empty();
  }

  private Optional<EcwRefusal> telephone(Encounter encounter) {
    boolean telephone = encounter.getType().stream().anyMatch(type -> text(type).contains("telephone"));
    return telephone ? Optional.empty()
        : refuse(EcwError.INVALID_ENCOUNTER_TYPE, "only telephone encounters can be created");
  }

  private Optional<EcwRefusal> duplicatePatient(Patient patient) {
    boolean exists = store.current("Patient").stream().map(Patient.class::cast).anyMatch(p ->
        p.getBirthDateElement().getValueAsString() != null
            && p.getBirthDateElement().getValueAsString().equals(patient.getBirthDateElement().getValueAsString())
            && p.getNameFirstRep().getFamily().equalsIgnoreCase(String.valueOf(patient.getNameFirstRep().getFamily()))
            && p.getNameFirstRep().getGivenAsSingleString()
                .equalsIgnoreCase(patient.getNameFirstRep().getGivenAsSingleString()));
    return exists ? refuse(EcwError.INVALID_PATIENT_ALREADY_EXIST, "a patient with this name and birth date exists")
        : Optional.empty();
  }

  private static Optional<EcwRefusal> coded(CodeableConcept code, Set<String> systems, EcwError wrongSystem) {
    if (!code.hasCoding() || code.getCoding().stream().noneMatch(Coding::hasCode)) {
      return refuse(EcwError.INVALID_CODING_ELEMENT, "a coding with system and code is required");
    }
    return hasSystem(code, systems) ? Optional.empty() : refuse(wrongSystem, "coding system must be one of " + systems);
  }

  private static boolean hasSystem(CodeableConcept code, Set<String> systems) {
    return code.getCoding().stream().anyMatch(c -> systems.contains(c.getSystem()) && c.hasCode());
  }

  private static String text(CodeableConcept concept) {
    StringBuilder all = new StringBuilder(String.valueOf(concept.getText()));
    concept.getCoding().forEach(c -> all.append(' ').append(c.getCode()).append(' ').append(c.getDisplay()));
    return all.toString().toLowerCase(Locale.ROOT);
  }

  private static Optional<EcwRefusal> refuse(EcwError error, String details) {
    return Optional.of(new EcwRefusal(error, details));
  }
}
