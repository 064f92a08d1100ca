package dev.chartbridge.simulators.fhir.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A vendor's published CapabilityStatement, loaded from the simulator's resources: served verbatim as
 * {@code /metadata} and read for which interactions each resource type declares, so a simulator derives
 * what it allows from the vendor's own document rather than from a hand-made list. Immutable.
 */
public final class CapabilityStatementFile {

  private final String json;
  private final Map<String, Set<String>> interactions;
  private final Map<String, Set<String>> searchParams;

  private CapabilityStatementFile(String json, Map<String, Set<String>> interactions,
      Map<String, Set<String>> searchParams) {
    this.json = json;
    this.interactions = interactions;
    this.searchParams = searchParams;
  }

  /**
   * Loads {@code resourcePath} from the class path.
   *
   * @throws UncheckedIOException if it is missing or not a CapabilityStatement
   */
  public static CapabilityStatementFile load(String resourcePath) {
    try (InputStream in = CapabilityStatementFile.class.getResourceAsStream(resourcePath)) {
      if (in == null) {
        throw new IOException("missing class path resource " + resourcePath);
      }
      String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      JsonNode root = new ObjectMapper().readTree(json);
      if (!"CapabilityStatement".equals(root.path("resourceType").asText())) {
        throw new IOException(resourcePath + " is not a CapabilityStatement");
      }
      Map<String, Set<String>> interactions = new HashMap<>();
      Map<String, Set<String>> searchParams = new HashMap<>();
      for (JsonNode rest : root.path("rest")) {
        for (JsonNode resource : rest.path("resource")) {
          Set<String> codes = interactions.computeIfAbsent(resource.path("type").asText(), k -> new HashSet<>());
          resource.path("interaction").forEach(i -> codes.add(i.path("code").asText()));
          Set<String> names = searchParams.computeIfAbsent(resource.path("type").asText(), k -> new HashSet<>());
          resource.path("searchParam").forEach(p -> names.add(p.path("name").asText()));
        }
      }
      interactions.replaceAll((k, v) -> Set.copyOf(v));
      searchParams.replaceAll((k, v) -> Set.copyOf(v));
      return new CapabilityStatementFile(json, Map.copyOf(interactions), Map.copyOf(searchParams));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The document, byte for byte as published. */
  public String json() {
    return json;
  }

  /**
   * Whether the statement declares {@code interaction} (a FHIR code: {@code read}, {@code search-type},
   * {@code create}, {@code update}, {@code patch}, {@code delete}...) on {@code type}.
   */
  public boolean declares(String type, String interaction) {
    return interactions.getOrDefault(type, Set.of()).contains(interaction);
  }

  /** Whether the statement declares search parameter {@code name} on {@code type}. */
  public boolean declaresSearchParam(String type, String name) {
    return searchParams.getOrDefault(type, Set.of()).contains(name);
  }

  /** Types on which the statement declares {@code interaction}. */
  public Set<String> typesDeclaring(String interaction) {
    Set<String> out = new HashSet<>();
    interactions.forEach((type, codes) -> {
      if (codes.contains(interaction)) {
        out.add(type);
      }
    });
    return Set.copyOf(out);
  }
}
