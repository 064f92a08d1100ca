package dev.chartbridge.simulators.advancedmd.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Session tokens minted by the login action, with their office key and expiry. Thread-safe. */
public final class Sessions {

  private final Clock clock;
  private volatile Duration lifetime;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();

  public Sessions(Clock clock, Duration lifetime) {
    this.clock = clock;
    this.lifetime = lifetime;
  }

  public void lifetime(Duration lifetime) {
    this.lifetime = lifetime;
  }

  public String open(String officeKey) {
    String token = UUID.randomUUID().toString().replace("-", "").toUpperCase();
    sessions.put(token, new Session(officeKey, clock.instant().plus(lifetime)));
    return token;
  }

  /** The session behind {@code token}, expired or not; null if never issued. */
  public Session find(String token) {
    return token == null ? null : sessions.get(token);
  }

  public boolean live(Session session) {
    return session != null && clock.instant().isBefore(session.expiresAt());
  }

  public void expireAll() {
    sessions.replaceAll((k, s) -> new Session(s.officeKey(), Instant.MIN));
  }

  public void clear() {
    sessions.clear();
  }

  public record Session(String officeKey, Instant expiresAt) {}
}
