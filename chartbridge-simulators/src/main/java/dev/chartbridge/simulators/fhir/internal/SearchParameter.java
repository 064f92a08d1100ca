package dev.chartbridge.simulators.fhir.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ResourceFactory;

/**
 * One search parameter the simulator understands, bound to the element paths it reads on one resource
 * type. Immutable and thread-safe.
 */
final class SearchParameter {

  /** How a parameter value is compared with an element. */
  private enum Kind { ID, TOKEN, TAG, CODE, CONCEPT, REFERENCE, NAME, DATE }

  private record Definition(Kind kind, List<String> candidatePaths, String nameField) {}

  private static final List<String> PATIENT_PATHS = List.of("subject", "patient", "for", "target");

  private static final Map<String, Definition> DEFINITIONS = Map.ofEntries(
      Map.entry("_id", new Definition(Kind.ID, List.of(), null)),
      Map.entry("_tag", new Definition(Kind.TAG, List.of("meta.tag"), null)),
      Map.entry("identifier", new Definition(Kind.TOKEN, List.of("identifier"), null)),
      Map.entry("patient", new Definition(Kind.REFERENCE, PATIENT_PATHS, null)),
      Map.entry("subject", new Definition(Kind.REFERENCE, PATIENT_PATHS, null)),
      Map.entry("target", new Definition(Kind.REFERENCE, List.of("target"), null)),
      Map.entry("encounter", new Definition(Kind.REFERENCE, List.of("encounter", "context.encounter"), null)),
      Map.entry("status", new Definition(Kind.CODE, List.of("status"), null)),
      Map.entry("category", new Definition(Kind.CONCEPT, List.of("category"), null)),
      Map.entry("code", new Definition(Kind.CONCEPT, List.of("code"), null)),
      Map.entry("type", new Definition(Kind.CONCEPT, List.of("type"), null)),
      Map.entry("gender", new Definition(Kind.CODE, List.of("gender"), null)),
      Map.entry("birthdate", new Definition(Kind.DATE, List.of("birthDate"), null)),
      Map.entry("family", new Definition(Kind.NAME, List.of("name"), "family")),
      Map.entry("given", new Definition(Kind.NAME, List.of("name"), "given")));

  private final Definition definition;
  private final List<String> paths;

  private SearchParameter(Definition definition, List<String> paths) {
    this.definition = definition;
    this.paths = paths;
  }

  /**
   * The parameters the simulator supports on {@code type}, by name, each with its FHIR search parameter type
   * ({@code token}, {@code reference}, {@code string}, {@code date}), for the CapabilityStatement.
   */
  static Map<String, String> supportedOn(String type) {
    Map<String, String> out = new java.util.TreeMap<>();
    DEFINITIONS.forEach((name, definition) -> forType(type, name).ifPresent(p -> out.put(name,
        switch (definition.kind()) {
          case ID, TOKEN, TAG, CODE, CONCEPT -> "token";
          case REFERENCE -> "reference";
          case NAME -> "string";
          case DATE -> "date";
        })));
    return out;
  }

  /** The parameter {@code name} on {@code type}, if the simulator supports it there. */
  static Optional<SearchParameter> forType(String type, String name) {
    Definition definition = DEFINITIONS.get(name);
    if (definition == null) {
      return Optional.empty();
    }
    if (definition.kind() == Kind.ID) {
      return Optional.of(new SearchParameter(definition, List.of()));
    }
    Resource blank = ResourceFactory.createResource(type);
    List<String> paths = definition.candidatePaths().stream().filter(p -> exists(blank, p)).toList();
    boolean patientOnPatient = type.equals("Patient") && definition.kind() == Kind.REFERENCE;
    return paths.isEmpty() || patientOnPatient
        ? Optional.empty()
        : Optional.of(new SearchParameter(definition, List.of(paths.get(0))));
  }

  boolean matches(Resource resource, String value) {
    if (definition.kind() == Kind.ID) {
      return resource.getIdElement().getIdPart().equals(value);
    }
    return values(resource, paths.get(0)).stream().anyMatch(v -> matchesValue(v, value));
  }

  private boolean matchesValue(Base element, String value) {
    return switch (definition.kind()) {
      case TOKEN -> element instanceof Identifier id && tokenMatches(id.getSystem(), id.getValue(), value);
      case TAG -> element instanceof Coding tag && tokenMatches(tag.getSystem(), tag.getCode(), value);
      case CODE -> element instanceof PrimitiveType<?> p && value.equals(p.getValueAsString());
      case CONCEPT -> element instanceof CodeableConcept c
          && c.getCoding().stream().anyMatch(cd -> tokenMatches(cd.getSystem(), cd.getCode(), value));
      case REFERENCE -> element instanceof Reference r && referenceMatches(r, value);
      case DATE -> element instanceof PrimitiveType<?> p
          && value.replaceFirst("^eq", "").equals(p.getValueAsString());
      case NAME -> element instanceof HumanName n && nameMatches(n, value);
      case ID -> false;
    };
  }

  /** A token {@code system|code}, {@code code}, {@code |code} (no system) or {@code system|} against one value. */
  private static boolean tokenMatches(String system, String code, String token) {
    int bar = token.indexOf('|');
    if (bar < 0) {
      return token.equals(code);
    }
    String wantedSystem = token.substring(0, bar);
    String wantedCode = token.substring(bar + 1);
    boolean systemOk = wantedSystem.isEmpty() ? system == null || system.isEmpty() : wantedSystem.equals(system);
    return systemOk && (wantedCode.isEmpty() || wantedCode.equals(code));
  }

  private static boolean referenceMatches(Reference reference, String wanted) {
    if (!reference.hasReference()) {
      return false;
    }
    IdType stored = new IdType(reference.getReference());
    IdType asked = new IdType(wanted);
    return stored.getIdPart() != null
        && stored.getIdPart().equals(asked.getIdPart())
        && (!asked.hasResourceType() || asked.getResourceType().equals(stored.getResourceType()));
  }

  private boolean nameMatches(HumanName name, String prefix) {
    List<String> parts = definition.nameField().equals("family")
        ? List.of(name.hasFamily() ? name.getFamily() : "")
        : name.getGiven().stream().map(PrimitiveType::getValue).toList();
    String wanted = prefix.toLowerCase(Locale.ROOT);
    return parts.stream().anyMatch(p -> p != null && p.toLowerCase(Locale.ROOT).startsWith(wanted));
  }

  private static boolean exists(Base element, String path) {
    String first = path.split("\\.", 2)[0];
    return element.getNamedProperty(first) != null;
  }

  /** Values at a dotted path such as {@code context.encounter}; empty when absent. */
  static List<Base> values(Base root, String path) {
    List<Base> current = List.of(root);
    for (String step : path.split("\\.")) {
      List<Base> next = new ArrayList<>();
      for (Base element : current) {
        var property = element.getNamedProperty(step);
        if (property != null) {
          next.addAll(property.getValues());
        }
      }
      current = next;
    }
    return current;
  }
}
