package dev.chartbridge.ehr.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.chartbridge.core.ChartBridgeException;
import dev.chartbridge.core.secret.SecretVault;

import java.text.ParseException;
import java.util.UUID;

/**
 * The gateway's RSA key for SMART Backend Services client assertions. Created once and kept encrypted in the
 * {@link SecretVault}, so every node signs with the same key; its public half is served as a JWKS at the URL
 * registered with each vendor ({@code jku}). Immutable and thread-safe.
 */
public final class SigningKey {
    static final String SECRET_NAME = "gateway-signing-key";

    private final RSAKey key;

    private SigningKey(RSAKey key) {
        this.key = key;
    }

    public static SigningKey loadOrCreate(SecretVault vault) {
        try {
            return new SigningKey(RSAKey.parse(vault.getOrCreate(SECRET_NAME, () -> generate().toJSONString())));
        } catch (ParseException e) {
            throw new ChartBridgeException("the stored signing key is not a JWK", e);
        }
    }

    /** A fresh key not stored anywhere, for tools and tests. */
    public static SigningKey ephemeral() {
        return new SigningKey(generate());
    }

    private static RSAKey generate() {
        try {
            return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).keyUse(KeyUse.SIGNATURE).generate();
        } catch (JOSEException e) {
            throw new ChartBridgeException("could not generate an RSA key", e);
        }
    }

    RSAKey rsaKey() {
        return key;
    }

    public String keyId() {
        return key.getKeyID();
    }

    /** The public JWKS document ({@code {"keys":[…]}}), without any private part. */
    public String publicJwks() {
        return new JWKSet(key.toPublicJWK()).toString(true);
    }
}
