package dev.chartbridge.ehr;

import dev.chartbridge.ehr.auth.SigningKey;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.net.URI;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * What the gateway gives every adapter: its signing key for SMART client assertions, the URL where the matching
 * JWKS is served (the {@code jku} vendors fetch; known once the API listens, hence a supplier), the clock, and
 * the registry an adapter's own metrics go to (the gateway's, so they show on {@code /metrics}). Immutable.
 */
public record AdapterEnvironment(SigningKey signingKey, Supplier<URI> jwksUrl, Clock clock, MeterRegistry meters) {
    /** An environment whose adapter metrics are kept apart, in a registry of their own (tests, tools). */
    public AdapterEnvironment(SigningKey signingKey, Supplier<URI> jwksUrl, Clock clock) {
        this(signingKey, jwksUrl, clock, new SimpleMeterRegistry());
    }
}
