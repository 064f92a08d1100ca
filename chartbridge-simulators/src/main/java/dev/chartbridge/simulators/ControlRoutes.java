package dev.chartbridge.simulators;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Map;
import java.util.NoSuchElementException;

/** The control endpoints common to every simulator: faults, stats, reset, and chart edits where it has them. */
final class ControlRoutes {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Faults faults;
  private final SimulatorStats stats;
  private final Runnable reset;
  private final ChartEditor chart;

  /** @param chart the simulator's chart edits, or null for none */
  ControlRoutes(Faults faults, SimulatorStats stats, Runnable reset, ChartEditor chart) {
    this.faults = faults;
    this.stats = stats;
    this.reset = reset;
    this.chart = chart;
  }

  void register(RoutesConfig routes) {
    routes.get("/_sim/faults", ctx -> json(ctx, faults.plan()));
    routes.post("/_sim/faults", this::setFaults);
    routes.delete("/_sim/faults", ctx -> {
      faults.clear();
      json(ctx, faults.plan());
    });
    routes.post("/_sim/concurrent-edit/{type}/{id}", this::concurrentEdit);
    if (chart != null) {
      routes.post("/_sim/chart/{type}/{id}/status", this::setStatus);
      routes.delete("/_sim/chart/{type}/{id}", this::delete);
    }
    routes.get("/_sim/stats", ctx -> json(ctx, stats.toMap()));
    routes.post("/_sim/reset", ctx -> {
      reset.run();
      ctx.status(204);
    });
  }

  private void setFaults(Context ctx) throws JsonProcessingException {
    JsonNode body = JSON.readTree(ctx.body());
    if (!(body instanceof ObjectNode object)) {
      problem(ctx, 400, "body must be a JSON object");
      return;
    }
    JsonNode seed = object.remove("seed");
    FaultPlan plan;
    try {
      plan = JSON.treeToValue(object, FaultPlan.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      problem(ctx, 400, e.getMessage());
      return;
    }
    faults.set(plan);
    if (seed != null) {
      faults.seed(seed.asLong());
    }
    json(ctx, faults.plan());
  }

  private void concurrentEdit(Context ctx) throws JsonProcessingException {
    String reference = ctx.pathParam("type") + "/" + ctx.pathParam("id");
    try {
      String version = faults.concurrentEdit(reference);
      json(ctx, Map.of("reference", reference, "versionId", version));
    } catch (NoSuchElementException e) {
      problem(ctx, 404, "no stored " + reference);
    }
  }

  private void setStatus(Context ctx) throws JsonProcessingException {
    String reference = ctx.pathParam("type") + "/" + ctx.pathParam("id");
    String status = JSON.readTree(ctx.body()).path("status").asText("");
    try {
      Map<String, String> answer = new java.util.LinkedHashMap<>();
      answer.put("reference", reference);
      answer.put("versionId", chart.setStatus(reference, status));
      json(ctx, answer);
    } catch (NoSuchElementException e) {
      problem(ctx, 404, "no stored " + reference);
    } catch (IllegalArgumentException e) {
      problem(ctx, 400, e.getMessage());
    }
  }

  private void delete(Context ctx) throws JsonProcessingException {
    String reference = ctx.pathParam("type") + "/" + ctx.pathParam("id");
    try {
      chart.delete(reference);
      ctx.status(204);
    } catch (NoSuchElementException e) {
      problem(ctx, 404, "no stored " + reference);
    } catch (UnsupportedOperationException e) {
      problem(ctx, 405, e.getMessage());
    }
  }

  static void json(Context ctx, Object value) throws JsonProcessingException {
    ctx.contentType("application/json").result(JSON.writeValueAsString(value));
  }

  private static void problem(Context ctx, int status, String message) throws JsonProcessingException {
    ctx.status(status);
    json(ctx, Map.of("error", String.valueOf(message)));
  }
}
