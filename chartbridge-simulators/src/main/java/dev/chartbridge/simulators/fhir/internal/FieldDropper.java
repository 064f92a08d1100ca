package dev.chartbridge.simulators.fhir.internal;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.FhirContext;
import dev.chartbridge.simulators.FaultKind;
import dev.chartbridge.simulators.Faults;
import dev.chartbridge.simulators.SimulatorStats;
import java.util.List;
import org.hl7.fhir.r4.model.Resource;

/**
 * Applies the {@code dropFields} fault: removes the configured top-level fields from a resource before it
 * is stored, so the write "succeeds" but data is silently lost. Thread-safe.
 */
public final class FieldDropper {

  private final Faults faults;
  private final SimulatorStats stats;

  public FieldDropper(Faults faults, SimulatorStats stats) {
    this.faults = faults;
    this.stats = stats;
  }

  /** Returns a copy of {@code resource} without the fields configured for its type, or it unchanged. */
  public Resource apply(Resource resource) {
    List<String> fields = faults.plan().dropFields().getOrDefault(resource.fhirType(), List.of());
    if (fields.isEmpty()) {
      return resource;
    }
    Resource copy = resource.copy();
    var definition = FhirContext.forR4Cached().getResourceDefinition(copy);
    boolean dropped = false;
    for (String field : fields) {
      BaseRuntimeChildDefinition child = definition.getChildByName(field);
      if (child == null) {
        child = definition.getChildByName(field + "[x]");
      }
      if (child != null && !child.getAccessor().getValues(copy).isEmpty()) {
        child.getMutator().setValue(copy, null);
        dropped = true;
      }
    }
    if (dropped) {
      stats.recordFault(FaultKind.DROP_FIELDS);
    }
    return copy;
  }
}
