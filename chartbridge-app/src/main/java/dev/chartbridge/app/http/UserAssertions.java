package dev.chartbridge.app.http;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.chartbridge.core.ChartBridgeException;
import dev.chartbridge.core.event.AuthorRole;
import dev.chartbridge.core.event.Identifier;

import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.Set;

/**
 * Verifies the signed statement a calling app makes about the user it acts for (header
 * {@code X-User-Assertion}: a JWT signed by the tenant's identity provider, checked against the tenant's
 * configured JWKS). A verified user is who approvals, review actions and audit entries name, and a
 * {@code patient} claim binds the request to that patient (SMART launch context), so neither rests on what the
 * app merely asserts in a body or header. Immutable and thread-safe.
 */
public final class UserAssertions {
    /** The header that carries the assertion. */
    public static final String HEADER = "X-User-Assertion";
    static final Duration MAX_LIFETIME = Duration.ofHours(1);
    private static final Duration SKEW = Duration.ofSeconds(30);
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384);

    private final String issuer;
    private final String audience;
    private final JWKSet keys;
    private final boolean required;
    private final Clock clock;

    /**
     * @param required whether every approval, review action and submission must carry a verified user; when false
     *                 an assertion is verified if sent and the app's word is taken otherwise
     */
    public UserAssertions(String issuer, String audience, JWKSet keys, boolean required, Clock clock) {
        this.issuer = issuer;
        this.audience = audience;
        this.keys = keys;
        this.required = required;
        this.clock = clock;
    }

    /** Reads the identity provider's public keys from a JWKS file; throws {@link ChartBridgeException} if unusable. */
    public static JWKSet readKeys(Path jwksFile) {
        try {
            JWKSet set = JWKSet.load(jwksFile.toFile());
            if (set.getKeys().isEmpty()) {
                throw new ChartBridgeException("user assertion keys " + jwksFile + ": the JWKS holds no key");
            }
            return set.toPublicJWKSet();
        } catch (IOException | ParseException e) {
            throw new ChartBridgeException("user assertion keys " + jwksFile + " could not be read as a JWKS: "
                    + e.getMessage(), e);
        }
    }

    public boolean required() {
        return required;
    }

    /** The claim in which the identity provider states that the user acts for another clinician. */
    public static final String ON_BEHALF_OF = "on_behalf_of";

    /**
     * A clinician the identity provider says the user acts for ({@code on_behalf_of: {npi, role}}): an event may
     * name that clinician as its author, and the author's role is then the one stated here.
     */
    public record Delegation(String npi, AuthorRole role) {
    }

    /**
     * A user whose assertion verified. {@code npi}, {@code role}, {@code patient} and {@code onBehalfOf} are null
     * when not claimed; {@code jti} and {@code expiresAt} identify the token, used once.
     */
    public record VerifiedUser(String subject, String npi, AuthorRole role, Identifier patient, String jti,
                               Instant expiresAt, Delegation onBehalfOf) {
        public VerifiedUser(String subject, String npi, AuthorRole role, Identifier patient) {
            this(subject, npi, role, patient, null, null, null);
        }

        /** How audit entries name the user. */
        public String actor() {
            return "user:" + subject + (npi == null ? "" : " npi:" + npi);
        }
    }

    /** What a verification found: the user, or why the assertion is refused (a phrase following "the assertion"). */
    public record Verification(VerifiedUser user, String refusal) {
        static Verification refused(String why) {
            return new Verification(null, why);
        }
    }

    /** Verifies a compact JWS. */
    public Verification verify(String compact) {
        try {
            SignedJWT jwt = SignedJWT.parse(compact.trim());
            JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
            if (!ALGORITHMS.contains(alg)) {
                return Verification.refused("is signed with " + alg + "; RS256, RS384, ES256 or ES384 is required");
            }
            JWK key = jwt.getHeader().getKeyID() == null ? null : keys.getKeyByKeyId(jwt.getHeader().getKeyID());
            if (key == null) {
                return Verification.refused("names no key (kid) of the tenant's identity provider");
            }
            if (!jwt.verify(verifier(key))) {
                return Verification.refused("has a signature that does not verify");
            }
            return claims(jwt.getJWTClaimsSet());
        } catch (ParseException e) {
            return Verification.refused("is not a signed JWT");
        } catch (JOSEException e) {
            return Verification.refused("could not be verified with the key it names");
        }
    }

    private Verification claims(JWTClaimsSet claims) throws ParseException {
        Instant now = clock.instant();
        if (!issuer.equals(claims.getIssuer())) {
            return Verification.refused("is not from the tenant's identity provider (iss)");
        }
        if (claims.getAudience() == null || !claims.getAudience().contains(audience)) {
            return Verification.refused("is not addressed to this gateway (aud must contain " + audience + ")");
        }
        Date exp = claims.getExpirationTime();
        Date iat = claims.getIssueTime();
        if (exp == null || iat == null) {
            return Verification.refused("must carry exp and iat");
        }
        if (exp.toInstant().isBefore(now.minus(SKEW))) {
            return Verification.refused("has expired");
        }
        if (iat.toInstant().isAfter(now.plus(SKEW))
                || Duration.between(iat.toInstant(), exp.toInstant()).compareTo(MAX_LIFETIME) > 0) {
            return Verification.refused("must be issued in the past and live at most " + MAX_LIFETIME.toMinutes()
                    + " minutes");
        }
        if (claims.getNotBeforeTime() != null && claims.getNotBeforeTime().toInstant().isAfter(now.plus(SKEW))) {
            return Verification.refused("is not valid yet (nbf)");
        }
        String subject = claims.getSubject();
        if (subject == null || subject.isBlank() || subject.length() > 200) {
            return Verification.refused("must name the user (sub, 1 to 200 characters)");
        }
        String npi = claims.getStringClaim("npi");
        if (npi != null && !npi.matches("\\d{10}")) {
            return Verification.refused("has an npi claim that is not 10 digits");
        }
        String jti = claims.getJWTID();
        if (jti == null || jti.isBlank() || jti.length() > 200) {
            return Verification.refused("must carry a jti (1 to 200 characters, new for every request)");
        }
        String roleName = claims.getStringClaim("role");
        AuthorRole role = roleName == null ? null : role(roleName);
        if (roleName != null && role == null) {
            return Verification.refused("has an unknown role claim");
        }
        Delegation delegation = null;
        java.util.Map<String, Object> behalf = claims.getJSONObjectClaim(ON_BEHALF_OF);
        if (behalf != null) {
            Object dNpi = behalf.get("npi");
            AuthorRole dRole = behalf.get("role") instanceof String r ? role(r) : null;
            if (!(dNpi instanceof String n) || !n.matches("\\d{10}") || dRole == null) {
                return Verification.refused("has an on_behalf_of claim that is not {npi: 10 digits, role: a known"
                        + " role}");
            }
            delegation = new Delegation(n, dRole);
        }
        Identifier patient = null;
        String context = claims.getStringClaim("patient");
        if (context != null) {
            int bar = context.lastIndexOf('|');
            if (bar <= 0 || bar == context.length() - 1) {
                return Verification.refused("has a patient claim that is not system|value");
            }
            patient = new Identifier(context.substring(0, bar), context.substring(bar + 1));
        }
        return new Verification(new VerifiedUser(subject, npi, role, patient, jti, exp.toInstant(), delegation),
                null);
    }

    private static AuthorRole role(String wireName) {
        return Arrays.stream(AuthorRole.values()).filter(r -> r.wireName().equals(wireName)).findFirst()
                .orElse(null);
    }

    private static JWSVerifier verifier(JWK key) throws JOSEException {
        if (key instanceof RSAKey rsa) {
            return new RSASSAVerifier(rsa);
        }
        if (key instanceof ECKey ec) {
            return new ECDSAVerifier(ec);
        }
        throw new JOSEException("unsupported key type " + key.getKeyType());
    }
}
