package dev.chartbridge.ehr.auth;

import java.time.Instant;

/** A credential and when it stops being valid. */
public record IssuedToken(String value, Instant expiresAt) {
}
