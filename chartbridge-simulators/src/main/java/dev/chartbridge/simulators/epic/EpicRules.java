package dev.chartbridge.simulators.epic;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import dev.chartbridge.simulators.fhir.internal.ResourceStore;
import dev.chartbridge.simulators.fhir.internal.VendorRules;
import java.util.List;
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

  @Override
  public Resource beforeCreate(Resource incoming) {
    patientOf(incoming).ifPresent(this::requirePatient);
    if (incoming instanceof Observation observation) {
      checkVitals(observation);
    } else if (incoming instanceof DocumentReference document) {
      return fileNote(document);
    } else if (incoming instanceof Condition condition) {
      checkCondition(condition);
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
