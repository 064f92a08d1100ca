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

/**
 * The gateway's PostgreSQL: either an embedded server whose data directory survives restarts, or any server
 * reached by JDBC URL. Opening it applies the Flyway migrations. Thread-safe; close it once at shutdown.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final EmbeddedPostgres embedded;

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

    public DataSource dataSource() {
        return dataSource;
    }

    /** The JDBC URL, for tools and for a second gateway node sharing this database. */
    public String jdbcUrl() {
        return dataSource.getJdbcUrl();
    }

    @Override
    public void close() {
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
