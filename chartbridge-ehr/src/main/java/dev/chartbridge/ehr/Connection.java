package dev.chartbridge.ehr;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * One tenant's connection to one EHR, as an adapter needs it: where the EHR is, who the gateway is there, and
 * which event types the tenant enabled (so the adapter asks for the least scopes they need). Secrets are
 * resolved values; {@link #toString()} never shows them. Immutable.
 *
 * @param practiceId athenahealth practice id, eClinicalWorks practice code, AdvancedMD office key ...
 * @param settings   vendor-specific extras (e.g. {@code departmentId}, {@code appName}, {@code tier})
 */
public record Connection(String name, String vendor, String baseUrl, String tokenUrl, String clientId,
                         String clientSecret, String username, String password, String practiceId,
                         Map<String, String> settings, Set<String> enabledEventTypes, int maxConcurrency,
                         Duration readTimeout) {

    public String setting(String key, String fallback) {
        return settings == null ? fallback : settings.getOrDefault(key, fallback);
    }

    @Override
    public String toString() {
        return "Connection[" + name + ", " + vendor + ", " + baseUrl + "]";
    }
}
