package dev.chartbridge.simulators.auth;

import java.net.URI;
import java.util.Objects;
import java.util.Set;

/**
 * A client the simulated authorization server knows: its id, how it authenticates (a registered JWKS URL
 * for {@code private_key_jwt}, a secret for {@code client_secret_basic}/{@code client_secret_post}, or
 * both) and the scopes it may be granted. Immutable.
 *
 * @param clientId the OAuth {@code client_id}
 * @param jwksUrl the registered JWKS URL ({@code jku}); null if the client has no key set
 * @param clientSecret the shared secret; null if the client has none
 * @param allowedScopes scopes the client may be granted, in SMART v1 or v2 spelling
 *     (e.g. {@code system/Observation.write}, {@code system/Observation.crs}, {@code system/*.read})
 */
public record ClientRegistration(String clientId, URI jwksUrl, String clientSecret, Set<String> allowedScopes) {

  public ClientRegistration {
    Objects.requireNonNull(clientId, "clientId");
    if (jwksUrl == null && clientSecret == null) {
      throw new IllegalArgumentException("a client needs a JWKS URL, a secret or both");
    }
    allowedScopes = Set.copyOf(allowedScopes);
  }

  /** A backend client that signs assertions with a key published at {@code jwksUrl}. */
  public static ClientRegistration withJwks(String clientId, String jwksUrl, String... allowedScopes) {
    return new ClientRegistration(clientId, URI.create(jwksUrl), null, Set.of(allowedScopes));
  }

  /** A confidential client that authenticates with {@code secret}. */
  public static ClientRegistration withSecret(String clientId, String secret, String... allowedScopes) {
    return new ClientRegistration(clientId, null, secret, Set.of(allowedScopes));
  }
}
