package dev.chartbridge.core.search;

import dev.chartbridge.core.store.Jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per EHR connection of a tenant, what the database says about its recent work: writes planned and verified in a
 * window, every write waiting or in review now (by state), send latency and attempts by error class in the window.
 * For the console's dashboard. Thread-safe.
 */
public final class ConnectionActivity {
    /** States a write can sit in that an operator watches (waiting or needing a person). */
    private static final String[] WATCHED = {"NEEDS_REVIEW", "CONFLICT", "MODIFIED", "DEAD", "REJECTED",
            "RETRY_WAIT", "AWAITING_APPROVAL", "UNKNOWN", "PENDING_REMOTE", "DUE", "IN_FLIGHT"};

    private final Jdbc jdbc;

    public ConnectionActivity(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * One connection's figures.
     *
     * @param planned    writes planned in the window
     * @param verified   of those, how many are VERIFIED now
     * @param states     writes in a watched state now (of any age), by state
     * @param sendP50Ms  median duration of sends in the window; null without sends
     * @param sendP95Ms  95th percentile of the same
     * @param errors     attempts in the window by error class
     */
    public record Figures(String target, long planned, long verified, Map<String, Long> states, Long sendP50Ms,
                          Long sendP95Ms, long sends, Map<String, Long> errors) {
    }

    /** Figures of every connection with activity, by target name; {@code window} back from {@code now}. */
    public Map<String, Figures> of(String tenantId, Instant now, Duration window) {
        Timestamp from = Timestamp.from(now.minus(window));
        return jdbc.snapshot(c -> {
            Map<String, long[]> planned = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT target, count(*),"
                    + " count(*) FILTER (WHERE state = 'VERIFIED') FROM write_operation"
                    + " WHERE tenant_id = ? AND created_at >= ? GROUP BY target")) {
                ps.setString(1, tenantId);
                ps.setTimestamp(2, from);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        planned.put(rs.getString(1), new long[]{rs.getLong(2), rs.getLong(3)});
                    }
                }
            }
            Map<String, Map<String, Long>> states = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT target, state, count(*) FROM write_operation"
                    + " WHERE tenant_id = ? AND state = ANY (?) GROUP BY target, state ORDER BY state")) {
                ps.setString(1, tenantId);
                ps.setArray(2, c.createArrayOf("text", WATCHED));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        states.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).put(rs.getString(2),
                                rs.getLong(3));
                    }
                }
            }
            Map<String, long[]> latency = new TreeMap<>();
            Map<String, Map<String, Long>> errors = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT o.target,"
                    + " percentile_disc(0.5) WITHIN GROUP (ORDER BY a.duration_ms) FILTER (WHERE a.step = 'SEND'),"
                    + " percentile_disc(0.95) WITHIN GROUP (ORDER BY a.duration_ms) FILTER (WHERE a.step = 'SEND'),"
                    + " count(*) FILTER (WHERE a.step = 'SEND')"
                    + " FROM delivery_attempt a JOIN write_operation o ON o.id = a.operation_id"
                    + " WHERE o.tenant_id = ? AND a.started_at >= ? GROUP BY o.target")) {
                ps.setString(1, tenantId);
                ps.setTimestamp(2, from);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long p50 = rs.getLong(2);
                        long p95 = rs.getLong(3);
                        latency.put(rs.getString(1), new long[]{p50, p95, rs.getLong(4)});
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT o.target, a.error_class, count(*)"
                    + " FROM delivery_attempt a JOIN write_operation o ON o.id = a.operation_id"
                    + " WHERE o.tenant_id = ? AND a.started_at >= ? AND a.error_class IS NOT NULL"
                    + " GROUP BY o.target, a.error_class ORDER BY a.error_class")) {
                ps.setString(1, tenantId);
                ps.setTimestamp(2, from);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        errors.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).put(rs.getString(2),
                                rs.getLong(3));
                    }
                }
            }
            List<String> targets = new ArrayList<>(planned.keySet());
            for (Map<String, ?> m : List.of(states, latency, errors)) {
                m.keySet().stream().filter(t -> !targets.contains(t)).forEach(targets::add);
            }
            Map<String, Figures> out = new TreeMap<>();
            for (String t : targets) {
                long[] p = planned.getOrDefault(t, new long[2]);
                long[] l = latency.get(t);
                boolean sent = l != null && l[2] > 0;
                out.put(t, new Figures(t, p[0], p[1], states.getOrDefault(t, Map.of()), sent ? l[0] : null,
                        sent ? l[1] : null, l == null ? 0 : l[2], errors.getOrDefault(t, Map.of())));
            }
            return out;
        });
    }
}
