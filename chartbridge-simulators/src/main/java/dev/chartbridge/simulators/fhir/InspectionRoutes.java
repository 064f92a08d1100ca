package dev.chartbridge.simulators.fhir;

import ca.uhn.fhir.context.FhirContext;
import dev.chartbridge.simulators.fhir.internal.ResourcesRoute;
import io.javalin.config.RoutesConfig;
import java.util.function.UnaryOperator;

/** {@code GET /_sim/resources}: what the simulator has stored, as a JSON array of FHIR resources. */
final class InspectionRoutes {

  private final FhirSimulator simulator;

  InspectionRoutes(FhirSimulator simulator) {
    this.simulator = simulator;
  }

  void register(RoutesConfig routes) {
    routes.get("/_sim/resources", ResourcesRoute.handler(simulator::resources, simulator::resourcesForPatient,
        () -> FhirContext.forR4Cached().newJsonParser().setStripVersionsFromReferences(false),
        UnaryOperator.identity()));
  }
}
