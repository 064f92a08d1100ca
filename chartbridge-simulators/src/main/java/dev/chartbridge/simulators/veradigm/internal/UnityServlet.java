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
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * Unity's JSON endpoints under {@code /Unity/UnityService.svc/json}: {@code GetToken} (the service account's
 * username and password; answers the bare token as text, or {@code error: ...} text), {@code MagicJson} (action
 * envelope; the token must first be bound to an EHR user by {@code GetUserAuthentication}; every error, an expired
 * token included, is {@code [{"Error": ...}]} in a 200) and {@code RetireSecurityToken}. Optional per-minute limit
 * per Appname (none is published): HTTP 429, or in strict mode an error in the body. Thread-safe.
 */
public final class UnityServlet extends HttpServlet {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final UnityTokens tokens;
  private final UnityActions actions;
  private final WindowLimiter limiter;
  private final IntSupplier perMinute;
  private final SimulatorStats stats;
  private final BooleanSupplier strict;
  private final SaveLosses saveLosses;

  /** How often a save's answer is lost after Unity stored it, and for how long the connection then hangs. */
  public record SaveLoss(double probability, long hangMs) {}

  /** Where the current save-loss setting lives (the simulator's, switchable at run time). */
  public interface SaveLosses {
    SaveLoss current();
  }

  public UnityServlet(UnityTokens tokens, UnityActions actions, WindowLimiter limiter, IntSupplier perMinute,
      SimulatorStats stats, BooleanSupplier strict, SaveLosses saveLosses) {
    this.strict = strict;
    this.saveLosses = saveLosses;
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
      json(response, UnityActions.error("", "Request body is not a JSON object"));
      return;
    }
    int limit = perMinute.getAsInt();
    if (limit > 0 && !limiter.acquire(body.path("Appname").asText(""), limit).allowed()) {
      stats.increment("rateLimited");
      stats.recordTooManyRequests();
      // evidence: veradigm.limit.http-429, veradigm.behaviour.sim-strict-mode
      if (strict.getAsBoolean()) {
        json(response, UnityActions.error(body.path("Action").asText(""), "Request limit exceeded, try later"));
      } else {
        response.setStatus(429);
      }
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

  // evidence: veradigm.auth.get-token
  private void getToken(HttpServletResponse response, JsonNode body) throws IOException {
    stats.increment("tokenRequests");
    if (!VeradigmSeed.UNITY_USERNAME.equals(body.path("Username").asText())
        || !VeradigmSeed.UNITY_PASSWORD.equals(body.path("Password").asText())) {
      text(response, "error: Username and password not valid");
      return;
    }
    String appname = body.path("Appname").asText("");
    if (!appname.isEmpty() && !VeradigmSeed.APP_NAME.equals(appname)) {
      text(response, "error: Appname is not registered");
      return;
    }
    text(response, tokens.issue());
  }

  private void magic(HttpServletResponse response, JsonNode body) throws IOException {
    String action = body.path("Action").asText("");
    String token = body.path("Token").asText(null);
    String user = body.path("AppUserID").asText("");
    if (!VeradigmSeed.APP_NAME.equals(body.path("Appname").asText())) {
      json(response, UnityActions.error(action, "Invalid Appname"));
      return;
    }
    if (action.equalsIgnoreCase("GetUserAuthentication")) {
      authenticate(response, action, token, user, body.path("Parameter1").asText(""));
      return;
    }
    UnityTokens.Problem problem = tokens.check(token, user);
    if (problem != UnityTokens.Problem.NONE) {
      stats.increment("invalidTokens");
      json(response, UnityActions.error(action, tokenText(problem)));
      return;
    }
    var answer = actions.run(body);
    SaveLoss loss = saveLosses.current();
    if (loss != null && action.toLowerCase().startsWith("save") && !answer.get(0).has("Error")
        && java.util.concurrent.ThreadLocalRandom.current().nextDouble() < loss.probability()) {
      // Stored, and the answer never arrives in time: the caller cannot tell whether the save was taken.
      stats.recordFault(dev.chartbridge.simulators.FaultKind.COMMIT_THEN_TIMEOUT);
      try {
        Thread.sleep(loss.hangMs());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    json(response, answer);
  }

  /** GetUserAuthentication: binds the token to the EHR user when the user's own password is right. */
  // evidence: veradigm.auth.get-user-authentication
  private void authenticate(HttpServletResponse response, String action, String token, String user,
      String password) throws IOException {
    stats.increment("userAuthentications");
    boolean valid = VeradigmSeed.APP_USER.equalsIgnoreCase(user) && VeradigmSeed.APP_USER_PASSWORD.equals(password);
    UnityTokens.Problem problem = valid ? tokens.bind(token, user) : tokens.check(token, null);
    if (problem != UnityTokens.Problem.NONE) {
      json(response, UnityActions.error(action, tokenText(problem)));
      return;
    }
    var out = JSON.createArrayNode();
    var row = out.addObject().putArray("getuserauthenticationinfo").addObject();
    // evidence: veradigm.unity.column-casing
    row.put(strict.getAsBoolean() ? "validuser" : "ValidUser", valid ? "YES" : "NO").put("UserID", user);
    json(response, out);
  }

  /** What Unity says about an unusable token: the public inactivity wording for an expired one. */
  // evidence: veradigm.unity.error-token-inactivity, veradigm.unity.error-wording-sim
  private static String tokenText(UnityTokens.Problem problem) {
    return switch (problem) {
      case EXPIRED -> "As a Security precaution, you have been logged out due to inactivity.";
      case NOT_AUTHENTICATED -> "The security token has not been authenticated for a user (GetUserAuthentication)";
      case OTHER_USER -> "The security token is authenticated for another user";
      default -> "Invalid Security Token";
    };
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
