package dev.chartbridge.bench;

import dev.chartbridge.core.store.Database;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * Per-statement database cost of a benchmark phase, from {@code pg_stat_statements} (shipped with the embedded
 * PostgreSQL binaries; {@link #SERVER_SETTINGS} preloads it at the server's start, {@link #enable} creates the
 * extension). {@link #reset} before a measured phase, {@link #print} after it: the top statements by total execution
 * time with calls, mean and total per unit of work (a delivered write, an accepted event), the mean planning time
 * ({@code track_planning}: a statement planned at every call shows it here, not in its execution), the shared buffers it
 * touched and the WAL records it wrote per call (each row version, index entry and row lock is one), and the
 * statements per unit. Nested statements (the audit trigger's insert) are tracked too ({@code track = all}) and
 * marked; the totals count top-level statements only, since a nested statement's time is already inside its
 * caller's.
 */
final class StatementStats {
    /** Server settings a benchmark's embedded PostgreSQL starts with. */
    static final Map<String, String> SERVER_SETTINGS = Map.of(
            "shared_preload_libraries", "pg_stat_statements",
            "pg_stat_statements.track", "all",
            "pg_stat_statements.max", "1000",
            "pg_stat_statements.track_planning", "on");
    private static final int TOP = 12;

    private final Database.Credentials owner;
    private final String url;

    private StatementStats(String url, Database.Credentials owner) {
        this.url = url;
        this.owner = owner;
    }

    /** Creates the extension (as the owner, a superuser of the embedded server) and resets it. */
    static StatementStats enable(Node node) {
        StatementStats s = new StatementStats(node.database().jdbcUrl(), node.database().owner().orElseThrow());
        s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        s.reset();
        return s;
    }

    void reset() {
        execute("SELECT pg_stat_statements_reset()");
    }

    /**
     * Prints the phase's statements run by {@code role} (the gateway's runtime role, or the owner the baselines use;
     * the benchmark's own probes run as the owner while a gateway is measured, so they are left out): the
     * {@value #TOP} biggest by total execution time, then totals over its top-level statements, per {@code units}
     * (e.g. writes delivered in the phase) named {@code unit}.
     */
    void print(Report report, String phase, double units, String unit, String role) {
        report.line("pg_stat_statements, %s, statements of role %s (%.0f %ss):", phase, role, units, unit);
        report.line("  %9s %9s %9s %10s %9s %7s %7s %7s  %s", "calls", "per " + abbreviate(unit), "mean ms",
                "total ms", "ms/" + abbreviate(unit), "plan ms", "blocks", "WAL rec", "statement");
        String mine = " FROM pg_stat_statements WHERE userid = to_regrole(?) AND dbid = (SELECT oid FROM pg_database"
                + " WHERE datname = current_database())";
        try (Connection c = connect();
             PreparedStatement top = c.prepareStatement("SELECT calls, mean_exec_time, total_exec_time, toplevel, query,"
                     + " (shared_blks_hit + shared_blks_read)::float8 / greatest(calls, 1),"
                     + " wal_records::float8 / greatest(calls, 1), total_plan_time / greatest(calls, 1)"
                     + mine + " ORDER BY total_exec_time DESC LIMIT " + TOP);
             PreparedStatement all = c.prepareStatement("SELECT coalesce(sum(calls), 0),"
                     + " coalesce(sum(total_exec_time), 0)" + mine + " AND toplevel")) {
            top.setString(1, role);
            try (ResultSet rs = top.executeQuery()) {
                while (rs.next()) {
                    String query = rs.getString(5).replaceAll("\\s+", " ");
                    report.line("  %9d %9.2f %9.3f %10.1f %9.4f %7.3f %7.1f %7.1f  %s%s", rs.getLong(1),
                            rs.getLong(1) / units, rs.getDouble(2), rs.getDouble(3), rs.getDouble(3) / units,
                            rs.getDouble(8), rs.getDouble(6), rs.getDouble(7),
                            rs.getBoolean(4) ? "" : "[nested] ", query.length() > 160 ? query.substring(0, 160) + "..."
                                    : query);
                }
            }
            all.setString(1, role);
            try (ResultSet t = all.executeQuery()) {
                t.next();
                report.line("  all top-level statements: %.2f statements and %.4f ms of execution per %s",
                        t.getLong(1) / units, t.getDouble(2) / units, unit);
            }
        } catch (SQLException e) {
            report.line("  (pg_stat_statements could not be read: %s)", e.getMessage());
        }
    }

    private static String abbreviate(String unit) {
        return unit.length() <= 6 ? unit : unit.substring(0, 6);
    }

    private void execute(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("pg_stat_statements: " + e.getMessage(), e);
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url, owner.user(), owner.password());
    }
}
