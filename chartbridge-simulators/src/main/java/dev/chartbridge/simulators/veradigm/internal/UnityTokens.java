package dev.chartbridge.simulators.veradigm.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Unity security tokens from GetToken, with expiry on the simulator clock. Thread-safe. */
public final class UnityTokens {

  private final Clock clock;
  private volatile Duration lifetime;
  private final Map<String, Instant> tokens = new ConcurrentHashMap<>();

  public UnityTokens(Clock clock, Duration lifetime) {
    this.clock = clock;
    this.lifetime = lifetime;
  }

  public void lifetime(Duration lifetime) {
    this.lifetime = lifetime;
  }

  public String issue() {
    String token = UUID.randomUUID().toString().toUpperCase();
    tokens.put(token, clock.instant().plus(lifetime));
    return token;
  }

  /** {@code null} if valid, else why not. */
  public String problem(String token) {
    Instant expiry = token == null ? null : tokens.get(token);
    if (expiry == null) {
      return "Magic Error - Invalid Security Token";
    }
    return clock.instant().isBefore(expiry) ? null : "Magic Error - Security Token has expired";
  }

  public void retire(String token) {
    if (token != null) {
      tokens.remove(token);
    }
  }

  public void expireAll() {
    tokens.replaceAll((k, v) -> Instant.MIN);
  }

  public void clear() {
    tokens.clear();
  }
}
