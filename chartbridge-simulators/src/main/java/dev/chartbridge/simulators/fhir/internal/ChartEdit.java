package dev.chartbridge.simulators.fhir.internal;

import dev.chartbridge.simulators.ChartEditor;
import java.util.NoSuchElementException;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Resource;

/**
 * A clinician working in the EHR after the gateway wrote: changes a record's status (e.g. an observation marked
 * {@code entered-in-error}, a condition resolved) as a new version, or deletes the record so that reading it
 * answers 404. Test infrastructure for read-back watching. Thread-safe.
 */
public final class ChartEdit implements ChartEditor {

  private final ResourceStore store;

  public ChartEdit(ResourceStore store) {
    this.store = store;
  }

  /**
   * Sets the record's {@code status} (or, for types without one, the code of its {@code clinicalStatus}).
   *
   * @return the new version id
   * @throws NoSuchElementException if no such record is stored
   * @throws IllegalArgumentException if the status is not one the type allows
   */
  @Override
  public String setStatus(String reference, String status) {
    IdType id = parse(reference);
    return store.atomically(() -> {
      Resource current = store.read(id.getResourceType(), id.getIdPart())
          .orElseThrow(() -> new NoSuchElementException("no stored " + reference));
      Property plain = current.getNamedProperty("status");
      if (plain != null && plain.getTypeCode().startsWith("code")) {
        Enumeration<?> value = (Enumeration<?>) current.makeProperty("status".hashCode(), "status");
        value.setValueAsString(status);
      } else if (current.getNamedProperty("clinicalStatus") != null) {
        CodeableConcept concept = (CodeableConcept) current.makeProperty("clinicalStatus".hashCode(),
            "clinicalStatus");
        concept.getCodingFirstRep().setCode(status);
      } else {
        throw new IllegalArgumentException(id.getResourceType() + " has no status");
      }
      return store.put(id.getResourceType(), id.getIdPart(), current).getMeta().getVersionId();
    });
  }

  /**
   * Deletes the record.
   *
   * @throws NoSuchElementException if no such record is stored
   */
  @Override
  public void delete(String reference) {
    IdType id = parse(reference);
    if (!store.remove(id.getResourceType(), id.getIdPart())) {
      throw new NoSuchElementException("no stored " + reference);
    }
  }

  private static IdType parse(String reference) {
    IdType id = new IdType(reference);
    if (!id.hasResourceType() || !id.hasIdPart()) {
      throw new NoSuchElementException("not a Type/id reference: " + reference);
    }
    return id;
  }
}
