package dev.chartbridge.bench;

import dev.chartbridge.core.store.Jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.Map;

/** Queries on write operations that benchmarks use to follow delivery. */
final class Delivered {
    static final String TERMINAL = "('VERIFIED','CREATED_UNVERIFIED','MODIFIED','CONFLICT','REJECTED','DEAD',"
            + "'NEEDS_REVIEW','DISCARDED')";

    private Delivered() {
    }

    static long terminal(Jdbc jdbc) {
        return single(jdbc, "SELECT count(*) FROM write_operation WHERE state IN " + TERMINAL);
    }

    static long single(Jdbc jdbc, String sql) {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** Waits until {@code expected} operations are terminal; returns System.nanoTime() then, or -1 on timeout. */
    static long awaitTerminal(Jdbc jdbc, long expected, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (terminal(jdbc) >= expected) {
                return System.nanoTime();
            }
            Thread.sleep(20);
        }
        return -1;
    }

    /**
     * Prints how many distinct patient lines (tenant, target and patient: one write at a time each, in acceptance
     * order) the write operations fall into, and the longest line, against the patients the events were spread
     * over; records the figure.
     */
    static void patientLines(Report report, Jdbc jdbc) {
        // The gateway's tenant only: intake's floor baseline writes rows of another tenant (RawWrites).
        String ops = "write_operation WHERE tenant_id = '" + Node.TENANT + "'";
        long lines = single(jdbc, "SELECT count(DISTINCT order_key) FROM " + ops);
        long longest = single(jdbc, "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM " + ops
                + " GROUP BY order_key) x");
        report.line("patients: %d distinct in %d write operations, at most %d writes for one patient (events spread"
                        + " round-robin over %d patients); one patient's writes to a target go one at a time, in"
                        + " acceptance order", lines, single(jdbc, "SELECT count(*) FROM " + ops), longest,
                Bodies.patients());
        report.figure("distinct patients (patient lines)", lines);
    }

    static Map<String, Long> byState(Jdbc jdbc) {
        return jdbc.read(c -> {
            Map<String, Long> m = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT state, count(*) FROM write_operation GROUP BY state ORDER BY state");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    m.put(rs.getString(1), rs.getLong(2));
                }
            }
            return m;
        });
    }

    /** Percentiles (ms) of accept-to-final-state time of operations created at or after {@code since}. */
    static String acceptToFinal(Jdbc jdbc, java.sql.Timestamp since) {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY d),"
                    + " percentile_cont(0.99) WITHIN GROUP (ORDER BY d), max(d) FROM (SELECT extract(epoch FROM"
                    + " updated_at - created_at) * 1000 AS d FROM write_operation WHERE created_at >= ?) x")) {
                ps.setTimestamp(1, since);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return String.format(java.util.Locale.ROOT, "p50 %.0f ms, p99 %.0f ms, max %.0f ms",
                            rs.getDouble(1), rs.getDouble(2), rs.getDouble(3));
                }
            }
        });
    }

    static java.sql.Timestamp dbNow(Jdbc jdbc) {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT now()"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getTimestamp(1);
            }
        });
    }
}
