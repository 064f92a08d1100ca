package dev.chartbridge.ehr.auth;

import java.time.Instant;

/**
 * A credential and when it stops being valid; {@code grantedScope} is the {@code scope} the token endpoint said it
 * granted (RFC 6749 section 5.1), null when it said none or the credential is not an OAuth token.
 */
public record IssuedToken(String value, Instant expiresAt, String grantedScope) {
    public IssuedToken(String value, Instant expiresAt) {
        this(value, expiresAt, null);
    }
}
