package dev.chartbridge.simulators.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Resource;

/**
 * {@code GET /_sim/resources}: what the simulator has stored, as a JSON array of FHIR resources; and a clinician's
 * later edits in the chart: {@code POST /_sim/chart/{type}/{id}/status}, {@code DELETE /_sim/chart/{type}/{id}}.
 */
final class InspectionRoutes {

  private final FhirSimulator simulator;

  InspectionRoutes(FhirSimulator simulator) {
    this.simulator = simulator;
  }

  void register(RoutesConfig routes) {
    routes.get("/_sim/resources", this::resources);
    routes.post("/_sim/chart/{type}/{id}/status", this::setStatus);
    routes.delete("/_sim/chart/{type}/{id}", this::delete);
  }

  private void setStatus(Context ctx) throws java.io.IOException {
    String reference = ctx.pathParam("type") + "/" + ctx.pathParam("id");
    String status = new com.fasterxml.jackson.databind.ObjectMapper().readTree(ctx.body()).path("status").asText("");
    try {
      String version = simulator.setStatus(reference, status);
      ctx.contentType("application/json").result("{\"reference\":\"" + reference + "\",\"versionId\":\""
          + version + "\"}");
    } catch (java.util.NoSuchElementException e) {
      ctx.status(404).contentType("application/json").result("{\"error\":\"no stored record\"}");
    } catch (RuntimeException e) {
      ctx.status(400).contentType("application/json").result("{\"error\":\"status not allowed\"}");
    }
  }

  private void delete(Context ctx) {
    try {
      simulator.delete(ctx.pathParam("type") + "/" + ctx.pathParam("id"));
      ctx.status(204);
    } catch (java.util.NoSuchElementException e) {
      ctx.status(404).contentType("application/json").result("{\"error\":\"no stored record\"}");
    }
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
