package dev.chartbridge.simulators.vendorkit;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opaque bearer tokens a simulator has issued, with their client, scope and expiry (read from the
 * simulator's clock). Thread-safe.
 */
public final class IssuedTokens {

  private final Clock clock;
  private final Map<String, Grant> grants = new ConcurrentHashMap<>();

  public IssuedTokens(Clock clock) {
    this.clock = clock;
  }

  /** Issues a new token valid for {@code lifetime}. */
  public String issue(String clientId, String scope, Duration lifetime) {
    String token = UUID.randomUUID().toString().replace("-", "");
    grants.put(token, new Grant(clientId, scope == null ? "" : scope, clock.instant().plus(lifetime)));
    return token;
  }

  /** The grant behind {@code token} if it was issued and has not expired. */
  public Optional<Grant> validate(String token) {
    Grant grant = token == null ? null : grants.get(token);
    return grant != null && clock.instant().isBefore(grant.expiresAt()) ? Optional.of(grant) : Optional.empty();
  }

  /** The grant behind the request's {@code Authorization: Bearer} header, if valid. */
  public Optional<Grant> validate(HttpServletRequest request) {
    String header = request.getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    return validate(header.substring(7).trim());
  }

  /** Makes every issued token expired now. */
  public void expireAll() {
    grants.replaceAll((k, g) -> new Grant(g.clientId(), g.scope(), Instant.MIN));
  }

  /** Forgets every token. */
  public void clear() {
    grants.clear();
  }

  /** What a token grants. */
  public record Grant(String clientId, String scope, Instant expiresAt) {
    /** Whether the space-separated scope list holds {@code wanted} exactly. */
    public boolean hasScope(String wanted) {
      for (String s : scope.split(" ")) {
        if (s.equals(wanted)) {
          return true;
        }
      }
      return false;
    }
  }
}
