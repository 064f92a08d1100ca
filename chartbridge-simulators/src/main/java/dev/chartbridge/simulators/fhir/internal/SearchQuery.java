package dev.chartbridge.simulators.fhir.internal;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.Resource;

/**
 * A parsed FHIR search on one resource type: each parameter must match (AND), and any of a parameter's
 * comma-separated values may match (OR). Result parameters such as {@code _count} are left to the server.
 * Immutable and thread-safe.
 */
public final class SearchQuery implements Predicate<Resource> {

  /** The parameters starting with {@code _} that filter (every other one is a result parameter). */
  private static final Set<String> FILTERING = Set.of("_id", "_tag");

  private final List<Predicate<Resource>> clauses;

  private SearchQuery(List<Predicate<Resource>> clauses) {
    this.clauses = clauses;
  }

  /**
   * Builds a query from request parameters.
   *
   * @throws InvalidRequestException (400) for a parameter this simulator does not support on {@code type}
   */
  public static SearchQuery of(String type, Map<String, String[]> parameters) {
    List<Predicate<Resource>> clauses = new ArrayList<>();
    parameters.forEach((name, values) -> {
      if (name.startsWith("_") && !FILTERING.contains(name)) {
        return; // result parameters (_count, _format, _sort...) do not filter
      }
      SearchParameter parameter = SearchParameter.forType(type, name)
          .orElseThrow(() -> new InvalidRequestException(
              "The simulator does not support search parameter '" + name + "' on " + type));
      for (String value : values) {
        List<String> alternatives = List.of(value.split(","));
        clauses.add(resource -> alternatives.stream().anyMatch(v -> parameter.matches(resource, v)));
      }
    });
    return new SearchQuery(List.copyOf(clauses));
  }

  /**
   * Builds a query from the query part of a conditional URL, e.g. the {@code If-None-Exist} value
   * {@code identifier=urn:x|1} or {@code Observation?identifier=urn:x|1}.
   */
  public static SearchQuery ofConditionalUrl(String type, String url) {
    String query = url.contains("?") ? url.substring(url.indexOf('?') + 1) : url;
    Map<String, List<String>> collected = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq < 1) {
        throw new InvalidRequestException("Malformed conditional URL: " + url);
      }
      collected.computeIfAbsent(decode(pair.substring(0, eq)), k -> new ArrayList<>())
          .add(decode(pair.substring(eq + 1)));
    }
    if (collected.isEmpty()) {
      throw new InvalidRequestException("Empty conditional URL");
    }
    Map<String, String[]> parameters = new LinkedHashMap<>();
    collected.forEach((k, v) -> parameters.put(k, v.toArray(String[]::new)));
    return of(type, parameters);
  }

  /**
   * The query "refers to Patient {@code patientId}" on {@code type}, or empty when {@code type} has no
   * patient reference (Patient, Practitioner).
   */
  public static Optional<SearchQuery> forPatient(String type, String patientId) {
    return SearchParameter.forType(type, "patient")
        .map(p -> new SearchQuery(List.of(r -> p.matches(r, "Patient/" + patientId))));
  }

  @Override
  public boolean test(Resource resource) {
    return clauses.stream().allMatch(c -> c.test(resource));
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
