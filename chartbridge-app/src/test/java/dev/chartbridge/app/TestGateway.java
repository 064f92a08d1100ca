package dev.chartbridge.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A real gateway node for a test: the real {@link Gateway} on a test database, pointed at a simulator, with an
 * API key, and a small HTTP client for its API. Several may share one database (that is how nodes scale out).
 */
public final class TestGateway extends ApiClient implements AutoCloseable {
    public static final String TENANT = "acme";
    public static final String TARGET = "ehr";
    /** The tests' key: every role (app, reviewer, admin), so tests not about access need one key only. */
    public static final String KEY = "cbk_acmetest_Q3v9xK2mP7wR4tY8zB1nL6cF0hJ5dS";
    /** An administrator's key of the same tenant ({@code admin: true}: every role). */
    public static final String ADMIN_KEY = "cbk_acmeadmn_Z8r2Lq5Wv1Nt7Hy3Kc6Pb0Fx4Dj9Ms";
    /** Keys of the same tenant holding one role each: app, reviewer, admin. */
    public static final String APP_KEY = "cbk_acmeapp1_M4k8Tq1Xz6Bv3Nw9Rc2Yh7Lp5Gd0Fs";
    public static final String REVIEWER_KEY = "cbk_acmerevw_R7t1Kx9Qm3Vz5Cb8Ln2Wd6Hp0Yf4Gj";
    public static final String ADMIN_ONLY_KEY = "cbk_acmeonly_J2w6Pv0Tz8Xq4Kn1Bh5Mr9Cd3Lf7Gy";

    /**
     * The EHR connection's read timeout: an answer a test's simulator loses costs the gateway this long. In-process
     * simulators answer in milliseconds; a test that needs slower answers passes its own timeout.
     */
    public static final long READ_TIMEOUT_MS = 2_000;

    private final Gateway gateway;

    private TestGateway(Gateway gateway) {
        super(gateway.port());
        this.gateway = gateway;
    }

    /** Fast retries and reconciliation, a short lease (the read timeout is {@link #READ_TIMEOUT_MS}). */
    public static GatewayConfig.DeliveryConfig fastDelivery() {
        return new GatewayConfig.DeliveryConfig(6, 50L, 500L, 3_000L, 100L, true);
    }

    public static TestGateway start(String jdbcUrl, String ehrUrl, String node) {
        return start(jdbcUrl, ehrUrl, node, fastDelivery(), 8);
    }

    public static TestGateway start(String jdbcUrl, String ehrUrl, String node,
                                    GatewayConfig.DeliveryConfig delivery, int concurrency) {
        return new TestGateway(Gateway.start(config(jdbcUrl, ehrUrl, node, delivery, concurrency)));
    }

    /** A node whose EHR connection waits {@code readTimeoutMs} for an answer (e.g. for deliberately slow sends). */
    public static TestGateway start(String jdbcUrl, String ehrUrl, String node,
                                    GatewayConfig.DeliveryConfig delivery, int concurrency, long readTimeoutMs) {
        return new TestGateway(Gateway.start(config(jdbcUrl, ehrUrl, node, delivery, concurrency, readTimeoutMs)));
    }

    /** A node from a whole configuration (e.g. {@link #config} with webhook or read-back settings). */
    public static TestGateway start(GatewayConfig config) {
        return new TestGateway(Gateway.start(config));
    }

    /** The master key file of the test nodes on this database. */
    public static Path masterKeyFile(String jdbcUrl) {
        return Path.of(System.getProperty("java.io.tmpdir"), "master-" + Integer.toHexString(jdbcUrl.hashCode())
                + ".key");
    }

    public static GatewayConfig config(String jdbcUrl, String ehrUrl, String node,
                                       GatewayConfig.DeliveryConfig delivery, int concurrency) {
        return config(jdbcUrl, ehrUrl, node, delivery, concurrency, READ_TIMEOUT_MS);
    }

    private static GatewayConfig config(String jdbcUrl, String ehrUrl, String node,
                                        GatewayConfig.DeliveryConfig delivery, int concurrency, long readTimeoutMs) {
        try {
            Path keyFile = Files.createTempFile("chartbridge-key", ".txt");
            Files.writeString(keyFile, KEY);
            keyFile.toFile().deleteOnExit();
            Path adminKeyFile = secretFile(ADMIN_KEY);
            return new GatewayConfig(
                    new GatewayConfig.DatabaseConfig(jdbcUrl, "postgres", null, null, null, 16),
                    new GatewayConfig.HttpConfig("127.0.0.1", 0, null, null), delivery, node,
                    // Nodes sharing a database share its master key, as in production.
                    new GatewayConfig.SecurityConfig(null, masterKeyFile(jdbcUrl).toString(), null,
                            masterKeyFile(jdbcUrl).resolveSibling("checkpoints-"
                                    + Integer.toHexString(jdbcUrl.hashCode())).toString(), null),
                    List.of(new GatewayConfig.TenantConfig(TENANT, "Acme Clinics",
                                    List.of(new GatewayConfig.ApiKeyConfig("tests", null, keyFile.toString(),
                                                    null, List.of("app", "reviewer", "admin")),
                                            new GatewayConfig.ApiKeyConfig("admin", null, adminKeyFile.toString(),
                                                    true),
                                            new GatewayConfig.ApiKeyConfig("app-only", null,
                                                    secretFile(APP_KEY).toString(), null, List.of("app")),
                                            new GatewayConfig.ApiKeyConfig("reviewer-only", null,
                                                    secretFile(REVIEWER_KEY).toString(), null, List.of("reviewer")),
                                            new GatewayConfig.ApiKeyConfig("admin-only", null,
                                                    secretFile(ADMIN_ONLY_KEY).toString(), null, List.of("admin"))),
                                    List.of(GatewayConfig.ConnectionConfig.fhir(TARGET, ehrUrl, concurrency,
                                            readTimeoutMs))),
                            new GatewayConfig.TenantConfig("other", "Other Health", List.of(), List.of())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A temporary file holding {@code secret}, deleted when the JVM exits. */
    public static Path secretFile(String secret) throws IOException {
        Path file = Files.createTempFile("chartbridge-key", ".txt");
        Files.writeString(file, secret);
        file.toFile().deleteOnExit();
        return file;
    }

    /** The test tenant changed to require an active permitting consent of {@code scope} before writes. */
    public static UnaryOperator<GatewayConfig.TenantConfig> requiringConsent(String scope) {
        return t -> new GatewayConfig.TenantConfig(t.id(), t.name(), t.apiKeys(), t.connections(), scope,
                t.breakGlassRoles(), t.formularyFile(), t.users(), t.onConflict(), t.compensation());
    }

    /** A node whose test tenant is configured by {@code tenant} (e.g. safety settings, release controls). */
    public static TestGateway startWith(String jdbcUrl, String ehrUrl, String node,
                                        UnaryOperator<GatewayConfig.TenantConfig> tenant) {
        GatewayConfig c = config(jdbcUrl, ehrUrl, node, fastDelivery(), 8);
        List<GatewayConfig.TenantConfig> tenants = List.of(tenant.apply(c.tenants().get(0)), c.tenants().get(1));
        return new TestGateway(Gateway.start(new GatewayConfig(c.database(), c.http(), c.delivery(), c.node(),
                c.security(), tenants)));
    }

    /** A client of this node with the administrator's key. */
    public ApiClient admin() {
        return new ApiClient(gateway.port(), ADMIN_KEY);
    }

    public Gateway gateway() {
        return gateway;
    }

    public static byte[] bytes(ObjectNode event) {
        try {
            return Json.MAPPER.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        gateway.close();
    }
}
