package dev.chartbridge.simulators.fhir.internal;

import ca.uhn.fhir.parser.IParser;
import io.javalin.http.Handler;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Resource;

/**
 * {@code GET /_sim/resources?type=&patient=} of a FHIR-store simulator: what it has stored, as a JSON array of
 * FHIR resources; {@code patient} (optionally narrowed to {@code type}) or {@code type} alone, 400 without
 * either. Stateless.
 */
public final class ResourcesRoute {

  private ResourcesRoute() {}

  /**
   * @param ofType the stored resources of a type
   * @param forPatient the stored resources referring to a patient id
   * @param parser a fresh JSON parser (one per request)
   * @param shown what is encoded of each found resource (e.g. tagged for inspection)
   */
  public static Handler handler(Function<String, List<Resource>> ofType,
      Function<String, List<Resource>> forPatient, Supplier<IParser> parser, UnaryOperator<Resource> shown) {
    return ctx -> {
      String type = ctx.queryParam("type");
      String patient = ctx.queryParam("patient");
      List<Resource> found;
      if (patient != null) {
        found = forPatient.apply(patient).stream().filter(r -> type == null || r.fhirType().equals(type)).toList();
      } else if (type != null) {
        found = ofType.apply(type);
      } else {
        ctx.status(400).contentType("application/json").result("{\"error\":\"give type, patient or both\"}");
        return;
      }
      IParser json = parser.get();
      ctx.contentType("application/json").result(found.stream().map(shown)
          .map(json::encodeResourceToString).collect(Collectors.joining(",", "[", "]")));
    };
  }
}
