package dev.chartbridge.core.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #17: the benchmarks start the embedded server with extra settings, and rely on the zonky binaries shipping
 * {@code pg_stat_statements}: preloaded at start, the extension can be created and counts statements.
 */
class EmbeddedServerSettingsTest {
    @TempDir
    Path work;

    @Test
    void extra_server_settings_preload_pg_stat_statements() throws Exception {
        try (Database db = Database.embedded(work.resolve("postgres"), work.resolve("keys"), 0, 1,
                Map.of("shared_preload_libraries", "pg_stat_statements"))) {
            Database.Credentials owner = db.owner().orElseThrow();
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), owner.user(), owner.password());
                 Statement s = c.createStatement()) {
                s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
                s.execute("SELECT pg_stat_statements_reset()");
                s.execute("SELECT count(*) FROM tenant");
                try (ResultSet rs = s.executeQuery("SELECT calls FROM pg_stat_statements"
                        + " WHERE query LIKE 'SELECT count(*) FROM tenant%'")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).isEqualTo(1);
                }
            }
        }
    }
}
