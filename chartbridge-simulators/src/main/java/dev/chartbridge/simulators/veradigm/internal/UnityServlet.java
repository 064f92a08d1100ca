package dev.chartbridge.simulators.veradigm.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chartbridge.simulators.SimulatorStats;
import dev.chartbridge.simulators.vendorkit.WindowLimiter;
import dev.chartbridge.simulators.veradigm.VeradigmSeed;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;

/**
 * Unity's JSON endpoints under {@code /Unity/UnityService.svc/json}: {@code GetToken} (answers the bare
 * token, or {@code error: ...} text), {@code MagicJson} (action envelope; every error, bad or expired token
 * included, is {@code [{"Error": ...}]} in a 200) and {@code RetireSecurityToken}. Optional per-minute limit
 * per Appname (none is published; answered with 429). Thread-safe.
 */
public final class UnityServlet extends HttpServlet {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final UnityTokens tokens;
  private final UnityActions actions;
  private final WindowLimiter limiter;
  private final IntSupplier perMinute;
  private final SimulatorStats stats;

  public UnityServlet(UnityTokens tokens, UnityActions actions, WindowLimiter limiter, IntSupplier perMinute,
      SimulatorStats stats) {
    this.tokens = tokens;
    this.actions = actions;
    this.limiter = limiter;
    this.perMinute = perMinute;
    this.stats = stats;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String path = request.getPathInfo() == null ? "" : request.getPathInfo();
    if (!request.getMethod().equals("POST") || !path.startsWith("/UnityService.svc/json/")) {
      response.sendError(404);
      return;
    }
    JsonNode body;
    try {
      body = JSON.readTree(request.getInputStream());
    } catch (IOException e) {
      body = null;
    }
    if (body == null || !body.isObject()) {
      json(response, UnityActions.error("Request body is not a JSON object"));
      return;
    }
    int limit = perMinute.getAsInt();
    if (limit > 0 && !limiter.acquire(body.path("Appname").asText(""), limit).allowed()) {
      stats.increment("rateLimited");
      stats.recordTooManyRequests();
      response.setStatus(429);
      return;
    }
    switch (path.substring("/UnityService.svc/json/".length())) {
      case "GetToken" -> getToken(response, body);
      case "MagicJson" -> magic(response, body);
      case "RetireSecurityToken" -> {
        tokens.retire(body.path("Token").asText(null));
        text(response, "");
      }
      default -> response.sendError(404);
    }
  }

  private void getToken(HttpServletResponse response, JsonNode body) throws IOException {
    stats.increment("tokenRequests");
    if (!VeradigmSeed.UNITY_USERNAME.equals(body.path("Username").asText())
        || !VeradigmSeed.UNITY_PASSWORD.equals(body.path("Password").asText())) {
      text(response, "error: Username and password not valid");
      return;
    }
    if (!VeradigmSeed.APP_NAME.equals(body.path("Appname").asText())) {
      text(response, "error: Appname is not registered");
      return;
    }
    text(response, tokens.issue());
  }

  private void magic(HttpServletResponse response, JsonNode body) throws IOException {
    String problem = tokens.problem(body.path("Token").asText(null));
    if (problem != null) {
      stats.increment("invalidTokens");
      json(response, UnityActions.error(problem));
    } else if (!VeradigmSeed.APP_NAME.equals(body.path("Appname").asText())) {
      json(response, UnityActions.error("Invalid Appname"));
    } else if (!VeradigmSeed.APP_USER.equals(body.path("AppUserID").asText())) {
      json(response, UnityActions.error("Invalid AppUserID"));
    } else {
      json(response, actions.run(body));
    }
  }

  private static void json(HttpServletResponse response, JsonNode body) throws IOException {
    response.setStatus(200);
    response.setContentType("application/json;charset=utf-8");
    response.getOutputStream().write(JSON.writeValueAsBytes(body));
  }

  private static void text(HttpServletResponse response, String body) throws IOException {
    response.setStatus(200);
    response.setContentType("text/plain;charset=utf-8");
    response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
  }
}
