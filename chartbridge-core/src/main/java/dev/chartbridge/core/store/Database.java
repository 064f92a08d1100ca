package dev.chartbridge.core.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The gateway's PostgreSQL: either an embedded server whose data directory survives restarts, or any server
 * reached by JDBC URL. Opening it applies the Flyway migrations as the owner role and then works as the runtime
 * role, which may only read and insert into the audit trail ({@link DatabaseRoles}). The embedded server asks
 * every connection for a password ({@link EmbeddedServer}). Thread-safe; close it once at shutdown.
 */
public final class Database implements AutoCloseable {
    /**
     * How long a request of the HTTP API waits for a database connection before it answers 503: short, so a
     * client hears "try again" within 2 s when PostgreSQL is down or saturated, instead of a 500 after 30 s.
     */
    public static final Duration API_CONNECTION_WAIT = Duration.ofMillis(1500);

    private final HikariDataSource dataSource;
    private final EmbeddedPostgres embedded;
    private final Credentials owner;
    private HikariDataSource apiDataSource;

    /** How long the JVM's exit waits for the owner of an embedded server to close it before stopping it anyway. */
    private static final long EXIT_WAIT_SECONDS = 60;

    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicBoolean serverStopped = new AtomicBoolean();

    private Database(HikariDataSource dataSource, EmbeddedPostgres embedded, Credentials owner) {
        this.dataSource = dataSource;
        this.embedded = embedded;
        this.owner = owner;
    }

    /**
     * Whether the gateway works as a role apart from the owner of the tables, so that it cannot change or erase
     * the audit trail (false with a single credential).
     */
    public boolean auditProtectedFromRuntimeRole() {
        return owner != null;
    }

    /** The owner's credentials, for tools that must act as the owner (e.g. a benchmark's raw tables); else empty. */
    public java.util.Optional<Credentials> owner() {
        return java.util.Optional.ofNullable(owner);
    }

    /** The runtime role's name. */
    public String user() {
        return dataSource.getUsername();
    }

    /** A database role and its password. */
    public record Credentials(String user, String password) {
        @Override
        public String toString() {
            return "Credentials[" + user + "]"; // never the password
        }
    }

    /**
     * Connects to a PostgreSQL server by JDBC URL with one role that both migrates and works: as before the two
     * roles existed. The audit trail is then protected from that role only if it neither owns the tables nor is a
     * superuser, which a single role that migrates cannot be.
     */
    public static Database connect(String jdbcUrl, String user, String password, int poolSize) {
        return open(jdbcUrl, null, new Credentials(user, password), poolSize, null);
    }

    /**
     * Connects to a PostgreSQL server by JDBC URL: migrates as {@code owner}, grants {@code runtime} its rights
     * ({@link DatabaseRoles}), and works as {@code runtime}.
     */
    public static Database connect(String jdbcUrl, Credentials owner, Credentials runtime, int poolSize) {
        return open(jdbcUrl, owner, runtime, poolSize, null);
    }

    /**
     * Starts (or restarts on the same data) an embedded PostgreSQL in {@code dataDirectory}, its passwords in
     * {@code keysDirectory} (created when absent), migrates it as the owner and works as the runtime role
     * {@link DatabaseRoles#EMBEDDED_GATEWAY_ROLE}.
     *
     * @param port 0 for any free port
     */
    public static Database embedded(Path dataDirectory, Path keysDirectory, int port, int poolSize) {
        return embedded(dataDirectory, keysDirectory, port, poolSize, java.util.Map.of());
    }

    /**
     * As {@link #embedded(Path, Path, int, int)}, with extra server settings passed to {@code postgres -c} (for
     * benchmarks: {@code shared_preload_libraries=pg_stat_statements}, which only a server start can set). The
     * product's nodes use none.
     */
    public static Database embedded(Path dataDirectory, Path keysDirectory, int port, int poolSize,
                                    java.util.Map<String, String> serverSettings) {
        try {
            EmbeddedServer.Started pg = EmbeddedServer.start(dataDirectory, keysDirectory,
                    port == 0 ? freePort() : port, serverSettings);
            String url = EmbeddedServer.url(pg.server());
            try {
                return open(url, new Credentials(EmbeddedServer.OWNER, pg.ownerPassword()),
                        new Credentials(DatabaseRoles.EMBEDDED_GATEWAY_ROLE, pg.gatewayPassword()), poolSize,
                        pg.server());
            } catch (RuntimeException e) {
                pg.server().close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL in " + dataDirectory, e);
        }
    }

    private static Database open(String url, Credentials owner, Credentials runtime, int poolSize,
                                 EmbeddedPostgres embedded) {
        Credentials migrator = owner != null ? owner : runtime;
        Flyway.configure().dataSource(url, migrator.user(), migrator.password()).locations("classpath:db/migration")
                .load().migrate();
        if (owner != null) {
            try (Connection c = DriverManager.getConnection(url, owner.user(), owner.password())) {
                DatabaseRoles.grantRuntime(c, runtime.user());
            } catch (SQLException e) {
                throw new StoreException(e);
            }
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(runtime.user());
        config.setPassword(runtime.password());
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("chartbridge");
        config.setAutoCommit(true);
        HikariDataSource pool = new HikariDataSource(config);
        if (owner != null) {
            requireRole(pool, runtime.user());
        }
        Database db = new Database(pool, embedded, owner);
        if (embedded != null) {
            // A graceful stop closes the gateway (its last audit seal and checkpoint) and then this database; the
            // server is stopped at exit only if nobody closed it, so it never dies under the node's last writes.
            Runtime.getRuntime().addShutdownHook(new Thread(db::stopServerAtExit, "embedded-postgres-exit"));
        }
        return db;
    }

    /**
     * The pool must log in as the runtime role: a {@code user=} in the JDBC URL would override it silently (the
     * driver lets the URL win), and the gateway would work as another role, perhaps the owner.
     */
    private static void requireRole(HikariDataSource pool, String role) {
        try (Connection c = pool.getConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT current_user")) {
            rs.next();
            if (!role.equals(rs.getString(1))) {
                pool.close();
                throw new dev.chartbridge.core.ChartBridgeException("the database pool logged in as " + rs.getString(1)
                        + ", not the runtime role " + role + ": remove user= from the JDBC URL");
            }
        } catch (SQLException e) {
            pool.close();
            throw new StoreException(e);
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The pool of the delivery engine and tools: a caller waits for a connection as long as Hikari's default. */
    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * The pool of the HTTP API, created on first use: same server and size, but a connection is awaited only
     * {@link #API_CONNECTION_WAIT} (then {@link java.sql.SQLTransientConnectionException}), so the API fails fast
     * while the engine, on its own pool, waits patiently. Connections are re-made when the server is back.
     */
    public synchronized DataSource apiDataSource() {
        if (apiDataSource == null) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(dataSource.getJdbcUrl());
            config.setUsername(dataSource.getUsername());
            config.setPassword(dataSource.getPassword());
            config.setMaximumPoolSize(dataSource.getMaximumPoolSize());
            config.setMinimumIdle(Math.min(4, dataSource.getMaximumPoolSize()));
            config.setConnectionTimeout(API_CONNECTION_WAIT.toMillis());
            config.setValidationTimeout(API_CONNECTION_WAIT.toMillis() / 2);
            config.setPoolName("chartbridge-api");
            config.setAutoCommit(true);
            apiDataSource = new HikariDataSource(config);
        }
        return apiDataSource;
    }

    /**
     * A new connection as the runtime role, outside both pools, for a caller that holds it for as long as it runs
     * (the LISTENing connection of {@code TenantSettingsListener}); the caller closes it.
     */
    public Connection dedicatedConnection() throws SQLException {
        return DriverManager.getConnection(dataSource.getJdbcUrl(), dataSource.getUsername(),
                dataSource.getPassword());
    }

    /** The JDBC URL, for tools and for a second gateway node sharing this database. */
    public String jdbcUrl() {
        return dataSource.getJdbcUrl();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (apiDataSource != null) {
                apiDataSource.close();
            }
        }
        dataSource.close();
        try {
            stopServer();
        } finally {
            closed.countDown();
        }
    }

    private void stopServer() {
        if (embedded != null && serverStopped.compareAndSet(false, true)) {
            try {
                embedded.close();
            } catch (IOException e) {
                throw new UncheckedIOException("could not stop the embedded PostgreSQL", e);
            }
        }
    }

    private void stopServerAtExit() {
        try {
            closed.await(EXIT_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopServer();
    }
}
