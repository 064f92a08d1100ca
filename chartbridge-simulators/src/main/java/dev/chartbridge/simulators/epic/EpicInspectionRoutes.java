package dev.chartbridge.simulators.epic;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chartbridge.simulators.fhir.internal.ResourcesRoute;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Resource;

/**
 * {@code GET /_sim/resources?type=&patient=} (everything stored, held records tagged
 * {@code urn:chartbridge:sim:tag|held}), {@code GET /_sim/holding-tank} and
 * {@code POST /_sim/holding-tank/release} (all, or {@code ?id=Condition/3}).
 */
final class EpicInspectionRoutes {

  /** Tag added to held records in inspection output only. */
  static final String HELD_TAG_SYSTEM = "urn:chartbridge:sim:tag";
  static final String HELD_TAG_CODE = "held";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final EpicSimulator simulator;

  EpicInspectionRoutes(EpicSimulator simulator) {
    this.simulator = simulator;
  }

  void register(RoutesConfig routes) {
    routes.get("/_sim/resources", ResourcesRoute.handler(simulator::resources, simulator::resourcesForPatient,
        FhirContext.forR4Cached()::newJsonParser, this::tagIfHeld));
    routes.get("/_sim/holding-tank", ctx -> json(ctx, 200, Map.of("held", simulator.holdingTank().held())));
    routes.post("/_sim/holding-tank/release", this::release);
  }

  private Resource tagIfHeld(Resource r) {
    if (simulator.isHeld(r.fhirType() + "/" + r.getIdElement().getIdPart())) {
      r.getMeta().addTag(HELD_TAG_SYSTEM, HELD_TAG_CODE, "In Epic's holding tank: not readable yet");
    }
    return r;
  }

  private void release(Context ctx) throws Exception {
    String id = ctx.queryParam("id");
    if (id == null) {
      json(ctx, 200, Map.of("released", simulator.releaseHoldingTank()));
    } else if (simulator.releaseHoldingTank(id)) {
      json(ctx, 200, Map.of("released", List.of(id)));
    } else {
      json(ctx, 404, Map.of("error", id + " is not in the holding tank"));
    }
  }

  private static void json(Context ctx, int status, Object value) throws Exception {
    ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(value));
  }
}
