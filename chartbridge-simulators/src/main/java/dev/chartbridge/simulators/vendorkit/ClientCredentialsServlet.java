package dev.chartbridge.simulators.vendorkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chartbridge.simulators.SimulatorStats;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A 2-legged OAuth token endpoint ({@code grant_type=client_credentials}, form-urlencoded) answering
 * {@code {access_token, token_type, expires_in, scope}}. Optionally limits new-token requests per minute
 * (429 above, refused requests not counted) and reports that quota in {@code X-RateLimit-Remaining} /
 * {@code X-RateLimit-Reset} on every answer. Counts {@code tokenRequests}, {@code tokensIssued} and
 * {@code rateLimited}. Thread-safe.
 */
public final class ClientCredentialsServlet extends HttpServlet {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String path;
  private final Supplier<ClientAuthenticator> clients;
  private final IssuedTokens tokens;
  private final Duration lifetime;
  private final Predicate<String> scopeAllowed;
  private final WindowLimiter limiter;
  private final IntSupplier perMinute;
  private final SimulatorStats stats;

  /**
   * @param path path info the endpoint answers (e.g. {@code /v1/token})
   * @param scopeAllowed whether each requested scope may be granted
   * @param perMinute new-token requests allowed per minute; 0 or less for no limit
   */
  public ClientCredentialsServlet(String path, Supplier<ClientAuthenticator> clients, IssuedTokens tokens,
      Duration lifetime, Predicate<String> scopeAllowed, WindowLimiter limiter, IntSupplier perMinute,
      SimulatorStats stats) {
    this.path = path;
    this.clients = clients;
    this.tokens = tokens;
    this.lifetime = lifetime;
    this.scopeAllowed = scopeAllowed;
    this.limiter = limiter;
    this.perMinute = perMinute;
    this.stats = stats;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    if (!path.equals(request.getPathInfo()) || !request.getMethod().equals("POST")) {
      response.sendError(404);
      return;
    }
    stats.increment("tokenRequests");
    int limit = perMinute.getAsInt();
    if (limit > 0) {
      WindowLimiter.Decision decision = limiter.acquire("token", limit);
      response.setHeader("X-RateLimit-Remaining", Integer.toString(decision.remaining()));
      response.setHeader("X-RateLimit-Reset", Long.toString(decision.resetAt().getEpochSecond()));
      if (!decision.allowed()) {
        stats.increment("rateLimited");
        stats.recordTooManyRequests();
        error(response, 429, "rate_limit_exceeded", "New-token requests are limited to " + limit + " per minute");
        return;
      }
    }
    if (!"client_credentials".equals(request.getParameter("grant_type"))) {
      error(response, 400, "unsupported_grant_type", "Only client_credentials is supported");
      return;
    }
    Optional<String> client = clients.get().authenticate(request);
    if (client.isEmpty()) {
      stats.increment("tokenRefused");
      error(response, 401, "invalid_client", "Client authentication failed");
      return;
    }
    String scope = request.getParameter("scope") == null ? "" : request.getParameter("scope").trim();
    for (String s : scope.split(" +")) {
      if (!s.isEmpty() && !scopeAllowed.test(s)) {
        error(response, 400, "invalid_scope", "Scope " + s + " is not granted to this client");
        return;
      }
    }
    stats.increment("tokensIssued");
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("access_token", tokens.issue(client.get(), scope, lifetime));
    body.put("token_type", "Bearer");
    body.put("expires_in", lifetime.toSeconds());
    body.put("scope", scope);
    send(response, 200, body);
  }

  private static void error(HttpServletResponse response, int status, String error, String description)
      throws IOException {
    send(response, status, Map.of("error", error, "error_description", description));
  }

  private static void send(HttpServletResponse response, int status, Object body) throws IOException {
    response.setStatus(status);
    response.setHeader("Cache-Control", "no-store");
    response.setContentType("application/json;charset=utf-8");
    response.getOutputStream().write(JSON.writeValueAsBytes(body));
  }
}
