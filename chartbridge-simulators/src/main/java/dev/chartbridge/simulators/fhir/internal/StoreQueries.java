package dev.chartbridge.simulators.fhir.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Resource;

/** The inspection queries every simulator offers on its {@link ResourceStore}. Stateless. */
public final class StoreQueries {

  private StoreQueries() {}

  /** The current version of {@code reference} (e.g. {@code Observation/3}). */
  public static Optional<Resource> read(ResourceStore store, String reference) {
    IdType id = new IdType(reference);
    return store.read(id.getResourceType(), id.getIdPart());
  }

  /** Every stored resource (of any type but Patient) that refers to Patient {@code patientId}. */
  public static List<Resource> resourcesForPatient(ResourceStore store, String patientId) {
    List<Resource> out = new ArrayList<>();
    for (String type : store.types()) {
      SearchQuery.forPatient(type, patientId)
          .ifPresent(query -> store.current(type).stream().filter(query).forEach(out::add));
    }
    return out;
  }

  /** How many stored resources of any type carry {@code system|value}: the exactly-once check. */
  public static int countWithIdentifier(ResourceStore store, String system, String value) {
    return (int) store.current().stream().filter(r -> {
      var property = r.getNamedProperty("identifier");
      return property != null && property.getValues().stream().anyMatch(v -> v instanceof Identifier id
          && system.equals(id.getSystem()) && value.equals(id.getValue()));
    }).count();
  }
}
