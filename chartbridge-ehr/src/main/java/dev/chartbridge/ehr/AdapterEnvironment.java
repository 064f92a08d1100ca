package dev.chartbridge.ehr;

import dev.chartbridge.ehr.auth.SigningKey;

import java.net.URI;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * What the gateway gives every adapter: its signing key for SMART client assertions, the URL where the matching
 * JWKS is served (the {@code jku} vendors fetch; known once the
 * API listens, hence a supplier), and the clock. Immutable.
 */
public record AdapterEnvironment(SigningKey signingKey, Supplier<URI> jwksUrl, Clock clock) {
}
