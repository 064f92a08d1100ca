package dev.chartbridge.simulators.fhir.internal;

import dev.chartbridge.simulators.fhir.SeedData;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Gives a vendor simulator the generic {@link SeedData} people under the vendor's own ids and identifier
 * systems, so every simulator plays the same patients (including the confusable and ambiguous ones).
 * Immutable and thread-safe.
 */
public final class SeedRewriter {

  private final Map<String, String> ids;
  private final UnaryOperator<Identifier> identifiers;
  private final UnaryOperator<String> generatedIds;

  /**
   * @param ids generic seed id (e.g. {@code pat-1001}) to vendor id; every seed id must be mapped
   * @param identifiers rewrites one identifier (system and value) into the vendor's spelling
   */
  public SeedRewriter(Map<String, String> ids, UnaryOperator<Identifier> identifiers) {
    this(ids, identifiers, null);
  }

  /**
   * As {@link #SeedRewriter(Map, UnaryOperator)}, and able to rewrite a generated population too.
   *
   * @param generatedIds generic id of a generated resource ({@link SeedData#population(int)}, e.g.
   *     {@code pat-100000}) to vendor id
   */
  public SeedRewriter(Map<String, String> ids, UnaryOperator<Identifier> identifiers,
      UnaryOperator<String> generatedIds) {
    this.ids = Map.copyOf(ids);
    this.identifiers = identifiers;
    this.generatedIds = generatedIds;
  }

  /**
   * The identifier rewrite of a vendor that keeps the generic seed's two systems under its own names: an MRN
   * ({@link SeedData#MRN_SYSTEM}) moves to {@code mrnSystem} as it is; a visit number ({@link SeedData#VISIT_SYSTEM},
   * e.g. {@code V5001}) moves to {@code visitSystem} with {@code visitValue} of its number without the
   * {@code V} ({@code 5001}); any other identifier stays.
   */
  public static UnaryOperator<Identifier> identifiers(String mrnSystem, String visitSystem,
      UnaryOperator<String> visitValue) {
    return generic -> {
      if (SeedData.MRN_SYSTEM.equals(generic.getSystem())) {
        return generic.setSystem(mrnSystem);
      }
      if (SeedData.VISIT_SYSTEM.equals(generic.getSystem())) {
        return generic.setSystem(visitSystem).setValue(visitValue.apply(generic.getValue().substring(1)));
      }
      return generic;
    };
  }

  /** Fresh seed resources with vendor ids, identifiers and references. */
  public List<Resource> resources() {
    return resources(0);
  }

  /** As {@link #resources()}, followed by a generated population of {@code population} patients. */
  public List<Resource> resources(int population) {
    return Stream.concat(SeedData.resources().stream(), SeedData.population(population).stream())
        .map(this::rewrite).toList();
  }

  private Resource rewrite(Resource seed) {
    Resource resource = seed.copy();
    resource.setId(vendorId(seed.getIdElement().getIdPart()));
    resource.getNamedProperty("identifier").getValues()
        .forEach(value -> {
          Identifier rewritten = identifiers.apply(((Identifier) value).copy());
          ((Identifier) value).setSystem(rewritten.getSystem()).setValue(rewritten.getValue());
        });
    if (resource instanceof Encounter encounter) {
      String patient = encounter.getSubject().getReferenceElement().getIdPart();
      encounter.setSubject(new Reference("Patient/" + vendorId(patient)));
    }
    return resource;
  }

  private String vendorId(String seedId) {
    String id = ids.containsKey(seedId) || generatedIds == null ? ids.get(seedId) : generatedIds.apply(seedId);
    if (id == null) {
      throw new IllegalStateException("no vendor id for seed " + seedId);
    }
    return id;
  }
}
