package dev.chartbridge.app.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * The whole configuration of one gateway node, read from one YAML file (see {@code docs/configuration.md}).
 * Secrets are never written in it: they are named by environment variable or file.
 */
public record GatewayConfig(DatabaseConfig database, HttpConfig http, DeliveryConfig delivery, String node,
                            SecurityConfig security, List<TenantConfig> tenants, WebhookConfig webhooks,
                            ReadBackConfig readBack, AccessConfig access) {

    /** A configuration with default access settings (see {@link AccessConfig}). */
    public GatewayConfig(DatabaseConfig database, HttpConfig http, DeliveryConfig delivery, String node,
                         SecurityConfig security, List<TenantConfig> tenants, WebhookConfig webhooks,
                         ReadBackConfig readBack) {
        this(database, http, delivery, node, security, tenants, webhooks, readBack, null);
    }

    /** A configuration with default webhook delivery and read-back watching. */
    public GatewayConfig(DatabaseConfig database, HttpConfig http, DeliveryConfig delivery, String node,
                         SecurityConfig security, List<TenantConfig> tenants) {
        this(database, http, delivery, node, security, tenants, null, null);
    }

    /** This configuration with other webhook and read-back settings. */
    public GatewayConfig with(WebhookConfig webhooks, ReadBackConfig readBack) {
        return new GatewayConfig(database, http, delivery, node, security, tenants, webhooks, readBack, access);
    }

    /** This configuration with other access settings. */
    public GatewayConfig with(AccessConfig access) {
        return new GatewayConfig(database, http, delivery, node, security, tenants, webhooks, readBack, access);
    }

    /**
     * Who may reach what beyond the tenants' API keys (see {@code docs/security.md}).
     *
     * @param metricsTokenEnv      an environment variable holding the bearer token {@code /metrics} requires;
     *                             with {@code metricsTokenFile} absent too, {@code /metrics} is open (the default,
     *                             for existing scrapers: put it behind the network's own controls then)
     * @param metricsTokenFile     a file holding that token
     * @param authFailuresPerMinute failed authentications one client address may make in a minute before it is
     *                             answered 429 until the minute is over (default 20)
     */
    public record AccessConfig(String metricsTokenEnv, String metricsTokenFile, Integer authFailuresPerMinute) {
    }

    /**
     * Webhook delivery overrides; absent fields keep the defaults.
     *
     * @param allowNetworks CIDR blocks of on-premises receivers that may be delivered to although not public
     *                      (default none: loopback, private, link-local, ... are refused; metadata always is)
     * @param allowHosts    host names of such receivers, exact, whatever they resolve to (except metadata)
     */
    public record WebhookConfig(Integer maxAttempts, Long baseDelayMs, Long maxDelayMs, Long timeoutMs,
                                List<String> allowNetworks, List<String> allowHosts) {
        public WebhookConfig(Integer maxAttempts, Long baseDelayMs, Long maxDelayMs, Long timeoutMs) {
            this(maxAttempts, baseDelayMs, maxDelayMs, timeoutMs, null, null);
        }
    }

    /**
     * Read-back watching overrides; absent fields keep the defaults (on, every hour, 60 reads a minute per target,
     * less where the vendor's profile documents a smaller rate budget).
     */
    public record ReadBackConfig(Boolean enabled, Long intervalMs, Integer readsPerMinute, Long pollIntervalMs) {
    }

    /**
     * Where the master key that encrypts stored secrets comes from: an environment variable holding base64 of 32
     * bytes, or a file (created with fresh random bytes and mode 0600 on first start when absent; default
     * {@code keys/master.key}, outside the data directory). Issue #15: {@code keysDir} holds the embedded
     * database's passwords (default: the master key file's directory, else {@code keys}); the audit chain's signed
     * checkpoints are appended every {@code auditCheckpointIntervalMs} (default 60000) to
     * {@code auditCheckpointDir} (default {@code <keysDir>/audit-checkpoints}).
     */
    public record SecurityConfig(String masterKeyEnv, String masterKeyFile, String keysDir, String auditCheckpointDir,
                                 Long auditCheckpointIntervalMs) {
        public SecurityConfig(String masterKeyEnv, String masterKeyFile) {
            this(masterKeyEnv, masterKeyFile, null, null, null);
        }
    }

    /**
     * Where PostgreSQL is: a JDBC URL, or (when {@code url} is absent) the embedded server in {@code dataDir}.
     * {@code user} and its password are the gateway's runtime role; with {@code ownerUser} (and its password) the
     * migrations run as that owner, which then grants the runtime role its rights (issue #15, docs/security.md).
     * Passwords come from an environment variable or a file.
     *
     * @param intakeTransactions how many intake transactions, each storing the events that arrived together (group
     *                           commit), run at once on this node (default 4)
     */
    public record DatabaseConfig(String url, String user, String passwordEnv, String passwordFile, String ownerUser,
                                 String ownerPasswordEnv, String ownerPasswordFile, String dataDir, Integer port,
                                 Integer poolSize, Integer intakeTransactions) {
        public DatabaseConfig(String url, String user, String passwordEnv, String passwordFile, String ownerUser,
                              String ownerPasswordEnv, String ownerPasswordFile, String dataDir, Integer port,
                              Integer poolSize) {
            this(url, user, passwordEnv, passwordFile, ownerUser, ownerPasswordEnv, ownerPasswordFile, dataDir, port,
                    poolSize, null);
        }

        public DatabaseConfig(String url, String user, String passwordEnv, String dataDir, Integer port,
                              Integer poolSize) {
            this(url, user, passwordEnv, null, null, null, null, dataDir, port, poolSize);
        }
    }

    /**
     * The API's listening address and request size limit; read timeouts and TLS (absent: defaults, plain HTTP).
     *
     * @param idleTimeoutMs   a connection with no byte in or out for this long is closed (default 30 s)
     * @param headerTimeoutMs a request's headers must all arrive within this (default 10 s)
     * @param bodyTimeoutMs   a request's body must all arrive within this (default 20 s)
     * @param tls             PEM files for HTTPS on the listener; absent: plain HTTP behind a TLS proxy
     */
    public record HttpConfig(String host, Integer port, Long maxBodyBytes, String publicUrl,
                             Long idleTimeoutMs, Long headerTimeoutMs, Long bodyTimeoutMs, TlsConfig tls) {
        public HttpConfig(String host, Integer port, Long maxBodyBytes, String publicUrl) {
            this(host, port, maxBodyBytes, publicUrl, null, null, null, null);
        }
    }

    /** The API's TLS identity: a PEM certificate chain (leaf first) and its PEM PKCS#8 private key. */
    public record TlsConfig(String certificateChainFile, String privateKeyFile) {
    }

    /** Delivery engine overrides; absent fields keep the defaults. */
    public record DeliveryConfig(Integer maxSends, Long baseDelayMs, Long maxDelayMs, Long leaseMs,
                                 Long reconcileDelayMs, Boolean verify) {
    }

    /**
     * A tenant: its API keys (by reference to a secret), its EHR connections, and its safety settings.
     *
     * @param requireConsent  a consent scope ({@code treatment}, {@code patient-privacy}, {@code research}) that
     *                        must be permitted for a patient before any other write; absent: no consent required
     * @param breakGlassRoles author roles that may override the consent or patient-context gate with a reason;
     *                        absent: nobody may
     * @param formularyFile   a CSV formulary ({@code FileFormulary}) consulted for medication changes; absent: none
     * @param users           how the users the tenant's app acts for are verified; absent: the app's word is taken
     * @param onConflict      per event type, {@code merge} or {@code review}: what an update does when the record
     *                        changed in the EHR (default: follow-up-task merges, others review; medication-change
     *                        always reviews)
     * @param compensation    per event type, {@code none} (default) or {@code entered-in-error}: what happens to the
     *                        written siblings of a partially delivered fan-out
     */
    public record TenantConfig(String id, String name, List<ApiKeyConfig> apiKeys, List<ConnectionConfig> connections,
                               String requireConsent, List<String> breakGlassRoles, String formularyFile,
                               UserAssertionConfig users, Map<String, String> onConflict,
                               Map<String, String> compensation) {
        public TenantConfig(String id, String name, List<ApiKeyConfig> apiKeys, List<ConnectionConfig> connections) {
            this(id, name, apiKeys, connections, null);
        }

        public TenantConfig(String id, String name, List<ApiKeyConfig> apiKeys, List<ConnectionConfig> connections,
                            String requireConsent) {
            this(id, name, apiKeys, connections, requireConsent, null, null);
        }

        public TenantConfig(String id, String name, List<ApiKeyConfig> apiKeys, List<ConnectionConfig> connections,
                            String requireConsent, List<String> breakGlassRoles, String formularyFile) {
            this(id, name, apiKeys, connections, requireConsent, breakGlassRoles, formularyFile, null);
        }

        public TenantConfig(String id, String name, List<ApiKeyConfig> apiKeys, List<ConnectionConfig> connections,
                            String requireConsent, List<String> breakGlassRoles, String formularyFile,
                            UserAssertionConfig users) {
            this(id, name, apiKeys, connections, requireConsent, breakGlassRoles, formularyFile, users, null, null);
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

    /**
     * The release setting of one event type on one connection: {@code mode} ({@code off}, {@code shadow},
     * {@code live}); with an allowlist of patient identifiers ({@code system|value}) and/or author NPIs, only listed
     * events get {@code mode} and the others {@code otherwise} (default {@code shadow}). In YAML either the mode
     * alone ({@code vitals: shadow}) or the object.
     */
    public record ReleaseConfig(String mode, List<String> allowPatients, List<String> allowAuthors, String otherwise) {
        @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
        public ReleaseConfig(@JsonProperty("mode") String mode,
                             @JsonProperty("allowPatients") List<String> allowPatients,
                             @JsonProperty("allowAuthors") List<String> allowAuthors,
                             @JsonProperty("otherwise") String otherwise) {
            this.mode = mode;
            this.allowPatients = allowPatients;
            this.allowAuthors = allowAuthors;
            this.otherwise = otherwise;
        }

        /** The short form: the mode alone. */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static ReleaseConfig of(String mode) {
            return new ReleaseConfig(mode, null, null, null);
        }
    }

    /**
     * An API key whose secret is read from an environment variable or a file. The secret must be at least 32
     * characters of random text (e.g. {@code cbk_<prefix>_<base64 of 32 random bytes>}); the gateway refuses to
     * start with a weak one.
     *
     * @param admin shorthand for all three roles, as before roles existed
     * @param roles what the key may do: {@code app}, {@code reviewer}, {@code admin} (see {@code docs/api.md});
     *              absent: all three when {@code admin} is true, else {@code app} only
     */
    public record ApiKeyConfig(String label, String secretEnv, String secretFile, Boolean admin, List<String> roles) {
        public ApiKeyConfig(String label, String secretEnv, String secretFile) {
            this(label, secretEnv, secretFile, null, null);
        }

        public ApiKeyConfig(String label, String secretEnv, String secretFile, Boolean admin) {
            this(label, secretEnv, secretFile, admin, null);
        }
    }

    /**
     * One EHR connection of a tenant. Secrets are named by environment variable or file, never written here.
     *
     * @param eventTypes the event types the tenant writes through this connection (default: all); the adapter
     *                   asks the EHR for the least scopes they need
     * @param release    per event type, how far its writes are released (default: live); seeds the database's
     *                   release controls at start
     */
    public record ConnectionConfig(String name, String vendor, String baseUrl, String tokenUrl, String clientId,
                                   String clientSecretEnv, String clientSecretFile, String username,
                                   String passwordEnv, String passwordFile, String practiceId,
                                   Map<String, String> settings, List<String> eventTypes, Integer maxConcurrency,
                                   Long readTimeoutMs, Map<String, ReleaseConfig> release) {
        public ConnectionConfig(String name, String vendor, String baseUrl, String tokenUrl, String clientId,
                                String clientSecretEnv, String clientSecretFile, String username,
                                String passwordEnv, String passwordFile, String practiceId,
                                Map<String, String> settings, List<String> eventTypes, Integer maxConcurrency,
                                Long readTimeoutMs) {
            this(name, vendor, baseUrl, tokenUrl, clientId, clientSecretEnv, clientSecretFile, username, passwordEnv,
                    passwordFile, practiceId, settings, eventTypes, maxConcurrency, readTimeoutMs, null);
        }

        /** This connection with the given release settings. */
        public ConnectionConfig withRelease(Map<String, ReleaseConfig> release) {
            return new ConnectionConfig(name, vendor, baseUrl, tokenUrl, clientId, clientSecretEnv, clientSecretFile,
                    username, passwordEnv, passwordFile, practiceId, settings, eventTypes, maxConcurrency,
                    readTimeoutMs, release);
        }

        /** A connection to a standard FHIR R4 server without authentication. */
        public static ConnectionConfig fhir(String name, String baseUrl, int maxConcurrency, long readTimeoutMs) {
            return new ConnectionConfig(name, "fhir-r4", baseUrl, null, null, null, null, null, null, null, null,
                    null, null, maxConcurrency, readTimeoutMs);
        }
    }
}
