package dev.chartbridge.app.config;

import java.util.List;

/**
 * The whole configuration of one gateway node, read from one YAML file (see {@code docs/configuration.md}).
 * Secrets are never written in it: they are named by environment variable or file.
 */
public record GatewayConfig(DatabaseConfig database, HttpConfig http, DeliveryConfig delivery, String node,
                            List<TenantConfig> tenants) {

    /** Where PostgreSQL is: a JDBC URL, or (when {@code url} is absent) the embedded server in {@code dataDir}. */
    public record DatabaseConfig(String url, String user, String passwordEnv, String dataDir, Integer port,
                                 Integer poolSize) {
    }

    /** The API's listening address and request size limit. */
    public record HttpConfig(String host, Integer port, Long maxBodyBytes) {
    }

    /** Delivery engine overrides; absent fields keep the defaults. */
    public record DeliveryConfig(Integer maxSends, Long baseDelayMs, Long maxDelayMs, Long leaseMs,
                                 Long reconcileDelayMs, Boolean verify) {
    }

    /** A tenant: its API keys (by reference to a secret) and its EHR connections. */
    public record TenantConfig(String id, String name, List<ApiKeyConfig> apiKeys, List<ConnectionConfig> connections) {
    }

    /** An API key whose secret is read from an environment variable or a file. */
    public record ApiKeyConfig(String label, String secretEnv, String secretFile) {
    }

    /** One EHR connection of a tenant. */
    public record ConnectionConfig(String name, String vendor, String baseUrl, Integer maxConcurrency,
                                   Long readTimeoutMs) {
    }
}
