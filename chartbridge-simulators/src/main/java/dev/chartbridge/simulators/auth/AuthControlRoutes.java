package dev.chartbridge.simulators.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URI;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Control endpoints of a {@link SmartAuth}, under {@code /_sim} (never faulted):
 * <ul>
 *   <li>{@code GET /_sim/clients}, {@code POST /_sim/clients} {@code {clientId, jwksUrl?, clientSecret?, scopes:[..]}}
 *   <li>{@code POST /_sim/tokens} {@code {clientId, scope?}}: issues a token without a token request (demos)
 *   <li>{@code POST /_sim/tokens/expire} {@code {token?}}: expires that token, or all without a body
 *   <li>{@code POST /_sim/token-outage} {@code {enabled: true|false}}: token endpoint outage (503)
 * </ul>
 */
public final class AuthControlRoutes {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final SmartAuth auth;

  public AuthControlRoutes(SmartAuth auth) {
    this.auth = auth;
  }

  /** Adds the routes to a simulator's control routes. */
  public void register(RoutesConfig routes) {
    routes.get("/_sim/clients", ctx -> json(ctx, 200, auth.clients().all().stream().map(c -> Map.of(
        "clientId", c.clientId(),
        "jwksUrl", c.jwksUrl() == null ? "" : c.jwksUrl().toString(),
        "hasSecret", c.clientSecret() != null,
        "scopes", c.allowedScopes())).toList()));
    routes.post("/_sim/clients", this::registerClient);
    routes.post("/_sim/tokens", this::issue);
    routes.post("/_sim/tokens/expire", this::expire);
    routes.post("/_sim/token-outage", ctx -> {
      auth.tokenEndpointOutage(JSON.readTree(ctx.body()).path("enabled").asBoolean(true));
      json(ctx, 200, Map.of("enabled", auth.tokenEndpointOutage()));
    });
  }

  private void registerClient(Context ctx) throws Exception {
    JsonNode body = JSON.readTree(ctx.body());
    Set<String> scopes = new HashSet<>();
    body.path("scopes").forEach(s -> scopes.add(s.asText()));
    try {
      auth.register(new ClientRegistration(body.path("clientId").asText(null),
          body.hasNonNull("jwksUrl") ? URI.create(body.get("jwksUrl").asText()) : null,
          body.path("clientSecret").asText(null), scopes));
    } catch (IllegalArgumentException | NullPointerException e) {
      json(ctx, 400, Map.of("error", String.valueOf(e.getMessage())));
      return;
    }
    json(ctx, 201, Map.of("clientId", body.path("clientId").asText()));
  }

  private void issue(Context ctx) throws Exception {
    JsonNode body = JSON.readTree(ctx.body());
    try {
      AccessToken token = auth.issue(body.path("clientId").asText(null), body.path("scope").asText(null));
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("access_token", token.value());
      out.put("token_type", "Bearer");
      out.put("expires_in", auth.policy().tokenLifetime().toSeconds());
      out.put("scope", String.join(" ", token.scopes()));
      json(ctx, 200, out);
    } catch (OAuthError e) {
      json(ctx, e.status(), Map.of("error", e.error(), "error_description", e.getMessage()));
    }
  }

  private void expire(Context ctx) throws Exception {
    String body = ctx.body();
    String token = body.isBlank() ? null : JSON.readTree(body).path("token").asText(null);
    if (token == null) {
      auth.expireAll();
    } else {
      auth.expire(token);
    }
    json(ctx, 200, Map.of("expired", token == null ? List.of("*") : List.of(token)));
  }

  private static void json(Context ctx, int status, Object value) throws Exception {
    ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(value));
  }
}
