package dev.chartbridge.simulators.fhir.internal;

import dev.chartbridge.simulators.ConcurrentEditor;
import dev.chartbridge.simulators.FaultKind;
import dev.chartbridge.simulators.SimulatorStats;
import java.util.NoSuchElementException;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;

/**
 * "Another user" editing a stored resource: adds the tag {@code urn:chartbridge:sim:tag|concurrent-edit}
 * and, where the type has notes, a note, and stores that as a new version. Thread-safe.
 */
public final class ConcurrentEdit implements ConcurrentEditor {

  /** System of the tag the edit adds to {@code meta.tag}. */
  public static final String TAG_SYSTEM = "urn:chartbridge:sim:tag";
  /** Code of that tag. */
  public static final String TAG_CODE = "concurrent-edit";

  private final ResourceStore store;
  private final SimulatorStats stats;

  public ConcurrentEdit(ResourceStore store, SimulatorStats stats) {
    this.store = store;
    this.stats = stats;
  }

  @Override
  public String edit(String reference) {
    IdType id = new IdType(reference);
    if (!id.hasResourceType() || !id.hasIdPart()) {
      throw new NoSuchElementException("not a Type/id reference: " + reference);
    }
    Resource stored = store.atomically(() -> {
      Resource current = store.read(id.getResourceType(), id.getIdPart())
          .orElseThrow(() -> new NoSuchElementException("no stored " + reference));
      current.getMeta().addTag(TAG_SYSTEM, TAG_CODE, "Edited by another user in the EHR");
      Property note = current.getNamedProperty("note");
      if (note != null && current instanceof DomainResource) {
        current.addChild("note").setProperty("text", new StringType("Edited by another user in the EHR"));
      }
      return store.put(id.getResourceType(), id.getIdPart(), current);
    });
    stats.recordFault(FaultKind.CONCURRENT_EDIT);
    return stored.getMeta().getVersionId();
  }
}
