package dev.chartbridge.ehr.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.chartbridge.core.ChartBridgeException;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

/** How a client proves who it is to a token endpoint: a signed JWT assertion or a client secret. Immutable. */
public sealed interface ClientAuthentication {

    /** Adds this client's proof to the token request: form fields and headers. */
    void apply(String tokenUrl, Map<String, String> form, Map<String, String> headers);

    /**
     * SMART Backend Services {@code private_key_jwt}: an RS384 JWT with {@code kid} and {@code jku} in the header,
     * {@code iss = sub = clientId}, {@code aud} the token URL, a unique {@code jti} and {@code exp} four minutes
     * ahead (vendors refuse more than five).
     */
    record PrivateKeyJwt(String clientId, SigningKey key, URI jku, Clock clock) implements ClientAuthentication {
        static final Duration LIFETIME = Duration.ofMinutes(4);

        @Override
        public void apply(String tokenUrl, Map<String, String> form, Map<String, String> headers) {
            Instant now = clock.instant();
            JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(tokenUrl)
                    .jwtID(UUID.randomUUID().toString()).issueTime(Date.from(now))
                    .notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plus(LIFETIME))).build();
            JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS384).type(JOSEObjectType.JWT)
                    .keyID(key.keyId()).jwkURL(jku).build();
            SignedJWT jwt = new SignedJWT(header, claims);
            try {
                jwt.sign(new RSASSASigner(key.rsaKey()));
            } catch (JOSEException e) {
                throw new ChartBridgeException("could not sign the client assertion", e);
            }
            form.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
            form.put("client_assertion", jwt.serialize());
        }
    }

    /** {@code client_secret_basic} (HTTP Basic) or {@code client_secret_post} (form fields). */
    record ClientSecret(String clientId, String secret, boolean basic) implements ClientAuthentication {
        @Override
        public void apply(String tokenUrl, Map<String, String> form, Map<String, String> headers) {
            if (basic) {
                String pair = clientId + ":" + secret;
                headers.put("Authorization", "Basic "
                        + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
            } else {
                form.put("client_id", clientId);
                form.put("client_secret", secret);
            }
        }

        @Override
        public String toString() {
            return "ClientSecret[clientId=" + clientId + ", secret=***]";
        }
    }
}
