package dev.chartbridge.simulators.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OAuth 2.0 token endpoint ({@code POST}, form-encoded) of a {@link SmartAuth}: grant type
 * {@code client_credentials} with a {@code private_key_jwt} assertion or, where the vendor's policy allows,
 * a client secret in HTTP Basic ({@code client_secret_basic}) or in the form ({@code client_secret_post}).
 *
 * <p>Answers 200 {@code {access_token, token_type, expires_in, scope}}, or an RFC 6749 error JSON
 * ({@code invalid_request}, {@code invalid_client}, {@code invalid_grant}, {@code invalid_scope},
 * {@code unsupported_grant_type}), 429 above the policy's per-client limit, 503 during an outage.
 * A vendor simulator can put a {@link Gate} in front (e.g. eCW's per-practice rate limit). Thread-safe.
 */
public final class TokenEndpoint implements Handler {

  /** Runs before the token request is processed; answers and returns false to stop it. */
  @FunctionalInterface
  public interface Gate {
    boolean admit(Context ctx) throws Exception;
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final SmartAuth auth;
  private volatile Gate gate = ctx -> true;

  TokenEndpoint(SmartAuth auth) {
    this.auth = auth;
  }

  /** Puts {@code gate} in front of every token request. */
  public TokenEndpoint gatedBy(Gate gate) {
    this.gate = gate;
    return this;
  }

  @Override
  public void handle(Context ctx) throws Exception {
    auth.countRequest();
    if (!gate.admit(ctx)) {
      auth.countRefusal();
      return;
    }
    ctx.header("Cache-Control", "no-store").header("Pragma", "no-cache");
    if (auth.tokenEndpointOutage()) {
      auth.countRefusal();
      error(ctx, 503, "temporarily_unavailable", "the authorization server is unavailable (simulated outage)");
      return;
    }
    try {
      AccessToken token = exchange(ctx);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("access_token", token.value());
      body.put("token_type", "Bearer");
      body.put("expires_in", auth.policy().tokenLifetime().toSeconds());
      body.put("scope", String.join(" ", token.scopes()));
      ctx.status(200).contentType("application/json").result(JSON.writeValueAsString(body));
    } catch (OAuthError e) {
      auth.countRefusal();
      if (e.status() == 401 && ctx.header("Authorization") != null) {
        ctx.header("WWW-Authenticate", "Basic realm=\"chartbridge-simulator\"");
      }
      error(ctx, e.status(), e.error(), e.getMessage());
    }
  }

  private AccessToken exchange(Context ctx) {
    String grantType = ctx.formParam("grant_type");
    if (grantType == null) {
      throw OAuthError.invalidRequest("grant_type is required");
    }
    if (!grantType.equals("client_credentials")) {
      throw OAuthError.unsupportedGrantType(grantType);
    }
    ClientRegistration client = authenticate(ctx);
    if (!auth.admitTokenRequest(client.clientId())) {
      throw new OAuthError(429, "too_many_requests", "token request limit of "
          + auth.policy().tokenRequestsPerMinute() + " per minute reached for client '" + client.clientId() + "'");
    }
    return auth.issue(client, ctx.formParam("scope"));
  }

  private ClientRegistration authenticate(Context ctx) {
    String assertionType = ctx.formParam("client_assertion_type");
    String assertion = ctx.formParam("client_assertion");
    String basic = ctx.header("Authorization");
    if (assertion != null || assertionType != null) {
      if (!AssertionVerifier.ASSERTION_TYPE.equals(assertionType)) {
        throw OAuthError.invalidRequest("client_assertion_type must be " + AssertionVerifier.ASSERTION_TYPE);
      }
      if (assertion == null) {
        throw OAuthError.invalidRequest("client_assertion is required");
      }
      return auth.verifyAssertion(assertion, ctx.formParam("client_id"));
    }
    if (basic != null && basic.regionMatches(true, 0, "Basic ", 0, 6)) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(basic.substring(6).trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new OAuthError(401, "invalid_client", "malformed Basic credentials");
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw new OAuthError(401, "invalid_client", "malformed Basic credentials");
      }
      return auth.verifySecret(decode(decoded.substring(0, colon)), decode(decoded.substring(colon + 1)));
    }
    String secret = ctx.formParam("client_secret");
    if (secret != null) {
      return auth.verifySecret(ctx.formParam("client_id"), secret);
    }
    throw new OAuthError(auth.policy().invalidClientStatus(), "invalid_client", "no client authentication");
  }

  /** RFC 6749 2.3.1: Basic credentials are form-urlencoded before base64. */
  private static String decode(String value) {
    return java.net.URLDecoder.decode(value, StandardCharsets.UTF_8);
  }

  private static void error(Context ctx, int status, String error, String description)
      throws JsonProcessingException {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("error", error);
    body.put("error_description", description);
    ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(body));
  }

}
