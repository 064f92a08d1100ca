package dev.chartbridge.ehr.fhir;

import java.time.Duration;

/**
 * How to reach a standard FHIR R4 server: its base URL, an optional static bearer token, the HTTP timeouts and
 * how many connections it may use at once (the target's concurrency; the FHIR client's pool, shared by all
 * servers, allows at least that many per host).
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
