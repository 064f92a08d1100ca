package dev.chartbridge.core.audit;

import dev.chartbridge.core.event.Identifier;
import dev.chartbridge.core.store.Jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a tenant's audit entries by patient and time range, each with what the export needs to say about it:
 * the event's patient identifiers, author and provenance, and the operation's target record. Thread-safe.
 */
public final class AuditQueries {
    private final Jdbc jdbc;

    public AuditQueries(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** An audit entry with its context. Fields of the event or operation are null when the entry has none. */
    public record Row(AuditEntry entry, String eventBody, String target, String resourceType, String remoteId,
                      String remoteVersion, String state) {
    }

    /**
     * @param patient null for every patient
     * @param from    inclusive; null for no lower bound
     * @param to      exclusive; null for no upper bound
     */
    public List<Row> find(String tenantId, Identifier patient, Instant from, Instant to, int limit) {
        return jdbc.read(c -> {
            String sql = "SELECT " + AuditEntry.COLUMNS + ", ev.body::text, o.target, o.resource_type, o.remote_id,"
                    + " o.remote_version, o.state FROM audit_entry e"
                    + " LEFT JOIN clinical_event ev ON ev.id = e.event_id"
                    + " LEFT JOIN write_operation o ON o.id = e.operation_id"
                    + " WHERE e.tenant_id = ? AND e.recorded_at >= ? AND e.recorded_at < ?"
                    + (patient == null ? "" : " AND ev.body->'patient'->'identifiers' @> ?::jsonb")
                    + " ORDER BY e.id LIMIT ?";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                ps.setString(i++, tenantId);
                ps.setTimestamp(i++, Timestamp.from(from == null ? Instant.EPOCH : from));
                ps.setTimestamp(i++, Timestamp.from(to == null ? Instant.parse("9999-01-01T00:00:00Z") : to));
                if (patient != null) {
                    ps.setString(i++, "[{\"system\":" + quote(patient.system()) + ",\"value\":"
                            + quote(patient.value()) + "}]");
                }
                ps.setInt(i, limit);
                List<Row> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Row(AuditEntry.from(rs), rs.getString(9), rs.getString(10), rs.getString(11),
                                rs.getString(12), rs.getString(13), rs.getString(14)));
                    }
                }
                return rows;
            }
        });
    }

    private static String quote(String s) {
        return dev.chartbridge.core.intake.Json.MAPPER.getNodeFactory().textNode(s).toString();
    }

}
