package dev.chartbridge.app.config;

import java.util.List;
import java.util.Map;

/**
 * The whole configuration of one gateway node, read from one YAML file (see {@code docs/configuration.md}).
 * Secrets are never written in it: they are named by environment variable or file.
 */
public record GatewayConfig(DatabaseConfig database, HttpConfig http, DeliveryConfig delivery, String node,
                            SecurityConfig security, List<TenantConfig> tenants) {

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
     * @param users          how the users the tenant's app acts for are verified; absent: the app's word is taken
     */
    public record TenantConfig(String id, String name, List<ApiKeyConfig> apiKeys, List<ConnectionConfig> connections,
                               String requireConsent, UserAssertionConfig users) {
        public TenantConfig(String id, String name, List<ApiKeyConfig> apiKeys, List<ConnectionConfig> connections) {
            this(id, name, apiKeys, connections, null, null);
        }

        public TenantConfig(String id, String name, List<ApiKeyConfig> apiKeys, List<ConnectionConfig> connections,
                            String requireConsent) {
            this(id, name, apiKeys, connections, requireConsent, null);
        }
    }

    /**
     * The tenant's identity provider, whose signed JWTs ({@code X-User-Assertion}) name the user a request acts for.
     *
     * @param jwksFile its public keys (a JWKS file)
     * @param required whether approvals, review actions and submissions must carry a verified user (default true)
     */
    public record UserAssertionConfig(String issuer, String audience, String jwksFile, Boolean required) {
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
