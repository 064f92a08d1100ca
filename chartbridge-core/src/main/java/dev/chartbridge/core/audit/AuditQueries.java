package dev.chartbridge.core.audit;

import dev.chartbridge.core.event.Identifier;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.store.Jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a tenant's audit entries by patient and time range, page by page in entry order, each with what the export
 * needs to say about it: the event's patient identifiers, author and provenance, and the operation's target record.
 * A page says whether more follow (its cursor), so an export is never cut silently. By patient, the entries are
 * found through the patient's events (index {@code clinical_event_patient_identifiers}, then
 * {@code audit_entry_event_reads}). Thread-safe.
 */
public final class AuditQueries {
    /** The most entries one page holds. */
    public static final int MAX_PAGE = 10_000;

    private final Jdbc jdbc;

    public AuditQueries(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** An audit entry with its context. Fields of the event or operation are null when the entry has none. */
    public record Row(AuditEntry entry, String eventBody, String target, String resourceType, String remoteId,
                      String remoteVersion, String state) {
    }

    /**
     * Entries in id order; {@code next} is the cursor of the following page, null when this is the last.
     */
    public record Page(List<Row> rows, Long next) {
    }

    /**
     * @param patient null for every patient
     * @param from    inclusive; null for no lower bound
     * @param to      exclusive; null for no upper bound
     * @param after   the cursor of a previous page (its {@link Page#next}), or null for the first
     * @param limit   1 to {@link #MAX_PAGE}
     */
    public Page page(String tenantId, Identifier patient, Instant from, Instant to, Long after, int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_PAGE);
        }
        return jdbc.read(c -> {
            String sql = "SELECT " + AuditEntry.COLUMNS + ", ev.body::text, o.target, o.resource_type, o.remote_id,"
                    + " o.remote_version, o.state FROM audit_entry e"
                    + (patient == null ? " LEFT JOIN clinical_event ev ON ev.id = e.event_id"
                    : " JOIN (SELECT id, body FROM clinical_event WHERE tenant_id = ?"
                    + " AND body -> 'patient' -> 'identifiers' @> ?::jsonb) ev ON ev.id = e.event_id")
                    + " LEFT JOIN write_operation o ON o.id = e.operation_id"
                    + " WHERE e.tenant_id = ? AND e.recorded_at >= ? AND e.recorded_at < ? AND e.id > ?"
                    + " ORDER BY e.id LIMIT ?";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                if (patient != null) {
                    ps.setString(i++, tenantId);
                    ps.setString(i++, "[{\"system\":" + quote(patient.system()) + ",\"value\":"
                            + quote(patient.value()) + "}]");
                }
                ps.setString(i++, tenantId);
                ps.setTimestamp(i++, Timestamp.from(from == null ? Instant.EPOCH : from));
                ps.setTimestamp(i++, Timestamp.from(to == null ? Instant.parse("9999-01-01T00:00:00Z") : to));
                ps.setLong(i++, after == null ? 0 : after);
                ps.setInt(i, limit + 1); // one more than asked: whether another page follows
                List<Row> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Row(AuditEntry.from(rs), rs.getString(9), rs.getString(10), rs.getString(11),
                                rs.getString(12), rs.getString(13), rs.getString(14)));
                    }
                }
                if (rows.size() <= limit) {
                    return new Page(rows, null);
                }
                rows.remove(limit);
                return new Page(rows, rows.get(limit - 1).entry().id());
            }
        });
    }

    private static String quote(String s) {
        return Json.MAPPER.getNodeFactory().textNode(s).toString();
    }
}
