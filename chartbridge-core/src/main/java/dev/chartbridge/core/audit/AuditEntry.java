package dev.chartbridge.core.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One stored audit entry, as read back for sealing, verification or a timeline. */
public record AuditEntry(long id, String tenantId, Instant recordedAt, String actor, String action, UUID eventId,
                         UUID operationId, String detail) {

    /** The columns {@link #from} reads, for a query that aliases audit_entry as {@code e}. */
    static final String COLUMNS =
            "e.id, e.tenant_id, e.recorded_at, e.actor, e.action, e.event_id, e.operation_id, e.detail";

    static AuditEntry from(ResultSet rs) throws SQLException {
        return new AuditEntry(rs.getLong("id"), rs.getString("tenant_id"),
                rs.getObject("recorded_at", OffsetDateTime.class).toInstant(), rs.getString("actor"),
                rs.getString("action"), rs.getObject("event_id", UUID.class), rs.getObject("operation_id", UUID.class),
                rs.getString("detail"));
    }
}
