package dev.chartbridge.core.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/**
 * The two roles of the gateway's database. The owner runs the migrations and owns every table; the gateway's
 * runtime role may read and change the business tables but only read and insert into the audit trail
 * ({@code audit_entry}, {@code audit_seal}): no UPDATE, DELETE or TRUNCATE, and, not owning them, it cannot
 * disable their append-only triggers. Applied by the owner after every migration, so tables added later are
 * covered. Stateless and thread-safe.
 */
public final class DatabaseRoles {
    /** The runtime role the embedded server creates for the gateway. */
    public static final String EMBEDDED_GATEWAY_ROLE = "chartbridge_gateway";

    /** Tables the runtime role may only read and insert into. */
    static final String APPEND_ONLY_TABLES = "audit_entry, audit_seal";

    private static final Pattern ROLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private DatabaseRoles() {
    }

    /**
     * Grants the runtime role what the gateway needs on the owner's current schema, and revokes what the audit
     * trail must not allow. Idempotent.
     */
    static void grantRuntime(Connection owner, String runtimeRole) throws SQLException {
        String role = identifier(runtimeRole);
        try (Statement s = owner.createStatement()) {
            String schema = quoted(currentSchema(owner));
            s.execute("GRANT USAGE ON SCHEMA " + schema + " TO " + role);
            s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA " + schema + " TO " + role);
            s.execute("REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON " + APPEND_ONLY_TABLES + " FROM " + role);
            s.execute("REVOKE INSERT, UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON audit_chain_epoch FROM " + role);
            s.execute("REVOKE ALL ON flyway_schema_history FROM " + role);
            s.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA " + schema + " TO " + role);
        }
    }

    /**
     * Creates the embedded server's runtime role when absent, or sets its password: a login without superuser,
     * role creation, database creation, replication or row-security bypass.
     */
    static void ensureRuntimeRole(Connection owner, String runtimeRole, String password) throws SQLException {
        String role = identifier(runtimeRole);
        boolean exists;
        try (PreparedStatement ps = owner.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, runtimeRole);
            try (ResultSet rs = ps.executeQuery()) {
                exists = rs.next();
            }
        }
        try (Statement s = owner.createStatement()) {
            s.execute((exists ? "ALTER ROLE " : "CREATE ROLE ") + role + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"
                    + " NOREPLICATION NOBYPASSRLS PASSWORD " + literal(password));
        }
    }

    /** Sets a role's password (the owner's own, when an old embedded server is moved off {@code trust}). */
    static void setPassword(Connection owner, String role, String password) throws SQLException {
        try (Statement s = owner.createStatement()) {
            s.execute("ALTER ROLE " + identifier(role) + " PASSWORD " + literal(password));
        }
    }

    /** Whether the role is a superuser (a single-credential setup whose audit trail is not protected). */
    static boolean isSuperuser(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private static String currentSchema(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_schema()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String identifier(String role) {
        if (role == null || !ROLE.matcher(role).matches()) {
            throw new IllegalArgumentException("a database role name must be letters, digits and _ (got '" + role
                    + "')");
        }
        return quoted(role);
    }

    private static String quoted(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
