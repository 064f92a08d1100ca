package dev.chartbridge.app;

import dev.chartbridge.app.config.ConfiguredKeys;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.app.config.HttpSettings;
import dev.chartbridge.app.config.SafetySettings;
import dev.chartbridge.app.config.Secrets;
import dev.chartbridge.app.config.WebhookReceivers;
import dev.chartbridge.app.http.ApiListener;
import dev.chartbridge.app.http.HttpApi;
import dev.chartbridge.app.http.UserAssertions;
import dev.chartbridge.core.ChartBridgeException;
import dev.chartbridge.core.adapter.Target;
import dev.chartbridge.core.adapter.Targets;
import dev.chartbridge.core.audit.AuditCheckpoints;
import dev.chartbridge.core.audit.AuditKeys;
import dev.chartbridge.core.audit.AuditLog;
import dev.chartbridge.core.audit.AuditSealer;
import dev.chartbridge.core.delivery.DeliveryEngine;
import dev.chartbridge.core.delivery.DeliveryPolicy;
import dev.chartbridge.core.delivery.WriteStateGauges;
import dev.chartbridge.core.event.EventType;
import dev.chartbridge.core.intake.Intake;
import dev.chartbridge.core.release.ReleaseControl;
import dev.chartbridge.core.release.ReleaseControls;
import dev.chartbridge.core.secret.SecretVault;
import dev.chartbridge.core.status.EventQueries;
import dev.chartbridge.core.settings.TenantSettingsCache;
import dev.chartbridge.core.settings.TenantSettingsListener;
import dev.chartbridge.core.store.Database;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.core.tenant.ApiKeys;
import dev.chartbridge.core.tenant.TenantPolicy;
import dev.chartbridge.core.webhook.ReceiverAddressPolicy;
import dev.chartbridge.core.webhook.Webhooks;
import dev.chartbridge.ehr.AdapterEnvironment;
import dev.chartbridge.ehr.Adapters;
import dev.chartbridge.ehr.Connection;
import dev.chartbridge.ehr.auth.SigningKey;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * One running gateway node: database, intake, delivery engine, audit sealer and HTTP API, wired from a
 * {@link GatewayConfig}. Thread-safe; {@link #close()} shuts down gracefully (in-flight writes finish or are
 * given back to the queue).
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    /** How often each EHR connection is checked after the check at start (issue #11). */
    private static final Duration CONNECTION_CHECK_EVERY = Duration.ofSeconds(60);

    private static final long DEFAULT_READ_TIMEOUT_MS = 15_000;
    /** How often the write-state gauges are sampled (issue #14): two grouped, indexed queries per sample. */
    private static final Duration WRITE_STATES_EVERY = Duration.ofSeconds(5);

    private final Database database;
    private final Jdbc jdbc;
    private final DeliveryEngine engine;
    private final ScheduledExecutorService sealer;
    private final HttpApi api;
    private final PostWriteServices postWrite;
    private final PrometheusMeterRegistry registry;
    private final ConnectionHealth health;
    private final AuditKeys auditKeys;
    private final AuditTrailAnchor auditAnchor;
    private final WriteStateGauges gauges;
    private final TenantSettingsListener settingsListener;

    private Gateway(GatewayConfig config, Database database) {
        Telemetry.install();
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        this.database = database;
        this.jdbc = new Jdbc(database.dataSource());
        ApiKeys keys = new ApiKeys(jdbc);
        byte[] masterKey = Secrets.masterKey(config.security());
        SecretVault vault = new SecretVault(jdbc, masterKey);
        // Issue #15: entries are signed and chained under a key derived from the master key, never stored here.
        this.auditKeys = AuditKeys.derive(masterKey);
        AuditLog.signEntries(database.jdbcUrl(), auditKeys);
        SigningKey signingKey = SigningKey.loadOrCreate(vault);
        GatewayConfig.HttpConfig http = Optional.ofNullable(config.http())
                .orElse(new GatewayConfig.HttpConfig(null, null, null, null));
        AtomicReference<URI> jwksUrl = new AtomicReference<>();
        AdapterEnvironment env = new AdapterEnvironment(signingKey, jwksUrl::get, Clock.systemUTC(), registry);
        Targets targets = new Targets(targets(config, vault, env));
        String node = config.node() != null ? config.node() : defaultNodeName();
        registerTenants(config, keys, node);
        Map<String, TenantPolicy> policies = config.tenants().stream().collect(Collectors.toMap(
                GatewayConfig.TenantConfig::id, SafetySettings::policy));
        seedReleaseControls(config, new ReleaseControls(jdbc));
        // The API's own pool waits briefly for a connection: PostgreSQL down is a 503 within 2 s (issue #13).
        Jdbc apiJdbc = new Jdbc(database.apiDataSource());
        // Release controls and webhooks cached per tenant, dropped when any node commits a change (issue #17).
        TenantSettingsCache tenantSettings = new TenantSettingsCache(apiJdbc);
        Intake intake = new Intake(apiJdbc, targets, Clock.systemUTC(), registry,
                tenant -> policies.getOrDefault(tenant, TenantPolicy.permissive()), tenantSettings,
                intakeTransactions(config.database()));
        this.engine = new DeliveryEngine(jdbc, targets, policy(config.delivery()), registry, node, stopGrace(config),
                tenantSettings);
        this.auditAnchor = new AuditTrailAnchor(new AuditSealer(jdbc, 1000, auditKeys), new AuditCheckpoints(jdbc,
                auditKeys, Secrets.auditCheckpointDirectory(config.security()), Clock.systemUTC()));
        this.sealer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "audit-sealer");
            t.setDaemon(true);
            return t;
        });
        sealer.scheduleWithFixedDelay(auditAnchor::seal, 500, 500, TimeUnit.MILLISECONDS);
        long checkpointEvery = checkpointIntervalMs(config.security());
        sealer.scheduleWithFixedDelay(auditAnchor::checkpoint, checkpointEvery, checkpointEvery, TimeUnit.MILLISECONDS);
        ReceiverAddressPolicy receivers = WebhookReceivers.policy(config.webhooks());
        Webhooks webhooks = new Webhooks(jdbc, vault, receivers);
        this.postWrite = new PostWriteServices(jdbc, webhooks, targets, config, node, registry);
        this.health = new ConnectionHealth(targets, registry, CONNECTION_CHECK_EVERY, Clock.systemUTC());
        this.gauges = new WriteStateGauges(jdbc, targets, registry, WRITE_STATES_EVERY);
        this.api = new HttpApi(intake, new EventQueries(apiJdbc), new ApiKeys(apiJdbc), registry, apiJdbc, targets,
                http.maxBodyBytes() == null ? 1024 * 1024 : http.maxBodyBytes(), signingKey.publicJwks(),
                userAssertions(config), new Webhooks(apiJdbc, vault, receivers), health::report, accessOptions(config));
        ApiListener listener = HttpSettings.listener(http);
        api.start(listener);
        String publicUrl = http.publicUrl() != null ? http.publicUrl()
                : (listener.tls() ? "https" : "http") + "://127.0.0.1:" + api.port();
        jwksUrl.set(URI.create(publicUrl + HttpApi.JWKS_PATH));
        engine.start();
        postWrite.start();
        health.start();
        gauges.start();
        // Started last: a node that fails to start leaves no listener behind (until it runs, a changed setting is
        // caught by the event insert's version check, at the cost of one retry).
        this.settingsListener = TenantSettingsListener.start(database::dedicatedConnection, tenantSettings);
        LOG.info("gateway node {} listening on port {}", node, api.port());
    }

    /** The metrics token (read from its environment variable or file) and the failed-authentication limit. */
    private static HttpApi.AccessOptions accessOptions(GatewayConfig config) {
        java.util.Set<String> tenants = config.tenants().stream().map(GatewayConfig.TenantConfig::id)
                .collect(Collectors.toSet());
        GatewayConfig.AccessConfig access = config.access() != null ? config.access()
                : new GatewayConfig.AccessConfig(null, null, null);
        String token = null;
        if (access.metricsTokenEnv() != null || access.metricsTokenFile() != null) {
            token = Secrets.read(access.metricsTokenEnv(), access.metricsTokenFile());
            if (token == null || token.isBlank()) {
                throw new ChartBridgeException("configuration: access.metricsToken" + (access.metricsTokenEnv() != null
                        ? "Env names " + access.metricsTokenEnv() + ", which is not set"
                        : "File names " + access.metricsTokenFile() + ", which cannot be read"));
            }
        }
        int perMinute = access.authFailuresPerMinute() == null ? HttpApi.AccessOptions.DEFAULT.authFailuresPerMinute()
                : access.authFailuresPerMinute();
        if (perMinute < 1) {
            throw new ChartBridgeException("configuration: access.authFailuresPerMinute must be at least 1");
        }
        return new HttpApi.AccessOptions(token == null ? null : token.trim(), perMinute, tenants);
    }

    /** Per tenant with an identity provider configured, the verifier of its users' assertions. */
    private static Map<String, UserAssertions> userAssertions(GatewayConfig config) {
        Map<String, UserAssertions> users = new java.util.HashMap<>();
        for (GatewayConfig.TenantConfig t : config.tenants()) {
            GatewayConfig.UserAssertionConfig u = t.users();
            if (u != null) {
                users.put(t.id(), new UserAssertions(u.issuer(), u.audience(),
                        UserAssertions.readKeys(java.nio.file.Path.of(u.jwksFile())),
                        u.required() == null || u.required(), Clock.systemUTC()));
            }
        }
        return users;
    }

    /** Starts a node: database (migrated), tenants and keys, delivery workers, audit sealer and HTTP API. */
    public static Gateway start(GatewayConfig config) {
        Database database = openDatabase(config.database(), config.security());
        try {
            return new Gateway(config, database);
        } catch (RuntimeException e) {
            database.close(); // a node that cannot start leaves no embedded server behind
            throw e;
        }
    }

    /** The routes of this node's HTTP API: path template to methods (see {@link HttpApi#routes()}). */
    public java.util.Map<String, java.util.Set<String>> routes() {
        return api.routes();
    }

    /** The node's HTTP API (for tests and tools that inspect its routes). */
    public HttpApi api() {
        return api;
    }

    public int port() {
        return api.port();
    }

    public Jdbc jdbc() {
        return jdbc;
    }

    public String jdbcUrl() {
        return database.jdbcUrl();
    }

    /** The keys that sign and chain this node's audit entries (for verification by tools and the demo). */
    public AuditKeys auditKeys() {
        return auditKeys;
    }

    private static int intakeTransactions(GatewayConfig.DatabaseConfig db) {
        return db == null || db.intakeTransactions() == null ? Intake.DEFAULT_INTAKE_TRANSACTIONS : db.intakeTransactions();
    }

    private static long checkpointIntervalMs(GatewayConfig.SecurityConfig security) {
        Long ms = security == null ? null : security.auditCheckpointIntervalMs();
        return ms == null || ms <= 0 ? 60_000 : ms;
    }

    static Database openDatabase(GatewayConfig.DatabaseConfig db, GatewayConfig.SecurityConfig security) {
        int pool = db != null && db.poolSize() != null ? db.poolSize() : 24;
        if (db != null && db.url() != null) {
            String password = Secrets.read(db.passwordEnv(), db.passwordFile());
            if (db.ownerUser() == null) {
                LOG.warn("database: only one credential is configured (no database.ownerUser): the gateway migrates"
                        + " and works as {}, so the audit trail is not protected from the gateway's own role; see"
                        + " docs/security.md", db.user());
                return Database.connect(db.url(), db.user(), password, pool);
            }
            return Database.connect(db.url(), new Database.Credentials(db.ownerUser(),
                            Secrets.read(db.ownerPasswordEnv(), db.ownerPasswordFile())),
                    new Database.Credentials(db.user(), password), pool);
        }
        Path dir = Path.of(db != null && db.dataDir() != null ? db.dataDir() : "data/postgres");
        return Database.embedded(dir, Secrets.keysDirectory(security), db != null && db.port() != null ? db.port() : 0,
                pool);
    }

    static List<Target> targets(GatewayConfig config, SecretVault vault, AdapterEnvironment env) {
        List<Target> targets = new ArrayList<>();
        for (GatewayConfig.TenantConfig t : config.tenants()) {
            for (GatewayConfig.ConnectionConfig c : Optional.ofNullable(t.connections()).orElse(List.of())) {
                int concurrency = c.maxConcurrency() == null ? 8 : c.maxConcurrency();
                Connection connection = connection(t.id(), c, vault, concurrency);
                targets.add(new Target(t.id(), c.name(), Adapters.create(connection,
                        env.forConnection(t.id(), c.name(), c.vendor())), concurrency));
            }
        }
        return targets;
    }

    /** The connection with its secrets read from environment or files, stored encrypted, and used from the vault. */
    private static Connection connection(String tenant, GatewayConfig.ConnectionConfig c, SecretVault vault,
                                         int concurrency) {
        String prefix = "connection/" + tenant + "/" + c.name() + "/";
        String secret = vaulted(vault, prefix + "client-secret", Secrets.read(c.clientSecretEnv(), c.clientSecretFile()));
        String password = vaulted(vault, prefix + "password", Secrets.read(c.passwordEnv(), c.passwordFile()));
        Set<String> types = c.eventTypes() == null
                ? Arrays.stream(EventType.values()).map(EventType::wireName).collect(Collectors.toSet())
                : Set.copyOf(c.eventTypes());
        return new Connection(c.name(), c.vendor(), c.baseUrl(), c.tokenUrl(), c.clientId(), secret, c.username(),
                password, c.practiceId(), c.settings() == null ? Map.of() : Map.copyOf(c.settings()), types,
                concurrency, Duration.ofMillis(c.readTimeoutMs() == null ? DEFAULT_READ_TIMEOUT_MS : c.readTimeoutMs()));
    }

    private static String vaulted(SecretVault vault, String name, String value) {
        if (value == null) {
            return vault.get(name).orElse(null);
        }
        vault.put(name, value);
        return vault.get(name).orElseThrow();
    }

    /** Creates the tenants and registers their configured keys; revokes, audited, the keys no longer configured. */
    private static void registerTenants(GatewayConfig config, ApiKeys keys, String node) {
        Map<String, List<ApiKeys.ConfiguredKey>> configured = ConfiguredKeys.read(config);
        for (GatewayConfig.TenantConfig t : config.tenants()) {
            keys.ensureTenant(t.id(), t.name() == null ? t.id() : t.name());
        }
        for (ApiKeys.KeyView revoked : keys.applyConfiguration(configured, "node:" + node)) {
            LOG.warn("API key {} ('{}') is no longer configured: revoked", revoked.prefix() == null
                    ? revoked.id() : revoked.prefix(), revoked.label());
        }
    }

    /** Applies the configured release controls; a setting an administrator changed since is kept, and said so. */
    private static void seedReleaseControls(GatewayConfig config, ReleaseControls controls) {
        for (GatewayConfig.TenantConfig t : config.tenants()) {
            for (ReleaseControl kept : controls.seed(t.id(), SafetySettings.releaseControls(t))) {
                LOG.warn("tenant {}: release control {}/{} was changed through the API; its configured value is"
                        + " not applied", t.id(), kept.target(), kept.eventType());
            }
        }
    }

    private static DeliveryPolicy policy(GatewayConfig.DeliveryConfig d) {
        DeliveryPolicy p = DeliveryPolicy.defaults();
        if (d == null) {
            return p;
        }
        p = new DeliveryPolicy(d.maxSends() != null ? d.maxSends() : p.maxSends(),
                d.baseDelayMs() != null ? Duration.ofMillis(d.baseDelayMs()) : p.baseDelay(),
                d.maxDelayMs() != null ? Duration.ofMillis(d.maxDelayMs()) : p.maxDelay(), p.maxChecks(),
                d.reconcileDelayMs() != null ? Duration.ofMillis(d.reconcileDelayMs()) : p.reconcileDelay(),
                d.leaseMs() != null ? Duration.ofMillis(d.leaseMs()) : p.lease(), p.pollInterval(), p.batchSize(),
                d.verify() != null ? d.verify() : p.verify(), p.pendingDeadline());
        return p;
    }

    /**
     * How long a stop waits for EHR calls under way: the longest read timeout of any connection, plus time to
     * connect and to record the answer, so a stop never cuts a send short (see {@link DeliveryEngine#close()}).
     */
    static Duration stopGrace(GatewayConfig config) {
        long longest = config.tenants().stream()
                .flatMap(t -> Optional.ofNullable(t.connections()).orElse(List.of()).stream())
                .mapToLong(c -> c.readTimeoutMs() == null ? DEFAULT_READ_TIMEOUT_MS : c.readTimeoutMs())
                .max().orElse(DEFAULT_READ_TIMEOUT_MS);
        return Duration.ofMillis(longest).plusSeconds(5);
    }

    private static String defaultNodeName() {
        return ProcessHandle.current().pid() + "@" + Optional.ofNullable(System.getenv("HOSTNAME")).orElse("local");
    }

    @Override
    public void close() {
        gauges.close();
        health.close();
        api.stop();
        engine.close();
        postWrite.close();
        settingsListener.close();
        sealer.shutdown();
        try {
            sealer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        auditAnchor.seal();
        auditAnchor.checkpoint(); // a clean stop leaves the head it reached anchored outside the database
        database.close();
        registry.close();
    }
}
