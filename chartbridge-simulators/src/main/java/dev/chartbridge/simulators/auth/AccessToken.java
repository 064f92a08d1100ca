package dev.chartbridge.simulators.auth;

import java.time.Instant;
import java.util.Set;

/**
 * A bearer token the simulator issued. Immutable; expiring or revoking one replaces it in the
 * {@link SmartAuth} token table.
 *
 * @param value the opaque token string
 * @param clientId the client it was issued to
 * @param scopes the granted scopes, as spelled in the token response
 * @param expiresAt when it stops being accepted
 */
public record AccessToken(String value, String clientId, Set<String> scopes, Instant expiresAt) {

  public AccessToken {
    scopes = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(scopes)); // keeps order
  }

  boolean expiredAt(Instant now) {
    return !now.isBefore(expiresAt);
  }

  /** Whether a granted resource scope allows {@code interaction} on {@code resourceType}. */
  public boolean allows(String resourceType, Interaction interaction) {
    return scopes.stream().map(SmartScope::parse).flatMap(java.util.Optional::stream)
        .anyMatch(s -> s.allows(resourceType, interaction));
  }
}
