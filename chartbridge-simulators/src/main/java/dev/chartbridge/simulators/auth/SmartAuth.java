package dev.chartbridge.simulators.auth;

import dev.chartbridge.simulators.SimulatorStats;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One simulator's OAuth 2.0 / SMART Backend Services authorization server: its {@link ClientRegistry},
 * the tokens it issued, the check of {@code Authorization: Bearer} on API calls, and the controls tests
 * need (expire or revoke a token now, token endpoint outage). The HTTP side is {@link #tokenEndpoint()}.
 *
 * <p>Counters go to the simulator's {@link SimulatorStats} under {@link #TOKEN_REQUESTS},
 * {@link #TOKENS_ISSUED}, {@link #TOKEN_REFUSALS}, {@link #API_REFUSALS}. This class is thread-safe.
 */
public final class SmartAuth {

  /** Counter: requests that reached the token endpoint. */
  public static final String TOKEN_REQUESTS = "tokenRequests";
  /** Counter: tokens issued. */
  public static final String TOKENS_ISSUED = "tokensIssued";
  /** Counter: token requests refused (any OAuth error, 429 or outage). */
  public static final String TOKEN_REFUSALS = "tokenRefusals";
  /** Counter: API calls refused with 401 or 403 by the bearer check. */
  public static final String API_REFUSALS = "apiAuthRefusals";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final AuthPolicy policy;
  private final ClientRegistry clients = new ClientRegistry();
  private final Map<String, AccessToken> tokens = new ConcurrentHashMap<>();
  private final Map<String, long[]> tokenRequestWindows = new ConcurrentHashMap<>();
  private final SimulatorStats stats;
  private final Clock clock;
  private final JwksSource jwks;
  private final AssertionVerifier verifier;
  private final Supplier<String> tokenUrl;
  private volatile boolean outage;

  /**
   * @param policy the vendor's rules
   * @param stats where to count token requests and refusals
   * @param clock time source for token expiry and assertion checks
   * @param tokenUrl the absolute URL of the token endpoint (the required {@code aud}); asked per request
   *     because the port is known only once the server has started
   */
  public SmartAuth(AuthPolicy policy, SimulatorStats stats, Clock clock, Supplier<String> tokenUrl) {
    this.policy = policy;
    this.stats = stats;
    this.clock = clock;
    this.tokenUrl = tokenUrl;
    this.jwks = new JwksSource(clock, policy.jwksCacheTtl());
    this.verifier = new AssertionVerifier(policy, clients, jwks, clock);
  }

  public AuthPolicy policy() {
    return policy;
  }

  /** The registered clients; register the gateway's client here. */
  public ClientRegistry clients() {
    return clients;
  }

  /** Registers {@code client}; shorthand for {@code clients().register(client)}. */
  public SmartAuth register(ClientRegistration client) {
    clients.register(client);
    return this;
  }

  /** The absolute token endpoint URL ({@code aud} of client assertions). */
  public String tokenUrl() {
    return tokenUrl.get();
  }

  /** The Javalin handler of {@code POST <token path>}; mount it with the simulator's control routes. */
  public TokenEndpoint tokenEndpoint() {
    return new TokenEndpoint(this);
  }

  /** While on, the token endpoint answers 503 {@code temporarily_unavailable}; issued tokens still work. */
  public void tokenEndpointOutage(boolean on) {
    outage = on;
  }

  public boolean tokenEndpointOutage() {
    return outage;
  }

  /**
   * Issues a token to a registered client without a token request: a shortcut for tests and demos
   * (also {@code POST /_sim/tokens}). Scopes are granted as by the token endpoint.
   *
   * @throws OAuthError {@code invalid_client} for an unknown client, {@code invalid_scope} if nothing is granted
   */
  public AccessToken issue(String clientId, String scope) {
    ClientRegistration client = clients.find(clientId).orElseThrow(() ->
        new OAuthError(policy.invalidClientStatus(), "invalid_client", "unknown client '" + clientId + "'"));
    return issue(client, scope);
  }

  /** Makes {@code token} expired now (a later API call with it gets 401). */
  public void expire(String token) {
    tokens.computeIfPresent(token, (k, t) -> new AccessToken(t.value(), t.clientId(), t.scopes(),
        clock.instant().minusSeconds(1)));
  }

  /** Makes every issued token expired now. */
  public void expireAll() {
    List.copyOf(tokens.keySet()).forEach(this::expire);
  }

  /** Forgets {@code token}: it becomes unknown (401). */
  public void revoke(String token) {
    tokens.remove(token);
  }

  /** The issued token {@code value}, if known (expired ones included). */
  public Optional<AccessToken> token(String value) {
    return Optional.ofNullable(tokens.get(value));
  }

  /** Every issued token, expired ones included. */
  public List<AccessToken> tokens() {
    return List.copyOf(tokens.values());
  }

  /**
   * Checks the {@code Authorization} header of an API call for {@code interaction} on {@code resourceType}
   * and counts refusals. Pass a null type for calls that need only a valid token.
   */
  public BearerCheck check(String authorization, String resourceType, Interaction interaction) {
    BearerCheck result = evaluate(authorization, resourceType, interaction);
    if (!(result instanceof BearerCheck.Granted)) {
      stats.increment(API_REFUSALS);
    }
    return result;
  }

  /** Forgets tokens, replay and JWKS caches, rate windows and the outage; keeps registered clients. */
  public void reset() {
    tokens.clear();
    tokenRequestWindows.clear();
    verifier.clear();
    jwks.clear();
    outage = false;
  }

  private BearerCheck evaluate(String authorization, String resourceType, Interaction interaction) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return new BearerCheck.Missing();
    }
    AccessToken token = tokens.get(authorization.substring(7).trim());
    if (token == null) {
      return new BearerCheck.Invalid("unknown token");
    }
    if (token.expiredAt(clock.instant())) {
      return new BearerCheck.Invalid("token expired");
    }
    if (resourceType != null && !token.allows(resourceType, interaction)) {
      return new BearerCheck.InsufficientScope(token, resourceType, interaction);
    }
    return new BearerCheck.Granted(token);
  }

  // --- used by TokenEndpoint ---

  void countRequest() {
    stats.increment(TOKEN_REQUESTS);
  }

  void countRefusal() {
    stats.increment(TOKEN_REFUSALS);
  }

  ClientRegistration verifyAssertion(String assertion, String clientIdParam) {
    if (!policy.privateKeyJwt()) {
      throw OAuthError.invalidRequest("private_key_jwt is not accepted here");
    }
    return verifier.verify(assertion, clientIdParam, tokenUrl());
  }

  ClientRegistration verifySecret(String clientId, String secret) {
    if (!policy.clientSecret()) {
      throw new OAuthError(policy.invalidClientStatus(), "invalid_client",
          "client secrets are not accepted here; use private_key_jwt");
    }
    Optional<ClientRegistration> client = clients.find(clientId);
    if (client.isEmpty() || client.get().clientSecret() == null
        || !MessageDigest.isEqual(client.get().clientSecret().getBytes(StandardCharsets.UTF_8),
            secret.getBytes(StandardCharsets.UTF_8))) {
      throw new OAuthError(401, "invalid_client", "unknown client or wrong secret");
    }
    return client.get();
  }

  /** Whether {@code clientId} may make another token request in this clock minute (counts it). */
  boolean admitTokenRequest(String clientId) {
    int limit = policy.tokenRequestsPerMinute();
    if (limit <= 0) {
      return true;
    }
    long minute = clock.instant().getEpochSecond() / 60;
    long[] window = tokenRequestWindows.computeIfAbsent(clientId, k -> new long[] {minute, 0});
    synchronized (window) {
      if (window[0] != minute) {
        window[0] = minute;
        window[1] = 0;
      }
      return ++window[1] <= limit;
    }
  }

  AccessToken issue(ClientRegistration client, String requestedScope) {
    Set<String> granted = grant(client, requestedScope);
    if (granted.isEmpty()) {
      throw OAuthError.invalidScope("none of the requested scopes is allowed for client '"
          + client.clientId() + "'");
    }
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Instant expiresAt = clock.instant().plus(policy.tokenLifetime());
    AccessToken token = new AccessToken(value, client.clientId(), granted, expiresAt);
    tokens.put(value, token);
    stats.increment(TOKENS_ISSUED);
    return token;
  }

  /** Requested ∩ allowed, respelled in v1 if the vendor does that; all allowed if nothing was asked. */
  private Set<String> grant(ClientRegistration client, String requestedScope) {
    Set<String> requested = requestedScope == null || requestedScope.isBlank()
        ? client.allowedScopes()
        : new LinkedHashSet<>(List.of(requestedScope.trim().split("\\s+")));
    Set<String> granted = new LinkedHashSet<>();
    for (String scope : requested) {
      Optional<SmartScope> parsed = SmartScope.parse(scope);
      if (parsed.isEmpty()) {
        if (client.allowedScopes().contains(scope)) {
          granted.add(scope);
        }
        continue;
      }
      boolean allowed = client.allowedScopes().stream().map(SmartScope::parse).flatMap(Optional::stream)
          .anyMatch(a -> a.covers(parsed.get()));
      if (allowed) {
        if (policy.grantV1Spellings() && !parsed.get().v1()) {
          granted.addAll(parsed.get().v1Spellings());
        } else {
          granted.add(scope);
        }
      }
    }
    return granted;
  }
}
