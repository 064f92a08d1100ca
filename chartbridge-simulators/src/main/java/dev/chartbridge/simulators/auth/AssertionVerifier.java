package dev.chartbridge.simulators.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a {@code private_key_jwt} client assertion the way SMART Backend Services and Epic describe it:
 * RS384 only; header {@code kid} (and {@code jku} where the vendor requires it, equal to the registered
 * JWKS URL); {@code iss} = {@code sub} = client id; {@code aud} = the token endpoint URL; {@code exp} in the
 * future and at most 5 minutes ahead; {@code jti} present, at most 151 characters, never seen before from
 * that client. The signature is verified with the key of that {@code kid}, fetched from the JWKS URL.
 *
 * <p>Problems with the client, its key or the signature are {@code invalid_client}; problems with the
 * claims are {@code invalid_grant} (eCW's published mapping, {@code eclinicalworks-error-codes.yml}).
 * This class is thread-safe.
 */
final class AssertionVerifier {

  static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
  private static final int MAX_JTI_LENGTH = 151;
  /** Tolerated clock difference between the client and the simulator. */
  private static final Duration LEEWAY = Duration.ofSeconds(5);

  private final AuthPolicy policy;
  private final ClientRegistry clients;
  private final JwksSource jwks;
  private final Clock clock;
  /** client id + jti to the assertion's expiry: replays are refused until then. */
  private final Map<String, Instant> seenJtis = new ConcurrentHashMap<>();

  AssertionVerifier(AuthPolicy policy, ClientRegistry clients, JwksSource jwks, Clock clock) {
    this.policy = policy;
    this.clients = clients;
    this.jwks = jwks;
    this.clock = clock;
  }

  /**
   * Verifies {@code assertion} for a token endpoint at {@code audience}.
   *
   * @return the authenticated client
   * @throws OAuthError if the assertion is refused
   */
  ClientRegistration verify(String assertion, String clientIdParam, String audience) {
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(assertion);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw invalidClient("client_assertion is not a signed JWT: " + e.getMessage());
    }
    String clientId = claims.getIssuer();
    ClientRegistration client = clients.find(clientId)
        .orElseThrow(() -> invalidClient("unknown client (iss) '" + clientId + "'"));
    if (!clientId.equals(claims.getSubject())) {
      throw invalidClient("sub must equal iss (the client id)");
    }
    if (clientIdParam != null && !clientIdParam.equals(clientId)) {
      throw invalidClient("client_id does not match the assertion's iss");
    }
    if (client.jwksUrl() == null) {
      throw invalidClient("client '" + clientId + "' has no registered JWKS URL");
    }
    verifySignature(jwt.getHeader(), jwt, client);
    checkClaims(claims, clientId, audience);
    return client;
  }

  private void verifySignature(JWSHeader header, SignedJWT jwt, ClientRegistration client) {
    if (!JWSAlgorithm.RS384.equals(header.getAlgorithm())) {
      throw invalidClient("alg must be RS384, was " + header.getAlgorithm());
    }
    if (header.getKeyID() == null) {
      throw invalidClient("header kid is required");
    }
    URI jku = header.getJWKURL();
    if (jku == null && policy.requireJku()) {
      throw invalidClient("header jku is required");
    }
    if (jku != null && !jku.equals(client.jwksUrl())) {
      throw invalidClient("jku " + jku + " is not the JWKS URL registered for the client");
    }
    JWK key;
    try {
      key = jwks.key(client.jwksUrl(), header.getKeyID())
          .orElseThrow(() -> invalidClient("no key with kid '" + header.getKeyID() + "' in the client's JWKS"));
    } catch (IOException e) {
      throw invalidClient("JWKS unreachable or malformed: " + e.getMessage());
    }
    try {
      if (!(key instanceof RSAKey rsa) || !jwt.verify(new RSASSAVerifier(rsa.toRSAPublicKey()))) {
        throw invalidClient("signature does not verify with key '" + header.getKeyID() + "'");
      }
    } catch (JOSEException e) {
      throw invalidClient("signature cannot be verified: " + e.getMessage());
    }
  }

  private void checkClaims(JWTClaimsSet claims, String clientId, String audience) {
    if (claims.getAudience() == null || !claims.getAudience().contains(audience)) {
      throw OAuthError.invalidGrant("aud must be the token endpoint " + audience);
    }
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      throw OAuthError.invalidGrant("exp is required");
    }
    if (!exp.toInstant().isAfter(now.minus(LEEWAY))) {
      throw OAuthError.invalidGrant("client_assertion has expired");
    }
    if (exp.toInstant().isAfter(now.plus(AuthPolicy.MAX_ASSERTION_LIFETIME).plus(LEEWAY))) {
      throw OAuthError.invalidGrant("exp must be at most 5 minutes in the future");
    }
    if (claims.getNotBeforeTime() != null && claims.getNotBeforeTime().toInstant().isAfter(now.plus(LEEWAY))) {
      throw OAuthError.invalidGrant("client_assertion is not valid yet (nbf)");
    }
    String jti = claims.getJWTID();
    if (jti == null || jti.isEmpty() || jti.length() > MAX_JTI_LENGTH) {
      throw OAuthError.invalidGrant("jti is required, at most " + MAX_JTI_LENGTH + " characters");
    }
    seenJtis.values().removeIf(until -> until.isBefore(now));
    if (seenJtis.putIfAbsent(clientId + " " + jti, exp.toInstant().plus(LEEWAY)) != null) {
      throw OAuthError.invalidGrant("jti '" + jti + "' was already used");
    }
  }

  void clear() {
    seenJtis.clear();
  }

  private OAuthError invalidClient(String description) {
    return new OAuthError(policy.invalidClientStatus(), "invalid_client", description);
  }
}
