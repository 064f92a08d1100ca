package dev.chartbridge.simulators.auth;

/**
 * A refused token request: an RFC 6749 section 5.2 error with the HTTP status the vendor answers.
 * Thrown inside the token endpoint and turned into the JSON error body there.
 */
public final class OAuthError extends RuntimeException {

  private final int status;
  private final String error;

  OAuthError(int status, String error, String description) {
    super(description);
    this.status = status;
    this.error = error;
  }

  /** HTTP status. */
  public int status() {
    return status;
  }

  /** The RFC 6749 error code, e.g. {@code invalid_client}. */
  public String error() {
    return error;
  }

  static OAuthError invalidRequest(String description) {
    return new OAuthError(400, "invalid_request", description);
  }

  static OAuthError invalidGrant(String description) {
    return new OAuthError(400, "invalid_grant", description);
  }

  static OAuthError invalidScope(String description) {
    return new OAuthError(400, "invalid_scope", description);
  }

  static OAuthError unsupportedGrantType(String grantType) {
    return new OAuthError(400, "unsupported_grant_type", "grant_type '" + grantType + "' is not supported");
  }
}
