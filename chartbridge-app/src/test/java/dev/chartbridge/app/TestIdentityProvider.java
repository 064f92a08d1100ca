package dev.chartbridge.app;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.chartbridge.app.config.GatewayConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * A tenant's identity provider for tests: an RSA key whose public JWKS the gateway is configured with, issuing user
 * assertions (a fresh {@code jti} each) with the claims a test names. Not thread-safe.
 */
final class TestIdentityProvider {
    static final String ISSUER = "https://idp.acme.example";
    static final String AUDIENCE = "chartbridge";

    private final RSAKey key;
    private final Path jwks;

    TestIdentityProvider() {
        try {
            key = new RSAKeyGenerator(2048).keyID("idp-1").generate();
            jwks = Files.createTempFile("idp-jwks", ".json");
            jwks.toFile().deleteOnExit();
            Files.writeString(jwks, new JWKSet(key.toPublicJWK()).toString());
        } catch (JOSEException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The test tenant verifying its users with this provider; {@code required} as given. */
    UnaryOperator<GatewayConfig.TenantConfig> tenant(boolean required) {
        GatewayConfig.UserAssertionConfig users =
                new GatewayConfig.UserAssertionConfig(ISSUER, AUDIENCE, jwks.toString(), required);
        return t -> new GatewayConfig.TenantConfig(t.id(), t.name(), t.apiKeys(), t.connections(), null, null, null,
                users);
    }

    /** A signed assertion for {@code subject}, valid five minutes, with {@code claims} added (null values skipped). */
    String assertion(String subject, Map<String, Object> claims) {
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject(subject)
                .jwtID(UUID.randomUUID().toString()).issueTime(Date.from(Instant.now().minusSeconds(5)))
                .expirationTime(Date.from(Instant.now().plusSeconds(300)));
        claims.forEach((name, value) -> {
            if (value != null) {
                b.claim(name, value);
            }
        });
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                    b.build());
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
