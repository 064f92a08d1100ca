package dev.chartbridge.core.store;

import dev.chartbridge.core.testing.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue #15, item 1, on an external server set up as docs/security.md says: a login role without rights made by
 * the administrator, the gateway given owner and runtime credentials. After the owner's migration and grants the
 * runtime role works the business tables and appends to the audit trail, and no more.
 */
class ExternalDatabaseRolesTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();

    @Test
    void the_owner_migrates_and_grants_the_runtime_role_all_it_needs_and_nothing_over_the_audit_trail()
            throws Exception {
        String runtime = "rt_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        pg.execute("CREATE ROLE " + runtime + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE");
        assertThatThrownBy(() -> Database.connect(pg.url(), new Database.Credentials("postgres", null),
                new Database.Credentials(runtime, null), 1)).as("the test URL names user=postgres")
                .hasMessageContaining("remove user= from the JDBC URL");
        String url = pg.url().replaceAll("[?&]user=[^&]*", "");
        try (Database db = Database.connect(url, new Database.Credentials("postgres", null),
                new Database.Credentials(runtime, null), 2)) {
            assertThat(db.auditProtectedFromRuntimeRole()).isTrue();
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO tenant (id, name) VALUES ('ext', 'External')");
                s.execute("UPDATE tenant SET name = 'Renamed' WHERE id = 'ext'");
                s.execute("INSERT INTO audit_entry (tenant_id, actor, action, detail) VALUES ('ext', 't', 'x', '{}')");
                assertRefused(c, "UPDATE audit_entry SET actor = 'y'", "permission denied");
                assertRefused(c, "DELETE FROM audit_seal", "permission denied");
                assertRefused(c, "TRUNCATE audit_entry", "permission denied");
                assertRefused(c, "ALTER TABLE audit_entry DISABLE TRIGGER USER", "must be owner");
                assertRefused(c, "SELECT count(*) FROM flyway_schema_history", "permission denied");
            }
        }
        try (Database single = Database.connect(pg.url(), "postgres", null, 1)) {
            assertThat(single.auditProtectedFromRuntimeRole()).as("one credential: not protected").isFalse();
        }
    }

    private static void assertRefused(Connection c, String sql, String reason) {
        assertThatThrownBy(() -> {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
        }).as(sql).isInstanceOf(SQLException.class).hasMessageContaining(reason);
    }
}
