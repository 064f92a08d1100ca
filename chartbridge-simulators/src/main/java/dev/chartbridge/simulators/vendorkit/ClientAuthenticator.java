package dev.chartbridge.simulators.vendorkit;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/**
 * Decides which registered client a token request comes from. The one implementation today checks client
 * secrets ({@link ClientSecrets}); a JWT-assertion check from the shared SMART auth package can replace it
 * without touching the token endpoints.
 */
@FunctionalInterface
public interface ClientAuthenticator {

  /** The client id if the request proves it, else empty. */
  Optional<String> authenticate(HttpServletRequest request);
}
