package dev.chartbridge.ehr.fhir;

import java.time.Duration;

/**
 * How to reach a standard FHIR R4 server: its base URL, an optional static bearer token, the HTTP timeouts and
 * the connection pool size (the target's concurrency).
 */
public record FhirConnection(String baseUrl, String bearerToken, Duration connectTimeout, Duration readTimeout,
                             int maxConnections) {
    public static FhirConnection of(String baseUrl) {
        return new FhirConnection(baseUrl, null, Duration.ofSeconds(5), Duration.ofSeconds(15), 16);
    }

    public FhirConnection withReadTimeout(Duration readTimeout) {
        return new FhirConnection(baseUrl, bearerToken, connectTimeout, readTimeout, maxConnections);
    }

    public FhirConnection withMaxConnections(int maxConnections) {
        return new FhirConnection(baseUrl, bearerToken, connectTimeout, readTimeout, maxConnections);
    }
}
