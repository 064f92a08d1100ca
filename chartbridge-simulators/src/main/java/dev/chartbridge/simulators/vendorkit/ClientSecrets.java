package dev.chartbridge.simulators.vendorkit;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Client-secret authentication: HTTP Basic ({@code client_secret_basic}) or, when {@code allowPost},
 * {@code client_id}/{@code client_secret} form fields ({@code client_secret_post}). Immutable, thread-safe.
 */
public final class ClientSecrets implements ClientAuthenticator {

  private final Map<String, String> secrets;
  private final boolean allowPost;

  public ClientSecrets(Map<String, String> secrets, boolean allowPost) {
    this.secrets = Map.copyOf(secrets);
    this.allowPost = allowPost;
  }

  @Override
  public Optional<String> authenticate(HttpServletRequest request) {
    String header = request.getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
      int colon = decoded.indexOf(':');
      return colon < 0 ? Optional.empty() : check(decoded.substring(0, colon), decoded.substring(colon + 1));
    }
    if (allowPost) {
      return check(request.getParameter("client_id"), request.getParameter("client_secret"));
    }
    return Optional.empty();
  }

  private Optional<String> check(String id, String secret) {
    return id != null && secret != null && secret.equals(secrets.get(id)) ? Optional.of(id) : Optional.empty();
  }
}
