package dev.chartbridge.simulators.epic;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import dev.chartbridge.simulators.fhir.internal.ResourceStore;
import dev.chartbridge.simulators.fhir.internal.VendorRules;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * What Epic checks on a write, per {@code ehr-vendors.md} (Epic section) and {@code epic-error-codes.yml}:
 * no conditional create, no update-as-create, vitals filed only to an open encounter as final readings with
 * blood pressure as components, notes with encounter/status/plain-text attachment rules, conditions only
 * {@code provisional}, conditions and allergies held back from reads. Thread-safe.
 */
final class EpicRules implements VendorRules {

  static final String LOINC = "http://loinc.org";
  static final String BP_PANEL = "85354-9";
  static final String SYSTOLIC = "8480-6";
  static final String DIASTOLIC = "8462-4";
  private static final Set<String> DOC_STATUSES = Set.of("final", "preliminary");

  private final ResourceStore store;
  private final HoldingTank tank;

  EpicRules(ResourceStore store, HoldingTank tank) {
    this.store = store;
    this.tank = tank;
  }

  @Override
  public boolean conditionalCreate() {
    return false; // CapabilityStatement: conditionalCreate=false; If-None-Exist is ignored
  }

  /** Types searched without a patient: everything else is patient-scoped at Epic. */
  static final Set<String> NOT_PATIENT_SCOPED = Set.of("Patient", "Practitioner", "Location", "Organization");

  /**
   * Epic's search rules: a patient-scoped type needs {@code patient} (or {@code subject}, or {@code _id}), else
   * 4111; Observation also needs {@code category} or {@code code}, else 59108.
   */
  @Override
  public void checkSearch(String type, Map<String, String[]> parameters) {
    // evidence: epic.search.patient-required, epic.search.observation-category-or-code
    if (NOT_PATIENT_SCOPED.contains(type) || parameters.containsKey("_id")) {
      return;
    }
    if (!parameters.containsKey("patient") && !parameters.containsKey("subject")) {
      throw EpicOutcome.error(400, "4111", "Required search parameter missing from request",
          "A " + type + " search needs the patient");
    }
    if (type.equals("Observation") && !parameters.containsKey("category") && !parameters.containsKey("code")) {
      throw EpicOutcome.error(400, "59108", "Required category or code missing",
          "An Observation search needs category or code");
    }
  }

  @Override
  public Resource beforeCreate(Resource incoming) {
    patientOf(incoming).ifPresent(this::requirePatient);
    patientOf(incoming).ifPresent(patient -> encounterOf(incoming).ifPresent(e -> sameChart(patient, e)));
    if (incoming instanceof Observation observation) {
      checkVitals(observation);
      refuseRepeatedReading(observation);
    } else if (incoming instanceof DocumentReference document) {
      return fileNote(document);
    } else if (incoming instanceof Condition condition) {
      checkCondition(condition);
    } else if (incoming instanceof AllergyIntolerance allergy) {
      refuseDuplicateAllergy(allergy);
    }
    return incoming;
  }

  @Override
  public void afterCreate(Resource stored) {
    if (HoldingTank.HELD_TYPES.contains(stored.fhirType())) {
      tank.hold(stored.fhirType() + "/" + stored.getIdElement().getIdPart());
    }
  }

  @Override
  public Resource beforeUpdate(IdType id, Resource incoming, Optional<Resource> current) {
    if (current.isEmpty()) {
      // updateCreate=false in the CapabilityStatement
      throw EpicOutcome.error(404, "4102", "The read resource request contained an invalid ID",
          "No " + incoming.fhirType() + " with id " + id.getIdPart());
    }
    return incoming;
  }

  @Override
  public boolean visible(Resource stored) {
    return !tank.isHeld(stored.fhirType() + "/" + stored.getIdElement().getIdPart());
  }

  private void checkVitals(Observation observation) {
    Encounter encounter = requireEncounter(observation.getEncounter());
    if (encounter.getStatus() != Encounter.EncounterStatus.INPROGRESS) {
      throw EpicOutcome.error(422, "59189", "Failed to file the reading.", "Encounter "
          + encounter.getIdElement().getIdPart() + " is " + encounter.getStatus().toCode() + ", not open");
    }
    if (observation.getStatus() != Observation.ObservationStatus.FINAL) {
      throw EpicOutcome.invalid("status",
          observation.hasStatus() ? observation.getStatus().toCode() : "(none)");
    }
    List<String> codes = loincCodes(observation.getCode().getCoding());
    if (codes.contains(SYSTOLIC) || codes.contains(DIASTOLIC)) {
      throw flowsheet("blood pressure must be one Observation (" + BP_PANEL + ") with systolic and "
          + "diastolic components, not separate values");
    }
    if (codes.isEmpty()) {
      throw flowsheet("no LOINC code in Observation.code");
    }
    if (codes.contains(BP_PANEL)) {
      List<String> components = observation.getComponent().stream()
          .filter(c -> c.hasValueQuantity())
          .flatMap(c -> loincCodes(c.getCode().getCoding()).stream()).toList();
      if (!components.contains(SYSTOLIC) || !components.contains(DIASTOLIC)) {
        throw flowsheet("blood pressure needs components " + SYSTOLIC + " and " + DIASTOLIC + " with values");
      }
    }
  }

  private DocumentReference fileNote(DocumentReference incoming) {
    requireEncounter(incoming.getContext().getEncounterFirstRep());
    if (incoming.getStatus() != org.hl7.fhir.r4.model.Enumerations.DocumentReferenceStatus.CURRENT) {
      throw EpicOutcome.invalid("status", incoming.hasStatus() ? incoming.getStatus().toCode() : "(none)");
    }
    if (!incoming.hasDocStatus() || !DOC_STATUSES.contains(incoming.getDocStatus().toCode())) {
      throw EpicOutcome.invalid("docStatus", incoming.hasDocStatus() ? incoming.getDocStatus().toCode() : "(none)");
    }
    if (incoming.getContent().isEmpty()) {
      throw EpicOutcome.missing("content.attachment");
    }
    Attachment first = incoming.getContentFirstRep().getAttachment();
    String contentType = first.getContentType() == null ? "" : first.getContentType().split(";")[0].trim();
    if (!contentType.equals("text/plain")) {
      throw EpicOutcome.invalid("content.attachment.contentType", contentType.isEmpty() ? "(none)" : contentType);
    }
    if (!first.hasData()) {
      throw EpicOutcome.missing("content.attachment.data");
    }
    DocumentReference filed = incoming.copy();
    filed.getContent().subList(1, filed.getContent().size()).clear(); // only the first attachment is kept
    if (!filed.hasAuthor()) {
      filed.addAuthor(new Reference().setDisplay(EpicSeed.BACKGROUND_USER));
    }
    return filed;
  }

  /** An encounter of another patient is refused with 59159 (a business rule). */
  private void sameChart(Reference patient, Reference encounterRef) {
    // evidence: epic.error.59159
    if (!encounterRef.hasReference()) {
      return;
    }
    store.read("Encounter", encounterRef.getReferenceElement().getIdPart()).map(Encounter.class::cast)
        .filter(e -> !e.getSubject().getReferenceElement().getIdPart()
            .equals(patient.getReferenceElement().getIdPart()))
        .ifPresent(e -> {
          throw EpicOutcome.error(422, "59159", "The content/operation failed to pass a business rule, and so "
              + "could not proceed.", "The encounter does not belong to the patient");
        });
  }

  /** A reading already filed (same patient, code, time and values) is not filed again: 59189. */
  private void refuseRepeatedReading(Observation incoming) {
    // evidence: epic.error.59189-repeated-reading
    boolean repeated = store.current("Observation", r -> {
      Observation o = (Observation) r;
      return o.getSubject().getReferenceElement().getIdPart()
          .equals(incoming.getSubject().getReferenceElement().getIdPart())
          && o.getCode().equalsDeep(incoming.getCode())
          && o.getEffective() != null && incoming.getEffective() != null
          && o.getEffective().equalsDeep(incoming.getEffective())
          && sameValues(o, incoming);
    }).size() > 0;
    if (repeated) {
      throw EpicOutcome.error(422, "59189", "Failed to file the reading.",
          "The reading is already filed for this patient at this time");
    }
  }

  /** An allergy to a substance already on the patient's chart (held or not) is a duplicate: 59141. */
  private void refuseDuplicateAllergy(AllergyIntolerance incoming) {
    // evidence: epic.error.59141
    boolean duplicate = !store.current("AllergyIntolerance", r -> {
      AllergyIntolerance a = (AllergyIntolerance) r;
      return a.getPatient().getReferenceElement().getIdPart()
          .equals(incoming.getPatient().getReferenceElement().getIdPart())
          && a.getCode().getCoding().stream().anyMatch(c -> incoming.getCode().getCoding().stream()
              .anyMatch(i -> java.util.Objects.equals(c.getSystem(), i.getSystem())
                  && java.util.Objects.equals(c.getCode(), i.getCode())));
    }).isEmpty();
    if (duplicate) {
      throw EpicOutcome.error(422, "59141", "An attempt was made to create a duplicate record.",
          "An allergy to this substance already exists in the patient's chart");
    }
  }

  private static boolean sameValues(Observation a, Observation b) {
    if (a.hasValueQuantity() != b.hasValueQuantity() || a.getComponent().size() != b.getComponent().size()) {
      return false;
    }
    if (a.hasValueQuantity() && !a.getValueQuantity().getValue().stripTrailingZeros()
        .equals(b.getValueQuantity().getValue().stripTrailingZeros())) {
      return false;
    }
    for (int i = 0; i < a.getComponent().size(); i++) {
      var ca = a.getComponent().get(i);
      var cb = b.getComponent().get(i);
      if (!ca.getCode().equalsDeep(cb.getCode()) || ca.hasValueQuantity() != cb.hasValueQuantity()
          || (ca.hasValueQuantity() && !ca.getValueQuantity().getValue().stripTrailingZeros()
              .equals(cb.getValueQuantity().getValue().stripTrailingZeros()))) {
        return false;
      }
    }
    return true;
  }

  private static Optional<Reference> encounterOf(Resource resource) {
    if (resource instanceof DocumentReference document) {
      return Optional.of(document.getContext().getEncounterFirstRep());
    }
    var encounter = resource.getNamedProperty("encounter");
    return encounter == null || encounter.getValues().isEmpty()
        ? Optional.empty()
        : Optional.of((Reference) encounter.getValues().get(0));
  }

  private void checkCondition(Condition condition) {
    Coding status = condition.getVerificationStatus().getCodingFirstRep();
    if (condition.hasVerificationStatus() && !"provisional".equals(status.getCode())) {
      throw EpicOutcome.error(422, "59012", "Only a provisional verificationStatus can be filed",
          "verificationStatus " + status.getCode() + " is not accepted; send provisional");
    }
  }

  private Encounter requireEncounter(Reference reference) {
    if (reference == null || !reference.hasReference()) {
      throw EpicOutcome.missing("encounter");
    }
    String id = reference.getReferenceElement().getIdPart();
    return store.read("Encounter", id).map(Encounter.class::cast)
        .orElseThrow(() -> EpicOutcome.notFound(reference.getReference()));
  }

  private void requirePatient(Reference reference) {
    if (reference.hasReference() && store.read("Patient", reference.getReferenceElement().getIdPart()).isEmpty()) {
      throw EpicOutcome.notFound(reference.getReference());
    }
  }

  private static Optional<Reference> patientOf(Resource resource) {
    if (resource instanceof AllergyIntolerance allergy) {
      return Optional.of(allergy.getPatient());
    }
    var subject = resource.getNamedProperty("subject");
    return subject == null || subject.getValues().isEmpty()
        ? Optional.empty()
        : Optional.of((Reference) subject.getValues().get(0));
  }

  private static List<String> loincCodes(List<Coding> codings) {
    return codings.stream().filter(c -> LOINC.equals(c.getSystem())).map(Coding::getCode).toList();
  }

  private static BaseServerResponseException flowsheet(String diagnostics) {
    return EpicOutcome.error(422, "59188", "Failed to find one vital-signs flowsheet row by given codes.",
        diagnostics);
  }
}
