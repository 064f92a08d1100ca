package dev.chartbridge.core.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue #15, item 1: the embedded PostgreSQL lets in only who holds a password, and the gateway works as a role
 * that can add to the audit trail but not change, erase or unprotect it, nor run programs on the host. One real
 * embedded server, started as the gateway starts it (and restarted on the same data, which must still work).
 */
class EmbeddedDatabaseSecurityTest {
    @TempDir
    static Path work;

    private static Database db;
    private static String url;

    @BeforeAll
    static void start() {
        Database first = Database.embedded(work.resolve("postgres"), work.resolve("keys"), 0, 2);
        first.close();
        db = Database.embedded(work.resolve("postgres"), work.resolve("keys"), 0, 2); // a restart on the same data
        url = db.jdbcUrl();
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void a_connection_without_the_password_is_refused() {
        for (String role : new String[]{"postgres", DatabaseRoles.EMBEDDED_GATEWAY_ROLE, "nobody"}) {
            assertThatThrownBy(() -> DriverManager.getConnection(url, role, null).close()).as(role)
                    .isInstanceOf(SQLException.class).hasMessageContaining("password");
            assertThatThrownBy(() -> DriverManager.getConnection(url, role, "wrong").close()).as(role)
                    .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
        }
    }

    @Test
    void the_server_trusts_nobody_and_listens_on_loopback_only() throws Exception {
        String hba = Files.readString(work.resolve("postgres/pg_hba.conf"));
        assertThat(hba.lines().filter(l -> !l.startsWith("#") && !l.isBlank()))
                .allSatisfy(l -> assertThat(l).endsWith("scram-sha-256"));
        assertThat(query(db.dataSource().getConnection(), "SHOW listen_addresses")).isEqualTo("localhost");
        assertThat(query(db.dataSource().getConnection(), "SHOW password_encryption")).isEqualTo("scram-sha-256");
    }

    @Test
    void the_passwords_are_kept_beside_the_master_key_readable_by_their_owner_only() throws Exception {
        for (String file : new String[]{EmbeddedServer.OWNER_PASSWORD_FILE, EmbeddedServer.GATEWAY_PASSWORD_FILE}) {
            Path p = work.resolve("keys").resolve(file);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).as(file).isEqualTo("rw-------");
            assertThat(Files.readString(p)).hasSizeGreaterThanOrEqualTo(32);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(work.resolve("keys"))))
                .isEqualTo("rwx------");
        assertThat(Files.list(work.resolve("postgres")).map(p -> p.getFileName().toString()))
                .noneMatch(name -> name.endsWith(".password"));
    }

    @Test
    void the_gateway_works_as_a_role_that_is_not_superuser_and_cannot_run_programs() throws Exception {
        assertThat(db.user()).isEqualTo(DatabaseRoles.EMBEDDED_GATEWAY_ROLE);
        assertThat(query(db.dataSource().getConnection(), "SELECT rolsuper::text FROM pg_roles"
                + " WHERE rolname = current_user")).isEqualTo("false");
        assertRefused("COPY (SELECT 1) TO PROGRAM 'true'", "pg_execute_server_program");
        assertRefused("SELECT pg_read_file('postgresql.conf')", "permission denied");
        assertRefused("CREATE TABLE stash (x int)", "permission denied");
    }

    @Test
    void the_gateway_can_append_to_the_audit_trail_but_not_change_erase_or_unprotect_it() throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO audit_entry (tenant_id, actor, action, detail) VALUES ('acme', 'test', 'x', '{}')");
            s.execute("INSERT INTO audit_seal (tenant_id, seq, entry_id, prev_hash, hash)"
                    + " SELECT 'acme', 1, max(id), 'p', 'h' FROM audit_entry");
            s.execute("DELETE FROM audit_pending"); // the sealer's own bookkeeping
        }
        for (String table : new String[]{"audit_entry", "audit_seal"}) {
            assertRefused("UPDATE " + table + " SET tenant_id = 'beta'", "permission denied");
            assertRefused("DELETE FROM " + table, "permission denied");
            assertRefused("TRUNCATE " + table, "permission denied");
            assertRefused("ALTER TABLE " + table + " DISABLE TRIGGER USER", "must be owner");
            assertRefused("DROP TABLE " + table, "must be owner");
        }
        assertRefused("UPDATE audit_chain_epoch SET keyed_from = 1000000", "permission denied");
        assertRefused("SET session_replication_role = replica", "permission denied");
        assertThat(query(db.dataSource().getConnection(), "SELECT count(*)::text FROM audit_entry")).isEqualTo("1");
    }

    @Test
    void the_owner_password_lets_the_owner_in() throws Exception {
        String password = Files.readString(work.resolve("keys").resolve(EmbeddedServer.OWNER_PASSWORD_FILE)).trim();
        assertThat(query(DriverManager.getConnection(url, "postgres", password), "SELECT current_user"))
                .isEqualTo("postgres");
    }

    @Test
    void a_data_directory_made_trusting_by_an_older_version_asks_for_passwords_after_its_next_start(
            @TempDir Path old) throws Exception {
        // As versions before issue #15 started it: zonky's initdb -A trust, the superuser without a password.
        EmbeddedPostgres.builder().setDataDirectory(old.resolve("postgres")).setCleanDataDirectory(false).start()
                .close();
        assertThat(EmbeddedServer.trusts(old.resolve("postgres/pg_hba.conf"))).isTrue();

        try (Database upgraded = Database.embedded(old.resolve("postgres"), old.resolve("keys"), 0, 1)) {
            assertThat(EmbeddedServer.trusts(old.resolve("postgres/pg_hba.conf"))).isFalse();
            assertThatThrownBy(() -> DriverManager.getConnection(upgraded.jdbcUrl(), "postgres", null).close())
                    .isInstanceOf(SQLException.class).hasMessageContaining("password");
            assertThat(query(upgraded.dataSource().getConnection(), "SELECT current_user"))
                    .isEqualTo(DatabaseRoles.EMBEDDED_GATEWAY_ROLE);
        }
    }

    private static void assertRefused(String sql, String reason) {
        assertThatThrownBy(() -> {
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute(sql);
            }
        }).as(sql).isInstanceOf(SQLException.class).hasMessageContaining(reason);
    }

    private static String query(Connection connection, String sql) throws SQLException {
        try (Connection c = connection; Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
