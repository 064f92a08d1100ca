package dev.chartbridge.simulators.veradigm.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Unity security tokens from GetToken, each bound to one EHR user by GetUserAuthentication before Magic calls may
 * use it, with expiry on the simulator clock. Thread-safe.
 */
public final class UnityTokens {

  /** Why a token cannot serve a Magic call, or none. */
  public enum Problem { NONE, UNKNOWN, EXPIRED, NOT_AUTHENTICATED, OTHER_USER }

  private record Issued(Instant expiry, String user) {}

  private final Clock clock;
  private volatile Duration lifetime;
  private final Map<String, Issued> tokens = new ConcurrentHashMap<>();

  public UnityTokens(Clock clock, Duration lifetime) {
    this.clock = clock;
    this.lifetime = lifetime;
  }

  public void lifetime(Duration lifetime) {
    this.lifetime = lifetime;
  }

  // evidence: veradigm.auth.get-token
  public String issue() {
    String token = UUID.randomUUID().toString().toUpperCase();
    tokens.put(token, new Issued(clock.instant().plus(lifetime), null));
    return token;
  }

  /** Binds a live token to {@code user} (GetUserAuthentication). */
  // evidence: veradigm.auth.get-user-authentication
  public Problem bind(String token, String user) {
    Problem p = check(token, null);
    if (p == Problem.NONE || p == Problem.NOT_AUTHENTICATED) {
      tokens.computeIfPresent(token, (k, v) -> new Issued(v.expiry(), user));
      return Problem.NONE;
    }
    return p;
  }

  /** Whether {@code token} may serve a Magic call made as {@code user}; null user: any bound state will do. */
  // evidence: veradigm.auth.one-user-per-token
  public Problem check(String token, String user) {
    Issued issued = token == null ? null : tokens.get(token);
    if (issued == null) {
      return Problem.UNKNOWN;
    }
    if (!clock.instant().isBefore(issued.expiry())) {
      return Problem.EXPIRED;
    }
    if (user == null) {
      return Problem.NONE;
    }
    if (issued.user() == null) {
      return Problem.NOT_AUTHENTICATED;
    }
    return issued.user().equalsIgnoreCase(user) ? Problem.NONE : Problem.OTHER_USER;
  }

  public void retire(String token) {
    if (token != null) {
      tokens.remove(token);
    }
  }

  public void expireAll() {
    tokens.replaceAll((k, v) -> new Issued(Instant.MIN, v.user()));
  }

  public void clear() {
    tokens.clear();
  }
}
