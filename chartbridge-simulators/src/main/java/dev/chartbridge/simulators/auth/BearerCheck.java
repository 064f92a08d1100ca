package dev.chartbridge.simulators.auth;

/**
 * What {@link SmartAuth#check} found in a request's {@code Authorization} header: a value, never an
 * exception, so each vendor simulator can answer a refusal its own way.
 */
public sealed interface BearerCheck {

  /** The token is valid and its scopes allow the interaction. */
  record Granted(AccessToken token) implements BearerCheck {}

  /** No {@code Authorization: Bearer} header: 401. */
  record Missing() implements BearerCheck {}

  /** The token is unknown, revoked or expired: 401 with {@code error="invalid_token"}. */
  record Invalid(String reason) implements BearerCheck {}

  /** The token is valid but lacks a scope for the interaction: 403 with {@code insufficient_scope}. */
  record InsufficientScope(AccessToken token, String resourceType, Interaction interaction)
      implements BearerCheck {}

  /** The value for {@code WWW-Authenticate}, or null when granted. */
  default String wwwAuthenticate() {
    if (this instanceof Missing) {
      return "Bearer realm=\"chartbridge-simulator\"";
    }
    if (this instanceof Invalid invalid) {
      return "Bearer realm=\"chartbridge-simulator\", error=\"invalid_token\", error_description=\""
          + invalid.reason() + "\"";
    }
    if (this instanceof InsufficientScope) {
      return "Bearer realm=\"chartbridge-simulator\", error=\"insufficient_scope\"";
    }
    return null;
  }

  /** 200 for granted, 401 or 403 otherwise. */
  default int status() {
    if (this instanceof Granted) {
      return 200;
    }
    return this instanceof InsufficientScope ? 403 : 401;
  }
}
