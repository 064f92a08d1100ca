package dev.chartbridge.core.testing;

import dev.chartbridge.core.store.Database;
import dev.chartbridge.core.store.Jdbc;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.Statement;
import java.util.UUID;

/**
 * A real PostgreSQL for a test class: one embedded server per test JVM (started on first use), and a fresh,
 * migrated database per test class. Register with {@code @RegisterExtension static PostgresExtension pg = ...}.
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback {
    private static EmbeddedPostgres server;

    private Database database;
    private String url;

    private static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder().setServerConfig("max_connections", "400")
                        .setServerConfig("fsync", "off").setServerConfig("synchronous_commit", "off").start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        server.close();
                    } catch (IOException ignored) {
                        // the JVM is exiting anyway
                    }
                }));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return server;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        String name = "t_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = server().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        url = server().getJdbcUrl("postgres", name);
        database = Database.connect(url, "postgres", null, 32);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (database != null) {
            database.close();
        }
    }

    public Database database() {
        return database;
    }

    public Jdbc jdbc() {
        return new Jdbc(database.dataSource());
    }

    /** The JDBC URL of this class's database, for a second gateway node sharing it. */
    public String url() {
        return url;
    }

    /** Runs SQL as the superuser, e.g. to count rows or to tamper with them in a test. */
    public long count(String sql) {
        return jdbc().read(c -> {
            try (var ps = c.prepareStatement(sql); var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** The first column of the first row of a query, as text (null when SQL NULL). */
    public String text(String sql) {
        return jdbc().read(c -> {
            try (var ps = c.prepareStatement(sql); var rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        });
    }

    /** The plan PostgreSQL ran {@code sql} with, rows and buffers as measured ({@code EXPLAIN (ANALYZE, BUFFERS)}). */
    public String plan(String sql) {
        return jdbc().read(c -> {
            StringBuilder out = new StringBuilder();
            try (var s = c.createStatement();
                 var rs = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) " + sql)) {
                while (rs.next()) {
                    out.append(rs.getString(1)).append('\n');
                }
            }
            return out.toString();
        });
    }

    public void execute(String sql) {
        jdbc().read(c -> {
            try (var s = c.createStatement()) {
                return s.execute(sql);
            }
        });
    }
}
