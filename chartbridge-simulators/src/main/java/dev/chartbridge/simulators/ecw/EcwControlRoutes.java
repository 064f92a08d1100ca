package dev.chartbridge.simulators.ecw;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chartbridge.simulators.fhir.internal.ResourcesRoute;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * eCW control endpoints: {@code GET /_sim/resources?type=&patient=}, {@code GET|POST /_sim/rate-limit}
 * ({@code {limit, windowSeconds}}), {@code GET|POST /_sim/writes} ({@code {enable:[..], disable:[..]}}),
 * {@code POST /_sim/writeback-user} ({@code {configured: false}} = fault 308).
 */
final class EcwControlRoutes {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final EcwSimulator simulator;

  EcwControlRoutes(EcwSimulator simulator) {
    this.simulator = simulator;
  }

  void register(RoutesConfig routes) {
    routes.get("/_sim/resources", ResourcesRoute.handler(simulator::resources, simulator::resourcesForPatient,
        FhirContext.forR4Cached()::newJsonParser, UnaryOperator.identity()));
    routes.get("/_sim/rate-limit", ctx -> json(ctx, rateLimit()));
    routes.post("/_sim/rate-limit", ctx -> {
      JsonNode body = JSON.readTree(ctx.body());
      PracticeRateLimit limit = simulator.rateLimit();
      limit.configure(body.path("limit").asInt(limit.limit()),
          Duration.ofSeconds(body.path("windowSeconds").asLong(limit.window().toSeconds())));
      json(ctx, rateLimit());
    });
    routes.get("/_sim/writes", ctx -> json(ctx, Map.of("enabled", simulator.enabledWrites())));
    routes.post("/_sim/writes", ctx -> {
      JsonNode body = JSON.readTree(ctx.body());
      body.path("enable").forEach(t -> simulator.enableWrite(t.asText()));
      body.path("disable").forEach(t -> simulator.disableWrite(t.asText()));
      json(ctx, Map.of("enabled", simulator.enabledWrites()));
    });
    routes.post("/_sim/writeback-user", ctx -> {
      simulator.writebackUserConfigured(JSON.readTree(ctx.body()).path("configured").asBoolean(true));
      json(ctx, Map.of("configured", simulator.writebackUserConfigured()));
    });
  }

  private Map<String, Object> rateLimit() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("limit", simulator.rateLimit().limit());
    out.put("windowSeconds", simulator.rateLimit().window().toSeconds());
    out.put("callsInWindow", simulator.rateLimit().callsInWindow());
    out.put("rateLimited", simulator.stats().count(PracticeRateLimit.RATE_LIMITED));
    return out;
  }

  private static void json(Context ctx, Object value) throws Exception {
    ctx.contentType("application/json").result(JSON.writeValueAsString(value));
  }
}
