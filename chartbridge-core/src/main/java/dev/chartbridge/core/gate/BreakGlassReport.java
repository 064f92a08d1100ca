package dev.chartbridge.core.gate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.store.Jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The break-glass report: a tenant's gate overrides ({@code gate.overridden} audit entries) in a time range,
 * newest first, with counts per gate. Read from the audit trail itself, so the report and the chain cannot
 * disagree. Thread-safe.
 */
public final class BreakGlassReport {
    private final Jdbc jdbc;

    public BreakGlassReport(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** One override as audited. */
    public record Override(long auditId, Instant at, UUID eventId, String gate, String reason, String npi,
                           String role, String wouldHaveRefused, String via) {
    }

    /** The overrides listed (at most the limit) and the count per gate over the whole range. */
    public record Report(Map<String, Long> counts, List<Override> items) {
    }

    /** @param from inclusive, or null; @param to exclusive, or null */
    public Report find(String tenantId, Instant from, Instant to, int limit) {
        return jdbc.snapshot(c -> {
            String range = " FROM audit_entry WHERE tenant_id = ? AND action = 'gate.overridden'"
                    + " AND recorded_at >= coalesce(?, '-infinity'::timestamptz)"
                    + " AND recorded_at < coalesce(?, 'infinity'::timestamptz)";
            Map<String, Long> counts = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT detail::jsonb->>'gate', count(*)" + range
                    + " GROUP BY 1")) {
                bind(ps, tenantId, from, to);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        counts.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
            List<Override> items = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, recorded_at, event_id, detail" + range
                    + " ORDER BY recorded_at DESC, id DESC LIMIT ?")) {
                bind(ps, tenantId, from, to);
                ps.setInt(4, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        JsonNode d = read(rs.getString(4));
                        items.add(new Override(rs.getLong(1), rs.getObject(2, OffsetDateTime.class).toInstant(),
                                rs.getObject(3, UUID.class), d.path("gate").asText(), d.path("reason").asText(),
                                d.path("npi").asText(), d.path("role").asText(), d.path("wouldHaveRefused").asText(),
                                d.path("via").asText()));
                    }
                }
            }
            return new Report(counts, items);
        });
    }

    private static void bind(PreparedStatement ps, String tenantId, Instant from, Instant to)
            throws java.sql.SQLException {
        ps.setString(1, tenantId);
        ps.setTimestamp(2, from == null ? null : Timestamp.from(from));
        ps.setTimestamp(3, to == null ? null : Timestamp.from(to));
    }

    private static JsonNode read(String detail) {
        try {
            return Json.MAPPER.readTree(detail);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
