package dev.chartbridge.ehr;

import dev.chartbridge.ehr.auth.SigningKey;
import dev.chartbridge.ehr.auth.TokenMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.net.URI;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * What the gateway gives every adapter: its signing key for SMART client assertions, the URL where the matching
 * JWKS is served (the {@code jku} vendors fetch; known once the API listens, hence a supplier), the clock, the
 * registry an adapter's own metrics go to (the gateway's, so they show on {@code /metrics}) and the labels of the
 * connection the adapter serves ({@code tenant}, {@code connection}, {@code vendor}; empty in tests and tools).
 * Immutable.
 */
public record AdapterEnvironment(SigningKey signingKey, Supplier<URI> jwksUrl, Clock clock, MeterRegistry meters,
                                 Tags connectionTags) {
    public AdapterEnvironment(SigningKey signingKey, Supplier<URI> jwksUrl, Clock clock, MeterRegistry meters) {
        this(signingKey, jwksUrl, clock, meters, Tags.empty());
    }

    /** An environment whose adapter metrics are kept apart, in a registry of their own (tests, tools). */
    public AdapterEnvironment(SigningKey signingKey, Supplier<URI> jwksUrl, Clock clock) {
        this(signingKey, jwksUrl, clock, new SimpleMeterRegistry());
    }

    /** This environment for one connection: its meters carry the connection's labels. */
    public AdapterEnvironment forConnection(String tenant, String connection, String vendor) {
        return new AdapterEnvironment(signingKey, jwksUrl, clock, meters,
                Tags.of("tenant", tenant, "connection", connection, "vendor", vendor));
    }

    /** Where the connection's token (or session) requests are counted. */
    public TokenMetrics tokenMetrics() {
        return new TokenMetrics(meters, connectionTags);
    }
}
