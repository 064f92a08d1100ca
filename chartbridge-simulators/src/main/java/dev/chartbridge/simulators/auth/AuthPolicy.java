package dev.chartbridge.simulators.auth;

import java.time.Duration;
import java.util.Objects;

/**
 * How one vendor's authorization server behaves: which client authentication it accepts, token lifetime,
 * scope spelling, token-request rate limit and the HTTP status of {@code invalid_client}. Immutable; build
 * with {@link #builder()}.
 *
 * @param tokenLifetime the {@code expires_in} of issued tokens
 * @param privateKeyJwt whether {@code private_key_jwt} (RS384 client assertion) is accepted
 * @param clientSecret whether {@code client_secret_basic} and {@code client_secret_post} are accepted
 * @param requireJku whether the assertion header must carry {@code jku} (Epic); without it the registered
 *     JWKS URL is used
 * @param grantV1Spellings whether v2 scopes asked for are granted in their v1 spelling
 * @param tokenRequestsPerMinute token requests allowed per client per clock minute; 0 = unlimited
 * @param invalidClientStatus HTTP status of {@code invalid_client} (RFC 6749 allows 400 or 401)
 * @param jwksCacheTtl how long a fetched JWKS is reused
 */
public record AuthPolicy(
    Duration tokenLifetime,
    boolean privateKeyJwt,
    boolean clientSecret,
    boolean requireJku,
    boolean grantV1Spellings,
    int tokenRequestsPerMinute,
    int invalidClientStatus,
    Duration jwksCacheTtl) {

  /** Longest an assertion may live: {@code exp} at most this far ahead (SMART Backend Services, Epic). */
  public static final Duration MAX_ASSERTION_LIFETIME = Duration.ofMinutes(5);

  public AuthPolicy {
    Objects.requireNonNull(tokenLifetime, "tokenLifetime");
    Objects.requireNonNull(jwksCacheTtl, "jwksCacheTtl");
    if (!privateKeyJwt && !clientSecret) {
      throw new IllegalArgumentException("accept at least one client authentication method");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds an {@link AuthPolicy}; defaults: 3600 s tokens, private_key_jwt only, no limit, 401. */
  public static final class Builder {
    private Duration tokenLifetime = Duration.ofHours(1);
    private boolean privateKeyJwt = true;
    private boolean clientSecret;
    private boolean requireJku;
    private boolean grantV1Spellings;
    private int tokenRequestsPerMinute;
    private int invalidClientStatus = 401;
    private Duration jwksCacheTtl = Duration.ofSeconds(30);

    private Builder() {}

    public Builder tokenLifetime(Duration tokenLifetime) {
      this.tokenLifetime = tokenLifetime;
      return this;
    }

    public Builder privateKeyJwt(boolean accepted) {
      this.privateKeyJwt = accepted;
      return this;
    }

    public Builder clientSecret(boolean accepted) {
      this.clientSecret = accepted;
      return this;
    }

    public Builder requireJku(boolean required) {
      this.requireJku = required;
      return this;
    }

    public Builder grantV1Spellings(boolean v1) {
      this.grantV1Spellings = v1;
      return this;
    }

    public Builder tokenRequestsPerMinute(int limit) {
      this.tokenRequestsPerMinute = limit;
      return this;
    }

    public Builder invalidClientStatus(int status) {
      this.invalidClientStatus = status;
      return this;
    }

    public Builder jwksCacheTtl(Duration ttl) {
      this.jwksCacheTtl = ttl;
      return this;
    }

    public AuthPolicy build() {
      return new AuthPolicy(tokenLifetime, privateKeyJwt, clientSecret, requireJku, grantV1Spellings,
          tokenRequestsPerMinute, invalidClientStatus, jwksCacheTtl);
    }
  }
}
