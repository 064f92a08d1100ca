package dev.chartbridge.app.config;

import java.util.List;
import java.util.Map;

/**
 * The whole configuration of one gateway node, read from one YAML file (see {@code docs/configuration.md}).
 * Secrets are never written in it: they are named by environment variable or file.
 */
public record GatewayConfig(DatabaseConfig database, HttpConfig http, DeliveryConfig delivery, String node,
                            SecurityConfig security, List<TenantConfig> tenants, WebhookConfig webhooks,
                            ReadBackConfig readBack) {

    /** A configuration with default webhook delivery and read-back watching. */
    public GatewayConfig(DatabaseConfig database, HttpConfig http, DeliveryConfig delivery, String node,
                         SecurityConfig security, List<TenantConfig> tenants) {
        this(database, http, delivery, node, security, tenants, null, null);
    }

    /** This configuration with other webhook and read-back settings. */
    public GatewayConfig with(WebhookConfig webhooks, ReadBackConfig readBack) {
        return new GatewayConfig(database, http, delivery, node, security, tenants, webhooks, readBack);
    }

    /** Webhook delivery overrides; absent fields keep the defaults. */
    public record WebhookConfig(Integer maxAttempts, Long baseDelayMs, Long maxDelayMs, Long timeoutMs) {
    }

    /**
     * Read-back watching overrides; absent fields keep the defaults (on, every hour, 60 reads a minute per target,
     * less where the vendor's profile documents a smaller rate budget).
     */
    public record ReadBackConfig(Boolean enabled, Long intervalMs, Integer readsPerMinute, Long pollIntervalMs) {
    }

    /**
     * Where the master key that encrypts stored secrets comes from: an environment variable holding base64 of 32
     * bytes, or a file (created with fresh random bytes on first start when absent; default
     * {@code data/master.key}).
     */
    public record SecurityConfig(String masterKeyEnv, String masterKeyFile) {
    }

    /** Where PostgreSQL is: a JDBC URL, or (when {@code url} is absent) the embedded server in {@code dataDir}. */
    public record DatabaseConfig(String url, String user, String passwordEnv, String dataDir, Integer port,
                                 Integer poolSize) {
    }

    /** The API's listening address and request size limit. */
    public record HttpConfig(String host, Integer port, Long maxBodyBytes, String publicUrl) {
    }

    /** Delivery engine overrides; absent fields keep the defaults. */
    public record DeliveryConfig(Integer maxSends, Long baseDelayMs, Long maxDelayMs, Long leaseMs,
                                 Long reconcileDelayMs, Boolean verify) {
    }

    /**
     * A tenant: its API keys (by reference to a secret), its EHR connections, and its safety settings.
     *
     * @param requireConsent a consent scope ({@code treatment}, {@code patient-privacy}, {@code research}) that must
     *                       be permitted for a patient before any other write; absent: no consent required
     */
    public record TenantConfig(String id, String name, List<ApiKeyConfig> apiKeys, List<ConnectionConfig> connections,
                               String requireConsent) {
        public TenantConfig(String id, String name, List<ApiKeyConfig> apiKeys, List<ConnectionConfig> connections) {
            this(id, name, apiKeys, connections, null);
        }
    }

    /** An API key whose secret is read from an environment variable or a file. */
    public record ApiKeyConfig(String label, String secretEnv, String secretFile) {
    }

    /**
     * One EHR connection of a tenant. Secrets are named by environment variable or file, never written here.
     *
     * @param eventTypes the event types the tenant writes through this connection (default: all); the adapter
     *                   asks the EHR for the least scopes they need
     */
    public record ConnectionConfig(String name, String vendor, String baseUrl, String tokenUrl, String clientId,
                                   String clientSecretEnv, String clientSecretFile, String username,
                                   String passwordEnv, String passwordFile, String practiceId,
                                   Map<String, String> settings, List<String> eventTypes, Integer maxConcurrency,
                                   Long readTimeoutMs) {
        /** A connection to a standard FHIR R4 server without authentication. */
        public static ConnectionConfig fhir(String name, String baseUrl, int maxConcurrency, long readTimeoutMs) {
            return new ConnectionConfig(name, "fhir-r4", baseUrl, null, null, null, null, null, null, null, null,
                    null, null, maxConcurrency, readTimeoutMs);
        }
    }
}
