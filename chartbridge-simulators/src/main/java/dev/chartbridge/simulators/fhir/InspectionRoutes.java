package dev.chartbridge.simulators.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Resource;

/** {@code GET /_sim/resources}: what the simulator has stored, as a JSON array of FHIR resources. */
final class InspectionRoutes {

  private final FhirSimulator simulator;

  InspectionRoutes(FhirSimulator simulator) {
    this.simulator = simulator;
  }

  void register(RoutesConfig routes) {
    routes.get("/_sim/resources", this::resources);
  }

  private void resources(Context ctx) {
    String type = ctx.queryParam("type");
    String patient = ctx.queryParam("patient");
    List<Resource> found;
    if (patient != null) {
      found = simulator.resourcesForPatient(patient).stream()
          .filter(r -> type == null || r.fhirType().equals(type))
          .toList();
    } else if (type != null) {
      found = simulator.resources(type);
    } else {
      ctx.status(400).contentType("application/json").result("{\"error\":\"give type, patient or both\"}");
      return;
    }
    IParser parser = FhirContext.forR4Cached().newJsonParser().setStripVersionsFromReferences(false);
    String body = found.stream().map(parser::encodeResourceToString).collect(Collectors.joining(",", "[", "]"));
    ctx.contentType("application/json").result(body);
  }
}
