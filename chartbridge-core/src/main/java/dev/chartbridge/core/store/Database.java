package dev.chartbridge.core.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The gateway's PostgreSQL: either an embedded server whose data directory survives restarts, or any server
 * reached by JDBC URL. Opening it applies the Flyway migrations. Thread-safe; close it once at shutdown.
 */
public final class Database implements AutoCloseable {
    /**
     * How long a request of the HTTP API waits for a database connection before it answers 503: short, so a
     * client hears "try again" within 2 s when PostgreSQL is down or saturated, instead of a 500 after 30 s.
     */
    public static final Duration API_CONNECTION_WAIT = Duration.ofMillis(1500);

    private final HikariDataSource dataSource;
    private final EmbeddedPostgres embedded;
    private HikariDataSource apiDataSource;

    private Database(HikariDataSource dataSource, EmbeddedPostgres embedded) {
        this.dataSource = dataSource;
        this.embedded = embedded;
    }

    /** Connects to a PostgreSQL server by JDBC URL and migrates it. */
    public static Database connect(String jdbcUrl, String user, String password, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        return open(config, poolSize, null);
    }

    /**
     * Starts (or restarts on the same data) an embedded PostgreSQL in {@code dataDirectory} and migrates it.
     *
     * @param port 0 for any free port
     */
    public static Database embedded(Path dataDirectory, int port, int poolSize) {
        try {
            Files.createDirectories(dataDirectory);
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPort(port == 0 ? freePort() : port)
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("fsync", "on")
                    .start();
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(pg.getJdbcUrl("postgres", "postgres"));
            return open(config, poolSize, pg);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL in " + dataDirectory, e);
        }
    }

    private static Database open(HikariConfig config, int poolSize, EmbeddedPostgres embedded) {
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("chartbridge");
        config.setAutoCommit(true);
        HikariDataSource ds = new HikariDataSource(config);
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        return new Database(ds, embedded);
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
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                throw new UncheckedIOException("could not stop the embedded PostgreSQL", e);
            }
        }
    }
}
