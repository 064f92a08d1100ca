package dev.chartbridge.simulators.vendorkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;

/**
 * {@code GET /_sim/records?kind=&patient=}: what a vendor simulator's proprietary API stored, as a JSON
 * array of {@link ChartStore.Entry} (both filters optional).
 */
public final class ChartInspection {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ChartInspection() {}

  public static void register(RoutesConfig routes, ChartStore store) {
    routes.get("/_sim/records", ctx -> ctx.contentType("application/json")
        .result(write(store.list(ctx.queryParam("kind"), ctx.queryParam("patient")))));
  }

  private static String write(Object value) throws JsonProcessingException {
    return JSON.writeValueAsString(value);
  }
}
